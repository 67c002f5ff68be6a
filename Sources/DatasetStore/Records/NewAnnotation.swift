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
