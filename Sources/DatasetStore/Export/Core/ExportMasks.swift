import Annotate

/// Masks of an instruction's targets and of an image's ignore regions, decoded the store's way.
public enum ExportMasks {
    /// The union of the annotations' masks, or nil for none.
    public static func union(_ annotations: [ExportAnnotation], width: Int, height: Int) throws(ExportError) -> RLE? {
        guard !annotations.isEmpty else { return nil }
        var parts: [RLE] = []
        for annotation in annotations { parts.append(try annotation.rle(width: width, height: height)) }
        if parts.count == 1 { return parts[0] }
        do { return try RLE.merge(parts) } catch {
            throw .badRecord(record: "annotations \(annotations.map(\.id))", field: "geometry", reason: "\(error)")
        }
    }

    /// Provenance of an annotation for the sample JSON.
    static func provenance(_ annotation: ExportAnnotation) -> [String: Any] {
        var entry: [String: Any] = ["id": annotation.id, "provenance": annotation.provenance,
                                    "review_state": annotation.reviewState.rawValue, "instance_key": annotation.instanceKey]
        if let name = annotation.modelName { entry["model"] = name }
        if let score = annotation.score { entry["score"] = score }
        if let category = annotation.categoryName { entry["category"] = category }
        return entry
    }

    /// Provenance of an instruction for the sample JSON.
    static func provenance(_ instruction: ExportInstruction) -> [String: Any] {
        var entry: [String: Any] = ["id": instruction.id, "origin": instruction.origin, "status": instruction.status.rawValue,
                                    "key": instruction.key]
        if let template = instruction.templateID { entry["template_id"] = template }
        if let backend = instruction.backend { entry["backend"] = backend }
        if let model = instruction.model { entry["model"] = model }
        if let parent = instruction.parentID { entry["parent_id"] = parent }
        if let score = instruction.qualityScore { entry["quality_score"] = score }
        return entry
    }
}
