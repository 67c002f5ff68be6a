import DatasetStore
import Foundation
import Testing

/// The exporters' compact JSON writer: what Foundation parses back, keys in Python's
/// `sort_keys` order, escapes, and bools kept apart from integers.
@Suite("Export JSON")
struct ExportJSONTests {
    @Test func compactOutputParsesBackToTheSameRecord() throws {
        let record: [String: Any] = [
            "key": "0000000001_0000000002", "text": "a \"quoted\" line\nwith tab\t, slash / backslash \\ and \u{1} é 😀",
            "is_sentence": true, "negative": false, "ids": [Int64(3), Int64(-4)], "score": 0.25, "count": 7,
            "image": ["width": 640, "height": 480, "format": "jpeg"] as [String: Any], "nothing": NSNull(),
            "nested": [["a": 1], ["b": [1.5, 2]]] as [Any], "by_split": ["train": 3, "val": 1],
        ]
        let bytes = try ExportJSON.bytes(record, record: "test")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(" :") && !text.contains("\\/") && text.contains("é 😀") && text.contains("\\u0001"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == record["text"] as? String)
        #expect(parsed["ids"] as? [Int] == [3, -4] && parsed["score"] as? Double == 0.25 && parsed["nothing"] is NSNull)
        #expect(text.contains("\"is_sentence\":true") && text.contains("\"negative\":false") && text.contains("\"count\":7"))
        #expect((parsed["image"] as? [String: Any])?["width"] as? Int == 640)
        #expect(((parsed["nested"] as? [Any])?[1] as? [String: Any])?["b"] as? [Double] == [1.5, 2])
        // Keys in Unicode scalar order ("_" 0x5F before lower-case letters), as Python sorts them.
        let keys = ["by_split", "count", "ids", "image", "is_sentence", "key", "negative", "nested", "nothing", "score", "text"]
        let positions = keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(try ExportJSON.bytes(["target_ids": 1, "targets": 2], record: "t") == Array(#"{"target_ids":1,"targets":2}"#.utf8))
    }

    @Test func nonFiniteNumbersAndUnknownValuesAreErrorsNamingTheRecord() {
        #expect(throws: ExportError.self) { try ExportJSON.bytes(["x": Double.nan], record: "instruction 9") }
        #expect(throws: ExportError.self) { try ExportJSON.bytes(["x": Date()], record: "instruction 9") }
        do { _ = try ExportJSON.bytes(["x": Double.infinity], record: "instruction 9") } catch {
            #expect(error.description.contains("instruction 9"))
        }
    }
}
