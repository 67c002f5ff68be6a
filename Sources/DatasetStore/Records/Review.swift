import GRDB

/// A reviewer's decision on an annotation, applied with optimistic concurrency and audited.
public struct AnnotationReview: Sendable {
    public var annotationID: Int64
    /// The version the reviewer saw; the update fails with `StoreError.conflict` if it moved on.
    public var expectedVersion: Int
    public var state: ReviewState
    /// A corrected geometry (kind, JSON, area, bbox), when the reviewer redrew the mask.
    public var correctedGeometry: (kind: GeometryKind, json: String, area: Double, bbox: [Double])?
    public var actor: String

    public init(annotationID: Int64, expectedVersion: Int, state: ReviewState,
                correctedGeometry: (kind: GeometryKind, json: String, area: Double, bbox: [Double])? = nil, actor: String) {
        self.annotationID = annotationID
        self.expectedVersion = expectedVersion
        self.state = state
        self.correctedGeometry = correctedGeometry
        self.actor = actor
    }
}

extension DatasetStore {
    /// Applies a review: bumps the annotation's version, records the row before and after in the
    /// audit log, all in one transaction. Returns the new version.
    public func apply(_ review: AnnotationReview) throws(StoreError) -> Int {
        guard !review.actor.isEmpty else {
            throw .invalidRecord(record: "review of annotation \(review.annotationID)", field: "actor", reason: "empty")
        }
        return try write { db in
            let snapshot = """
                SELECT json_object('id', id, 'category_id', category_id, 'geometry_kind', geometry_kind,
                  'geometry', json(geometry), 'area', area, 'bbox', json_array(bbox_x, bbox_y, bbox_w, bbox_h),
                  'is_ignore', is_ignore, 'review_state', review_state, 'version', version)
                FROM annotations WHERE id = ?
                """
            guard let before = try String.fetchOne(db, sql: snapshot, arguments: [review.annotationID]) else {
                throw StoreError.invalidRecord(record: "annotation \(review.annotationID)", field: "id", reason: "no such annotation")
            }
            if let geometry = review.correctedGeometry {
                guard geometry.bbox.count == 4 else {
                    throw StoreError.invalidRecord(record: "annotation \(review.annotationID)", field: "bbox", reason: "must have 4 numbers")
                }
                try db.execute(sql: """
                    UPDATE annotations SET geometry_kind = ?, geometry = ?, area = ?, bbox_x = ?, bbox_y = ?, bbox_w = ?, bbox_h = ?,
                      review_state = ?, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE id = ? AND version = ?
                    """, arguments: [geometry.kind.rawValue, geometry.json, geometry.area, geometry.bbox[0], geometry.bbox[1],
                                     geometry.bbox[2], geometry.bbox[3], review.state.rawValue, review.annotationID, review.expectedVersion])
            } else {
                try db.execute(sql: """
                    UPDATE annotations SET review_state = ?, version = version + 1,
                      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE id = ? AND version = ?
                    """, arguments: [review.state.rawValue, review.annotationID, review.expectedVersion])
            }
            guard db.changesCount == 1 else {
                throw StoreError.conflict(entity: "annotation", id: review.annotationID, expectedVersion: review.expectedVersion)
            }
            let after = try String.fetchOne(db, sql: snapshot, arguments: [review.annotationID])
            try db.execute(sql: """
                INSERT INTO audit_log(actor, entity, entity_id, action, before_json, after_json)
                VALUES (?, 'annotation', ?, ?, ?, ?)
                """, arguments: [review.actor, review.annotationID,
                                 review.correctedGeometry == nil ? "review:\(review.state.rawValue)" : "correct",
                                 before, after])
            return review.expectedVersion + 1
        }
    }
}
