/// A parsed JSON value that keeps object members in file order and keeps strings scalar-exact.
///
/// Foundation's `JSONSerialization` builds `[String: Any]` dictionaries, whose keys merge
/// canonically-equivalent strings; a tokenizer vocabulary can hold both forms with different
/// ids, so objects are kept as ordered member lists instead.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
