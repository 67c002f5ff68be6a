import Foundation
import Serialization

/// A short fingerprint of a SAM model (checkpoint + configuration) that names its cached image
/// embeddings and its pre-label annotations: the same weights give the same identity wherever
/// the file lives, and any change to the configuration or the file gives another one.
///
/// Hashing a 2.5 GB ViT-H file whole on every run would cost seconds, so the fingerprint is the
/// SHA-256 of the configuration (JSON, sorted keys), each weight file's size, and its first and
/// last MiB (where the pickle/safetensors header and the last tensors lie).
public enum SAMModelIdentity {
    public static let sampledBytes = 1 << 20

    /// 64 hex digits.
    public static func compute(checkpointPath: String, configuration: SAMConfiguration) throws -> String {
        var hasher = SHA256()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = try encoder.encode(configuration)
        config.withUnsafeBytes { hasher.update($0) }
        for file in try weightFiles(checkpointPath) {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw ModelError.unreadable(path: file, reason: "cannot open for reading")
            }
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            var sizeBytes = size.littleEndian
            withUnsafeBytes(of: &sizeBytes) { hasher.update($0) }
            try handle.seek(toOffset: 0)
            let head = try handle.read(upToCount: sampledBytes) ?? Data()
            head.withUnsafeBytes { hasher.update($0) }
            if size > UInt64(sampledBytes) {
                try handle.seek(toOffset: max(UInt64(sampledBytes), size - UInt64(sampledBytes)))
                let tail = try handle.readToEnd() ?? Data()
                tail.withUnsafeBytes { hasher.update($0) }
            }
        }
        return SHA256.hexString(hasher.finalize())
    }

    /// The weight files of a checkpoint path: the file itself, or a folder's weight files (sorted).
    static func weightFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ModelError.unreadable(path: path, reason: "no such file or directory")
        }
        if !isDir.boolValue { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter {
            $0.hasSuffix(".safetensors") || $0.hasSuffix(".bin") || $0.hasSuffix(".pth")
        }.sorted()
        guard !names.isEmpty else { throw ModelError.unreadable(path: path, reason: "folder holds no weight files") }
        return names.map { (path as NSString).appendingPathComponent($0) }
    }
}
