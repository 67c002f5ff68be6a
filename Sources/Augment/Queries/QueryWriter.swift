import Serialization
import DatasetStore
import Foundation
import GRDB

/// A labelled mask for which implicit queries are written.
public struct QueryWriteRequest: Sendable, Hashable {
    /// The target's class name (cleaned) and the other classes in the image.
    public var className: String
    public var otherClassNames: [String]
    public var caption: String?
    /// Short phrases and long sentences wanted.
    public var phrases: Int
    public var sentences: Int

    public init(className: String, otherClassNames: [String], caption: String? = nil, phrases: Int, sentences: Int) {
        self.className = className
        self.otherClassNames = otherClassNames
        self.caption = caption
        self.phrases = phrases
        self.sentences = sentences
    }
}

/// A written query and whether it is a full sentence (`is_sentence`).
public struct WrittenQuery: Sendable, Hashable {
    public var text: String
    public var isSentence: Bool

    public init(text: String, isSentence: Bool) {
        self.text = text
        self.isSentence = isSentence
    }
}

/// A backend that writes implicit, world-knowledge queries whose answer is a given object.
public protocol QueryWritingBackend: Sendable {
    var backend: String { get }
    var model: String? { get }
    func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>]
}

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

/// The `openai` writer: asks a chat model for implicit queries about the object.
public struct OpenAIQueryWriter: QueryWritingBackend {
    public static let promptVersion = "write-queries-v1"
    public let client: OpenAIChatClient
    public var backend: String { client.backendName }
    public var model: String? { client.configuration.model }

    public init(client: OpenAIChatClient) { self.client = client }

    static func messages(_ request: QueryWriteRequest, sentence: Bool, count: Int) -> [(role: String, content: String)] {
        let others = request.otherClassNames.isEmpty ? "nothing else that is labelled" : request.otherClassNames.joined(separator: ", ")
        let form = sentence ? "full questions or instructions (one sentence each)" : "short noun phrases (like \"something used to cut bread\")"
        let system = """
            You write reasoning-segmentation queries: implicit descriptions of an object in an image that need world \
            knowledge (its function, use or typical context) to resolve. Never name the object or a synonym of it. \
            The query must point to the target and not to the other objects in the image. \
            Answer with a JSON array of \(count) strings and nothing else.
            """
        var user = "Target object: \(request.className)\nOther objects in the image: \(others)\nWrite \(count) \(form)."
        if let caption = request.caption { user += "\nImage caption: \(caption)" }
        return [("system", system), ("user", user)]
    }

    public func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>] {
        var conversations: [[(role: String, content: String)]] = []
        for request in requests {
            conversations.append(Self.messages(request, sentence: false, count: request.phrases))
            conversations.append(Self.messages(request, sentence: true, count: request.sentences))
        }
        let answers = await client.complete(conversations, promptVersion: Self.promptVersion)
        return requests.indices.map { index in
            let phrases = answers[2 * index], sentences = answers[2 * index + 1]
            switch (phrases, sentences) {
            case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
            case (.success(let p), .success(let s)):
                return .success(ParaphrasePrompt.parse(p, limit: requests[index].phrases).map { WrittenQuery(text: $0, isSentence: false) }
                    + ParaphrasePrompt.parse(s, limit: requests[index].sentences).map { WrittenQuery(text: $0, isSentence: true) })
            }
        }
    }
}

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

/// Writes reasoning queries for the store's labelled masks and stores the ones the gate accepts
/// as `reasoning` instructions with origin `generated`, pending review (the LISA authors' data
/// pipeline: a model writes implicit questions, people filter them).
public struct QueryWritingRunner: Sendable {
    public let store: DatasetStore
    public let backend: any QueryWritingBackend
    public let gate: QualityGate

    public init(store: DatasetStore, backend: any QueryWritingBackend, gate: QualityGate) {
        self.store = store
        self.backend = backend
        self.gate = gate
    }

    struct Target: Sendable {
        var annotationID: Int64
        var imageID: Int64
        var className: String
        var others: [String]
        var existing: [String]
    }

    public func run(phrases: Int, sentences: Int, batchSize: Int = 32, progress: (Int, Int) -> Void = { _, _ in }) async throws -> AugmentReport {
        var report = AugmentReport()
        let total = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM annotations WHERE is_ignore = 0 AND category_id IS NOT NULL AND review_state <> 'rejected'") ?? 0
        }
        var lastID: Int64 = 0, done = 0
        progress(0, total)
        while true {
            let batch = try readBatch(after: lastID, limit: batchSize)
            guard let last = batch.last else { break }
            lastID = last.annotationID
            done += batch.count
            report.sources += batch.count
            let pending = batch.filter { $0.existing.count < phrases + sentences }
            report.alreadyPresent += batch.count - pending.count
            let answers = await backend.write(pending.map {
                QueryWriteRequest(className: $0.className, otherClassNames: $0.others, phrases: phrases, sentences: sentences)
            })
            var accepted: [(Target, GateVerdict, Bool)] = []
            for (target, answer) in zip(pending, answers) {
                switch answer {
                case .failure(let error): report.fail(error)
                case .success(let queries):
                    let synonyms = AffordanceLexicon.entries[target.className]?.synonyms ?? []
                    let verdicts = try gate.judgeGenerated(target: target.className, synonyms: synonyms, otherClasses: target.others,
                                                           candidates: queries.map(\.text), previouslyAccepted: target.existing)
                    report.record(verdicts)
                    for (query, verdict) in zip(queries, verdicts) where verdict.accepted { accepted.append((target, verdict, query.isSentence)) }
                }
            }
            let stored = try store.write { db -> (Int, Int) in
                let writer = RecordWriter(db)
                var added = 0, present = 0
                for (target, verdict, isSentence) in accepted {
                    let hash = SHA256.hex(of: Array(TextNormalization.normalized(verdict.text).utf8)).prefix(16)
                    let result = try writer.insert(NewInstruction(
                        imageID: target.imageID, key: "gen:\(backend.backend):\(target.annotationID):\(hash)", text: verdict.text,
                        kind: .reasoning, isSentence: isSentence, origin: .generated(backend: backend.backend, model: backend.model),
                        qualityScore: verdict.score.map(Double.init), targetAnnotationIDs: [target.annotationID]))
                    if result.inserted { added += 1 } else { present += 1 }
                }
                return (added, present)
            }
            report.accepted += stored.0
            report.alreadyPresent += stored.1
            progress(done, total)
        }
        return report
    }

    private func readBatch(after lastID: Int64, limit: Int) throws -> [Target] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.image_id, c.name, c.display_name FROM annotations a JOIN categories c ON c.id = a.category_id
                WHERE a.id > ? AND a.is_ignore = 0 AND a.review_state <> 'rejected' ORDER BY a.id LIMIT ?
                """, arguments: [lastID, limit])
            var generator = SeededGenerator(seed: 0)
            let rules = ClassNameRules(partStyle: .objectPart)
            return try rows.map { row in
                let imageID: Int64 = row["image_id"], id: Int64 = row["id"]
                let others = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT c.name, c.display_name FROM annotations a JOIN categories c ON c.id = a.category_id
                    WHERE a.image_id = ? AND a.is_ignore = 0 ORDER BY c.name
                    """, arguments: [imageID]).map { rules.clean(name: $0[0], displayName: $0[1], generator: &generator) }
                let existing = try String.fetchAll(db, sql: """
                    SELECT i.text FROM instructions i JOIN instruction_targets t ON t.instruction_id = i.id
                    WHERE t.annotation_id = ? AND i.origin = 'generated' ORDER BY i.id
                    """, arguments: [id])
                let name = rules.clean(name: row["name"], displayName: row["display_name"], generator: &generator)
                return Target(annotationID: id, imageID: imageID, className: name, others: others.filter { $0 != name }, existing: existing)
            }
        }
    }
}
