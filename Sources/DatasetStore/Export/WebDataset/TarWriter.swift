/// Writes a POSIX ustar archive into an `AtomicFile`: a 512-byte header per member, the bytes,
/// zero padding to a 512-byte boundary, and two zero blocks at the end. Members are regular
/// files with mode 0644, owner 0:0 and mtime 0, so the same members give the same bytes.
public struct TarWriter {
    public static let blockSize = 512

    /// The archive size a member of `size` bytes adds (header + padded data).
    public static func memberSize(_ size: Int) -> Int {
        blockSize + (size + blockSize - 1) / blockSize * blockSize
    }

    /// The ustar header of a regular file. Names up to 100 bytes go in `name`; longer ones
    /// (up to 255) are split at a `/` into `prefix` and `name`.
    public static func header(name: String, size: Int, mtime: Int = 0) throws(ExportError) -> [UInt8] {
        let bytes = Array(name.utf8)
        var nameStart = 0
        if bytes.count > 100 {
            guard bytes.count <= 255, let slash = bytes.lastIndex(where: { $0 == UInt8(ascii: "/") }),
                  slash <= 155, bytes.count - slash - 1 <= 100, slash > 0 else {
                throw .invalidOption(name: "tar member", reason: "name \(name) is too long for ustar")
            }
            nameStart = slash + 1
        }
        guard nameStart < bytes.count, size >= 0, size < 0o77777777777 else {
            throw .invalidOption(name: "tar member", reason: "\(name): size \(size) does not fit a ustar header")
        }
        return [UInt8](unsafeUninitializedCapacity: blockSize) { block, initialized in
            block.initialize(repeating: 0)
            initialized = blockSize
            /// `value` in octal, zero-padded to `width - 1` digits and a NUL.
            func octal(_ value: Int, at offset: Int, width: Int) {
                var v = value
                for i in stride(from: offset + width - 2, through: offset, by: -1) {
                    block[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: v & 7)
                    v >>= 3
                }
            }
            for i in nameStart..<bytes.count { block[i - nameStart] = bytes[i] }
            octal(0o644, at: 100, width: 8)
            octal(0, at: 108, width: 8)
            octal(0, at: 116, width: 8)
            octal(size, at: 124, width: 12)
            octal(mtime, at: 136, width: 12)
            for i in 148..<156 { block[i] = UInt8(ascii: " ") }
            block[156] = UInt8(ascii: "0")
            for (i, b) in "ustar".utf8.enumerated() { block[257 + i] = b }
            block[263] = UInt8(ascii: "0"); block[264] = UInt8(ascii: "0")
            octal(0, at: 329, width: 8)
            octal(0, at: 337, width: 8)
            if nameStart > 0 { for i in 0..<(nameStart - 1) { block[345 + i] = bytes[i] } }
            var checksum = 0
            for b in block { checksum += Int(b) }
            octal(checksum, at: 148, width: 7) // six digits, NUL, space
            block[154] = 0
            block[155] = UInt8(ascii: " ")
        }
    }

    /// Appends one member.
    public static func append(name: String, bytes: [UInt8], to file: AtomicFile) throws(ExportError) {
        try file.write(try header(name: name, size: bytes.count))
        try file.write(bytes)
        let remainder = bytes.count % blockSize
        if remainder != 0 { try file.writeZeros(blockSize - remainder) }
    }

    /// Appends the end-of-archive marker (two zero blocks).
    public static func finish(_ file: AtomicFile) throws(ExportError) {
        try file.writeZeros(2 * blockSize)
    }
}
