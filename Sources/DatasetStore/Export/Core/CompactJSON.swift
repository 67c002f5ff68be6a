import Foundation

/// A compact JSON serializer for the exporters' records: keys sorted by Unicode scalar order
/// (Python's `json.dumps(sort_keys=True)` order), no spaces, slashes unescaped, non-ASCII
/// written as UTF-8. It exists for speed: Foundation's `JSONSerialization` bridges every record
/// to `NSDictionary` and sorts keys through ICU collation, which made it a third of the
/// WebDataset export's CPU time.
enum CompactJSON {
    /// Serializes dictionaries (`[String: Any]`), arrays, strings, integers, floating-point
    /// numbers (finite), bools and `NSNull`.
    static func bytes(_ value: Any, record: String) throws(ExportError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        try append(value, to: &out, record: record)
        return out
    }

    static func append(_ value: Any, to out: inout [UInt8], record: String) throws(ExportError) {
        // Exact type checks first: on Linux an integer in `Any` also casts to Bool through
        // NSNumber bridging, and a Bool to an integer. Class checks (NSNull, NSNumber) come
        // last: testing a Swift dictionary or array against a class bridges it to Foundation.
        let type = Swift.type(of: value)
        if type == Bool.self, let flag = value as? Bool {
            out.append(contentsOf: flag ? Array("true".utf8) : Array("false".utf8))
        } else if type == String.self, let text = value as? String {
            appendString(text, to: &out)
        } else if let object = value as? [String: Any] {
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in object.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if let element = object[key] { try append(element, to: &out, record: record) }
            }
            out.append(UInt8(ascii: "}"))
        } else if let array = value as? [Any] {
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try append(element, to: &out, record: record)
            }
            out.append(UInt8(ascii: "]"))
        } else if type == Double.self, let number = value as? Double {
            try appendNumber(number, description: number.description, to: &out, record: record)
        } else if type == Float.self, let number = value as? Float {
            try appendNumber(Double(number), description: number.description, to: &out, record: record)
        } else if type == Int.self, let integer = value as? Int {
            out.append(contentsOf: String(integer).utf8)
        } else if type == Int64.self, let integer = value as? Int64 {
            out.append(contentsOf: String(integer).utf8)
        } else if let integer = value as? any BinaryInteger {
            out.append(contentsOf: String(describing: integer).utf8)
        } else if value is NSNull {
            out.append(contentsOf: "null".utf8)
        } else if let number = value as? NSNumber {
            try appendNumber(number.doubleValue, description: number.description, to: &out, record: record)
        } else {
            throw .badRecord(record: record, field: "json", reason: "cannot write a \(type) as JSON")
        }
    }

    private static func appendNumber(_ value: Double, description: String, to out: inout [UInt8], record: String) throws(ExportError) {
        guard value.isFinite else { throw .badRecord(record: record, field: "json", reason: "number \(value) is not finite") }
        out.append(contentsOf: description.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
