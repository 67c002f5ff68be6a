/// The prompt and answer templates the templater samples from. `<image>` is the image
/// placeholder and `[SEG]` the mask token; `{class_name}`, `{sent}` and `{segs}` are filled in.
///
/// `TemplateSet.lisa` holds LISA's lists verbatim (dvlab-research/LISA, utils/utils.py); the
/// multi-target and rejection lists extend them for several masks per query and for negatives
/// (the direction GSVA and LISA++ took).
public struct TemplateSet: Sendable, Codable, Equatable {
    /// Questions about a class name or short phrase: `{class_name}` (lower-cased).
    public var short: [String]
    /// Questions wrapping a sentence (referring expression or reasoning query): `{sent}`.
    public var long: [String]
    /// Suffixes that ask for an explanation, appended to a sentence: `<image>\n{sent} {suffix}`.
    public var explanatorySuffixes: [String]
    /// Answers for one target.
    public var answers: [String]
    /// Answers for several targets: `{segs}` becomes "[SEG], [SEG] and [SEG]".
    public var multiAnswers: [String]
    /// Answers for a class that is not in the image (negative examples): `{class_name}`.
    public var rejectionAnswers: [String]
    /// Answers for a sentence that matches nothing in the image.
    public var rejectionSentenceAnswers: [String]
    /// Fixed validation prompts (LISA's evaluation), answered with `validationAnswer`.
    public var validationShort: String
    public var validationLong: String
    public var validationAnswer: String

    enum CodingKeys: String, CodingKey {
        case short, long, answers
        case explanatorySuffixes = "explanatory_suffixes"
        case multiAnswers = "multi_answers"
        case rejectionAnswers = "rejection_answers"
        case rejectionSentenceAnswers = "rejection_sentence_answers"
        case validationShort = "validation_short"
        case validationLong = "validation_long"
        case validationAnswer = "validation_answer"
    }

    public init(short: [String], long: [String], explanatorySuffixes: [String], answers: [String], multiAnswers: [String],
                rejectionAnswers: [String], rejectionSentenceAnswers: [String], validationShort: String, validationLong: String, validationAnswer: String) {
        self.short = short
        self.long = long
        self.explanatorySuffixes = explanatorySuffixes
        self.answers = answers
        self.multiAnswers = multiAnswers
        self.rejectionAnswers = rejectionAnswers
        self.rejectionSentenceAnswers = rejectionSentenceAnswers
        self.validationShort = validationShort
        self.validationLong = validationLong
        self.validationAnswer = validationAnswer
    }

    /// LISA's templates (verbatim), plus multi-target and rejection answers.
    public static let lisa = TemplateSet(
        short: [
            "<image>\nCan you segment the {class_name} in this image?",
            "<image>\nPlease segment the {class_name} in this image.",
            "<image>\nWhat is {class_name} in this image? Please respond with segmentation mask.",
            "<image>\nWhat is {class_name} in this image? Please output segmentation mask.",
        ],
        long: [
            "<image>\n{sent} Please respond with segmentation mask.",
            "<image>\n{sent} Please output segmentation mask.",
        ],
        explanatorySuffixes: [
            "Please output segmentation mask and explain why.",
            "Please output segmentation mask and explain the reason.",
            "Please output segmentation mask and give some explanation.",
        ],
        answers: [
            "It is [SEG].",
            "Sure, [SEG].",
            "Sure, it is [SEG].",
            "Sure, the segmentation result is [SEG].",
            "[SEG].",
        ],
        multiAnswers: [
            "They are {segs}.",
            "Sure, {segs}.",
            "Sure, they are {segs}.",
            "Sure, the segmentation results are {segs}.",
            "{segs}.",
        ],
        rejectionAnswers: [
            "Sorry, there is no {class_name} in this image.",
            "I cannot find {class_name} in this image.",
            "There is no {class_name} in this image, so there is nothing to segment.",
        ],
        rejectionSentenceAnswers: [
            "Sorry, nothing in this image matches the description.",
            "There is nothing like that in this image.",
        ],
        validationShort: "<image>\n What is {class_name} in this image? Please output segmentation mask.",
        validationLong: "<image>\n {sent} Please output segmentation mask.",
        validationAnswer: "[SEG].")

    /// "[SEG]", "[SEG] and [SEG]", "[SEG], [SEG] and [SEG]".
    public static func segList(_ count: Int) -> String {
        switch count {
        case ...0: return ""
        case 1: return "[SEG]"
        default: return Array(repeating: "[SEG]", count: count - 1).joined(separator: ", ") + " and [SEG]"
        }
    }
}
