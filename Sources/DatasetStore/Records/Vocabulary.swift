/// Where an annotation came from.
public enum Provenance: Sendable, Equatable {
    case imported
    case human
    /// A model's prediction: which model and version produced it.
    case model(name: String, version: String?)

    var column: String {
        switch self { case .imported: "imported"; case .human: "human"; case .model: "model" }
    }
}

/// Review state of an annotation.
public enum ReviewState: String, Sendable, Codable, CaseIterable {
    case pending, accepted, rejected, corrected
}

/// What kind of query an instruction is.
public enum InstructionKind: String, Sendable, Codable, CaseIterable {
    case semantic, referring, reasoning, explanatory
}

/// Where an instruction came from.
public enum InstructionOrigin: Sendable, Equatable {
    case imported
    /// Templated by the rule-based templater; `parentID` is the query it wrapped, if any.
    case template(id: String, parentID: Int64?)
    case paraphrase(parentID: Int64, backend: String, model: String?)
    case generated(backend: String, model: String?)
    case human
}

/// Review status of an instruction.
public enum InstructionStatus: String, Sendable, Codable, CaseIterable {
    case pending, accepted, rejected
}

/// How an annotation's geometry is stored (see schema.sql).
public enum GeometryKind: String, Sendable, Codable {
    /// JSON `[{"exterior": [x0, y0, ...], "holes": [[...], ...]}, ...]`.
    case polygons
    /// COCO RLE JSON `{"size": [h, w], "counts": ...}`.
    case rle
}
