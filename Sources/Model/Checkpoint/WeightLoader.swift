/// Maps checkpoint keys to layers and collects every mismatch before failing.
///
/// A model first renames the source's keys with its `sanitize` step (nil drops a key it knows it
/// does not use, such as a pooler head). Each layer then `take`s the keys it names with the
/// shape it needs. Missing or mis-shaped keys yield a zero placeholder so loading continues;
/// `finish()` throws one `ModelError.checkpointMismatch` listing the missing, unused and
/// mis-shaped keys together.
public struct WeightLoader {
    public let model: String
    private let source: TensorSource
    /// Our key → the source's key.
    private var available: [String: String] = [:]
    private var taken: Set<String> = []
    private var missing: [String] = []
    private var misshaped: [ModelError.ShapeMismatch] = []
    private let keepHalf: Bool

    /// `keepHalf`: keep f16/bf16 tensors in half storage instead of widening them at load.
    public init(source: TensorSource, model: String, keepHalf: Bool = false, sanitize: (String) -> String?) {
        self.source = source
        self.model = model
        self.keepHalf = keepHalf
        for key in source.tensorNames {
            if let ours = sanitize(key) { available[ours] = key }
        }
    }

    /// The tensor for `key` (after sanitizing), which must have `shape`.
    public mutating func take(_ key: String, shape: [Int]) throws -> Tensor {
        guard let sourceKey = available[key], let found = source.shape(of: sourceKey) else {
            missing.append(key)
            return Tensor(zeros: shape)
        }
        taken.insert(key)
        guard found == shape else {
            misshaped.append(.init(key: key, expected: shape, found: found))
            return Tensor(zeros: shape)
        }
        return try source.tensor(named: sourceKey, keepHalf: keepHalf)
    }

    /// The source's shape for `key` (after sanitizing), or nil if absent; reads no data. For
    /// layers that accept more than one shape (e.g. a table they resize) before `take`.
    public func shape(of key: String) -> [Int]? {
        available[key].flatMap { source.shape(of: $0) }
    }

    /// The weight matrix `key` of shape [outFeatures, inFeatures], in the cheapest form that
    /// multiplies it: the source's own (quantized) matrix for a `MatrixWeightSource`, 16-bit
    /// storage for f16/bf16 tensors when the loader keeps half precision, else fp32 on OpenBLAS.
    /// Missing or mis-shaped keys are recorded (see `finish`) and yield zeros.
    public mutating func takeMatrix(_ key: String, outFeatures: Int, inFeatures: Int) throws -> any MatrixWeight {
        let shape = [outFeatures, inFeatures]
        if let matrices = source as? any MatrixWeightSource, let sourceKey = available[key],
           matrices.shape(of: sourceKey) == shape {
            taken.insert(key)
            return try matrices.matrixWeight(named: sourceKey)
        }
        let tensor = try take(key, shape: shape)
        if tensor.dtype != .f32 { return HalfMatrixWeight(tensor) }
        return DenseMatrixWeight(tensor)
    }

    /// Throws if any key was missing or mis-shaped, or if the checkpoint holds keys no layer took.
    public func finish() throws {
        let unused = available.keys.filter { !taken.contains($0) }.sorted()
        if !missing.isEmpty || !unused.isEmpty || !misshaped.isEmpty {
            throw ModelError.checkpointMismatch(model: model, missing: missing, unused: unused, misshaped: misshaped)
        }
    }
}
