import Foundation

/// A safetensors checkpoint: one `model.safetensors`, or shards listed by
/// `model.safetensors.index.json` (`{"weight_map": {tensor: shard file}}`), as Hugging Face
/// `save_pretrained` writes them. Every shard is mapped once; the index is checked against the
/// shards (each listed tensor must be in its shard, no tensor in two shards).
public final class SafeTensorsCheckpoint: TensorSource, @unchecked Sendable {
    public let directory: String
    /// Tensor name → the shard holding it.
    private let owner: [String: SafeTensorsFile]

    public static let indexName = "model.safetensors.index.json"
    public static let singleName = "model.safetensors"

    /// Opens the checkpoint in `directory` (or a single `.safetensors` file path).
    public init(path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelError.unreadable(path: path, reason: "no such file or directory")
        }
        if !isDir.boolValue {
            let file = try SafeTensorsFile(path: path)
            directory = (path as NSString).deletingLastPathComponent
            owner = Dictionary(uniqueKeysWithValues: file.entries.keys.map { ($0, file) })
            return
        }
        directory = path
        let indexPath = (path as NSString).appendingPathComponent(Self.indexName)
        if FileManager.default.fileExists(atPath: indexPath) {
            owner = try Self.openShards(index: indexPath, directory: path)
        } else {
            let single = (path as NSString).appendingPathComponent(Self.singleName)
            guard FileManager.default.fileExists(atPath: single) else {
                throw ModelError.unreadable(path: path, reason: "neither \(Self.singleName) nor \(Self.indexName) is present")
            }
            let file = try SafeTensorsFile(path: single)
            owner = Dictionary(uniqueKeysWithValues: file.entries.keys.map { ($0, file) })
        }
    }

    private struct Index: Decodable {
        var weightMap: [String: String]
        enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
    }

    private static func openShards(index indexPath: String, directory: String) throws -> [String: SafeTensorsFile] {
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw ModelError.unreadable(path: indexPath, reason: "cannot read file")
        }
        let index: Index
        do {
            index = try JSONDecoder().decode(Index.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.invalidFile(path: indexPath, reason: SafeTensorsFile.describe(error))
        } catch {
            throw ModelError.invalidFile(path: indexPath, reason: "not valid JSON")
        }
        var shards: [String: SafeTensorsFile] = [:]
        for shardName in Set(index.weightMap.values).sorted() {
            guard !shardName.contains("/"), !shardName.hasPrefix(".") else {
                throw ModelError.invalidFile(path: indexPath, reason: "shard name '\(shardName)' is not a plain file name")
            }
            shards[shardName] = try SafeTensorsFile(path: (directory as NSString).appendingPathComponent(shardName))
        }
        var owner: [String: SafeTensorsFile] = [:]
        for (tensor, shardName) in index.weightMap {
            guard let shard = shards[shardName], shard.entries[tensor] != nil else {
                throw ModelError.invalidFile(path: indexPath, reason: "tensor '\(tensor)' is listed in \(shardName) but not stored there")
            }
            owner[tensor] = shard
        }
        // Tensors stored in a shard but missing from the index, or stored twice.
        var seen: [String: String] = [:]
        for (shardName, shard) in shards.sorted(by: { $0.key < $1.key }) {
            for name in shard.entries.keys {
                if let other = seen[name] {
                    throw ModelError.invalidFile(path: indexPath, reason: "tensor '\(name)' is stored in both \(other) and \(shardName)")
                }
                seen[name] = shardName
                if owner[name] == nil {
                    throw ModelError.invalidFile(path: indexPath, reason: "tensor '\(name)' in \(shardName) is not in the weight_map")
                }
            }
        }
        return owner
    }

    public var sourceDescription: String { directory }
    public var tensorNames: [String] { owner.keys.sorted() }
    public func shape(of name: String) -> [Int]? { owner[name]?.shape(of: name) }

    public func tensor(named name: String, keepHalf: Bool = false) throws -> Tensor {
        guard let file = owner[name] else {
            throw ModelError.invalidSafeTensors(path: directory, tensor: name, reason: "no such tensor")
        }
        return try file.tensor(named: name, keepHalf: keepHalf)
    }
}
