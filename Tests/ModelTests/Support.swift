import Foundation
@testable import Model

/// Shared helpers for the Model tests.
enum Support {
    static var fixtures: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw ModelError.unreadable(path: "Fixtures", reason: "test bundle has no Fixtures folder")
            }
            return url
        }
    }

    /// The package root, from this file's location (Tests/ModelTests/Support.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where installed models live: $LISAKIT_MODELS, else ./models under the package root.
    static var modelsDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["LISAKIT_MODELS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.appendingPathComponent("models")
    }

    static var miniLMDirectory: URL { modelsDirectory.appendingPathComponent("all-MiniLM-L6-v2") }

    /// True when the real all-MiniLM-L6-v2 weights are installed (tools/install-models.sh).
    static var miniLMInstalled: Bool {
        FileManager.default.fileExists(atPath: miniLMDirectory.appendingPathComponent("model.safetensors").path)
            && FileManager.default.fileExists(atPath: miniLMDirectory.appendingPathComponent("config.json").path)
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lisakit-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
        var m: Float = 0
        for i in a.indices { m = max(m, abs(a[i] - b[i])) }
        return m
    }
}
