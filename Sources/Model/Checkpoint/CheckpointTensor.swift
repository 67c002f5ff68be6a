import Serialization

/// A tensor as a checkpoint describes it: dtype, shape, element strides and offset into a storage.
///
/// This is deliberately not a compute tensor: it is what a reader found, to be converted into the
/// model's `Tensor` by a few lines of bridging (`contiguousBytes()` or `floatValues()`), while
/// `storage.fileRange` + `contiguousByteRange` allow zero-copy mapping of contiguous tensors.
public struct CheckpointTensor: Sendable {
    public let dtype: CheckpointDType
    public let shape: [Int]
    /// Strides in elements (PyTorch convention); 0 for broadcast dimensions.
    public let strides: [Int]
    /// Offset of element [0, 0, ...] in the storage, in elements.
    public let storageOffset: Int
    public let storage: CheckpointStorage

    /// Describes a tensor over `storage`, checking that every element lies inside it (`name` and
    /// `path` only label the error).
    public init(dtype: CheckpointDType, shape: [Int], strides: [Int], storageOffset: Int, storage: CheckpointStorage,
                name: String, path: String) throws(CheckpointError) {
        func out(_ reason: String) -> CheckpointError { .tensorOutOfBounds(path: path, tensor: name, reason: reason) }
        guard shape.count == strides.count else { throw out("\(shape.count) sizes but \(strides.count) strides") }
        guard storageOffset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw out("negative size, stride or offset")
        }
        if !shape.contains(0) {
            var last = storageOffset
            for (size, stride) in zip(shape, strides) {
                let step = (size - 1).multipliedReportingOverflow(by: stride)
                let sum = last.addingReportingOverflow(step.partialValue)
                guard !step.overflow, !sum.overflow else { throw out("extent overflows") }
                last = sum.partialValue
            }
            let end = (last + 1).multipliedReportingOverflow(by: dtype.byteCount)
            guard !end.overflow, end.partialValue <= storage.byteCount else {
                throw out("reaches element \(last) but its storage holds \(storage.byteCount / dtype.byteCount) elements")
            }
        } else {
            let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            guard count == 0 else { throw out("bad shape") }
        }
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.storageOffset = storageOffset
        self.storage = storage
    }

    public var elementCount: Int { shape.reduce(1, *) }

    /// True when the elements lie densely in row-major order.
    public var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// The byte range of the elements inside `storage` when contiguous, else nil.
    public var contiguousByteRange: Range<Int>? {
        guard isContiguous else { return nil }
        let start = storageOffset * dtype.byteCount
        return start..<(start + elementCount * dtype.byteCount)
    }

    /// The elements' bytes in row-major order (little-endian, as stored), gathering strided views.
    public func contiguousBytes() -> [UInt8] {
        let width = dtype.byteCount
        let count = elementCount
        if count == 0 { return [] }
        var out = [UInt8](repeating: 0, count: count * width)
        storage.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                if let range = contiguousByteRange {
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[range]))
                    return
                }
                // Walk the index space in row-major order; the innermost dimension in a tight loop.
                let rank = shape.count
                let innerSize = shape[rank - 1]
                let innerStride = strides[rank - 1] * width
                var index = [Int](repeating: 0, count: max(rank - 1, 0))
                var written = 0
                while written < count * width {
                    var base = storageOffset
                    for d in 0..<(rank - 1) { base += index[d] * strides[d] }
                    var from = base * width
                    for _ in 0..<innerSize {
                        for b in 0..<width { dst[written + b] = src[from + b] }
                        written += width
                        from += innerStride
                    }
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        if index[d] < shape[d] { break }
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return out
    }

    /// The elements converted to Float in row-major order (f16/bf16 widened exactly; f64 and
    /// integers rounded as `Float(_:)` does; bool as 0/1). Contiguous tensors convert straight
    /// from the (mapped) storage; strided views are gathered first.
    public func floatValues() -> [Float] {
        let n = elementCount
        if n == 0 { return [] }
        if let range = contiguousByteRange {
            return storage.withUnsafeBytes { Self.convert(UnsafeRawBufferPointer(rebasing: $0[range]), dtype, n) }
        }
        return contiguousBytes().withUnsafeBytes { Self.convert($0, dtype, n) }
    }

    /// Little-endian elements of `dtype` → Float, one tight loop per type.
    private static func convert(_ src: UnsafeRawBufferPointer, _ dtype: CheckpointDType, _ n: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: n) { out, count in
            switch dtype {
            case .float32:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .float16:
                for i in 0..<n { out[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
            case .bfloat16:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .float64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .int64:
                for i in 0..<n { out[i] = Float(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .int32:
                for i in 0..<n { out[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .int16:
                for i in 0..<n { out[i] = Float(Int16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .int8:
                for i in 0..<n { out[i] = Float(Int8(bitPattern: src[i])) }
            case .uint8:
                for i in 0..<n { out[i] = Float(src[i]) }
            case .bool:
                for i in 0..<n { out[i] = src[i] != 0 ? 1 : 0 }
            }
            count = n
        }
    }
}
