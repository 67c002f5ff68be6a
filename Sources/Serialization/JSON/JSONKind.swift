/// The type of the JSON value a reader stands before (`JSONReader.peekKind()`).
public enum JSONKind: Sendable, Equatable {
    case object, array, string, number, bool, null

    /// The type's name for messages ("an object", "a string").
    public var name: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
