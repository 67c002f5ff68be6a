/// Decodes annotation files the way LISA's loader and LabelMe read them: UTF-8, falling back to
/// Windows-1252 (cp1252) for files written by older Windows tools.
public enum TextDecoding {
    /// The text of `bytes`: UTF-8 when valid, else cp1252. A UTF-8 byte-order mark is dropped.
    public static func utf8OrCP1252(_ bytes: [UInt8]) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        for byte in body {
            if byte >= 0x80 && byte <= 0x9F, let mapped = cp1252High[Int(byte - 0x80)] {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// cp1252's 0x80–0x9F (the bytes where it differs from Latin-1); nil: undefined, kept as the C1 control.
    private static let cp1252High: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]
}
