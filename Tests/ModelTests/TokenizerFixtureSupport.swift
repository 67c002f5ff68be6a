import Foundation
@testable import Model

/// Loads the tokenizer fixtures written by tools/tokenizer_fixtures.py.
enum TokenizerFixtures {
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw TokenizerError.unreadable(file: "Fixtures", reason: "test bundle has no Fixtures folder")
            }
            return url.appendingPathComponent("tokenizers")
        }
    }

    /// The models directory: $LISAKIT_MODELS, else <package root>/models.
    static var modelsDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["LISAKIT_MODELS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models")
    }

    /// Real tokenizer files that are installed, never committed: fixture name → models/ folder.
    static let installed = ["minilm": "all-MiniLM-L6-v2", "smollm2": "SmolLM2-135M-Instruct"]

    static func installedTokenizer(_ name: String) -> URL? {
        installed[name].map { modelsDirectory.appendingPathComponent("\($0)/tokenizer.json") }
    }

    static var miniLMAvailable: Bool { available("minilm") }
    static var smolLM2Available: Bool { available("smollm2") }

    static func available(_ name: String) -> Bool {
        installedTokenizer(name).map { FileManager.default.fileExists(atPath: $0.path) } ?? false
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        if let url = installedTokenizer(name) { return try Tokenizer.load(contentsOf: url.path) }
        return try Tokenizer.load(contentsOf: try root.appendingPathComponent("\(name)/tokenizer.json").path)
    }

    static func expected(_ name: String) throws -> JSONNode {
        let url = try root.appendingPathComponent("\(name)/expected.json")
        let bytes = [UInt8](try Data(contentsOf: url))
        return JSONNode(value: try JSONParser.parse(bytes), path: "$", file: url.path)
    }
}

extension JSONNode {
    func ints(_ key: String) throws -> [Int] { try required(key).array().map { try $0.int() } }
    func strings(_ key: String) throws -> [String] { try required(key).array().map { try $0.string() } }
}

/// Scalar-exact string comparison (Swift `==` is canonical equivalence, too lenient here).
func sameScalars(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

func sameScalars(_ a: [String], _ b: [String]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { sameScalars($0, $1) }
}

func debugScalars(_ s: String) -> String {
    s.unicodeScalars.map { $0.value < 0x80 && $0.value >= 0x20 ? String($0) : String(format: "\\u{%X}", $0.value) }.joined()
}
