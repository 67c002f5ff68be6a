import GRDB

/// A summary of a store, computed by SQL aggregates: reading it streams over the tables inside
/// SQLite and never loads rows into memory, whatever the store's size.
public struct StoreStatistics: Sendable, Codable, Equatable {
    public struct Images: Sendable, Codable, Equatable {
        public var total: Int
        public var bytes: Int
        public var roots: Int
        public var byFormat: [String: Int]
        /// Split → count; images without a split are counted under `unassigned`.
        public var bySplit: [String: Int]
        public var bySource: [String: Int]
        public var groups: Int

        enum CodingKeys: String, CodingKey {
            case total, bytes, roots, groups
            case byFormat = "by_format", bySplit = "by_split", bySource = "by_source"
        }
    }

    public struct Annotations: Sendable, Codable, Equatable {
        public var total: Int
        public var ignore: Int
        public var byProvenance: [String: Int]
        public var byReviewState: [String: Int]
        public var byGeometry: [String: Int]

        enum CodingKeys: String, CodingKey {
            case total, ignore
            case byProvenance = "by_provenance", byReviewState = "by_review_state", byGeometry = "by_geometry"
        }
    }

    public struct CategoryCount: Sendable, Codable, Equatable {
        public var name: String
        public var annotations: Int

        public init(name: String, annotations: Int) {
            self.name = name
            self.annotations = annotations
        }
    }

    public struct Instructions: Sendable, Codable, Equatable {
        public var total: Int
        public var byKind: [String: Int]
        public var byOrigin: [String: Int]
        public var byStatus: [String: Int]
        /// Instructions with no target mask (negative examples).
        public var withoutTargets: Int
        public var targets: Int

        enum CodingKeys: String, CodingKey {
            case total, targets
            case byKind = "by_kind", byOrigin = "by_origin", byStatus = "by_status"
            case withoutTargets = "without_targets"
        }
    }

    public var database: String
    public var schemaVersion: Int
    public var images: Images
    public var categories: Int
    public var topCategories: [CategoryCount]
    public var annotations: Annotations
    public var instructions: Instructions
    public var auditEntries: Int

    enum CodingKeys: String, CodingKey {
        case database, images, categories, annotations, instructions
        case schemaVersion = "schema_version"
        case topCategories = "top_categories"
        case auditEntries = "audit_entries"
    }
}

extension DatasetStore {
    /// Computes the store's statistics (`lisakit stats`). `topCategories` caps the per-category list.
    public func statistics(topCategories: Int = 10) throws(StoreError) -> StoreStatistics {
        try read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            func grouped(_ sql: String) throws -> [String: Int] {
                var result: [String: Int] = [:]
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() {
                    let key: String? = row[0]
                    result[key ?? "unassigned", default: 0] += row[1] as Int
                }
                return result
            }
            let images = StoreStatistics.Images(
                total: try count("SELECT count(*) FROM images"),
                bytes: try count("SELECT coalesce(sum(byte_size), 0) FROM images"),
                roots: try count("SELECT count(*) FROM dataset_roots"),
                byFormat: try grouped("SELECT format, count(*) FROM images GROUP BY format"),
                bySplit: try grouped("SELECT split, count(*) FROM images GROUP BY split"),
                bySource: try grouped("SELECT source_dataset, count(*) FROM images GROUP BY source_dataset"),
                groups: try count("SELECT count(DISTINCT group_key) FROM images"))
            let annotations = StoreStatistics.Annotations(
                total: try count("SELECT count(*) FROM annotations"),
                ignore: try count("SELECT count(*) FROM annotations WHERE is_ignore = 1"),
                byProvenance: try grouped("SELECT provenance, count(*) FROM annotations GROUP BY provenance"),
                byReviewState: try grouped("SELECT review_state, count(*) FROM annotations GROUP BY review_state"),
                byGeometry: try grouped("SELECT geometry_kind, count(*) FROM annotations GROUP BY geometry_kind"))
            var top: [StoreStatistics.CategoryCount] = []
            let topRows = try Row.fetchCursor(db, sql: """
                SELECT c.name, n.count FROM
                  (SELECT category_id, count(*) AS count FROM annotations WHERE category_id IS NOT NULL
                   GROUP BY category_id ORDER BY count DESC, category_id LIMIT ?) AS n
                JOIN categories c ON c.id = n.category_id ORDER BY n.count DESC, c.name
                """, arguments: [topCategories])
            while let row = try topRows.next() { top.append(.init(name: row[0], annotations: row[1])) }
            let instructions = StoreStatistics.Instructions(
                total: try count("SELECT count(*) FROM instructions"),
                byKind: try grouped("SELECT kind, count(*) FROM instructions GROUP BY kind"),
                byOrigin: try grouped("SELECT origin, count(*) FROM instructions GROUP BY origin"),
                byStatus: try grouped("SELECT status, count(*) FROM instructions GROUP BY status"),
                withoutTargets: try count("""
                    SELECT count(*) FROM instructions i
                    WHERE NOT EXISTS (SELECT 1 FROM instruction_targets t WHERE t.instruction_id = i.id)
                    """),
                targets: try count("SELECT count(*) FROM instruction_targets"))
            return StoreStatistics(
                database: location.databasePath,
                schemaVersion: try count("PRAGMA user_version"),
                images: images,
                categories: try count("SELECT count(*) FROM categories"),
                topCategories: top,
                annotations: annotations,
                instructions: instructions,
                auditEntries: try count("SELECT count(*) FROM audit_log"))
        }
    }
}
