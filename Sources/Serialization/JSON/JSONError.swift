/// Where a JSON text is at: the byte offset (0-based) and the line and column (1-based; the
/// column counts bytes), so an error in a file of any size can be found with an editor.
public struct JSONPosition: Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column) (byte \(offset))" }
}

/// Errors reading JSON. Each names the source (a file path or a caller-given name) and, for
/// content errors, the position of the offending value.
public enum JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be opened or read.
    case unreadable(source: String, reason: String)
    /// The text is not JSON (RFC 8259): a bad token, a bad escape, invalid UTF-8, an early end.
    case syntax(source: String, at: JSONPosition, reason: String)
    /// Well-formed JSON of another type than the caller asked for (a string where a number
    /// belongs, a fractional number where an integer belongs).
    case unexpected(source: String, at: JSONPosition, expected: String, found: String)
    /// Arrays and objects nested deeper than the reader's limit.
    case tooDeep(source: String, at: JSONPosition, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): "\(source): cannot read JSON: \(reason)"
        case .syntax(let source, let at, let reason): "\(source): \(at): invalid JSON: \(reason)"
        case .unexpected(let source, let at, let expected, let found): "\(source): \(at): expected \(expected), found \(found)"
        case .tooDeep(let source, let at, let limit): "\(source): \(at): JSON nested deeper than \(limit) levels"
        }
    }

    /// The position of a content error (nil for `unreadable`).
    public var position: JSONPosition? {
        switch self {
        case .unreadable: nil
        case .syntax(_, let at, _), .unexpected(_, let at, _, _), .tooDeep(_, let at, _): at
        }
    }

    /// The reason without the source and position (for messages that add their own context).
    public var reason: String {
        switch self {
        case .unreadable(_, let reason): "cannot read JSON: \(reason)"
        case .syntax(_, _, let reason): "invalid JSON: \(reason)"
        case .unexpected(_, _, let expected, let found): "expected \(expected), found \(found)"
        case .tooDeep(_, _, let limit): "JSON nested deeper than \(limit) levels"
        }
    }
}
