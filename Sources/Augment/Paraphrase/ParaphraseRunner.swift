import DatasetStore
import Foundation
import GRDB
import Serialization

/// Rewrites the store's instructions with a backend, passes every candidate through the
/// quality gate, and stores the accepted ones as `paraphrase` instructions (parent, backend,
/// model and similarity score recorded; same targets; pending review).
public struct ParaphraseRunner: Sendable {
    public let store: DatasetStore
    public let backend: any Paraphraser
    public let gate: QualityGate

    public init(store: DatasetStore, backend: any Paraphraser, gate: QualityGate) {
        self.store = store
        self.backend = backend
        self.gate = gate
    }

    struct Source: Sendable {
        var id: Int64
        var imageID: Int64
        var text: String
        var kind: InstructionKind
        var isSentence: Bool
        var targets: [Int64]
        var classNames: [String]
        var existing: [String]
    }

    public func run(_ options: ParaphraseOptions = .init(), progress: (Int, Int) -> Void = { _, _ in }) async throws -> AugmentReport {
        var report = AugmentReport()
        let kinds = options.kinds.map(\.rawValue).sorted()
        let placeholders = kinds.map { _ in "?" }.joined(separator: ",")
        let total = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM instructions WHERE origin IN ('imported', 'human', 'generated') AND status <> 'rejected'
                AND kind IN (\(placeholders))
                """, arguments: StatementArguments(kinds)) ?? 0
        }
        var lastID: Int64 = 0
        var done = 0
        progress(0, total)
        while true {
            let batch = try readBatch(after: lastID, kinds: kinds, placeholders: placeholders, limit: options.batchSize)
            guard let last = batch.last else { break }
            lastID = last.id
            done += batch.count
            let pending = batch.filter { !options.skipSatisfied || $0.existing.count < options.perInstruction }
            report.alreadyPresent += batch.count - pending.count
            report.sources += batch.count
            let requests = pending.map {
                ParaphraseRequest(text: $0.text, kind: $0.kind.rawValue, isSentence: $0.isSentence, targetClassNames: $0.classNames,
                                  count: options.perInstruction - (options.skipSatisfied ? $0.existing.count : 0))
            }
            let answers = await backend.paraphrase(requests)
            var answered: [(Source, [String])] = []
            for (source, answer) in zip(pending, answers) {
                switch answer {
                case .failure(let error): report.fail(error)
                case .success(let candidates): answered.append((source, candidates))
                }
            }
            let judged = try gate.judge(answered.map { source, candidates in
                (GateSource(text: source.text, kind: source.kind.rawValue, isSentence: source.isSentence, targetClassNames: source.classNames),
                 candidates, source.existing)
            })
            var accepted: [(Source, GateVerdict)] = []
            for ((source, _), verdicts) in zip(answered, judged) {
                report.record(verdicts)
                accepted += verdicts.filter(\.accepted).map { (source, $0) }
            }
            let stored = try store.write { db -> (Int, Int) in
                let writer = RecordWriter(db)
                var added = 0, present = 0
                for (source, verdict) in accepted {
                    let key = "para:\(backend.backend):\(SHA256.hex(of: Array(TextNormalization.normalized(verdict.text).utf8)).prefix(16))"
                    let result = try writer.insert(NewInstruction(
                        imageID: source.imageID, key: "\(key):\(source.id)", text: verdict.text, kind: source.kind,
                        isSentence: source.isSentence, origin: .paraphrase(parentID: source.id, backend: backend.backend, model: backend.model),
                        qualityScore: verdict.score.map(Double.init), targetAnnotationIDs: source.targets))
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

    private func readBatch(after lastID: Int64, kinds: [String], placeholders: String, limit: Int) throws -> [Source] {
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.id, i.image_id, i.text, i.kind, i.is_sentence,
                  (SELECT group_concat(annotation_id) FROM instruction_targets t WHERE t.instruction_id = i.id) AS targets,
                  (SELECT group_concat(DISTINCT c.name || char(31) || c.display_name) FROM instruction_targets t
                     JOIN annotations a ON a.id = t.annotation_id JOIN categories c ON c.id = a.category_id
                     WHERE t.instruction_id = i.id) AS classes
                FROM instructions i
                WHERE i.id > ? AND i.origin IN ('imported', 'human', 'generated') AND i.status <> 'rejected' AND i.kind IN (\(placeholders))
                ORDER BY i.id LIMIT ?
                """, arguments: StatementArguments([lastID] as [Int64]) + StatementArguments(kinds) + [limit])
            return try rows.map { row in
                let id: Int64 = row["id"]
                let existing = try String.fetchAll(db, sql: """
                    SELECT text FROM instructions WHERE parent_id = ? AND origin = 'paraphrase' AND status <> 'rejected' ORDER BY id
                    """, arguments: [id])
                let classes: String? = row["classes"]
                var names: [String] = []
                var generator = SeededGenerator(seed: 0)
                for entry in (classes ?? "").split(separator: ",") {
                    for part in entry.split(separator: "\u{1F}") {
                        let cleaned = ClassNameRules().clean(name: String(part), generator: &generator)
                        if !names.contains(cleaned) { names.append(cleaned) }
                    }
                }
                let targets: String? = row["targets"]
                let kind: String = row["kind"]
                return Source(id: id, imageID: row["image_id"], text: row["text"], kind: InstructionKind(rawValue: kind) ?? .referring,
                              isSentence: row["is_sentence"], targets: (targets ?? "").split(separator: ",").compactMap { Int64($0) },
                              classNames: names, existing: existing)
            }
        }
    }
}
