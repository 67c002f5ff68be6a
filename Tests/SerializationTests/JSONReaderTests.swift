import Foundation
import Serialization
import Testing

/// The streaming JSON reader: exact values on hard inputs, the same result at every chunk size,
/// errors with their line and column, and no crash on damaged text.
@Suite("Streaming JSON reader")
struct JSONReaderTests {
    static func value(_ text: String, chunkSize: Int = 1 << 16) throws(JSONError) -> JSONValue {
        let reader = JSONReader(bytes: Array(text.utf8), source: "t.json", chunkSize: chunkSize)
        let value = try reader.readValue()
        try reader.finish()
        return value
    }

    static func error(_ bytes: [UInt8], chunkSize: Int = 1 << 16) -> JSONError? {
        let reader = JSONReader(bytes: bytes, source: "t.json", chunkSize: chunkSize)
        do {
            _ = try reader.readValue()
            try reader.finish()
            return nil
        } catch { return error }
    }

    static func number(_ text: String, integer: Bool = false) -> JSONValue { .number(JSONNumber(text: text, isInteger: integer)) }

    @Test("escapes, surrogate pairs, raw UTF-8, empty containers, literals, whitespace, BOM")
    func hardValues() throws {
        #expect(try Self.value(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try Self.value(#""\u00e9\u4E2D\ud83d\ude00\u0000x""#) == .string("é中😀\u{0}x"))
        #expect(try Self.value("\"é中😀 raw\"") == .string("é中😀 raw"))
        #expect(try Self.value(#"{"":[],"{}":{},"n":null,"t":true,"f":false}"#) == .object([
            .init(key: "", value: .array([])), .init(key: "{}", value: .object([])), .init(key: "n", value: .null),
            .init(key: "t", value: .bool(true)), .init(key: "f", value: .bool(false)),
        ]))
        #expect(try Self.value(" \t\r\n[ 1 ,\n-0.5e+3 , 0 ]\n ") == .array([Self.number("1", integer: true), Self.number("-0.5e+3"), Self.number("0", integer: true)]))
        #expect(try Self.value("\u{FEFF}[1]") == .array([Self.number("1", integer: true)]))
        // Duplicate keys are kept in order; lookups take the last (as Python's json).
        let duplicate = try Self.value(#"{"a":1,"a":2}"#)
        #expect(duplicate["a"]?.int64Value == 2 && duplicate.objectValue?.count == 2)
        // Integers keep every digit; int64 is exact at both ends and refuses beyond them.
        let big = try Self.value("[9223372036854775807,-9223372036854775808,9223372036854775808,12345678901234567890123]")
        #expect(big.arrayValue?.map(\.int64Value) == [Int64.max, Int64.min, nil, nil])
        #expect(big.arrayValue?[3].numberValue?.text == "12345678901234567890123")
        #expect(try Self.value("[2.0,1e3,2.5,1e300]").arrayValue?.map(\.int64Value) == [2, 1000, nil, nil])
        // Nesting up to the limit is fine; one more level is an error.
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try Self.value(deep) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        guard case .tooDeep(_, let at, 512) = Self.error(Array(tooDeep.utf8)) else { Issue.record("no depth error"); return }
        #expect(at.offset == 512)
    }

    @Test("numbers convert exactly as Python's float() and int() (tools/json_number_fixtures.py)")
    func numbersMatchPython() throws {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("json/numbers.json")
        let reader = try JSONReader(path: url.path)
        try reader.beginArray()
        var checked = 0
        while try reader.nextElement() {
            try reader.beginArray()
            _ = try reader.nextElement()
            let text = try reader.readString()
            _ = try reader.nextElement()
            let bits = UInt64(try reader.readString(), radix: 16)
            _ = try reader.nextElement()
            var exact: Int64?
            if try reader.peekKind() == .null { try reader.readNull() } else { exact = Int64(try reader.readString()) }
            #expect(try !reader.nextElement())
            let parsed = try Self.value(text)
            #expect(parsed.doubleValue?.bitPattern == bits, "\(text)")
            if let exact { #expect(parsed.int64Value == exact, "\(text)") }
            // The typed read gives the same double.
            #expect(try JSONReader(bytes: Array(text.utf8), source: "n").readDouble().bitPattern == bits, "\(text)")
            checked += 1
        }
        try reader.finish()
        #expect(checked > 300)
    }

    /// Malformed texts with the line and column of the error.
    @Test("RFC 8259 violations are errors at their position", arguments: [
        ("[1,]", 1, 4), ("{\"a\":1,}", 1, 8), ("[1 2]", 1, 4), ("{\"a\" 1}", 1, 6), ("{1:2}", 1, 2), ("01", 1, 1), ("1.", 1, 1),
        (".5", 1, 1), ("-", 1, 1), ("+1", 1, 1), ("1e", 1, 1), ("NaN", 1, 1), ("Infinity", 1, 1), ("tru", 1, 1), ("nul", 1, 1),
        ("\"\\x\"", 1, 2), ("\"\\ud800\"", 1, 2), ("\"\\udc00\"", 1, 2), ("\"\\ud800\\u0041\"", 1, 2), ("\"\\u12G4\"", 1, 2),
        ("\"a\tb\"", 1, 3), ("\"abc", 1, 1), ("[1,\n2,\n  3 4]", 3, 5), ("{\"a\":[1,2}", 1, 10), ("1 2", 1, 3), ("", 1, 1),
        ("[", 1, 2), ("{\"a\":", 1, 6), ("\u{FEFF}", 1, 4), ("[1,,2]", 1, 4), ("[,1]", 1, 2),
    ] as [(String, Int, Int)])
    func malformed(_ text: String, line: Int, column: Int) throws {
        for chunkSize in [1, 2, 3, 7, 1 << 16] {
            let error = Self.error(Array(text.utf8), chunkSize: chunkSize)
            #expect(error?.position?.line == line && error?.position?.column == column, "\(text) (chunks of \(chunkSize)): \(String(describing: error))")
            #expect(error?.description.hasPrefix("t.json: line \(line), column \(column)") == true)
        }
    }

    @Test("invalid UTF-8 is refused, in decoded and in skipped strings", arguments: [
        [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
        [0x22, 0x80, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x22],
    ] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) throws {
        #expect(Self.error(bytes)?.reason == "invalid JSON: invalid UTF-8 in a string")
        #expect(Self.error(bytes, chunkSize: 1)?.reason == "invalid JSON: invalid UTF-8 in a string")
        let skipped = JSONReader(bytes: [0x5B] + bytes + [0x5D], source: "s")
        #expect(throws: JSONError.self) { try skipped.skipValue() }
    }

    @Test("type mismatches name what was expected and found")
    func typeErrors() throws {
        let reader = JSONReader(bytes: Array(#"{"id": "x", "n": 1.5}"#.utf8), source: "doc.json")
        try reader.beginObject()
        #expect(try reader.nextKey() == "id")
        let error = #expect(throws: JSONError.self) { try reader.readInt64() }
        #expect(error?.description == "doc.json: line 1, column 8 (byte 7): expected a number, found a string")
        _ = try reader.readString()
        #expect(try reader.nextKey() == "n")
        let fraction = #expect(throws: JSONError.self) { try reader.readInt64() }
        #expect(fraction?.reason == "expected an integer, found the number 1.5")
        #expect(try reader.nextKey() == nil)
        try reader.finish()
    }

    @Test("skipping passes over any value and leaves the cursor on the next member")
    func skipping() throws {
        let text = #"{"a": {"x": [1, {"y": "]}\"\\"}, [], [[["deep"]]]], "z": -1e-3}, "b": "s", "c": [true, false, null], "d": 7}"#
        for chunkSize in [1, 5, 1 << 16] {
            let reader = JSONReader(bytes: Array(text.utf8), source: "t", chunkSize: chunkSize)
            try reader.beginObject()
            var seen: [String] = []
            while let key = try reader.nextKey() {
                seen.append(key)
                if key == "d" { #expect(try reader.readInt64() == 7) } else { try reader.skipValue() }
            }
            try reader.finish()
            #expect(seen == ["a", "b", "c", "d"] && reader.depth == 0)
        }
    }

    @Test("files are read in chunks; a missing file is a clear error")
    func files() throws {
        let folder = NSTemporaryDirectory() + "/jsonreader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var text = "{\"items\": ["
        for index in 0..<5000 { text += (index == 0 ? "" : ",\n") + #"{"id": \#(index), "name": "item \u00e9 \#(index)", "v": [\#(index).5, -\#(index)]}"# }
        text += "]}"
        let path = folder + "/big.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let reader = try JSONReader(path: path, chunkSize: 1000)
        try reader.beginObject()
        #expect(try reader.nextKey() == "items")
        try reader.beginArray()
        var count = 0
        while try reader.nextElement() {
            let item = try reader.readValue()
            #expect(item["id"]?.int64Value == Int64(count) && item["name"]?.stringValue == "item é \(count)")
            #expect(item["v"]?.arrayValue?.compactMap(\.doubleValue) == [Double(count) + 0.5, -Double(count)])
            count += 1
        }
        #expect(try reader.nextKey() == nil)
        try reader.finish()
        #expect(count == 5000 && reader.position.line == 5000)
        let missing = #expect(throws: JSONError.self) { try JSONReader(path: folder + "/nothere.json") }
        #expect(missing?.description == "\(folder)/nothere.json: cannot read JSON: No such file or directory")
    }

    /// A seeded generator of JSON values and of varied ways to write them.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        static let characters: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "é", "中", "😀", "\u{FFFF}", "\u{10FFFF}", "\u{7F}"]

        mutating func string() -> String {
            var text = String.UnicodeScalarView()
            for _ in 0..<below(8) { text.append(Self.characters[below(Self.characters.count)]) }
            return String(text)
        }

        mutating func value(depth: Int = 0) -> JSONValue {
            switch below(depth > 4 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(below(2) == 0)
            case 2:
                let integer = below(2) == 0
                let text = integer ? String(Int64(bitPattern: next()) >> below(64))
                    : "\(below(2) == 0 ? "-" : "")\(below(1000)).\(below(100000))e\(below(2) == 0 ? "-" : "+")\(below(40))"
                return .number(JSONNumber(text: text, isInteger: integer))
            case 3, 4: return .string(string())
            case 5: return .array((0..<below(5)).map { _ in value(depth: depth + 1) })
            // Keys unique within an object (Foundation keeps one of duplicates).
            default: return .object((0..<below(5)).map { JSONValue.Member(key: string() + "\($0)", value: value(depth: depth + 1)) })
            }
        }

        mutating func space() -> String { ["", " ", "\n", "\t", "\r\n", "  \n "][below(6)] }

        /// `value` as JSON text, with random whitespace and random escaping choices.
        mutating func write(_ value: JSONValue) -> String {
            switch value {
            case .null: return "null"
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let number): return number.text
            case .string(let text): return quote(text)
            case .array(let items): return "[" + space() + items.map { write($0) + space() }.joined(separator: "," + space()) + "]"
            case .object(let members):
                return "{" + space() + members.map { quote($0.key) + space() + ":" + space() + write($0.value) + space() }
                    .joined(separator: "," + space()) + "}"
            }
        }

        mutating func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += below(2) == 0 ? "\\\\" : "\\u005C"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "/": out += below(2) == 0 ? "/" : "\\/"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                case _ where below(3) == 0:
                    // \u escapes, as UTF-16 (surrogate pairs above the BMP), either case of hex.
                    for unit in String(scalar).utf16 { out += String(format: below(2) == 0 ? "\\u%04x" : "\\u%04X", unit) }
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }

    @Test("fuzz: 400 generated documents read back exactly at random chunk sizes, and agree with JSONSerialization")
    func generatedDocuments() throws {
        var generator = Generator(state: 42)
        for _ in 0..<400 {
            let expected = JSONValue.array([generator.value()])
            let text = generator.write(expected)
            let chunk = 1 + generator.below(40)
            #expect(try Self.value(text, chunkSize: chunk) == expected, "\(text)")
            // Foundation's parser reads the same strings.
            let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(Self.strings(in: foundation) == Self.strings(in: expected), "\(text)")
        }
    }

    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let items): items.flatMap { strings(in: $0) }
        // Sorted by key, as the Foundation side must be.
        case .object(let members): members.sorted { $0.key < $1.key }.flatMap { [$0.key] + strings(in: $0.value) }
        default: []
        }
    }

    static func strings(in object: Any) -> [String] {
        if let text = object as? String { return [text] }
        if let items = object as? [Any] { return items.flatMap { strings(in: $0) } }
        // Foundation's dictionaries lose member order: compare as a sorted multiset.
        if let members = object as? [String: Any] { return members.keys.sorted().flatMap { [$0] + strings(in: members[$0]!) } }
        return []
    }

    @Test("fuzz: truncations and byte flips of generated documents give errors, never crashes")
    func damagedDocuments() throws {
        var generator = Generator(state: 7)
        var failures = 0, total = 0
        for _ in 0..<150 {
            let text = Array(generator.write(.object([.init(key: "k", value: generator.value())])).utf8)
            var variants: [[UInt8]] = [Array(text.prefix(generator.below(text.count)))]
            for _ in 0..<6 {
                var damaged = text
                damaged[generator.below(damaged.count)] = UInt8(truncatingIfNeeded: generator.next())
                variants.append(damaged)
            }
            for bytes in variants {
                total += 1
                var outcomes: Set<String> = []
                for chunkSize in [1, 3, 64] {
                    for decode in [false, true] {
                        let reader = JSONReader(bytes: bytes, source: "d", chunkSize: chunkSize)
                        do {
                            if decode { _ = try reader.readValue() } else { try reader.skipValue() }
                            try reader.finish()
                            outcomes.insert("ok")
                        } catch {
                            failures += 1
                            outcomes.insert(error.description)
                            guard let at = error.position else { Issue.record("no position: \(error)"); continue }
                            #expect(at.offset >= 0 && at.offset <= bytes.count && at.line >= 1 && at.column >= 1)
                        }
                    }
                }
                // The same verdict and the same error, whatever the chunking, decoded or skipped.
                #expect(outcomes.count == 1, "\(outcomes)")
            }
        }
        #expect(failures > 3 * total)  // most damaged documents are errors (6 reads each)
    }
}
