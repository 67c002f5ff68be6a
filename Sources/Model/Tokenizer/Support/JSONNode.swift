/// A JSON value together with the file and JSON path it came from, so that every
/// accessor can throw a `TokenizerError` naming exactly what is wrong and where.
struct JSONNode {
    let value: JSONValue
    let path: String
    let file: String

    func invalid(_ reason: String) -> TokenizerError {
        .invalidField(file: file, path: path, reason: reason)
    }

    func unsupported(_ what: String) -> TokenizerError {
        .unsupported(file: file, path: path, what: what)
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The member `key` of an object, or nil when absent (a JSON `null` counts as absent).
    func optional(_ key: String) throws(TokenizerError) -> JSONNode? {
        guard case .object(let members) = value else { throw invalid("expected an object, found \(value.typeName)") }
        for member in members where member.key.scalarsEqual(key) {
            if case .null = member.value { return nil }
            return JSONNode(value: member.value, path: path + "." + key, file: file)
        }
        return nil
    }

    /// The member `key` of an object; missing or null is an error.
    func required(_ key: String) throws(TokenizerError) -> JSONNode {
        guard let node = try optional(key) else {
            throw TokenizerError.invalidField(file: file, path: path + "." + key, reason: "missing required field")
        }
        return node
    }

    func string() throws(TokenizerError) -> String {
        guard case .string(let s) = value else { throw invalid("expected a string, found \(value.typeName)") }
        return s
    }

    func bool() throws(TokenizerError) -> Bool {
        guard case .bool(let b) = value else { throw invalid("expected a boolean, found \(value.typeName)") }
        return b
    }

    func int() throws(TokenizerError) -> Int {
        guard case .number(let d) = value else { throw invalid("expected an integer, found \(value.typeName)") }
        guard d.rounded() == d, abs(d) < 9.0e15 else { throw invalid("expected an integer, found \(d)") }
        return Int(d)
    }

    func double() throws(TokenizerError) -> Double {
        guard case .number(let d) = value else { throw invalid("expected a number, found \(value.typeName)") }
        return d
    }

    /// A string made of exactly one Unicode scalar (the Rust `char` fields of tokenizer.json).
    func scalar() throws(TokenizerError) -> Unicode.Scalar {
        let s = try string()
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next(), it.next() == nil else { throw invalid("expected a single character, found \"\(s)\"") }
        return first
    }

    func array() throws(TokenizerError) -> [JSONNode] {
        guard case .array(let items) = value else { throw invalid("expected an array, found \(value.typeName)") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)[\($0)]", file: file) }
    }

    func members() throws(TokenizerError) -> [(key: String, node: JSONNode)] {
        guard case .object(let members) = value else { throw invalid("expected an object, found \(value.typeName)") }
        return members.map { ($0.key, JSONNode(value: $0.value, path: path + "." + $0.key, file: file)) }
    }

    // Convenience accessors with defaults.
    func string(_ key: String) throws(TokenizerError) -> String { try required(key).string() }
    func bool(_ key: String, default def: Bool) throws(TokenizerError) -> Bool { try optional(key)?.bool() ?? def }
    func int(_ key: String, default def: Int) throws(TokenizerError) -> Int { try optional(key)?.int() ?? def }
    func optionalString(_ key: String) throws(TokenizerError) -> String? { try optional(key)?.string() }

    /// The component's `type` tag.
    func typeTag() throws(TokenizerError) -> String { try string("type") }
}
