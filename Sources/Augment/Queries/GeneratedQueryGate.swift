import DatasetStore
import Foundation
import GRDB
import Serialization

extension QualityGate {
    /// Judges generated queries for a target class: the general checks (empty, length,
    /// duplicates, structure), the class and its synonyms never named, and the query closer to
    /// the target's class than to any other class in the image (score: similarity to the target;
    /// with an embedder that does not capture meaning, the query must not name another class).
    public func judgeGenerated(target: String, synonyms: [String], otherClasses: [String], candidates: [String],
                               previouslyAccepted: [String] = []) throws -> [GateVerdict] {
        let trimmed = candidates.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let others = otherClasses.filter { $0 != target }
        let vectors = try embedder.embed([target] + others + previouslyAccepted + trimmed)
        let targetVector = vectors[0]
        let otherVectors = Array(vectors[1..<(1 + others.count)])
        var acceptedVectors = Array(vectors[(1 + others.count)..<(1 + others.count + previouslyAccepted.count)])
        var acceptedTexts = Set(previouslyAccepted.map(TextNormalization.normalized))
        var verdicts: [GateVerdict] = []
        for (offset, text) in trimmed.enumerated() {
            let vector = vectors[1 + others.count + previouslyAccepted.count + offset]
            let score = Self.dot(targetVector, vector)
            func reject(_ reason: RejectionReason) { verdicts.append(GateVerdict(text: text, score: score, rejection: reason)) }
            let normalized = TextNormalization.normalized(text)
            if normalized.isEmpty { reject(.empty); continue }
            if text.count > maxCharacters { reject(.tooLong); continue }
            if TextNormalization.structure(text) != [0, 0, 0, 0] { reject(.lostStructure); continue }
            if acceptedTexts.contains(normalized) || acceptedVectors.contains(where: { Self.dot($0, vector) >= duplicateThreshold }) {
                reject(.duplicateOfCandidate); continue
            }
            if ([target] + synonyms).contains(where: { TextNormalization.mentions(text, phrase: $0) }) { reject(.leaksClassName); continue }
            // With a trained encoder: closer to the target's class than to every other class. A
            // word-hashing embedder cannot judge that; it falls back to not naming another class.
            let confusable = embedder.capturesMeaning
                ? otherVectors.contains(where: { Self.dot($0, vector) >= score })
                : others.contains(where: { TextNormalization.mentions(text, phrase: $0) })
            if confusable { reject(.notSpecificToTarget); continue }
            acceptedTexts.insert(normalized)
            acceptedVectors.append(vector)
            verdicts.append(GateVerdict(text: text, score: score, rejection: nil))
        }
        return verdicts
    }
}
