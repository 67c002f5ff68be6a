/// SentencePiece-style spaces: ' ' becomes '▁' (or another replacement), a '▁' is prepended
/// per the prepend scheme, and the text is cut before each '▁'. The same settings drive the
/// Metaspace decoder.
struct Metaspace: Sendable {
    enum PrependScheme: Sendable { case always, first, never }

    var replacement: Unicode.Scalar
    var prependScheme: PrependScheme
    var split: Bool

    func split(_ piece: Piece) -> [Piece] {
        var p = piece
        for k in p.scalars.indices where p.scalars[k] == " " { p.scalars[k] = replacement }
        switch prependScheme {
        case .always:
            if p.scalars.first != replacement { p.scalars.insert(replacement, at: 0) }
        case .first:
            if p.scalars.first != replacement, p.startsAtOrigin { p.scalars.insert(replacement, at: 0) }
        case .never:
            break
        }
        guard split else { return [p] }
        let segs = Splitting.segments(p.scalars, matching: { $0 == replacement })
        return Splitting.cut(p, Splitting.apply(.mergedWithNext, to: segs))
    }

    /// Metaspace decoding of one token (`index` is its position in the decoded sequence).
    func decode(_ token: String, index: Int) -> String {
        var out = String.UnicodeScalarView()
        for c in token.unicodeScalars {
            if c == replacement {
                if index == 0 && prependScheme != .never { continue }
                out.append(" ")
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> Metaspace {
        let replacement = try node.required("replacement").scalar()
        var scheme = PrependScheme.always
        if let s = try node.optional("prepend_scheme") {
            switch try s.string() {
            case "always": scheme = .always
            case "first": scheme = .first
            case "never": scheme = .never
            case let other: throw s.unsupported("prepend_scheme '\(other)'")
            }
        }
        if let add = try node.optional("add_prefix_space"), try add.bool() == false {
            if try node.optional("prepend_scheme") != nil, scheme != .never {
                throw add.invalid("add_prefix_space does not match declared prepend_scheme")
            }
            scheme = .never
        }
        return Metaspace(replacement: replacement, prependScheme: scheme, split: try node.bool("split", default: true))
    }
}
