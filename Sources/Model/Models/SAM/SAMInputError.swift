/// Problems with an image handed to SAM's image side (preprocessing, encoder input).
public enum SAMInputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Width or height is zero or negative.
    case emptyImage(width: Int, height: Int)
    /// A channel count other than 1 (gray), 3 (RGB) or 4 (RGBA).
    case unsupportedChannels(Int)
    /// The sample buffer does not hold `width × height × channels` bytes.
    case sampleCount(expected: Int, found: Int)
    /// An encoder input tensor whose shape is not [3, S, S] (or [1, 3, S, S]) for the model's S.
    case inputShape(expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .emptyImage(let w, let h): "SAM input image is empty (\(w)×\(h))"
        case .unsupportedChannels(let c): "SAM input image has \(c) channels; expected 1 (gray), 3 (RGB) or 4 (RGBA)"
        case .sampleCount(let e, let f): "SAM input image buffer holds \(f) samples; its size needs \(e)"
        case .inputShape(let e, let f): "SAM image encoder input has shape \(f); expected \(e)"
        }
    }
}
