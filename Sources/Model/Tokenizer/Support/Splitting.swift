/// A segmentation of a piece into consecutive ranges, each flagged as a match of the split
/// pattern or not; the ranges cover the whole piece.
typealias Segments = [(range: Range<Int>, isMatch: Bool)]

enum Splitting {
    /// Segments where every scalar satisfying `predicate` is its own match.
    static func segments(_ s: [Unicode.Scalar], matching predicate: (Unicode.Scalar) -> Bool) -> Segments {
        var out: Segments = []
        var last = 0
        for i in s.indices where predicate(s[i]) {
            if last < i { out.append((last..<i, false)) }
            out.append((i..<i + 1, true))
            last = i + 1
        }
        if last < s.count { out.append((last..<s.count, false)) }
        return out
    }

    /// Segments for the non-overlapping, left-to-right occurrences of `pattern`.
    static func segments(_ s: [Unicode.Scalar], occurrencesOf pattern: [Unicode.Scalar]) -> Segments {
        guard !pattern.isEmpty, pattern.count <= s.count else { return s.isEmpty ? [] : [(0..<s.count, false)] }
        var out: Segments = []
        var last = 0
        var i = 0
        while i + pattern.count <= s.count {
            if s[i] == pattern[0], s[i..<i + pattern.count].elementsEqual(pattern) {
                if last < i { out.append((last..<i, false)) }
                out.append((i..<i + pattern.count, true))
                i += pattern.count
                last = i
            } else {
                i += 1
            }
        }
        if last < s.count { out.append((last..<s.count, false)) }
        return out
    }

    /// Applies a delimiter behavior to segments, giving the ranges of the resulting pieces.
    static func apply(_ behavior: SplitBehavior, to segments: Segments) -> [Range<Int>] {
        switch behavior {
        case .isolated:
            return segments.map(\.range)
        case .removed:
            return segments.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var acc: [Range<Int>] = []
            var previous = false
            for seg in segments {
                if seg.isMatch == previous, let last = acc.last {
                    acc[acc.count - 1] = last.lowerBound..<seg.range.upperBound
                } else {
                    acc.append(seg.range)
                }
                previous = seg.isMatch
            }
            return acc
        case .mergedWithPrevious:
            var acc: [Range<Int>] = []
            var previous = false
            for seg in segments {
                if seg.isMatch, !previous, let last = acc.last {
                    acc[acc.count - 1] = last.lowerBound..<seg.range.upperBound
                } else {
                    acc.append(seg.range)
                }
                previous = seg.isMatch
            }
            return acc
        case .mergedWithNext:
            var acc: [Range<Int>] = []
            var previous = false
            for seg in segments.reversed() {
                if seg.isMatch, !previous, let last = acc.last {
                    acc[acc.count - 1] = seg.range.lowerBound..<last.upperBound
                } else {
                    acc.append(seg.range)
                }
                previous = seg.isMatch
            }
            return acc.reversed()
        }
    }

    /// Replaces every piece that is not an added token by the pieces `split` makes of it,
    /// dropping empty results (as `PreTokenizedString::split` does).
    static func split(_ pieces: inout [Piece], _ split: (Piece) -> [Piece]) {
        var out: [Piece] = []
        out.reserveCapacity(pieces.count)
        for piece in pieces {
            if piece.addedTokenId != nil { out.append(piece); continue }
            for sub in split(piece) where !sub.scalars.isEmpty { out.append(sub) }
        }
        pieces = out
    }

    /// Cuts `piece` at `ranges` (sub-ranges of its scalars).
    static func cut(_ piece: Piece, _ ranges: [Range<Int>]) -> [Piece] {
        ranges.map { Piece(Array(piece.scalars[$0]), startsAtOrigin: piece.startsAtOrigin && $0.lowerBound == 0) }
    }
}
