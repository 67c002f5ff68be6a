import Foundation
import Serialization

/// Paths of the committed fixtures.
enum Fixtures {
    static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// The typed JSON form `tools/serialization_fixtures.py` writes, built from a `PickleValue`.
func typedJSON(_ v: PickleValue) -> Any {
    switch v {
    case .none: return ["none": NSNull()]
    case .bool(let b): return ["bool": b]
    case .int(let i): return ["int": i]
    case .bigInt(let bytes): return ["bigint": bytes.map { String(format: "%02x", $0) }.joined()]
    case .float(let d):
        let hex = String(d.bitPattern, radix: 16)
        return ["float": String(repeating: "0", count: 16 - hex.count) + hex]
    case .string(let s): return ["str": s]
    case .bytes(let b): return ["bytes": b.map { String(format: "%02x", $0) }.joined()]
    case .list(let a): return ["list": a.map(typedJSON)]
    case .tuple(let a): return ["tuple": a.map(typedJSON)]
    case .dict(let d): return ["dict": d.entries.map { [typedJSON($0.key), typedJSON($0.value)] }]
    case .set(let a): return ["set": a.map(typedJSON)]
    case .frozenSet(let a): return ["frozenset": a.map(typedJSON)]
    case .global(let g): return ["global": g.description]
    case .object(let o): return ["object": o.callee.description]
    case .persistent(let p): return ["persistent": typedJSON(p)]
    }
}

/// Canonical text of a typed JSON tree: keys sorted, set members sorted (their order in a pickle
/// is Python's iteration order, not part of the value).
func canonical(_ json: Any) -> String {
    func normalize(_ x: Any) -> Any {
        if let d = x as? [String: Any] {
            var out: [String: Any] = [:]
            for (k, v) in d {
                if k == "set" || k == "frozenset", let items = v as? [Any] {
                    out[k] = items.map(normalize).sorted { text($0) < text($1) }
                } else {
                    out[k] = normalize(v)
                }
            }
            return out
        }
        if let a = x as? [Any] { return a.map(normalize) }
        return x
    }
    return text(normalize(json))
}

private func text(_ x: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: x, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}
