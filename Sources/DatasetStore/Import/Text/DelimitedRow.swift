/// Splits one line of a CSV (RFC 4180 quoting: fields in double quotes may hold the separator,
/// `""` is a quote) or TSV into fields. Multi-line quoted fields are not supported: the formats
/// read with it (OpenImages CSVs, ScanNet's label TSV) never have them.
public enum DelimitedRow {
    /// The fields of `line`; nil when a quoted field is not closed on the line.
    public static func split(_ line: ArraySlice<UInt8>, separator: UInt8 = UInt8(ascii: ",")) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var index = line.startIndex
        var quoted = false
        var atFieldStart = true
        while index < line.endIndex {
            let byte = line[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < line.endIndex, line[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == separator {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
                index += 1
                continue
            } else if byte == 0x22 && atFieldStart {
                quoted = true
            } else {
                field.append(byte)
            }
            atFieldStart = false
            index += 1
        }
        if quoted { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}
