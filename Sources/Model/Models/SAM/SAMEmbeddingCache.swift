import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Image embeddings on disk, keyed by (image SHA-256, model identity), so that prompting an
/// image again — another click, another box, another run of `lisakit prelabel` — costs only the
/// decoder. Entries live at `<directory>/<model identity[0..16]>/<sha[0..2]>/<sha>.samemb`:
///
///     "LKSAMEMB" · u32 version (1) · u32 channels, side, original h, original w, input h, input w
///     · channels × side × side little-endian f32
///
/// Written to a temporary file and renamed into place, so a killed run never leaves a torn
/// entry; an entry that does not read back whole is reported (and can be overwritten).
public struct SAMEmbeddingCache: Sendable {
    public let directory: String
    static let magic = Array("LKSAMEMB".utf8)
    static let version: UInt32 = 1

    public init(directory: String) { self.directory = directory }

    /// `$LISAKIT_CACHE/sam-embeddings`, else `~/.cache/lisakit/sam-embeddings`.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let base = env["LISAKIT_CACHE"], !base.isEmpty { return (base as NSString).appendingPathComponent("sam-embeddings") }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        return ((home as NSString).appendingPathComponent(".cache/lisakit") as NSString).appendingPathComponent("sam-embeddings")
    }

    public func path(imageSHA256 sha: String, model: String) -> String {
        let folder = ((directory as NSString).appendingPathComponent(String(model.prefix(16))) as NSString)
            .appendingPathComponent(String(sha.prefix(2)))
        return (folder as NSString).appendingPathComponent("\(sha).samemb")
    }

    /// The cached embedding, nil when absent. Throws for an entry that exists but is unusable.
    public func load(imageSHA256 sha: String, model: String, expectedChannels: Int, expectedSide: Int) throws -> SAMImageEmbedding? {
        let file = path(imageSHA256: sha, model: model)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) } catch {
            throw SAMError.invalidCache(path: file, reason: error.localizedDescription)
        }
        let header = 8 + 7 * 4
        guard data.count >= header, Array(data.prefix(8)) == Self.magic else {
            throw SAMError.invalidCache(path: file, reason: "not a LisaKit SAM embedding file")
        }
        func u32(_ i: Int) -> Int { Int(data.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8 + 4 * i, as: UInt32.self)) }) }
        guard u32(0) == Int(Self.version) else { throw SAMError.invalidCache(path: file, reason: "version \(u32(0)), expected \(Self.version)") }
        let channels = u32(1), side = u32(2)
        guard channels == expectedChannels, side == expectedSide else {
            throw SAMError.invalidCache(path: file, reason: "embedding is \(channels)×\(side)², the model needs \(expectedChannels)×\(expectedSide)²")
        }
        let count = channels * side * side
        guard data.count == header + 4 * count else {
            throw SAMError.invalidCache(path: file, reason: "\(data.count) bytes, expected \(header + 4 * count)")
        }
        let values = [Float](unsafeUninitializedCapacity: count) { out, n in
            data.withUnsafeBytes { raw in
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: header + 4 * i, as: UInt32.self))) }
            }
            n = count
        }
        let original = (u32(3), u32(4)), input = (u32(5), u32(6))
        guard original.0 > 0, original.1 > 0, input.0 > 0, input.1 > 0, input.0 <= side * 64, input.1 <= side * 64 else {
            throw SAMError.invalidCache(path: file, reason: "bad image sizes in header")
        }
        return SAMImageEmbedding(values: values, channels: channels, side: side, originalSize: original, inputSize: input)
    }

    /// Stores `embedding` atomically (temporary file, then rename).
    public func store(_ embedding: SAMImageEmbedding, imageSHA256 sha: String, model: String) throws {
        let file = path(imageSHA256: sha, model: model)
        let folder = (file as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var data = Data(Self.magic)
            for v in [Self.version, UInt32(embedding.channels), UInt32(embedding.side), UInt32(embedding.originalSize.height),
                      UInt32(embedding.originalSize.width), UInt32(embedding.inputSize.height), UInt32(embedding.inputSize.width)] {
                withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
            }
            embedding.values.withUnsafeBufferPointer { buffer in
                #if _endian(little)
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
                #else
                for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            }
            let temporary = file + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            try data.write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, file) != 0 {
                try? FileManager.default.removeItem(atPath: temporary)
                throw ModelError.unreadable(path: file, reason: "cannot move the new cache entry into place")
            }
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.unreadable(path: file, reason: "cannot write cache entry: \(error.localizedDescription)")
        }
    }
}

/// An image as SAM's decoder sees it: the encoder's output and the sizes postprocessing needs.
public struct SAMImageEmbedding: Sendable {
    /// [channels, side, side] row-major.
    public var values: [Float]
    public var channels: Int
    public var side: Int
    public var originalSize: (height: Int, width: Int)
    /// The resized image inside the padded square (longest side = image_size).
    public var inputSize: (height: Int, width: Int)

    public init(values: [Float], channels: Int, side: Int, originalSize: (height: Int, width: Int), inputSize: (height: Int, width: Int)) {
        precondition(values.count == channels * side * side, "SAMImageEmbedding: \(values.count) values for \(channels)×\(side)²")
        self.values = values; self.channels = channels; self.side = side
        self.originalSize = originalSize; self.inputSize = inputSize
    }
}
