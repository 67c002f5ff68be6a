/// What the user asks SAM to segment: clicks, a box, a previous low-resolution mask, and
/// (LISA) `[SEG]` text embeddings. Follows the inputs of Meta's `SamPredictor.predict` and
/// LISA's `PromptEncoder.forward(text_embeds:)`.
///
/// Coordinates are pixels of whatever frame the caller states: `SAMPredictor` takes them in the
/// original image and rescales with `resized(from:to:)`; `SAMPromptEncoder` expects them in the
/// resized input frame (longest side = `image_size`), as Meta's prompt encoder does.
public struct SAMPrompt: Sendable, Equatable {
    /// A click. Labels as in SAM: 1 foreground, 0 background; -1 is the padding point SAM adds
    /// itself and is accepted for completeness (it contributes `not_a_point_embed`).
    public struct Point: Sendable, Equatable {
        public enum Label: Int, Sendable { case padding = -1, negative = 0, positive = 1 }
        public var x: Double, y: Double
        public var label: Label
        public init(x: Double, y: Double, label: Label = .positive) { self.x = x; self.y = y; self.label = label }
    }

    /// A box by its corners (x0, y0) top-left and (x1, y1) bottom-right, in pixels.
    public struct Box: Sendable, Equatable {
        public var x0: Double, y0: Double, x1: Double, y1: Double
        public init(x0: Double, y0: Double, x1: Double, y1: Double) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    }

    public var points: [Point]
    public var box: Box?
    /// Low-resolution mask logits (4·embedding side squared, 256² for the published models),
    /// row-major: typically a previous prediction's `lowResLogits`, to refine it.
    public var maskInput: [Float]?
    /// Extra sparse tokens of `prompt_embed_dim` values each, appended after the point and box
    /// tokens (LISA feeds its `[SEG]` hidden state through `text_hidden_fcs` here).
    public var textEmbeddings: [[Float]]

    public init(points: [Point] = [], box: Box? = nil, maskInput: [Float]? = nil, textEmbeddings: [[Float]] = []) {
        self.points = points; self.box = box; self.maskInput = maskInput; self.textEmbeddings = textEmbeddings
    }

    public var isEmpty: Bool { points.isEmpty && box == nil && maskInput == nil && textEmbeddings.isEmpty }

    /// The prompt with coordinates moved from an image of `original` (height, width) to the
    /// resized `input` frame: x · (input w / original w), y · (input h / original h), in double
    /// precision as Meta's `ResizeLongestSide.apply_coords` computes it.
    public func resized(from original: (height: Int, width: Int), to input: (height: Int, width: Int)) -> SAMPrompt {
        let sx = Double(input.width) / Double(original.width), sy = Double(input.height) / Double(original.height)
        var out = self
        out.points = points.map { Point(x: $0.x * sx, y: $0.y * sy, label: $0.label) }
        out.box = box.map { Box(x0: $0.x0 * sx, y0: $0.y0 * sy, x1: $0.x1 * sx, y1: $0.y1 * sy) }
        return out
    }
}
