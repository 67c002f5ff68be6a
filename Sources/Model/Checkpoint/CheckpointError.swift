/// Errors reading a checkpoint file. Zip and pickle problems surface as `ZipError` /
/// `PickleError` (which also name the file); these cover the checkpoint structure itself.
public enum CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file is neither a PyTorch zip checkpoint nor a legacy PyTorch pickle.
    case notACheckpoint(path: String, reason: String)
    /// The structure is inconsistent (missing `data.pkl`, a bad persistent id, a wrong argument).
    case malformed(path: String, reason: String)
    /// A storage class or dtype we do not read (complex, quantized, ...).
    case unsupportedDType(path: String, name: String)
    /// A tensor's shape/strides/offset reach outside its storage.
    case tensorOutOfBounds(path: String, tensor: String, reason: String)
    /// The storage `data/KEY` named by a tensor is missing from the archive.
    case missingStorage(path: String, key: String)
    /// A sharded index names a tensor its shard does not contain.
    case missingShardTensor(index: String, shard: String, tensor: String)

    public var description: String {
        switch self {
        case .notACheckpoint(let path, let reason): "\(path): not a PyTorch checkpoint: \(reason)"
        case .malformed(let path, let reason): "\(path): malformed checkpoint: \(reason)"
        case .unsupportedDType(let path, let name): "\(path): unsupported tensor type '\(name)'"
        case .tensorOutOfBounds(let path, let tensor, let reason): "\(path): tensor '\(tensor)': \(reason)"
        case .missingStorage(let path, let key): "\(path): storage '\(key)' is missing"
        case .missingShardTensor(let index, let shard, let tensor):
            "\(index): tensor '\(tensor)' is mapped to shard '\(shard)', which does not contain it"
        }
    }
}
