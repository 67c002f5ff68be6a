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
