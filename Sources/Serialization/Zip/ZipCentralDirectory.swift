/// Parsing of the end-of-central-directory records (plain and ZIP64) and the central directory.
extension ZipArchive {
    private static let eocdSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EOCDSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    static func parse(_ file: MappedFile) throws(ZipError) -> [ZipEntry] {
        let path = file.path
        let bytes = file.bytes
        let reader = LittleEndianReader(bytes: bytes)
        // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
        guard bytes.count >= 22 else { throw .notAZip(path: path) }
        var eocd = -1
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while position >= lowest {
            if reader.u32(position) == eocdSignature,
               position + 22 + Int(reader.u16(position + 20)) == bytes.count {
                eocd = position
                break
            }
            position -= 1
        }
        guard eocd >= 0 else { throw .notAZip(path: path) }

        var entryCount = Int(reader.u16(eocd + 10))
        var directorySize = Int(reader.u32(eocd + 12))
        var directoryOffset = Int(reader.u32(eocd + 16))
        if reader.u16(eocd + 4) != 0 || reader.u16(eocd + 6) != 0 {
            throw .malformed(path: path, reason: "multi-disk (spanned) archives are not supported")
        }

        // ZIP64: a locator just before the EOCD points at the ZIP64 EOCD record.
        let locator = eocd - 20
        if locator >= 0, reader.u32(locator) == zip64LocatorSignature {
            let recordOffset64 = reader.u64(locator + 8)
            guard recordOffset64 <= UInt64(locator), Int(recordOffset64) + 56 <= locator else {
                throw .malformed(path: path, reason: "ZIP64 end of central directory offset \(recordOffset64) outside the file")
            }
            let record = Int(recordOffset64)
            guard reader.u32(record) == zip64EOCDSignature else {
                throw .malformed(path: path, reason: "ZIP64 end of central directory record missing at \(record)")
            }
            let count64 = reader.u64(record + 32)
            let size64 = reader.u64(record + 40)
            let offset64 = reader.u64(record + 48)
            guard count64 <= UInt64(bytes.count), size64 <= UInt64(bytes.count), offset64 <= UInt64(bytes.count) else {
                throw .malformed(path: path, reason: "ZIP64 central directory fields outside the file")
            }
            entryCount = Int(count64)
            directorySize = Int(size64)
            directoryOffset = Int(offset64)
        }
        guard directoryOffset + directorySize <= bytes.count else {
            throw .malformed(path: path, reason: "central directory (\(directoryOffset)+\(directorySize)) outside the file (\(bytes.count) bytes)")
        }
        // Each central record is at least 46 bytes: a count claiming more cannot fit.
        guard entryCount <= directorySize / 46 + 1 else {
            throw .malformed(path: path, reason: "\(entryCount) entries cannot fit in a \(directorySize)-byte central directory")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(entryCount)
        var cursor = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for number in 0..<entryCount {
            guard cursor + 46 <= directoryEnd, reader.u32(cursor) == centralSignature else {
                throw .malformed(path: path, reason: "central directory record \(number) missing or truncated at offset \(cursor)")
            }
            let flags = reader.u16(cursor + 8)
            let methodCode = Int(reader.u16(cursor + 10))
            let crc = reader.u32(cursor + 16)
            var compressed = UInt64(reader.u32(cursor + 20))
            var uncompressed = UInt64(reader.u32(cursor + 24))
            let nameLength = Int(reader.u16(cursor + 28))
            let extraLength = Int(reader.u16(cursor + 30))
            let commentLength = Int(reader.u16(cursor + 32))
            var localOffset = UInt64(reader.u32(cursor + 42))
            let nameStart = cursor + 46
            let extraStart = nameStart + nameLength
            let recordEnd = extraStart + extraLength + commentLength
            guard recordEnd <= directoryEnd else {
                throw .malformed(path: path, reason: "central directory record \(number) runs past the directory")
            }
            let name = decodeName(UnsafeRawBufferPointer(rebasing: bytes[nameStart..<extraStart]), utf8: flags & 0x0800 != 0)

            // ZIP64 extended information: the 8-byte fields whose 32-bit slot is 0xFFFFFFFF, in order.
            var extra = extraStart
            let extraEnd = extraStart + extraLength
            while extra + 4 <= extraEnd {
                let id = reader.u16(extra)
                let size = Int(reader.u16(extra + 2))
                let body = extra + 4
                guard body + size <= extraEnd else {
                    throw .malformedEntry(path: path, entry: name, reason: "extra field runs past its record")
                }
                if id == 0x0001 {
                    var field = body
                    func next() throws(ZipError) -> UInt64 {
                        guard field + 8 <= body + size else {
                            throw .malformedEntry(path: path, entry: name, reason: "ZIP64 extra field too short")
                        }
                        defer { field += 8 }
                        return reader.u64(field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                }
                extra = body + size
            }

            guard ZipEntryName.isSafe(name) else { throw .unsafeEntryName(path: path, entry: name) }
            if flags & 0x0001 != 0 { throw .encrypted(path: path, entry: name) }
            let method: ZipEntry.Method
            switch methodCode {
            case 0: method = .stored
            case 8: method = .deflate
            default: throw .unsupportedMethod(path: path, entry: name, method: methodCode)
            }
            guard compressed <= UInt64(bytes.count), uncompressed <= UInt64(Int.max / 2),
                  localOffset + 30 <= UInt64(bytes.count) else {
                throw .malformedEntry(path: path, entry: name, reason: "sizes or local header offset outside the file")
            }
            if method == .stored && compressed != uncompressed {
                throw .malformedEntry(path: path, entry: name, reason: "stored entry with compressed size \(compressed) ≠ size \(uncompressed)")
            }
            // The data follows the local header, whose name/extra lengths may differ from the central ones.
            let local = Int(localOffset)
            guard reader.u32(local) == localSignature else {
                throw .malformedEntry(path: path, entry: name, reason: "no local file header at offset \(local)")
            }
            let dataStart = local + 30 + Int(reader.u16(local + 26)) + Int(reader.u16(local + 28))
            let dataEnd = dataStart + Int(compressed)
            guard dataEnd <= bytes.count else {
                throw .malformedEntry(path: path, entry: name, reason: "data (\(dataStart)+\(compressed)) runs past the end of the file")
            }
            entries.append(ZipEntry(
                name: name, method: method, crc32: crc,
                compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                dataRange: dataStart..<dataEnd))
            cursor = recordEnd
        }
        return entries
    }

    /// Names are UTF-8 when flag bit 11 is set (and in practice usually otherwise too); bytes that
    /// are not valid UTF-8 are read as Latin-1 rather than dropped.
    private static func decodeName(_ raw: UnsafeRawBufferPointer, utf8: Bool) -> String {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: raw.map { Unicode.Scalar($0) })
        return String(scalars)
    }
}

/// Bounds-unchecked little-endian reads over a buffer; callers check ranges first. Reads past the
/// end return 0 (never trap), so signature checks on short data simply fail.
struct LittleEndianReader {
    let bytes: UnsafeRawBufferPointer

    func u16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        return bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }

    func u64(_ offset: Int) -> UInt64 {
        guard offset >= 0, offset + 8 <= bytes.count else { return 0 }
        return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }
}
