import Annotate
import DatasetStore
import Foundation
import GRDB
import Model

/// Turns every box in a store into a SAM mask (`lisakit prelabel --from-boxes`): each
/// imported or human annotation's box (COCO/LabelMe bounding boxes, OpenImages' annotated box)
/// is a box prompt; the single-mask answer is stored as a `pending` model annotation of the same
/// image and category, with SAM's predicted IoU as its score, for review.
///
/// - Idempotent and resumable: the new annotation's instance key is
///   `sam-box:<model version>:<source annotation id>`, so boxes this model already pre-labelled
///   are skipped (and a second model pre-labels them again under its own version).
/// - Kill-safe: one transaction per image; an interrupted run loses at most the image in flight.
/// - Fast to repeat: the image embedding comes from the predictor's cache when present.
/// Model annotations (earlier predictions) and ignore regions are not used as prompts.
public struct BoxPrelabeler: Sendable {
    public let store: DatasetStore
    public let predictor: SAMPredictor
    /// `model_name` of the stored annotations (e.g. "sam_vit_b").
    public let modelName: String

    public init(store: DatasetStore, predictor: SAMPredictor, modelName: String) {
        self.store = store
        self.predictor = predictor
        self.modelName = modelName
    }

    /// `model_version`: the first 16 hex digits of the predictor's model identity.
    public var modelVersion: String { String(predictor.modelIdentity.prefix(16)) }

    public func instanceKey(forSource annotationID: Int64) -> String { "sam-box:\(modelVersion):\(annotationID)" }

    /// A box waiting for its mask.
    public struct PendingBox: Sendable, Equatable {
        public var annotationID: Int64
        public var imageID: Int64
        public var categoryID: Int64?
        public var bbox: [Double]
        public var attributesJSON: String?
    }

    /// What a run did.
    public struct Report: Sendable, Codable, Equatable {
        public var model: String
        public var modelVersion: String
        /// Boxes in the store that can be prompts.
        public var boxes: Int
        /// Boxes this model had pre-labelled before the run.
        public var alreadyLabelled: Int
        /// Masks stored by this run.
        public var created: Int
        public var images: Int
        /// Images whose embedding came from the cache.
        public var cachedEmbeddings: Int
        /// Boxes with no usable box (zero size).
        public var skippedEmptyBoxes: Int
        /// One line per image that could not be processed (the run goes on without it).
        public var failures: [String]
    }

    /// The boxes not yet pre-labelled by this model, in image order.
    public func pendingBoxes() throws -> (pending: [PendingBox], total: Int) {
        let prefix = "sam-box:\(modelVersion):"
        return try store.read { db in
            let total = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM annotations WHERE provenance <> 'model' AND is_ignore = 0
                """) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.image_id, a.category_id, a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.attributes
                FROM annotations a
                WHERE a.provenance <> 'model' AND a.is_ignore = 0
                  AND NOT EXISTS (SELECT 1 FROM annotations p WHERE p.image_id = a.image_id AND p.instance_key = ? || a.id)
                ORDER BY a.image_id, a.id
                """, arguments: [prefix])
            let pending = rows.map { row in
                PendingBox(annotationID: row["id"], imageID: row["image_id"], categoryID: row["category_id"],
                           bbox: [row["bbox_x"], row["bbox_y"], row["bbox_w"], row["bbox_h"]], attributesJSON: row["attributes"])
            }
            return (pending, total)
        }
    }

    /// Pre-labels every pending box. `progress(done, total)` is called after each image with
    /// counts of boxes.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        let (pending, total) = try pendingBoxes()
        var report = Report(model: modelName, modelVersion: modelVersion, boxes: total, alreadyLabelled: total - pending.count,
                            created: 0, images: 0, cachedEmbeddings: 0, skippedEmptyBoxes: 0, failures: [])
        var done = 0
        var start = 0
        progress(0, pending.count)
        while start < pending.count {
            var end = start
            while end < pending.count && pending[end].imageID == pending[start].imageID { end += 1 }
            let boxes = Array(pending[start..<end])
            do {
                let (created, cached, empty) = try prelabel(imageID: boxes[0].imageID, boxes: boxes)
                report.created += created
                report.skippedEmptyBoxes += empty
                report.images += 1
                if cached { report.cachedEmbeddings += 1 }
            } catch {
                report.failures.append("image \(boxes[0].imageID): \(error)")
            }
            done += boxes.count
            progress(done, pending.count)
            start = end
        }
        return report
    }

    /// Sorted keys: the same mask is always the same geometry text (JSONEncoder's key order
    /// otherwise changes from process to process).
    static var geometryEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// One image: embed (or read the cache), decode each box, store all masks in one transaction.
    func prelabel(imageID: Int64, boxes: [PendingBox]) throws -> (created: Int, cached: Bool, empty: Int) {
        guard let record = try store.read({ db in try ImageRecord.fetchOne(db, sql: "SELECT * FROM images WHERE id = ?", arguments: [imageID]) }) else {
            throw PrelabelError.store("image \(imageID) is not in the store")
        }
        let path = try store.filePath(of: record)
        let file = try SAMImageFile.load(path)
        guard file.pixels.width == record.width, file.pixels.height == record.height else {
            throw PrelabelError.imageMismatch(imageID: imageID, path: path,
                                              reason: "file is \(file.pixels.width)×\(file.pixels.height), the store says \(record.width)×\(record.height)")
        }
        let (embedding, cached) = try predictor.embed(samples: file.pixels.samples, width: file.pixels.width,
                                                     height: file.pixels.height, channels: file.pixels.channels, sha256: record.sha256)
        var annotations: [NewAnnotation] = []
        var empty = 0
        for box in boxes {
            let attributes = box.attributesJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            guard let prompt = BoxPrompt.box(bbox: box.bbox, attributes: attributes, imageWidth: record.width, imageHeight: record.height) else {
                empty += 1
                continue
            }
            let prediction = try predictor.predict(embedding, prompt: SAMPrompt(box: prompt), multimask: false)
            let mask = try BinaryMask(width: prediction.width, height: prediction.height, values: prediction.masks[0])
            let rle = RLE(encoding: mask)
            let bbox = rle.boundingBox
            let geometry = String(decoding: try Self.geometryEncoder.encode(rle), as: UTF8.self)
            let extra: [String: Any] = ["prompt": "box", "source_annotation_id": box.annotationID,
                                        "box": [prompt.x0, prompt.y0, prompt.x1, prompt.y1]]
            let extraJSON = String(decoding: try JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys]), as: UTF8.self)
            annotations.append(NewAnnotation(
                imageID: imageID, categoryID: box.categoryID, instanceKey: instanceKey(forSource: box.annotationID),
                geometryKind: .rle, geometryJSON: geometry, area: Double(rle.area),
                bbox: [bbox.x, bbox.y, bbox.width, bbox.height], provenance: .model(name: modelName, version: modelVersion),
                score: Double(prediction.iouPredictions[0]), reviewState: .pending, attributesJSON: extraJSON))
        }
        let created = try store.write { db in
            let writer = RecordWriter(db)
            return try annotations.reduce(0) { $0 + (try writer.insert($1).inserted ? 1 : 0) }
        }
        return (created, cached, empty)
    }
}
