/// The key/value metadata of a GGUF file, in file order, with typed accessors.
///
/// Required accessors (`string`, `int`, ...) throw `missingKey` or `wrongValueType`; the
/// `optional...` forms return nil for a missing key but still throw for a value of the wrong
/// type, so a malformed file is never silently read as "absent". Integers of any width are
/// accepted where an `Int` is asked for (files disagree on uint32 vs int32 for counts), and
/// any float or integer where a float is asked for.
public struct GGUFMetadata: Sendable {
    /// The file the metadata came from (named in errors).
    public let path: String
    /// Keys in file order.
    public let keys: [String]
    private let values: [String: GGUFValue]

    init(path: String, keys: [String], values: [String: GGUFValue]) {
        self.path = path
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> GGUFValue? { values[key] }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    // MARK: Scalars

    public func string(_ key: String) throws(GGUFError) -> String {
        guard let v = try optionalString(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalString(_ key: String) throws(GGUFError) -> String? {
        guard let value = values[key] else { return nil }
        guard let s = value.stringValue else { throw mismatch(key, "string", value) }
        return s
    }

    public func int(_ key: String) throws(GGUFError) -> Int {
        guard let v = try optionalInt(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalInt(_ key: String) throws(GGUFError) -> Int? {
        guard let value = values[key] else { return nil }
        guard let i = value.intValue else { throw mismatch(key, "an integer", value) }
        return i
    }

    public func float(_ key: String) throws(GGUFError) -> Double {
        guard let v = try optionalFloat(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalFloat(_ key: String) throws(GGUFError) -> Double? {
        guard let value = values[key] else { return nil }
        guard let d = value.doubleValue else { throw mismatch(key, "a number", value) }
        return d
    }

    public func bool(_ key: String) throws(GGUFError) -> Bool {
        guard let v = try optionalBool(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalBool(_ key: String) throws(GGUFError) -> Bool? {
        guard let value = values[key] else { return nil }
        guard let b = value.boolValue else { throw mismatch(key, "bool", value) }
        return b
    }

    // MARK: Arrays

    public func strings(_ key: String) throws(GGUFError) -> [String] {
        guard let v = try optionalStrings(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalStrings(_ key: String) throws(GGUFError) -> [String]? {
        try optionalArray(key, "array[string]") { $0.stringValue }
    }

    public func ints(_ key: String) throws(GGUFError) -> [Int] {
        guard let v = try optionalInts(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalInts(_ key: String) throws(GGUFError) -> [Int]? {
        try optionalArray(key, "array of integers") { $0.intValue }
    }

    public func floats(_ key: String) throws(GGUFError) -> [Double] {
        guard let v = try optionalFloats(key) else { throw .missingKey(path: path, key: key) }
        return v
    }

    public func optionalFloats(_ key: String) throws(GGUFError) -> [Double]? {
        try optionalArray(key, "array of numbers") { $0.doubleValue }
    }

    private func optionalArray<T>(_ key: String, _ expected: String, _ element: (GGUFValue) -> T?) throws(GGUFError) -> [T]? {
        guard let value = values[key] else { return nil }
        guard let items = value.arrayValue else { throw mismatch(key, expected, value) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let v = element(item) else { throw mismatch(key, expected, value) }
            out.append(v)
        }
        return out
    }

    private func mismatch(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
        .wrongValueType(path: path, key: key, expected: expected, found: value.typeName)
    }
}
