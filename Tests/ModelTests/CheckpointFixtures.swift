import Foundation

/// Paths of the committed ModelTests fixtures.
enum ModelFixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// `torch/expected.json`, written by tools/torch_checkpoint_fixtures.py from torch.load.
    static func torchExpected() throws -> [String: [String: [String: Any]]] {
        let data = try Data(contentsOf: root.appendingPathComponent("torch/expected.json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return json["files"] as! [String: [String: [String: Any]]]
    }
}

func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
