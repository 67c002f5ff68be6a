import DatasetStore
import GRDB

/// The labels of one image that the templater turns into prompts.
struct ImageLabels: Sendable {
    struct SemanticLabel: Sendable {
        var categoryID: Int64
        var name: String
        var displayName: String
        var dataset: String?
        var annotationIDs: [Int64]
    }

    struct Query: Sendable {
        var instructionID: Int64
        var text: String
        var kind: InstructionKind
        var isSentence: Bool
        var explanation: String?
        var annotationIDs: [Int64]
    }

    var imageID: Int64
    var semantic: [SemanticLabel]
    var queries: [Query]
    /// Templated prompts already targeting each annotation (for `--per-mask`).
    var promptsPerAnnotation: [Int64: Int]

    /// Reads the labels of an image: non-ignore, non-rejected annotations grouped by category,
    /// and the image's queries (every instruction that is not itself a templated prompt).
    static func read(_ db: Database, imageID: Int64) throws -> ImageLabels {
        var semantic: [Int64: SemanticLabel] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT a.id, c.id AS category_id, c.name, c.display_name,
                   (SELECT min(dataset) FROM category_sources s WHERE s.category_id = c.id) AS dataset
            FROM annotations a JOIN categories c ON c.id = a.category_id
            WHERE a.image_id = ? AND a.is_ignore = 0 AND a.review_state <> 'rejected'
            ORDER BY a.id
            """, arguments: [imageID])
        while let row = try rows.next() {
            let category: Int64 = row["category_id"]
            semantic[category, default: SemanticLabel(categoryID: category, name: row["name"], displayName: row["display_name"],
                                                      dataset: row["dataset"], annotationIDs: [])].annotationIDs.append(row["id"])
        }
        var queries: [Query] = []
        let queryRows = try Row.fetchCursor(db, sql: """
            SELECT i.id, i.text, i.kind, i.is_sentence, i.explanation,
                   (SELECT group_concat(t.annotation_id) FROM instruction_targets t WHERE t.instruction_id = i.id) AS targets
            FROM instructions i
            WHERE i.image_id = ? AND i.origin <> 'template' AND i.status <> 'rejected'
            ORDER BY i.id
            """, arguments: [imageID])
        while let row = try queryRows.next() {
            let targets: String? = row["targets"]
            let kindText: String = row["kind"]
            queries.append(Query(instructionID: row["id"], text: row["text"], kind: InstructionKind(rawValue: kindText) ?? .referring,
                                 isSentence: row["is_sentence"], explanation: row["explanation"],
                                 annotationIDs: (targets ?? "").split(separator: ",").compactMap { Int64($0) }.sorted()))
        }
        var counts: [Int64: Int] = [:]
        let countRows = try Row.fetchCursor(db, sql: """
            SELECT t.annotation_id, count(*) FROM instruction_targets t JOIN instructions i ON i.id = t.instruction_id
            WHERE i.image_id = ? AND i.origin = 'template' GROUP BY t.annotation_id
            """, arguments: [imageID])
        while let row = try countRows.next() { counts[row[0]] = row[1] }
        return ImageLabels(imageID: imageID, semantic: semantic.values.sorted { $0.categoryID < $1.categoryID },
                           queries: queries, promptsPerAnnotation: counts)
    }
}
