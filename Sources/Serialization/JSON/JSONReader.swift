#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming JSON reader (a pull parser): it reads its file in fixed-size chunks and walks the
/// document as a cursor, so a multi-gigabyte COCO `instances.json` is read in constant memory —
/// one record decoded at a time (`readValue()`), everything else skipped without being built
/// (`skipValue()`).
///
/// Walking: `beginObject()` then `nextKey()` until it returns nil, reading (or skipping) one
/// value after each key; `beginArray()` then `nextElement()` until it returns false, one value
/// after each true. The text is checked against RFC 8259 as it is read (number grammar, string
/// escapes with UTF-16 surrogate pairs, UTF-8, no trailing commas); every error names the source
/// and the line, column and byte offset. A UTF-8 byte-order mark at the start is skipped.
/// Numbers keep their text (`JSONNumber`), so integers are exact and doubles correctly rounded.
public final class JSONReader {
    /// The name used in errors (the path, or the caller's name for in-memory text).
    public let source: String
    /// The deepest nesting of arrays and objects accepted.
    public let maxDepth: Int

    private var fd: Int32 = -1
    private var bytes: [UInt8] = []
    private var bytesTaken = 0
    private let chunkSize: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    /// The unread bytes are buffer[start..<end]; buffer[0] is at `bufferOffset` in the text.
    private var start = 0
    private var end = 0
    private var bufferOffset = 0
    private var atEnd = false
    private var line = 1
    private var lineStart = 0
    private var checkedBOM = false
    private var stack: [Frame] = []
    private var scratch: [UInt8] = []

    private struct Frame {
        var isObject: Bool
        var first = true
    }

    /// Opens the file at `path` for reading in chunks of `chunkSize` bytes.
    public init(path: String, displayName: String? = nil, chunkSize: Int = 1 << 16, maxDepth: Int = 512) throws(JSONError) {
        source = displayName ?? path
        self.maxDepth = maxDepth
        self.chunkSize = max(1, chunkSize)
        buffer = .allocate(capacity: self.chunkSize)
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(source: source, reason: String(cString: strerror(errno))) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw .unreadable(source: source, reason: "is a directory")
        }
    }

    /// Reads JSON text held in memory (handed out `chunkSize` bytes at a time, as a file is).
    public init(bytes: [UInt8], source: String, chunkSize: Int = 1 << 16, maxDepth: Int = 512) {
        self.source = source
        self.maxDepth = maxDepth
        self.chunkSize = max(1, chunkSize)
        buffer = .allocate(capacity: self.chunkSize)
        self.bytes = bytes
    }

    deinit {
        buffer.deallocate()
        if fd >= 0 { close(fd) }
    }

    /// Where the reader is: the start of the next value (after whitespace, once peeked).
    public var position: JSONPosition {
        let offset = bufferOffset + start
        return JSONPosition(offset: offset, line: line, column: offset - lineStart + 1)
    }

    /// How many arrays and objects are open.
    public var depth: Int { stack.count }

    // MARK: Walking containers

    /// The type of the next value (whitespace skipped).
    public func peekKind() throws(JSONError) -> JSONKind {
        guard let byte = try skipWhitespace() else { throw syntax("unexpected end of the text, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw syntax("unexpected \(Self.describe(byte)), expected a value")
        }
    }

    /// Enters the object that comes next.
    public func beginObject() throws(JSONError) {
        try expectKind(.object)
        try push(isObject: true)
    }

    /// The next member's name in the current object (its value comes next), or nil when the
    /// object has ended (it is then closed).
    public func nextKey() throws(JSONError) -> String? {
        guard let frame = stack.last, frame.isObject else { throw syntax("nextKey() called outside an object") }
        var byte = try skipWhitespace()
        if byte == UInt8(ascii: "}") {
            start += 1
            stack.removeLast()
            return nil
        }
        if !frame.first {
            guard byte == UInt8(ascii: ",") else { throw unexpectedByte(byte, expected: "',' or '}' after an object member") }
            start += 1
            byte = try skipWhitespace()
        }
        guard byte == UInt8(ascii: "\"") else { throw unexpectedByte(byte, expected: "a member name (a string)") }
        stack[stack.count - 1].first = false
        let key = try scanString()
        let colon = try skipWhitespace()
        guard colon == UInt8(ascii: ":") else { throw unexpectedByte(colon, expected: "':' after a member name") }
        start += 1
        return key
    }

    /// Enters the array that comes next.
    public func beginArray() throws(JSONError) {
        try expectKind(.array)
        try push(isObject: false)
    }

    /// Whether the current array has another element (it comes next); false when the array
    /// has ended (it is then closed).
    public func nextElement() throws(JSONError) -> Bool {
        guard let frame = stack.last, !frame.isObject else { throw syntax("nextElement() called outside an array") }
        let byte = try skipWhitespace()
        if byte == UInt8(ascii: "]") {
            start += 1
            stack.removeLast()
            return false
        }
        if !frame.first {
            guard byte == UInt8(ascii: ",") else { throw unexpectedByte(byte, expected: "',' or ']' after an array element") }
            start += 1
            if try skipWhitespace() == UInt8(ascii: "]") { throw syntax("trailing ',' before ']'") }
        }
        stack[stack.count - 1].first = false
        return true
    }

    /// Checks that only whitespace follows the top-level value.
    public func finish() throws(JSONError) {
        guard stack.isEmpty else { throw syntax("finish() called inside an open array or object") }
        if let byte = try skipWhitespace() { throw syntax("unexpected \(Self.describe(byte)) after the JSON value") }
    }

    // MARK: Values

    /// The next value, which must be a string.
    public func readString() throws(JSONError) -> String {
        try expectKind(.string)
        return try scanString()
    }

    /// The next value, which must be a number, as written.
    public func readNumber() throws(JSONError) -> JSONNumber {
        try expectKind(.number)
        let isInteger = try scanNumber()
        return JSONNumber(text: String(decoding: scratch, as: UTF8.self), isInteger: isInteger)
    }

    /// The next value as a correctly rounded `Double` (it must be a number).
    public func readDouble() throws(JSONError) -> Double {
        try expectKind(.number)
        _ = try scanNumber()
        return scratch.withUnsafeBufferPointer { JSONNumber.parseDouble($0) }
    }

    /// The next value as an exact integer (a number with an integral value in `Int64` range).
    public func readInt64() throws(JSONError) -> Int64 {
        try expectKind(.number)
        let at = position
        let number = try readNumber()
        guard let value = number.int64 else {
            throw .unexpected(source: source, at: at, expected: "an integer", found: "the number \(number.text)")
        }
        return value
    }

    /// The next value, which must be `true` or `false`.
    public func readBool() throws(JSONError) -> Bool {
        try expectKind(.bool)
        if try peekByte() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// Consumes the next value, which must be `null`.
    public func readNull() throws(JSONError) {
        try expectKind(.null)
        try literal("null")
    }

    /// The next value decoded whole (for records small enough to hold).
    public func readValue() throws(JSONError) -> JSONValue {
        switch try peekKind() {
        case .object:
            try beginObject()
            var members: [JSONValue.Member] = []
            while let key = try nextKey() { members.append(JSONValue.Member(key: key, value: try readValue())) }
            return .object(members)
        case .array:
            try beginArray()
            var items: [JSONValue] = []
            while try nextElement() { items.append(try readValue()) }
            return .array(items)
        case .string: return .string(try readString())
        case .number: return .number(try readNumber())
        case .bool: return .bool(try readBool())
        case .null:
            try readNull()
            return .null
        }
    }

    /// Passes over the next value (checked, not built), however large.
    public func skipValue() throws(JSONError) {
        let base = stack.count
        repeat {
            switch try peekKind() {
            case .object: try beginObject()
            case .array: try beginArray()
            case .string: _ = try scanString()
            case .number: _ = try scanNumber()
            case .bool: _ = try readBool()
            case .null: try readNull()
            }
            // Close finished containers until one has another value to pass over.
            while let frame = stack.last, stack.count > base {
                let more: Bool
                if frame.isObject { more = try nextKey() != nil } else { more = try nextElement() }
                if more { break }
            }
        } while stack.count > base
    }

    // MARK: Bytes

    @inline(__always)
    private func peekByte() throws(JSONError) -> UInt8? {
        if start < end { return buffer[start] }
        return try refill() ? buffer[start] : nil
    }

    /// Reads the next chunk (only called once the buffer is used up).
    private func refill() throws(JSONError) -> Bool {
        if atEnd { return false }
        bufferOffset += end
        start = 0
        end = 0
        if fd >= 0 {
            while true {
                let count = read(fd, buffer, chunkSize)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .unreadable(source: source, reason: String(cString: strerror(errno)))
                }
                end = count
                break
            }
        } else {
            let count = min(chunkSize, bytes.count - bytesTaken)
            bytes.withUnsafeBufferPointer { all in
                if count > 0, let base = all.baseAddress { buffer.update(from: base + bytesTaken, count: count) }
            }
            bytesTaken += count
            end = count
        }
        if end == 0 {
            atEnd = true
            return false
        }
        return true
    }

    private func skipWhitespace() throws(JSONError) -> UInt8? {
        if !checkedBOM {
            checkedBOM = true
            if try peekByte() == 0xEF {
                for expected: UInt8 in [0xEF, 0xBB, 0xBF] {
                    guard try peekByte() == expected else { throw syntax("a text starting with 0xEF must start with the UTF-8 byte-order mark") }
                    start += 1
                }
            }
        }
        while true {
            while start < end {
                let byte = buffer[start]
                switch byte {
                case 0x20, 0x09, 0x0D: start += 1
                case 0x0A:
                    start += 1
                    line += 1
                    lineStart = bufferOffset + start
                default: return byte
                }
            }
            if !(try refill()) { return nil }
        }
    }

    private func expectKind(_ kind: JSONKind) throws(JSONError) {
        let found = try peekKind()
        guard found == kind else {
            throw .unexpected(source: source, at: position, expected: kind.name, found: found.name)
        }
    }

    private func push(isObject: Bool) throws(JSONError) {
        guard stack.count < maxDepth else { throw .tooDeep(source: source, at: position, limit: maxDepth) }
        start += 1
        stack.append(Frame(isObject: isObject))
    }

    private func literal(_ word: StaticString) throws(JSONError) {
        let at = position
        for index in 0..<word.utf8CodeUnitCount {
            guard try peekByte() == word.utf8Start[index] else {
                throw .syntax(source: source, at: at, reason: "invalid literal (expected \(word))")
            }
            start += 1
        }
    }

    /// Reads a number's text into `scratch`, checking the grammar; true when it has no fraction
    /// and no exponent.
    private func scanNumber() throws(JSONError) -> Bool {
        let at = position
        scratch.removeAll(keepingCapacity: true)
        func digits() throws(JSONError) -> Int {
            var count = 0
            while let byte = try peekByte(), byte >= 48 && byte <= 57 {
                scratch.append(byte)
                start += 1
                count += 1
            }
            return count
        }
        if try peekByte() == UInt8(ascii: "-") {
            scratch.append(UInt8(ascii: "-"))
            start += 1
        }
        if try peekByte() == UInt8(ascii: "0") {
            scratch.append(UInt8(ascii: "0"))
            start += 1
            if let next = try peekByte(), next >= 48 && next <= 57 {
                throw .syntax(source: source, at: at, reason: "a number must not have a leading zero")
            }
        } else if try digits() == 0 {
            throw .syntax(source: source, at: at, reason: "a number needs digits after '-'")
        }
        var isInteger = true
        if try peekByte() == UInt8(ascii: ".") {
            isInteger = false
            scratch.append(UInt8(ascii: "."))
            start += 1
            guard try digits() > 0 else { throw .syntax(source: source, at: at, reason: "a number needs digits after '.'") }
        }
        if let byte = try peekByte(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            isInteger = false
            scratch.append(byte)
            start += 1
            if let sign = try peekByte(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                scratch.append(sign)
                start += 1
            }
            guard try digits() > 0 else { throw .syntax(source: source, at: at, reason: "a number needs digits in its exponent") }
        }
        return isInteger
    }

    /// Reads a string (the reader stands on its opening quote): escapes decoded, UTF-16
    /// surrogate pairs joined, UTF-8 validated, raw control characters refused.
    private func scanString() throws(JSONError) -> String {
        let at = position
        // Fast path: the whole string is in the buffer and has no escapes.
        var index = start + 1
        while index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        if index < end && buffer[index] == UInt8(ascii: "\"") {
            let text = String(validating: UnsafeBufferPointer(start: buffer + start + 1, count: index - start - 1), as: UTF8.self)
            guard let text else { throw .syntax(source: source, at: at, reason: "invalid UTF-8 in a string") }
            start = index + 1
            return text
        }
        start += 1
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let byte = try peekByte() else { throw .syntax(source: source, at: at, reason: "unterminated string") }
            start += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw .syntax(source: source, at: at, reason: "invalid UTF-8 in a string")
                }
                return text
            case UInt8(ascii: "\\"):
                try escape()
            case 0..<0x20:
                start -= 1
                throw syntax("control character U+\(Self.hex(UInt32(byte), digits: 4)) in a string (it must be escaped)")
            default:
                scratch.append(byte)
            }
        }
    }

    /// Decodes the escape after a backslash into `scratch` as UTF-8.
    private func escape() throws(JSONError) {
        let at = JSONPosition(offset: position.offset - 1, line: line, column: position.column - 1)
        guard let byte = try peekByte() else { throw syntax("unexpected end of the text in an escape") }
        start += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad(escapeAt: at)
            if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw .syntax(source: source, at: at, reason: "unpaired low surrogate \\u\(Self.hex(scalar, digits: 4))")
            }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard try peekByte() == UInt8(ascii: "\\") else {
                    throw .syntax(source: source, at: at, reason: "high surrogate \\u\(Self.hex(scalar, digits: 4)) not followed by a low surrogate")
                }
                start += 1
                guard try peekByte() == UInt8(ascii: "u") else {
                    throw .syntax(source: source, at: at, reason: "high surrogate \\u\(Self.hex(scalar, digits: 4)) not followed by a low surrogate")
                }
                start += 1
                let low = try hexQuad(escapeAt: at)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw .syntax(source: source, at: at, reason: "high surrogate \\u\(Self.hex(scalar, digits: 4)) followed by \\u\(Self.hex(low, digits: 4)), not a low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar)
        default:
            throw .syntax(source: source, at: at, reason: "invalid escape \\\(Self.describe(byte))")
        }
    }

    private func hexQuad(escapeAt at: JSONPosition) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try peekByte() else { throw syntax("unexpected end of the text in a \\u escape") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw .syntax(source: source, at: at, reason: "a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | digit
            start += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80: scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Errors

    private func syntax(_ reason: String) -> JSONError {
        .syntax(source: source, at: position, reason: reason)
    }

    private func unexpectedByte(_ byte: UInt8?, expected: String) -> JSONError {
        guard let byte else { return syntax("unexpected end of the text, expected \(expected)") }
        return syntax("unexpected \(Self.describe(byte)), expected \(expected)")
    }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(UInt32(byte), digits: 2))"
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
