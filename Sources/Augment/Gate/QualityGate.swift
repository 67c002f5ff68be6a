import Foundation

/// The quality gate every paraphrase and generated query passes: rejects empty or absurdly long
/// text, near-duplicates (of the source and of earlier candidates), meaning drift (embedding
/// similarity to the source below the embedder's threshold), class names leaked into reasoning
/// queries, and lost `[SEG]`/`<image>` structure. Accepted candidates carry their similarity score.
public struct QualityGate: Sendable {
    public let embedder: any SentenceEmbedder
    public var maxCharacters: Int
    /// A candidate longer than this many times the source (in words) is absurd.
    public var maxLengthRatio: Double
    public var driftThreshold: Float
    public var duplicateThreshold: Float

    public init(embedder: any SentenceEmbedder, maxCharacters: Int = 600, maxLengthRatio: Double = 4,
                driftThreshold: Float? = nil, duplicateThreshold: Float? = nil) {
        self.embedder = embedder
        self.maxCharacters = maxCharacters
        self.maxLengthRatio = maxLengthRatio
        self.driftThreshold = driftThreshold ?? embedder.driftThreshold
        self.duplicateThreshold = duplicateThreshold ?? embedder.duplicateThreshold
    }

    /// Judges the rewrites of one source, in order (a candidate duplicating an earlier accepted
    /// one is rejected).
    public func judge(source: GateSource, candidates: [String], previouslyAccepted: [String] = []) throws -> [GateVerdict] {
        try judge([(source, candidates, previouslyAccepted)])[0]
    }

    /// Judges the rewrites of many sources with one embedding pass (a sentence encoder is far
    /// faster on one large batch than on many small ones).
    public func judge(_ items: [(source: GateSource, candidates: [String], previouslyAccepted: [String])]) throws -> [[GateVerdict]] {
        var texts: [String] = []
        var offsets: [Int] = []
        let trimmedItems = items.map { item in item.candidates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        for (item, trimmed) in zip(items, trimmedItems) {
            offsets.append(texts.count)
            texts.append(item.source.text)
            texts += item.previouslyAccepted
            texts += trimmed
        }
        let vectors = try embedder.embed(texts)
        return zip(items, trimmedItems).enumerated().map { index, pair in
            let (item, trimmed) = pair
            let base = offsets[index]
            let sourceVector = vectors[base]
            let previous = item.previouslyAccepted.count
            return judgeOne(source: item.source, trimmed: trimmed, sourceVector: sourceVector,
                            accepted: Array(vectors[(base + 1)..<(base + 1 + previous)]),
                            previouslyAccepted: item.previouslyAccepted,
                            candidateVectors: Array(vectors[(base + 1 + previous)..<(base + 1 + previous + trimmed.count)]))
        }
    }

    private func judgeOne(source: GateSource, trimmed: [String], sourceVector: [Float], accepted: [[Float]],
                          previouslyAccepted: [String], candidateVectors: [[Float]]) -> [GateVerdict] {
        var acceptedVectors = accepted
        var acceptedTexts = Set(previouslyAccepted.map(TextNormalization.normalized))
        let sourceWords = max(1, TextNormalization.words(source.text).count)
        let sourceNormalized = TextNormalization.normalized(source.text)
        var verdicts: [GateVerdict] = []
        for (text, vector) in zip(trimmed, candidateVectors) {
            let similarity = Self.dot(sourceVector, vector)
            func reject(_ reason: RejectionReason) { verdicts.append(GateVerdict(text: text, score: similarity, rejection: reason)) }
            let normalized = TextNormalization.normalized(text)
            if normalized.isEmpty { reject(.empty); continue }
            if text.count > maxCharacters || Double(TextNormalization.words(text).count) > maxLengthRatio * Double(sourceWords) + 5 {
                reject(.tooLong); continue
            }
            if TextNormalization.structure(text) != TextNormalization.structure(source.text) { reject(.lostStructure); continue }
            if normalized == sourceNormalized || similarity >= duplicateThreshold { reject(.duplicateOfSource); continue }
            if acceptedTexts.contains(normalized) || acceptedVectors.contains(where: { Self.dot($0, vector) >= duplicateThreshold }) {
                reject(.duplicateOfCandidate); continue
            }
            if source.kind == "reasoning", source.targetClassNames.contains(where: { TextNormalization.mentions(text, phrase: $0) }) {
                reject(.leaksClassName); continue
            }
            if similarity < driftThreshold { reject(.meaningDrift); continue }
            acceptedTexts.insert(normalized)
            acceptedVectors.append(vector)
            verdicts.append(GateVerdict(text: text, score: similarity, rejection: nil))
        }
        return verdicts
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for index in 0..<min(a.count, b.count) { sum += a[index] * b[index] }
        return sum
    }
}
