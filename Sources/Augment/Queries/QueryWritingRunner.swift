import DatasetStore
import Foundation
import GRDB
import Serialization

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
