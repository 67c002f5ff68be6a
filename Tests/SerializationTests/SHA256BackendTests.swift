import Foundation
import Serialization
import Testing

/// Both SHA-256 compression backends (portable Swift rounds, x86 SHA-NI kernel) against the FIPS
/// vectors and against Python's hashlib on messages of random lengths
/// (`tools/sha256_fixtures.py`), one shot and fed in uneven pieces.
@Suite("SHA256 backends")
struct SHA256BackendTests {
    struct Case: Decodable { var length: Int; var seed: UInt32; var sha256: String }

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: Fixtures.root.appendingPathComponent("sha256/hashlib.json")),
              let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    /// The message of a case: the LCG bytes the Python script hashed.
    static func message(_ c: Case) -> [UInt8] {
        var x = c.seed
        return (0..<c.length).map { _ in
            x = x &* 1103515245 &+ 12345
            return UInt8(x >> 24)
        }
    }

    static func digest(_ bytes: [UInt8], _ backend: SHA256.Backend) -> String {
        var h = SHA256(backend: backend)
        h.update(bytes)
        return SHA256.hexString(h.finalize())
    }

    @Test("the backend asked for is the one used where the CPU has it")
    func backendChoice() {
        #expect(SHA256(backend: .portable).backend == .portable)
        #expect(SHA256(backend: .shaExtensions).backend == (SHA256.hasSHAExtensions ? .shaExtensions : .portable))
        #expect(SHA256().backend == SHA256.bestBackend)
    }

    @Test("FIPS 180-4 vectors", arguments: SHA256.Backend.allCases)
    func vectors(_ backend: SHA256.Backend) {
        let vectors = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (input, want) in vectors { #expect(Self.digest(Array(input.utf8), backend) == want, "\(input)") }
        #expect(Self.digest([UInt8](repeating: 0x61, count: 1_000_000), backend)
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("equals hashlib on random lengths, one shot and in uneven pieces", arguments: SHA256.Backend.allCases)
    func hashlib(_ backend: SHA256.Backend) {
        #expect(Self.cases.count > 150, "fixture sha256/hashlib.json missing")
        var step = 1
        for c in Self.cases {
            let bytes = Self.message(c)
            #expect(Self.digest(bytes, backend) == c.sha256, "length \(c.length)")
            var h = SHA256(backend: backend)
            var i = 0
            while i < bytes.count {
                let n = min(step, bytes.count - i)
                bytes[i..<i + n].withUnsafeBytes { h.update($0) }
                i += n
                step = step * 7 % 1031 + 1
            }
            #expect(SHA256.hexString(h.finalize()) == c.sha256, "length \(c.length) in pieces")
        }
    }
}
