/// Reads little-endian fields from the mapped header of a GGUF file, checking every read
/// against the end of the file.
struct GGUFByteCursor {
    let base: UnsafeRawPointer
    let count: Int
    let path: String
    private(set) var offset: Int = 0

    init(base: UnsafeRawPointer, count: Int, path: String) {
        self.base = base
        self.count = count
        self.path = path
    }

    var remaining: Int { count - offset }

    mutating func skip(_ n: Int, field: @autoclosure () -> String) throws(GGUFError) {
        guard n >= 0, n <= remaining else {
            throw .truncated(path: path, field: field(), offset: offset, needed: n, fileSize: count)
        }
        offset += n
    }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, field: @autoclosure () -> String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else {
            throw .truncated(path: path, field: field(), offset: offset, needed: size, fileSize: count)
        }
        let v = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return v
    }

    /// A uint64 count or length, which must fit an `Int` and, at `minimumSize` bytes per
    /// item, the rest of the file (so absurd counts fail before any allocation).
    mutating func readCount(minimumSize: Int, field: @autoclosure () -> String,
                            invalid: (String) -> GGUFError) throws(GGUFError) -> Int {
        let raw = try read(UInt64.self, field: field())
        guard raw <= UInt64(Int.max), minimumSize == 0 || Int(raw) <= remaining / max(1, minimumSize) else {
            throw invalid("count \(raw) cannot fit in the \(remaining) bytes left in the file")
        }
        return Int(raw)
    }

    /// A GGUF string: uint64 byte length, then UTF-8 bytes.
    mutating func readString(field: @autoclosure () -> String, invalid: (String) -> GGUFError) throws(GGUFError) -> String {
        let length = try readCount(minimumSize: 1, field: field(), invalid: invalid)
        let bytes = UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: length)
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw invalid("string at offset \(offset) is not valid UTF-8")
        }
        offset += length
        return s
    }
}
