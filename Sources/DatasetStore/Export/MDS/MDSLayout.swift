import Foundation

/// The MosaicML Streaming (MDS, version 2) shard layout, written our own way from the format's
/// description: a shard file is
///
///     u32 sample count N | u32 offsets[N + 1] (absolute, from the file's start) |
///     the shard's config JSON | sample 0 | sample 1 | ...
///
/// all integers little-endian; sample i spans `offsets[i]..<offsets[i+1]`. Inside a sample the
/// columns come in name order: first a u32 byte size for every variable-size column, then the
/// columns' bytes. A `list[png]` column is u32 0 (reserved), u32 count, u32 size per element,
/// then the PNG files. Offsets are u32, so a shard stays under 4 GiB.
public enum MDSLayout {
    /// The columns LisaKit writes, in name order, with their MDS encodings (all variable-size).
    /// `image`: the original image file bytes (JPEG or PNG, not re-encoded); `json`: the sample
    /// record (the WebDataset sample JSON); `key`: the sample key; `masks`: one PNG per target.
    public static let columnNames = ["image", "json", "key", "masks"]
    public static let columnEncodings = ["bytes", "json", "str", "list[png]"]

    /// Streaming's default shard size limit (`1 << 26`).
    public static let defaultSizeLimit = 1 << 26

    /// The shard config (as in the shard header and each `index.json` entry), the JSON text the
    /// reference writer produces (`json.dumps(config, sort_keys=True)`).
    public static func configJSON(sizeLimit: Int) -> [UInt8] {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let nulls = "[" + columnNames.map { _ in "null" }.joined(separator: ", ") + "]"
        let text = "{\"column_encodings\": \(list(columnEncodings)), \"column_names\": \(list(columnNames)), "
            + "\"column_sizes\": \(nulls), \"compression\": null, \"format\": \"mds\", \"hashes\": [\"sha256\"], "
            + "\"size_limit\": \(sizeLimit), \"version\": 2}"
        return Array(text.utf8)
    }

    /// The config as an object (for `index.json`).
    static func config(sizeLimit: Int) -> [String: Any] {
        ["column_encodings": columnEncodings, "column_names": columnNames,
         "column_sizes": columnNames.map { _ in NSNull() }, "compression": NSNull(), "format": "mds",
         "hashes": ["sha256"], "size_limit": sizeLimit, "version": 2]
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// The `list[png]` encoding of PNG files.
    public static func pngList(_ pngs: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + 4 * pngs.count + pngs.reduce(0) { $0 + $1.count })
        append(0, to: &out)
        append(UInt32(pngs.count), to: &out)
        for png in pngs { append(UInt32(png.count), to: &out) }
        for png in pngs { out.append(contentsOf: png) }
        return out
    }
}
