/// One entry of a GGUF tensor table, validated against the file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// Dimensions as ggml orders them: `dimensions[0]` is the contiguous (innermost) one.
    public let dimensions: [Int]
    public let type: GGUFTensorType
    /// Absolute byte range of the data in the file.
    public let range: Range<Int>

    /// The shape in PyTorch (row-major, outermost first) order: a weight stored with ggml
    /// dims [in, out] is [out, in] here.
    public var shape: [Int] { dimensions.reversed() }

    public var elementCount: Int { dimensions.reduce(1, *) }

    /// Elements per row (the contiguous dimension) and rows (all others together).
    public var rowLength: Int { dimensions.first ?? 1 }
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }

    /// Bytes of one row.
    public var rowBytes: Int { rowLength / type.blockSize * type.typeSize }
}
