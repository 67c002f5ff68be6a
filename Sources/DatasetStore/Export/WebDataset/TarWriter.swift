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
        var block = [UInt8](repeating: 0, count: blockSize)
        let bytes = Array(name.utf8)
        var nameBytes = bytes, prefixBytes: [UInt8] = []
        if bytes.count > 100 {
            guard bytes.count <= 255, let slash = bytes.lastIndex(where: { $0 == UInt8(ascii: "/") }),
                  slash <= 155, bytes.count - slash - 1 <= 100, slash > 0 else {
                throw .invalidOption(name: "tar member", reason: "name \(name) is too long for ustar")
            }
            prefixBytes = Array(bytes[..<slash])
            nameBytes = Array(bytes[(slash + 1)...])
        }
        guard !nameBytes.isEmpty, size >= 0, size < 0o77777777777 else {
            throw .invalidOption(name: "tar member", reason: "\(name): size \(size) does not fit a ustar header")
        }
        func put(_ field: [UInt8], at offset: Int) {
            for (i, b) in field.enumerated() { block[offset + i] = b }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = Array(String(value, radix: 8).utf8)
            return [UInt8](repeating: UInt8(ascii: "0"), count: width - 1 - digits.count) + digits + [0]
        }
        put(nameBytes, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148)
        block[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(octal(0, width: 8), at: 329)
        put(octal(0, width: 8), at: 337)
        put(prefixBytes, at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
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
