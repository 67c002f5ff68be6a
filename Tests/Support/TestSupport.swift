import Annotate
import DatasetStore
import Foundation

/// A fresh temporary folder, removed when the value is dropped by the test.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    public init() {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("lisakit-test-XXXXXX").path
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes bytes to a file under the folder, creating intermediate folders.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Creates a new store in the folder.
    public func store(_ name: String = "test.db") throws -> DatasetStore {
        try DatasetStore.create(at: file(name)).store
    }
}

/// Every regular file under `folder` (recursively, hidden ones included): relative path → bytes.
/// Two exports are the same output when these are equal.
public func filesUnder(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.subpathsOfDirectory(atPath: folder) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
    }
    return files
}

/// The repository's root folder (this file is Tests/Support/TestSupport.swift).
public let repositoryRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The bundled sample photographs (astronaut.jpg, camera.png, chelsea.jpg, coffee.jpg, rocket.jpg).
public let sampleImages: [String] = {
    let folder = repositoryRoot + "/samples/images"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".png") }.sorted().map { folder + "/" + $0 }
}()

/// A small PNG whose content depends on `seed` (distinct seeds give distinct hashes).
public func smallPNG(seed: Int, width: Int = 16, height: Int = 12) throws -> [UInt8] {
    var samples = [UInt8](repeating: 0, count: width * height * 3)
    var state = UInt64(truncatingIfNeeded: seed) &* 0x9E3779B97F4A7C15 &+ 1
    for index in samples.indices {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        samples[index] = UInt8(truncatingIfNeeded: state)
    }
    return try PNGCodec.encode(PixelBuffer(width: width, height: height, channels: 3, samples: samples))
}
