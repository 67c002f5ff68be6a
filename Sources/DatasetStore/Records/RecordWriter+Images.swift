import GRDB

extension RecordWriter {
    /// Stores an inspected image — in a dataset root (`rootID` + `relativePath`) or, with both
    /// nil, as a blob — or finds the stored image with the same content, and records the
    /// (dataset, source id) it is known by. The one place images enter the store.
    @discardableResult
    public func insertImage(_ inspection: ImageInspection, rootID: Int64?, relativePath: String?,
                            source: (dataset: String, id: String)?, groupKey: String?, split: Split?) throws -> (id: Int64, inserted: Bool) {
        let inRoot = rootID != nil && relativePath != nil
        let insert = try db.cachedStatement(sql: """
            INSERT INTO images(sha256, storage, root_id, rel_path, width, height, format, byte_size,
                               source_dataset, source_id, group_key, split)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(sha256) DO NOTHING
            """)
        try insert.execute(arguments: [
            inspection.sha256, inRoot ? "root" : "blob", inRoot ? rootID : nil, inRoot ? relativePath : nil,
            inspection.width, inspection.height, inspection.format.rawValue, inspection.byteSize,
            source?.dataset, source?.id, groupKey, split?.rawValue,
        ])
        let inserted = db.changesCount > 0
        let id: Int64
        if inserted {
            id = db.lastInsertedRowID
        } else {
            guard let existing = try Int64.fetchOne(db, sql: "SELECT id FROM images WHERE sha256 = ?", arguments: [inspection.sha256]) else {
                throw StoreError.invalidRecord(record: "image \(inspection.sha256)", field: "sha256", reason: "not stored")
            }
            id = existing
        }
        if let source {
            try db.cachedStatement(sql: """
                INSERT INTO image_sources(image_id, dataset, source_id) VALUES (?, ?, ?)
                ON CONFLICT(dataset, source_id) DO NOTHING
                """).execute(arguments: [id, source.dataset, source.id])
        }
        return (id, inserted)
    }
}
