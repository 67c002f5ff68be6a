/// The pycocotools compressed counts string (`rleToString` / `rleFrString`).
///
/// Each count from the third on is written as the difference to the count two places back;
/// values go out in 5-bit groups, least significant first, as `group + 48`, with 0x20 set on
/// every group but the last and the sign in bit 0x10 of the last group.
public enum RLEString {
    /// Encodes counts to the compressed string.
    public static func encode(_ counts: [UInt32]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(counts.count * 2 + 4)
        counts.withUnsafeBufferPointer { c in
            for i in 0..<c.count {
                var x = Int64(c[i])
                if i > 2 { x -= Int64(c[i - 2]) }
                while true {
                    var group = UInt8(truncatingIfNeeded: x & 0x1f)
                    x >>= 5
                    let more = (group & 0x10) != 0 ? x != -1 : x != 0
                    if more { group |= 0x20 }
                    out.append(group &+ 48)
                    if !more { break }
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a compressed string to counts. Rejects characters outside `0`…`o`, a final
    /// character with the continuation bit, values over 32 bits and negative counts.
    public static func decode(_ text: String) throws(RLEError) -> [UInt32] {
        var text = text
        let result: Result<[UInt32], RLEError> = text.withUTF8 { bytes in
            Result { () throws(RLEError) -> [UInt32] in try decode(bytes) }
        }
        return try result.get()
    }

    /// Decodes compressed counts from ASCII bytes.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(RLEError) -> [UInt32] {
        var counts = [UInt32]()
        counts.reserveCapacity(bytes.count)
        var p = 0
        let n = bytes.count
        while p < n {
            let start = p
            var x: Int64 = 0
            var shift: Int64 = 0
            while true {
                guard p < n else { throw .truncatedValue(position: start) }
                let byte = bytes[p]
                guard byte >= 48, byte <= 111 else { throw .invalidCharacter(position: p, byte: byte) }
                let c = Int64(byte &- 48)
                guard shift < 35 else { throw .valueOverflow(position: start) }
                x |= (c & 0x1f) << shift
                p += 1
                shift += 5
                if c & 0x20 == 0 {
                    if c & 0x10 != 0 { x |= -1 << shift }
                    break
                }
            }
            let index = counts.count
            if index > 2 { x += Int64(counts[index - 2]) }
            guard x >= 0 else { throw .negativeCount(index: index, value: x) }
            guard x <= Int64(UInt32.max) else { throw .valueOverflow(position: start) }
            counts.append(UInt32(x))
        }
        return counts
    }
}
