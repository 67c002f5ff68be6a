import DatasetStore
import Foundation
import GRDB
import Serialization

/// The offline `rules` writer: function/affordance patterns over `AffordanceLexicon`.
public struct RulesQueryWriter: QueryWritingBackend {
    public var backend: String { "rules" }
    public var model: String? { "affordance-lexicon-v1" }
    public let seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    public func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>] {
        requests.map { request in
            guard let entry = AffordanceLexicon.entries[request.className] else { return .success([]) }
            var generator = SeededGenerator(seed: seed, key: "queries|\(request.className)")
            var queries: [WrittenQuery] = []
            func fill(_ patterns: [String], _ count: Int, sentence: Bool) {
                var combinations = entry.uses.flatMap { use in patterns.map { $0.replacingOccurrences(of: "{use}", with: use) } }
                for _ in 0..<min(count, combinations.count) {
                    queries.append(WrittenQuery(text: combinations.remove(at: generator.index(below: combinations.count)), isSentence: sentence))
                }
            }
            fill(entry.isCreature ? AffordanceLexicon.creaturePhrasePatterns : AffordanceLexicon.phrasePatterns,
                 request.phrases, sentence: false)
            fill(entry.isCreature ? AffordanceLexicon.creatureSentencePatterns : AffordanceLexicon.sentencePatterns,
                 request.sentences, sentence: true)
            return .success(queries)
        }
    }
}
