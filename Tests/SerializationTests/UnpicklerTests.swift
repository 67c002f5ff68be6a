import Foundation
import Serialization
import Testing

@Suite("Unpickler")
struct UnpicklerTests {
    private func load(_ name: String, policy: PicklePolicy = .dataOnly) throws -> PickleValue {
        let path = Fixtures.path("pickle/\(name)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return try Unpickler(source: path, policy: policy).load(bytes)
    }

    @Test("every protocol reads the sample data exactly as Python wrote it", arguments: 0...5)
    func protocols(_ proto: Int) throws {
        let value = try load("data_p\(proto).pkl")
        let expected = (try Fixtures.expected()["pickles"] as! [String: Any])["data"]!
        #expect(canonical(typedJSON(value)) == canonical(expected))
    }

    @Test("shared references stay equal and big ints keep their bytes")
    func details() throws {
        let value = try load("data_p4.pkl")
        let shared = try #require(value["shared"]?.arrayValue)
        #expect(shared.count == 2 && shared[0] == shared[1])
        let ints = try #require(value["ints"]?.arrayValue)
        #expect(ints.last == .bigInt([0x00, 0x00, 0x00, 0x00, 0x00, 0x61, 0xf5, 0xb9, 0xab, 0xbf, 0xa4, 0x5c, 0xc3, 0xf1, 0x29, 0x63, 0x1d]))
        #expect(ints[12] == .int(Int.max) && ints[13] == .int(Int.min))
        #expect(value["big_list"]?.arrayValue?.count == 1200)
    }

    @Test("RefCOCO refs written the Python 2 way parse with every field", arguments: ["refs_py2_p2.p", "refs_py2_p0.p"])
    func refcoco(_ name: String) throws {
        let value = try load(name)
        let expected = (try Fixtures.expected()["pickles"] as! [String: Any])["refs"]!
        #expect(canonical(typedJSON(value)) == canonical(expected))
        let refs = try #require(value.arrayValue)
        #expect(refs.count == 3)
        let first = refs[0]
        #expect(first["ref_id"] == .int(0))
        #expect(first["ann_id"] == .int(1719310))
        #expect(first["image_id"] == .int(581857))
        #expect(first["category_id"] == .int(1))
        #expect(first["split"]?.stringValue == "train")
        #expect(first["file_name"]?.stringValue == "COCO_train2014_000000581857_16.jpg")
        #expect(first["sent_ids"] == .list([.int(0), .int(1)]))
        let sentence = try #require(first["sentences"]?.arrayValue?.first)
        #expect(sentence["raw"]?.stringValue == "The lady with the blue shirt")
        #expect(sentence["sent"]?.stringValue == "the lady with the blue shirt")
        #expect(sentence["sent_id"] == .int(0))
        #expect(sentence["tokens"]?.arrayValue?.count == 6)
        #expect(refs[2]["sentences"]?.arrayValue?.first?["raw"]?.stringValue == "café table 'right' \"side\"")
    }

    @Test("loading straight from a file path")
    func fromPath() throws {
        let value = try Unpickler.load(contentsOf: Fixtures.path("pickle/refs_py2_p2.p"))
        #expect(value.arrayValue?.count == 3)
        #expect(throws: MappedFileError.self) { _ = try Unpickler.load(contentsOf: Fixtures.path("pickle/missing.p")) }
    }

    @Test("globals that could run code are refused", arguments: ["evil_system", "evil_eval"], [0, 2, 4])
    func malicious(_ kind: String, _ proto: Int) throws {
        #expect {
            _ = try load("\(kind)_p\(proto).pkl")
        } throws: { error in
            guard case .forbiddenGlobal(_, _, let global) = error as? PickleError else { return false }
            return kind == "evil_system" ? (global == "posix.system" || global == "os.system") : (global == "builtins.eval" || global == "__builtin__.eval")
        }
    }

    @Test("a policy that allows more globals still refuses others")
    func policyIsAnAllowList() throws {
        let policy = PicklePolicy(allowedGlobals: [PickleGlobal("torch._utils", "_rebuild_tensor_v2")], allowsPersistentIDs: true)
        #expect(throws: PickleError.self) { _ = try load("evil_eval_p2.pkl", policy: policy) }
    }

    @Test("a truncated pickle is a clear error naming the file")
    func truncated() throws {
        do {
            _ = try load("truncated.pkl")
            Issue.record("truncated pickle was accepted")
        } catch let error as PickleError {
            guard case .truncated = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("truncated.pkl"))
        }
    }

    @Test("hand-written edge cases", arguments: [
        // (bytes, expected description) — protocol 0 text forms.
        (Array("I01\n.".utf8), PickleValue.bool(true)),
        (Array("L-123456789012345678901234567890L\n.".utf8),
         PickleValue.bigInt([0x2e, 0xf5, 0xc0, 0xb1, 0x11, 0x1f, 0x8c, 0x3c, 0x09, 0xf0, 0x16, 0x71, 0xfe])),
        (Array("F-2.5\n.".utf8), PickleValue.float(-2.5)),
        (Array("S'a\\x41\\n\\'b'\n.".utf8), PickleValue.string("aA\n'b")),
        (Array("V\\u00e9\\U0001f600\n.".utf8), PickleValue.string("é😀")),
        ([0x80, 0x02, 0x8a, 0x00, 0x2e], PickleValue.int(0)),
        ([0x80, 0x02, 0x8a, 0x02, 0xff, 0x7f, 0x2e], PickleValue.int(32767)),
    ])
    func edgeCases(_ bytes: [UInt8], _ expected: PickleValue) throws {
        #expect(try Unpickler(source: "inline").load(bytes) == expected)
    }

    @Test("malformed programs are errors, not crashes", arguments: [
        [UInt8](), [0x80, 0x09], [0x2e], [0x28, 0x2e], [0x68, 0x05, 0x2e], [0x4e, 0x61, 0x2e],
        [0x8c, 0x03, 0x61], [0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [0xff],
        [0x51, 0x2e], [0x82, 0x01], [0x4e, 0x4e, 0x2e], [0x4e, 0x2e, 0x4e],
    ])
    func malformed(_ bytes: [UInt8]) {
        #expect(throws: PickleError.self) { _ = try Unpickler(source: "inline").load(bytes) }
    }

    @Test("hostile nesting is refused without exhausting the stack")
    func deepNesting() {
        // 100k nested one-element tuples: ( ( ( ... N ... ) ) )
        var bytes: [UInt8] = [0x80, 0x02, 0x4e]
        bytes += [UInt8](repeating: 0x85, count: 100_000)
        bytes.append(0x2e)
        #expect(throws: PickleError.self) { _ = try Unpickler(source: "inline").load(bytes) }
        // A deep tuple chain popped into a local when the next opcode fails (REDUCE on an empty stack).
        var reduce: [UInt8] = [0x80, 0x02, 0x4e]
        reduce += [UInt8](repeating: 0x85, count: 100_000)
        reduce += [0x52, 0x2e]
        #expect(throws: PickleError.self) { _ = try Unpickler(source: "inline").load(reduce) }
        // A deep list chain built with LIST over nested marks: ( ( ( ... ] l l l ...
        var lists: [UInt8] = [0x80, 0x02]
        lists += [UInt8](repeating: 0x28, count: 50_000)
        lists.append(0x5d)
        lists += [UInt8](repeating: 0x6c, count: 50_000)
        lists.append(0x2e)
        #expect(throws: PickleError.self) { _ = try Unpickler(source: "inline").load(lists) }
        // A list that contains itself.
        let cyclic: [UInt8] = [0x80, 0x02, 0x5d, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2e]
        #expect(throws: PickleError.self) { _ = try Unpickler(source: "inline").load(cyclic) }
    }
}
