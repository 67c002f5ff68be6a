import Foundation
import Serialization
import Testing

@Suite("ZipArchive")
struct ZipArchiveTests {
    @Test("entries, sizes and contents match Python's zipfile", arguments: ["mixed.zip", "zip64.zip"])
    func readsLikeZipfile(_ name: String) throws {
        let archive = try ZipArchive(path: Fixtures.path("zip/\(name)"))
        let expected = (try Fixtures.expected()["zips"] as! [String: Any])[name] as! [[String: Any]]
        #expect(archive.entries.map(\.name) == expected.map { $0["name"] as! String })
        for (entry, want) in zip(archive.entries, expected) {
            #expect(entry.uncompressedSize == want["size"] as! Int)
            #expect((entry.method == .stored) == (want["stored"] as! Bool))
            let data = try archive.data(of: entry)
            #expect(SHA256.hex(of: data) == want["sha256"] as! String, "\(entry.name)")
        }
    }

    @Test("a stored entry exposes its bytes in place for memory mapping")
    func storedRange() throws {
        let archive = try ZipArchive(path: Fixtures.path("zip/mixed.zip"))
        let entry = try #require(archive.entry(named: "folder/stored.bin"))
        let range = try archive.storedRange(of: entry)
        #expect(archive.file.copyBytes(in: range) == (try archive.data(of: entry)))
        let deflated = try #require(archive.entry(named: "folder/deflated.txt"))
        #expect(throws: ZipError.notStored(path: archive.path, entry: "folder/deflated.txt")) {
            _ = try archive.storedRange(of: deflated)
        }
    }

    @Test("extraction stays inside the target folder")
    func extract() throws {
        let archive = try ZipArchive(path: Fixtures.path("zip/mixed.zip"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zip-extract-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for entry in archive.entries { try archive.extract(entry, into: dir.path) }
        let written = try Data(contentsOf: dir.appendingPathComponent("café/中文.txt"))
        #expect(String(decoding: written, as: UTF8.self) == "unicode name")
    }

    @Test("names that would escape the folder are refused", arguments: [
        ("slip.zip", "../outside.txt"), ("absolute.zip", "/etc/evil"), ("backslash.zip", "ok/..\\..\\evil"),
    ])
    func unsafeNames(_ file: String, _ entry: String) {
        let path = Fixtures.path("zip/\(file)")
        #expect(throws: ZipError.unsafeEntryName(path: path, entry: entry)) { _ = try ZipArchive(path: path) }
    }

    @Test("name validation", arguments: [
        ("a/b.txt", true), ("a/", true), ("..a/b", true), ("a/../b", false), ("..", false), ("/x", false),
        ("\\x", false), ("C:x", false), ("a\\..\\b", false), ("", false), ("a\u{0}b", false),
    ])
    func names(_ name: String, _ safe: Bool) {
        #expect(ZipEntryName.isSafe(name) == safe)
    }

    @Test("corrupt data is a typed error naming the archive and entry")
    func badCRC() throws {
        let path = Fixtures.path("zip/badcrc.zip")
        let archive = try ZipArchive(path: path)
        #expect(throws: ZipError.checksumMismatch(path: path, entry: "folder/stored.bin")) {
            _ = try archive.data(named: "folder/stored.bin")
        }
        #expect(throws: ZipError.entryNotFound(path: path, entry: "nope")) { _ = try archive.data(named: "nope") }
    }

    @Test("not a zip, or cut short", arguments: ["truncated.zip", "notzip.zip"])
    func notAZip(_ name: String) {
        let path = Fixtures.path("zip/\(name)")
        #expect(throws: ZipError.notAZip(path: path)) { _ = try ZipArchive(path: path) }
    }
}

@Suite("SHA256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(_ input: String, _ digest: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == digest)
    }

    @Test("streaming in uneven pieces equals one shot")
    func streaming() {
        let bytes = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var h = SHA256()
        var i = 0
        var step = 1
        while i < bytes.count {
            let n = min(step, bytes.count - i)
            h.update(Array(bytes[i..<i + n]))
            i += n
            step = step * 3 % 257 + 1
        }
        #expect(SHA256.hexString(h.finalize()) == SHA256.hex(of: bytes))
        #expect(SHA256.hex(of: Array(repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("SHA1")
struct SHA1Tests {
    @Test("test vectors and git blob ids (from hashlib)")
    func vectors() {
        #expect(SHA1.hex(of: Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(of: Array(repeating: 0x61, count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        let content = Array(#"{"pooling_mode_mean_tokens": true}"#.utf8)
        #expect(SHA1.gitBlobID(size: content.count) { $0.update(content) } == "11dc2133678c5d9124cba0b6e69b959508e4cc31")
    }
}

@Suite("Inflate")
struct InflateTests {
    @Test("zlib and gzip streams written by Python inflate exactly", arguments: [
        ("depth.zlib", InflateFormat.zlib), ("text.gz", .gzip), ("zeros.zlib", .zlib),
    ])
    func streams(_ name: String, _ format: InflateFormat) throws {
        let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("compress/\(name)"))))
        let want = (try Fixtures.expected()["compress"] as! [String: [String: Any]])[name]!
        let size = want["size"] as! Int
        // Unknown size (the buffer grows) and known size (one allocation) agree.
        let grown = try Inflate.decompress(input, format: format)
        #expect(grown.count == size && SHA256.hex(of: grown) == want["sha256"] as! String)
        #expect(try Inflate.decompress(input, format: format, expectedSize: size) == grown)
        #expect(throws: InflateError.sizeMismatch(expected: size - 1, actual: size)) {
            _ = try Inflate.decompress(input, format: format, expectedSize: size - 1)
        }
    }

    @Test("limits, wrong wrappers and damage are errors")
    func failures() throws {
        let zeros = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("compress/zeros.zlib"))))
        #expect(throws: InflateError.tooLarge(limit: 1_000_000)) { _ = try Inflate.decompress(zeros, format: .zlib, limit: 1_000_000) }
        #expect(throws: InflateError.self) { _ = try Inflate.decompress(zeros, format: .gzip) }
        #expect(throws: InflateError.self) { _ = try Inflate.decompress(Array(zeros.prefix(zeros.count / 2)), format: .zlib) }
        var flipped = zeros
        flipped[flipped.count - 2] ^= 0xFF // adler32 trailer
        #expect(throws: InflateError.self) { _ = try Inflate.decompress(flipped, format: .zlib) }
        #expect(throws: InflateError.self) { _ = try Inflate.decompress(zeros, format: .zlib, expectedSize: 1 << 40) }
    }
}
