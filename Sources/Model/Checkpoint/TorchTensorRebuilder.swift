import Serialization

/// Turns the value tree of a PyTorch pickle into named `CheckpointTensor`s.
///
/// Tensors appear as `.object` records of `torch._utils._rebuild_tensor_v2(storage, offset, size,
/// stride, ...)` (or v3 / parameter wrappers) whose storage is a persistent id
/// `('storage', torch.FloatStorage, key, location, numel)`. Nested dicts and lists are flattened
/// with dotted names (`model.encoder.weight`, `layers.0`); non-tensor leaves are skipped.
struct TorchTensorRebuilder {
    let path: String
    /// Resolves a storage key to its bytes.
    let storage: (String) throws -> CheckpointStorage
    private var cache: [String: CheckpointStorage] = [:]
    private(set) var names: [String] = []
    private(set) var tensors: [String: CheckpointTensor] = [:]

    init(path: String, storage: @escaping (String) throws -> CheckpointStorage) {
        self.path = path
        self.storage = storage
    }

    mutating func collect(_ value: PickleValue, prefix: String = "") throws {
        switch value {
        case .dict(let dict):
            for entry in dict {
                let key: String
                switch entry.key {
                case .string(let s): key = s
                case .int(let i): key = String(i)
                default: continue
                }
                try collect(entry.value, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        case .list(let items), .tuple(let items):
            for (i, item) in items.enumerated() {
                try collect(item, prefix: prefix.isEmpty ? String(i) : "\(prefix).\(i)")
            }
        case .object(let object):
            if let tensor = try rebuild(object, name: prefix) {
                if tensors[prefix] == nil { names.append(prefix) }
                tensors[prefix] = tensor
            }
        default:
            break
        }
    }

    private func fail(_ reason: String) -> CheckpointError { .malformed(path: path, reason: reason) }

    /// The tensor an object record stands for, or nil when it is not a tensor.
    private mutating func rebuild(_ object: PickleObject, name: String) throws -> CheckpointTensor? {
        let args = object.arguments
        switch (object.callee.module, object.callee.name) {
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard case .object(let inner) = args.first else { throw fail("'\(name)': parameter without tensor data") }
            return try rebuild(inner, name: name)
        case ("torch._tensor", "_rebuild_from_type_v2"):
            // (func, new_type, args, state): rebuild `func(*args)`.
            guard args.count >= 3, case .global(let function) = args[0], let inner = args[2].arrayValue else {
                throw fail("'\(name)': bad _rebuild_from_type_v2 arguments")
            }
            return try rebuild(PickleObject(callee: function, arguments: inner, keywordArguments: PickleDict(),
                                            state: nil, listItems: [], dictItems: PickleDict()), name: name)
        case ("torch._utils", "_rebuild_tensor"):
            // Legacy (storage, storage_offset, size, stride)
            return try tensor(name: name, args: args, dtypeOverride: nil)
        case ("torch._utils", "_rebuild_tensor_v2"):
            return try tensor(name: name, args: args, dtypeOverride: nil)
        case ("torch._utils", "_rebuild_tensor_v3"):
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, ...)
            guard args.count >= 7, case .global(let g) = args[6] else { throw fail("'\(name)': _rebuild_tensor_v3 without dtype") }
            guard let dtype = CheckpointDType(torchDTypeName: g.name) else {
                throw CheckpointError.unsupportedDType(path: path, name: g.description)
            }
            return try tensor(name: name, args: args, dtypeOverride: dtype)
        default:
            return nil
        }
    }

    private mutating func tensor(name: String, args: [PickleValue], dtypeOverride: CheckpointDType?) throws -> CheckpointTensor {
        guard args.count >= 4, case .persistent(let pid) = args[0],
              let offset = args[1].intValue, let shapeValues = args[2].arrayValue, let strideValues = args[3].arrayValue
        else { throw fail("'\(name)': bad tensor rebuild arguments") }
        let shape = shapeValues.compactMap(\.intValue)
        let strides = strideValues.compactMap(\.intValue)
        guard shape.count == shapeValues.count, strides.count == strideValues.count, shape.count == strides.count else {
            throw fail("'\(name)': shape and stride must be int tuples of equal length")
        }
        // ('storage', storage_type, key, location, numel[, view_metadata])
        guard let fields = pid.arrayValue, fields.count >= 5, fields[0].stringValue == "storage",
              case .global(let storageType) = fields[1], let key = fields[2].stringValue, let numel = fields[4].intValue
        else { throw fail("'\(name)': bad storage persistent id") }
        guard let storageDType = CheckpointDType(torchStorageName: storageType.name) else {
            throw CheckpointError.unsupportedDType(path: path, name: storageType.description)
        }
        let dtype = dtypeOverride ?? storageDType
        var bytes = try resolve(key)
        // Legacy files may view part of a root storage: (view_key, offset, size) in elements.
        if fields.count >= 6, let view = fields[5].arrayValue, view.count == 3,
           let viewOffset = view[1].intValue, let viewSize = view[2].intValue {
            let start = viewOffset * storageDType.byteCount
            let end = start + viewSize * storageDType.byteCount
            guard viewOffset >= 0, viewSize >= 0, end <= bytes.byteCount else {
                throw CheckpointError.tensorOutOfBounds(path: path, tensor: name, reason: "storage view outside its root storage")
            }
            bytes = bytes.slice(start..<end)
        }
        let storageBytes = numel.multipliedReportingOverflow(by: storageDType.byteCount)
        guard numel >= 0, !storageBytes.overflow, storageBytes.partialValue <= bytes.byteCount else {
            throw CheckpointError.tensorOutOfBounds(path: path, tensor: name,
                reason: "storage '\(key)' declares \(numel) elements but holds \(bytes.byteCount) bytes")
        }
        return try CheckpointTensor(dtype: dtype, shape: shape, strides: strides, storageOffset: offset, storage: bytes,
                                    name: name, path: path)
    }

    private mutating func resolve(_ key: String) throws -> CheckpointStorage {
        if let s = cache[key] { return s }
        let s = try storage(key)
        cache[key] = s
        return s
    }
}

extension CheckpointStorage {
    /// The sub-range `range` (in bytes) of this storage.
    func slice(_ range: Range<Int>) -> CheckpointStorage {
        switch backing {
        case .mapped(let file, let whole):
            CheckpointStorage(.mapped(file, (whole.lowerBound + range.lowerBound)..<(whole.lowerBound + range.upperBound)))
        case .owned(let bytes):
            CheckpointStorage(.owned(Array(bytes[range])))
        }
    }
}
