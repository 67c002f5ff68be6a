/// Anything that serves named tensors: a safetensors file, a sharded checkpoint, a PyTorch zip.
/// Lets `WeightLoader` map keys to layers without knowing the file format.
public protocol TensorSource: Sendable {
    /// A name for messages (file or directory path).
    var sourceDescription: String { get }
    /// All tensor names held.
    var tensorNames: [String] { get }
    /// The shape of `name`, or nil if absent (no data is read).
    func shape(of name: String) -> [Int]?
    /// The tensor `name` as fp32 (half storage kept as is when `keepHalf`). Throws if absent
    /// or unreadable.
    func tensor(named name: String, keepHalf: Bool) throws -> Tensor
}
