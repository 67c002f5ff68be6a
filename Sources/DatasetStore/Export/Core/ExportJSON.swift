import Annotate
import Foundation

/// JSON helpers shared by the exporters: key-sorted, slashes unescaped, so the same records
/// give the same bytes.
public enum ExportJSON {
    /// Serializes a JSON object (dictionaries, arrays, strings, numbers, bools, NSNull). Compact
    /// output goes through `CompactJSON` (keys in Unicode scalar order); pretty output (small
    /// files: manifests, LabelMe JSON) through Foundation.
    public static func bytes(_ object: Any, pretty: Bool = false, record: String) throws(ExportError) -> [UInt8] {
        if !pretty { return try CompactJSON.bytes(object, record: record) }
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        do { return [UInt8](try JSONSerialization.data(withJSONObject: object, options: options)) } catch {
            throw .badRecord(record: record, field: "json", reason: "\(error)")
        }
    }

    /// A COCO RLE object with compressed counts.
    public static func rle(_ rle: RLE) -> [String: Any] {
        ["size": [rle.height, rle.width], "counts": rle.compressedCounts]
    }

    /// A COCO RLE object with the counts as a list (uncompressed, COCO's `iscrowd: 1` form).
    public static func uncompressedRLE(_ rle: RLE) -> [String: Any] {
        ["size": [rle.height, rle.width], "counts": rle.counts.map { Int($0) }]
    }

    /// A `[` … `]` list streamed into a file one element at a time.
    public struct ArrayWriter {
        let file: AtomicFile
        var count = 0

        public init(file: AtomicFile) throws(ExportError) {
            self.file = file
            try file.write(Array("[".utf8))
        }

        public mutating func append(_ element: [UInt8]) throws(ExportError) {
            try file.write(Array((count == 0 ? "\n" : ",\n").utf8))
            try file.write(element)
            count += 1
        }

        public func close() throws(ExportError) {
            try file.write(Array((count == 0 ? "]\n" : "\n]\n").utf8))
        }
    }
}
