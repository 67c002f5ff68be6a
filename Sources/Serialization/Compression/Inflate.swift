import CZlib

/// The wrapping of a deflate stream.
public enum InflateFormat: Sendable {
    /// Bare deflate, as inside zip entries.
    case raw
    /// zlib header + adler32 trailer (`zlib.compress`; ScanNet `.sens` depth frames).
    case zlib
    /// gzip header + crc32 trailer (`.gz` files).
    case gzip
}

/// Errors inflating a deflate stream.
public enum InflateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// zlib rejected the data (corrupt, truncated, or a checksum failed).
    case corrupt(reason: String)
    /// The output would exceed the caller's limit (a decompression bomb, or a wrong size).
    case tooLarge(limit: Int)
    /// The stream inflated to a different size than the caller expected.
    case sizeMismatch(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .corrupt(let reason): "corrupt deflate data: \(reason)"
        case .tooLarge(let limit): "inflated data exceeds \(limit) bytes"
        case .sizeMismatch(let expected, let actual): "inflated to \(actual) bytes, expected \(expected)"
        }
    }
}

/// Deflate decompression through the system zlib, shared by the zip reader and importers
/// (ScanNet depth frames, gzip files).
public enum Inflate {
    /// Inflates `input`. With `expectedSize` the output must be exactly that long (and is
    /// allocated once); without it the buffer grows up to `limit` bytes.
    public static func decompress(
        _ input: UnsafeRawBufferPointer, format: InflateFormat, expectedSize: Int? = nil, limit: Int = 1 << 34
    ) throws(InflateError) -> [UInt8] {
        if let expectedSize {
            guard expectedSize >= 0, expectedSize <= limit else { throw .tooLarge(limit: limit) }
            // Deflate cannot expand data more than ~1032:1: refuse impossible claims before allocating.
            guard expectedSize <= input.count &* 1040 &+ 1024 else {
                throw .corrupt(reason: "\(input.count) bytes cannot inflate to \(expectedSize)")
            }
        }
        var stream = z_stream()
        let windowBits: Int32 = switch format {
        case .raw: -MAX_WBITS
        case .zlib: MAX_WBITS
        case .gzip: MAX_WBITS + 16
        }
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt(reason: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        // One spare byte beyond an expected size, so that a longer stream is detected.
        var capacity = expectedSize.map { $0 + 1 } ?? min(max(input.count * 4, 1 << 16), limit + 1)
        var out = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var consumed = 0
        let chunk = 1 << 30
        var status: Int32 = Z_OK
        while true {
            let inAvail = min(chunk, input.count - consumed)
            let outAvail = min(chunk, capacity - produced)
            out.withUnsafeMutableBytes { output in
                stream.next_in = input.baseAddress.map {
                    UnsafeMutablePointer(mutating: $0.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                }
                stream.avail_in = uInt(inAvail)
                stream.next_out = output.baseAddress!.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outAvail)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            let usedIn = inAvail - Int(stream.avail_in)
            let madeOut = outAvail - Int(stream.avail_out)
            consumed += usedIn
            produced += madeOut
            if status == Z_STREAM_END { break }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw .corrupt(reason: stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
            }
            if produced == capacity {
                if let expectedSize { throw .sizeMismatch(expected: expectedSize, actual: produced) }
                guard capacity <= limit else { throw .tooLarge(limit: limit) }
                capacity = min(capacity * 2, limit + 1)
                out.append(contentsOf: repeatElement(0, count: capacity - out.count))
                continue
            }
            if usedIn == 0 && madeOut == 0 { throw .corrupt(reason: "stream truncated") }
        }
        if let expectedSize, produced != expectedSize { throw .sizeMismatch(expected: expectedSize, actual: produced) }
        guard produced <= limit else { throw .tooLarge(limit: limit) }
        out.removeLast(out.count - produced)
        return out
    }

    /// Inflates `input`; see the buffer-pointer variant.
    public static func decompress(
        _ input: [UInt8], format: InflateFormat, expectedSize: Int? = nil, limit: Int = 1 << 34
    ) throws(InflateError) -> [UInt8] {
        let outcome = input.withUnsafeBytes { raw in
            Result { () throws(InflateError) in try decompress(raw, format: format, expectedSize: expectedSize, limit: limit) }
        }
        return try outcome.get()
    }
}
