/// An annotation to store. `instanceKey` identifies it within its image, so storing the same
/// source annotation twice is a no-op (idempotent imports).
public struct NewAnnotation: Sendable {
    public var imageID: Int64
    public var categoryID: Int64?
    public var instanceKey: String
    public var geometryKind: GeometryKind
    /// The geometry as JSON text in the form `geometryKind` names.
    public var geometryJSON: String
    /// Foreground pixel count and pixel-inclusive bounding box `[x, y, w, h]`.
    public var area: Double
    public var bbox: [Double]
    public var isIgnore: Bool
    public var provenance: Provenance
    public var score: Double?
    public var reviewState: ReviewState
    /// Source-specific fields as a JSON object (OpenImages BoxID, PredictedIoU, Clicks...).
    public var attributesJSON: String?

    public init(imageID: Int64, categoryID: Int64?, instanceKey: String, geometryKind: GeometryKind, geometryJSON: String,
                area: Double, bbox: [Double], isIgnore: Bool = false, provenance: Provenance = .imported,
                score: Double? = nil, reviewState: ReviewState = .pending, attributesJSON: String? = nil) {
        self.imageID = imageID
        self.categoryID = categoryID
        self.instanceKey = instanceKey
        self.geometryKind = geometryKind
        self.geometryJSON = geometryJSON
        self.area = area
        self.bbox = bbox
        self.isIgnore = isIgnore
        self.provenance = provenance
        self.score = score
        self.reviewState = reviewState
        self.attributesJSON = attributesJSON
    }
}

/// An instruction to store, with the annotations that answer it (none: a negative example).
/// `key` identifies it within its image, so storing it twice is a no-op.
public struct NewInstruction: Sendable {
    public var imageID: Int64
    public var key: String
    public var text: String
    public var kind: InstructionKind
    public var isSentence: Bool
    public var answer: String?
    public var explanation: String?
    public var origin: InstructionOrigin
    public var qualityScore: Double?
    public var status: InstructionStatus
    public var targetAnnotationIDs: [Int64]

    public init(imageID: Int64, key: String, text: String, kind: InstructionKind, isSentence: Bool, answer: String? = nil,
                explanation: String? = nil, origin: InstructionOrigin = .imported, qualityScore: Double? = nil,
                status: InstructionStatus = .pending, targetAnnotationIDs: [Int64] = []) {
        self.imageID = imageID
        self.key = key
        self.text = text
        self.kind = kind
        self.isSentence = isSentence
        self.answer = answer
        self.explanation = explanation
        self.origin = origin
        self.qualityScore = qualityScore
        self.status = status
        self.targetAnnotationIDs = targetAnnotationIDs
    }
}
