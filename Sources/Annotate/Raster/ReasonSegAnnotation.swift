/// One labelled polygon of a ReasonSeg / LabelMe file (only `label` and `points` matter to LISA).
public struct LabeledShape: Sendable, Hashable {
    public var label: String
    /// `[x, y]` points as written in the file.
    public var points: [[Double]]
    public init(label: String, points: [[Double]]) { self.label = label; self.points = points }
}

/// A parsed ReasonSeg annotation: instructions, sentence flag and shapes.
public struct ReasonSegAnnotation: Sendable, Hashable {
    /// `text`: the instruction(s); a single string in the file becomes one element.
    public var texts: [String]
    /// `is_sentence`: long query (true) or short phrase (false); nil when absent.
    public var isSentence: Bool?
    public var shapes: [LabeledShape]
    /// `imageWidth` / `imageHeight` when the file has them.
    public var imageWidth: Int?
    public var imageHeight: Int?

    public init(texts: [String], isSentence: Bool?, shapes: [LabeledShape], imageWidth: Int? = nil, imageHeight: Int? = nil) {
        self.texts = texts
        self.isSentence = isSentence
        self.shapes = shapes
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
    }
}
