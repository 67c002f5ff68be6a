import Foundation
import Serialization

/// The tensors of a PyTorch `.bin` / `.pth` checkpoint, read without running Python.
///
/// Formats: the zip format of `torch.save` since 1.6 (`ARCHIVE/data.pkl` + `ARCHIVE/data/KEY`
/// storages, memory-mapped when stored uncompressed, as torch writes them), the legacy pre-1.6
/// stream of pickles, and Hugging Face sharded checkpoints through `pytorch_model.bin.index.json`.
/// The pickle is read with `PicklePolicy.pytorch`: any global beyond tensor rebuilding is refused.
public struct PyTorchCheckpoint: Sendable {
    /// The file read (the index for sharded checkpoints).
    public let path: String
    /// Tensor names in the order the checkpoint lists them.
    public let names: [String]
    /// Tensors by name. Nested dicts are flattened with dots (`model.weight`), lists by index.
    public let tensors: [String: CheckpointTensor]

    public subscript(name: String) -> CheckpointTensor? { tensors[name] }

    /// Reads `path`: a sharded index when it ends in `.index.json`, else one checkpoint file.
    public init(path: String) throws {
        self.path = path
        if path.hasSuffix(".index.json") {
            (names, tensors) = try PyTorchCheckpoint.readSharded(indexPath: path)
        } else {
            (names, tensors) = try PyTorchCheckpoint.readFile(path: path)
        }
    }

    // MARK: - One file

    static func readFile(path: String) throws -> ([String], [String: CheckpointTensor]) {
        let file = try MappedFile(path: path)
        let head = Array(file.bytes.prefix(4))
        if head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06] {
            return try readZip(file)
        }
        if head.first == 0x80 {
            return try readLegacy(file)
        }
        throw CheckpointError.notACheckpoint(path: path, reason: "neither a zip archive nor a pickle stream")
    }

    private static func readZip(_ file: MappedFile) throws -> ([String], [String: CheckpointTensor]) {
        let path = file.path
        let archive = try ZipArchive(file: file)
        let candidates = archive.entries.filter {
            let parts = $0.name.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[1] == "data.pkl"
        }
        guard let pickleEntry = candidates.first else {
            throw CheckpointError.notACheckpoint(path: path, reason: "zip archive without ARCHIVE/data.pkl")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.data(of: order), as: UTF8.self)
            guard text == "little" else {
                throw CheckpointError.malformed(path: path, reason: "byte order '\(text)' (only little-endian is read)")
            }
        }
        let value = try Unpickler(source: "\(path):\(pickleEntry.name)", policy: .pytorch).load(archive.data(of: pickleEntry))
        var rebuilder = TorchTensorRebuilder(path: path) { key in
            guard let entry = archive.entry(named: prefix + "data/" + key) else {
                throw CheckpointError.missingStorage(path: path, key: key)
            }
            if let range = entry.storedRange { return CheckpointStorage(.mapped(file, range)) }
            return CheckpointStorage(.owned(try archive.data(of: entry)))
        }
        try rebuilder.collect(value)
        return (rebuilder.names, rebuilder.tensors)
    }

    // MARK: - Legacy (torch < 1.6)

    /// Magic number 0x1950a86a20f9469cfc6c as the LONG1 payload torch writes.
    private static let legacyMagic: PickleValue = .bigInt([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19])

    /// Layout: pickles of the magic number, the protocol version (1001), the sys info, the object
    /// (storages as persistent ids) and the list of storage keys; then for each key in that order
    /// an int64 element count and the raw storage bytes.
    private static func readLegacy(_ file: MappedFile) throws -> ([String], [String: CheckpointTensor]) {
        let path = file.path
        let reader = Unpickler(source: path, policy: .pytorch)
        var offset = 0
        func next() throws -> PickleValue {
            let (value, end) = try reader.load(file.bytes, from: offset)
            offset = end
            return value
        }
        guard try next() == legacyMagic else {
            throw CheckpointError.notACheckpoint(path: path, reason: "a pickle, but not a PyTorch checkpoint (no magic number)")
        }
        guard try next() == .int(1001) else { throw CheckpointError.malformed(path: path, reason: "unknown legacy protocol version") }
        let info = try next()
        guard info["little_endian"] == .bool(true) else {
            throw CheckpointError.malformed(path: path, reason: "big-endian legacy checkpoint")
        }
        let root = try next()
        guard let keys = try next().arrayValue?.compactMap(\.stringValue) else {
            throw CheckpointError.malformed(path: path, reason: "missing storage key list")
        }
        var elementBytes: [String: Int] = [:]
        try storageTypes(in: root, path: path, into: &elementBytes)
        var storages: [String: CheckpointStorage] = [:]
        let reader64 = file.bytes
        for key in keys {
            guard let width = elementBytes[key] else {
                throw CheckpointError.malformed(path: path, reason: "storage '\(key)' is listed but never used")
            }
            guard offset + 8 <= reader64.count else { throw CheckpointError.missingStorage(path: path, key: key) }
            let numel = Int64(littleEndian: reader64.loadUnaligned(fromByteOffset: offset, as: Int64.self))
            offset += 8
            let size = Int(exactly: numel).map { $0.multipliedReportingOverflow(by: width) }
            guard numel >= 0, let size, !size.overflow, size.partialValue <= reader64.count - offset else {
                throw CheckpointError.missingStorage(path: path, key: key)
            }
            storages[key] = CheckpointStorage(.mapped(file, offset..<(offset + size.partialValue)))
            offset += size.partialValue
        }
        var rebuilder = TorchTensorRebuilder(path: path) { key in
            guard let s = storages[key] else { throw CheckpointError.missingStorage(path: path, key: key) }
            return s
        }
        try rebuilder.collect(root)
        return (rebuilder.names, rebuilder.tensors)
    }

    /// Element sizes of the storages that persistent ids in `value` name.
    private static func storageTypes(in value: PickleValue, path: String, into map: inout [String: Int]) throws {
        switch value {
        case .persistent(let pid):
            if let f = pid.arrayValue, f.count >= 5, case .global(let type) = f[1], let key = f[2].stringValue {
                guard let dtype = CheckpointDType(torchStorageName: type.name) else {
                    throw CheckpointError.unsupportedDType(path: path, name: type.description)
                }
                map[key] = dtype.byteCount
                if f.count >= 6, let view = f[5].arrayValue, let root = view.first?.stringValue { map[root] = dtype.byteCount }
            }
        case .list(let a), .tuple(let a), .set(let a), .frozenSet(let a):
            for v in a { try storageTypes(in: v, path: path, into: &map) }
        case .dict(let d):
            for e in d { try storageTypes(in: e.value, path: path, into: &map) }
        case .object(let o):
            for v in o.arguments { try storageTypes(in: v, path: path, into: &map) }
            if let s = o.state { try storageTypes(in: s, path: path, into: &map) }
        default:
            break
        }
    }

    // MARK: - Sharded (Hugging Face)

    static func readSharded(indexPath: String) throws -> ([String], [String: CheckpointTensor]) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: indexPath)) } catch {
            throw CheckpointError.notACheckpoint(path: indexPath, reason: "cannot read index: \(error.localizedDescription)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let weightMap = json["weight_map"] as? [String: Any] else {
            throw CheckpointError.malformed(path: indexPath, reason: "index without a 'weight_map' object")
        }
        let folder = URL(fileURLWithPath: indexPath).deletingLastPathComponent()
        var shardOf: [String: String] = [:]
        var shards: [String] = []
        for (name, value) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let shard = value as? String, ZipEntryName.isSafe(shard), !shard.contains("/") else {
                throw CheckpointError.malformed(path: indexPath, reason: "weight_map['\(name)'] is not a shard file name")
            }
            shardOf[name] = shard
            if !shards.contains(shard) { shards.append(shard) }
        }
        var names: [String] = []
        var tensors: [String: CheckpointTensor] = [:]
        for shard in shards.sorted() {
            let (shardNames, shardTensors) = try readFile(path: folder.appendingPathComponent(shard).path)
            for name in shardNames where tensors[name] == nil {
                names.append(name)
                tensors[name] = shardTensors[name]
            }
            for (name, file) in shardOf where file == shard && shardTensors[name] == nil {
                throw CheckpointError.missingShardTensor(index: indexPath, shard: shard, tensor: name)
            }
        }
        return (names, tensors)
    }
}
