/// An n-dimensional array: fp32 for computation, f16/bf16 for compact storage.
///
/// A value type with copy-on-write storage (Swift arrays underneath): copies are free until one
/// of them is written. Views (`transposed`, `sliced`, `reshaped` of a contiguous tensor) share
/// storage and only change `shape`, `strides` and `offset`. Kernels want contiguous fp32 data and
/// call `withUnsafeFloats`, which materializes a view or widens half storage only when needed.
///
/// Shape mismatches in code are programming errors (`precondition`); data from files is checked
/// where it is read (see `SafeTensorsFile`), before a `Tensor` is built.
public struct Tensor: Sendable {
    /// Element storage. The arrays may be longer than the tensor (views into a larger tensor).
    public enum Storage: Sendable {
        case f32([Float])
        case f16([UInt16])
        case bf16([UInt16])
    }

    public private(set) var storage: Storage
    public private(set) var shape: [Int]
    /// Element strides per dimension (in elements, not bytes).
    public private(set) var strides: [Int]
    /// Index of the first element in `storage`.
    public private(set) var offset: Int

    // MARK: - Construction

    /// A contiguous fp32 tensor holding `data` in row-major order.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(Tensor.elementCount(shape) == data.count,
                     "Tensor: shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(data.count)")
        self.storage = .f32(data)
        self.shape = shape
        self.strides = Tensor.contiguousStrides(shape)
        self.offset = 0
    }

    /// A contiguous 16-bit float tensor from raw bit patterns (`dtype` is `.f16` or `.bf16`).
    public init(shape: [Int], halfBits: [UInt16], dtype: DType) {
        precondition(dtype != .f32, "Tensor(halfBits:) needs a 16-bit dtype")
        precondition(Tensor.elementCount(shape) == halfBits.count,
                     "Tensor: shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(halfBits.count)")
        self.storage = dtype == .f16 ? .f16(halfBits) : .bf16(halfBits)
        self.shape = shape
        self.strides = Tensor.contiguousStrides(shape)
        self.offset = 0
    }

    /// A contiguous fp32 tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: Tensor.elementCount(shape)))
    }

    /// A contiguous fp32 tensor filled by `body`, which receives an uninitialized buffer of
    /// `shape`'s element count and must write every element.
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = Tensor.elementCount(shape)
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
        self.init(shape: shape, data: data)
    }

    // MARK: - Properties

    public var dtype: DType {
        switch storage {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        }
    }

    public var rank: Int { shape.count }
    public var count: Int { Tensor.elementCount(shape) }

    /// Row-major contiguous from `offset` (views may still start inside a larger array).
    public var isContiguous: Bool { strides == Tensor.contiguousStrides(shape) }

    /// Number of elements held by the underlying array.
    var storageCount: Int {
        switch storage {
        case .f32(let a): a.count
        case .f16(let a), .bf16(let a): a.count
        }
    }

    // MARK: - Element access (for tests and small glue; kernels use the buffer accessors)

    /// The element at `indices` as fp32.
    public subscript(_ indices: Int...) -> Float {
        precondition(indices.count == rank, "Tensor subscript: \(indices.count) indices for rank \(rank)")
        var index = offset
        for (d, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[d], "Tensor subscript: index \(i) out of range for dim \(d) of \(shape)")
            index += i * strides[d]
        }
        switch storage {
        case .f32(let a): return a[index]
        case .f16(let a): return HalfConversion.float(f16: a[index])
        case .bf16(let a): return HalfConversion.float(bf16: a[index])
        }
    }

    /// All elements as a row-major fp32 array.
    public var scalars: [Float] {
        if case .f32(let a) = storage, isContiguous, offset == 0, a.count == count { return a }
        // A contiguous view into a larger array (e.g. a row slice) is its own `contiguous()`:
        // copy through the buffer accessor instead of recursing.
        return withUnsafeFloats { Array($0) }
    }

    // MARK: - Views

    /// The same elements with a new shape. Free for contiguous tensors; otherwise copies.
    /// One dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        precondition(inferred.count <= 1, "reshaped: more than one -1 in \(newShape)")
        if let i = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshaped: cannot infer \(newShape) from \(shape)")
            resolved[i] = count / known
        }
        precondition(Tensor.elementCount(resolved) == count, "reshaped: \(shape) → \(resolved) changes the element count")
        var base = isContiguous ? self : contiguous()
        base.shape = resolved
        base.strides = Tensor.contiguousStrides(resolved)
        return base
    }

    /// A view with dimensions `a` and `b` swapped (no copy).
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        precondition(a >= 0 && a < rank && b >= 0 && b < rank, "transposed: dims \(a), \(b) out of range for rank \(rank)")
        var view = self
        view.shape.swapAt(a, b)
        view.strides.swapAt(a, b)
        return view
    }

    /// A view with dimensions reordered: result dim i is source dim `order[i]` (no copy).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permuted: \(order) is not a permutation of 0..<\(rank)")
        var view = self
        view.shape = order.map { shape[$0] }
        view.strides = order.map { strides[$0] }
        return view
    }

    /// A view of `range` along `dim` (no copy).
    public func sliced(dim: Int, _ range: Range<Int>) -> Tensor {
        precondition(dim >= 0 && dim < rank, "sliced: dim \(dim) out of range for rank \(rank)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[dim], "sliced: \(range) out of 0..<\(shape[dim])")
        var view = self
        view.offset += range.lowerBound * strides[dim]
        view.shape[dim] = range.count
        return view
    }

    // MARK: - Materialization

    /// A contiguous fp32 copy (or `self` when it already is one).
    public func contiguous() -> Tensor {
        if case .f32 = storage, isContiguous { return self }
        let n = count
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { dst in
            switch storage {
            case .f32(let a): a.withUnsafeBufferPointer { Tensor.gather(shape, strides, offset, $0.baseAddress!, dst.baseAddress!) { $0 } }
            case .f16(let a): a.withUnsafeBufferPointer { Tensor.gather(shape, strides, offset, $0.baseAddress!, dst.baseAddress!) { HalfConversion.float(f16: $0) } }
            case .bf16(let a): a.withUnsafeBufferPointer { Tensor.gather(shape, strides, offset, $0.baseAddress!, dst.baseAddress!) { HalfConversion.float(bf16: $0) } }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// A contiguous copy stored as `dtype` (rounding to nearest even when narrowing).
    public func converted(to target: DType) -> Tensor {
        let floats = contiguous()
        switch target {
        case .f32: return floats
        case .f16: return Tensor(shape: shape, halfBits: floats.scalars.map(HalfConversion.f16), dtype: .f16)
        case .bf16: return Tensor(shape: shape, halfBits: floats.scalars.map(HalfConversion.bf16), dtype: .bf16)
        }
    }

    /// Calls `body` with the contiguous row-major fp32 elements (materializing if needed).
    public func withUnsafeFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        if case .f32(let a) = storage, isContiguous {
            return try a.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<(offset + count)])) }
        }
        return try contiguous().withUnsafeFloats(body)
    }

    /// Calls `body` with writable contiguous fp32 elements, copying first only if the storage
    /// is shared, a view, or not fp32 (copy-on-write).
    public mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if case .f32(let a) = storage, isContiguous, offset == 0, a.count == count {
        } else {
            self = contiguous()
            if case .f32(let a) = storage, a.count != count || offset != 0 {
                storage = .f32(Array(a[offset..<(offset + count)]))
                offset = 0
            }
        }
        guard case .f32(var array) = storage else { preconditionFailure("unreachable: storage is fp32 here") }
        storage = .f32([])  // drop our reference so `array` is uniquely owned unless shared elsewhere
        defer { storage = .f32(array) }
        return try array.withUnsafeMutableBufferPointer { try body($0) }
    }

    // MARK: - Helpers

    static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = running
            running *= shape[d]
        }
        return strides
    }

    /// Copies a strided view into a contiguous destination, innermost dimension in a tight loop.
    static func gather<T>(
        _ shape: [Int], _ strides: [Int], _ offset: Int,
        _ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<Float>, _ widen: (T) -> Float
    ) {
        let n = elementCount(shape)
        if n == 0 { return }
        if shape.isEmpty { dst[0] = widen(src[offset]); return }
        let inner = shape[shape.count - 1]
        let innerStride = strides[strides.count - 1]
        let outer = n / inner
        var index = [Int](repeating: 0, count: shape.count - 1)
        var base = offset
        var out = 0
        for _ in 0..<outer {
            let s = src + base
            if innerStride == 1 {
                for j in 0..<inner { dst[out + j] = widen(s[j]) }
            } else {
                for j in 0..<inner { dst[out + j] = widen(s[j * innerStride]) }
            }
            out += inner
            // Odometer increment over the outer dimensions.
            var d = shape.count - 2
            while d >= 0 {
                index[d] += 1
                base += strides[d]
                if index[d] < shape[d] { break }
                base -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(\(dtype), shape: \(shape))" }
}
