import Annotate

/// One image with everything an importer read about it, written to the store in one piece:
/// the image, its annotations and its instructions. Keys make writing it twice a no-op.
public struct ImportUnit: Sendable {
    /// A category as the source names it.
    public struct Category: Sendable, Hashable {
        public var name: String
        public var displayName: String?
        /// The id the category has in the source dataset (a MID, a COCO id, a label id).
        public var sourceID: String?

        public init(name: String, displayName: String? = nil, sourceID: String? = nil) {
            self.name = name
            self.displayName = displayName
            self.sourceID = sourceID
        }
    }

    public struct Annotation: Sendable {
        /// Unique within the image and stable across runs (source instance id, box id, shape index).
        public var key: String
        public var category: Category?
        public var geometry: AnnotationGeometry
        public var isIgnore: Bool
        /// Source fields kept with the annotation, as a JSON object.
        public var attributesJSON: String?

        public init(key: String, category: Category?, geometry: AnnotationGeometry, isIgnore: Bool = false, attributesJSON: String? = nil) {
            self.key = key
            self.category = category
            self.geometry = geometry
            self.isIgnore = isIgnore
            self.attributesJSON = attributesJSON
        }
    }

    public struct Instruction: Sendable {
        public var key: String
        public var text: String
        public var kind: InstructionKind
        public var isSentence: Bool
        public var explanation: String?
        /// Keys of this unit's annotations that answer the instruction (none: a negative).
        public var targetKeys: [String]

        public init(key: String, text: String, kind: InstructionKind, isSentence: Bool, explanation: String? = nil, targetKeys: [String]) {
            self.key = key
            self.text = text
            self.kind = kind
            self.isSentence = isSentence
            self.explanation = explanation
            self.targetKeys = targetKeys
        }
    }

    /// The image file (inside the dataset root) and how the source identifies it.
    public var imagePath: String
    /// Image bytes carried by the annotation file itself (LabelMe `imageData`), used when the
    /// file at `imagePath` is missing; stored in the blob folder.
    public var embeddedImage: [UInt8]?
    public var sourceID: String
    public var groupKey: String?
    public var split: Split?
    public var annotations: [Annotation]
    public var instructions: [Instruction]
    /// Where the unit came from, for error messages (a JSON file, a CSV line).
    public var origin: String

    public init(imagePath: String, embeddedImage: [UInt8]? = nil, sourceID: String, groupKey: String? = nil, split: Split? = nil,
                annotations: [Annotation] = [], instructions: [Instruction] = [], origin: String) {
        self.imagePath = imagePath
        self.embeddedImage = embeddedImage
        self.sourceID = sourceID
        self.groupKey = groupKey
        self.split = split
        self.annotations = annotations
        self.instructions = instructions
        self.origin = origin
    }
}
