/// Byte-level decoding: table characters back to bytes, then UTF-8 with U+FFFD for invalid bytes.
enum ByteLevelDecoding {
    static func decode(_ tokens: [String]) -> String {
        var bytes: [UInt8] = []
        for token in tokens {
            var mapped: [UInt8] = []
            var ok = true
            for c in token.unicodeScalars {
                guard let b = ByteLevelAlphabet.byte(of: c) else { ok = false; break }
                mapped.append(b)
            }
            if ok { bytes += mapped } else { bytes += Array(token.utf8) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
