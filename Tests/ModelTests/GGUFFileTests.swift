import Foundation
import Testing
@testable import Model

/// The GGUF reader on files written by the `gguf` package (tools/gguf_fixtures.py) and on
/// malformed files built byte by byte.
@Suite("GGUF file reader")
struct GGUFFileTests {
    static func fixture(_ name: String) throws -> String {
        try Support.fixtures.appendingPathComponent("gguf/\(name)").path
    }

    struct ManifestEntry: Decodable {
        var name: String
        var shape: [Int]
        var offset: Int
        var count: Int
        var type: String
    }

    /// The tensors of the fixture files and their values dequantized by gguf-py.
    static func manifest() throws -> (entries: [ManifestEntry], values: [Float]) {
        struct Manifest: Decodable { var tensors: [ManifestEntry] }
        let dir = try Support.fixtures.appendingPathComponent("gguf")
        let m = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
        let data = try Data(contentsOf: dir.appendingPathComponent("dequantized.bin"))
        let values = data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return (m.tensors, values)
    }

    @Test("metadata of every value type, v3 and v2", arguments: ["tensors-v3.gguf", "tensors-v2.gguf"])
    func metadata(file: String) throws {
        let g = try GGUFFile(path: Self.fixture(file))
        #expect(g.version == (file.contains("v2") ? 2 : 3))
        #expect(g.alignment == (file.contains("v2") ? 32 : 64))
        #expect(g.dataOffset % g.alignment == 0)
        let m = g.metadata
        #expect(try m.string("general.architecture") == "test")
        #expect(m["test.u8"] == .uint8(200))
        #expect(m["test.i8"] == .int8(-100))
        #expect(m["test.u16"] == .uint16(60000))
        #expect(m["test.i16"] == .int16(-30000))
        #expect(m["test.u32"] == .uint32(4_000_000_000))
        #expect(m["test.i32"] == .int32(-2_000_000_000))
        #expect(m["test.f32"] == .float32(0.125))
        #expect(m["test.bool"] == .bool(true))
        #expect(m["test.string"] == .string("héllo, GGUF ✓"))
        #expect(m["test.u64"] == .uint64(18_000_000_000_000_000_000))
        #expect(m["test.i64"] == .int64(-9_000_000_000_000_000_000))
        #expect(m["test.f64"] == .float64(-2.5e-300))
        #expect(try m.ints("test.arr_i32") == [1, -2, 3])
        #expect(m["test.arr_u8"] == .array(elementType: .uint8, values: [.uint8(0), .uint8(7), .uint8(255)]))
        #expect(m["test.arr_i16"] == .array(elementType: .int16, values: [.int16(-1), .int16(2)]))
        #expect(try m.floats("test.arr_f32") == [0.5, -1.5])
        #expect(try m.strings("test.arr_str") == ["a", "βγ", ""])
        #expect(m["test.arr_bool"] == .array(elementType: .bool, values: [.bool(true), .bool(false)]))
        #expect(m["test.nested"] == .array(elementType: .array, values: [
            .array(elementType: .int32, values: [.int32(1), .int32(2)]), .array(elementType: .int32, values: [.int32(3)]),
        ]))
        #expect(m["test.nested_str"]?.arrayValue?.last?.arrayValue?.map(\.stringValue) == ["y", "z"])
        // Typed accessors: widths are converted, wrong types and absent keys are errors.
        #expect(try m.int("test.u16") == 60000)
        #expect(try m.float("test.i8") == -100)
        #expect(try m.optionalString("absent.key") == nil)
        #expect(throws: GGUFError.self) { try m.string("test.u8") }
        #expect(throws: GGUFError.self) { try m.int("absent.key") }
        #expect(throws: GGUFError.self) { try m.strings("test.arr_i32") }
        #expect(throws: GGUFError.self) { try m.int("test.u64") }  // 1.8e19 does not fit an Int
        #expect(m.keys.contains("test.u8") && m.keys.count == Set(m.keys).count)
    }

    @Test("tensor table and dequantized values match gguf-py exactly", arguments: ["tensors-v3.gguf", "tensors-v2.gguf"])
    func tensors(file: String) throws {
        let g = try GGUFFile(path: Self.fixture(file))
        let (entries, values) = try Self.manifest()
        #expect(g.tensors.map(\.name) == entries.map(\.name))
        for e in entries {
            let info = try #require(g.tensorInfo(e.name))
            #expect(info.shape == e.shape, "\(e.name)")
            #expect(info.type.description == e.type, "\(e.name)")
            #expect((info.range.lowerBound - g.dataOffset) % g.alignment == 0)
            let t = try g.dequantize(e.name)
            #expect(t.shape == e.shape)
            let expected = Array(values[e.offset..<(e.offset + e.count)])
            let got = t.withUnsafeFloats { Array($0) }
            // Bit-identical: same bits, not merely close.
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(e.name) (\(e.type))")
        }
        #expect(throws: GGUFError.self) { try g.dequantize("no.such.tensor") }
    }

    // MARK: Malformed files

    static func expectError(_ bytes: [UInt8], _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.gguf")
        try Data(bytes).write(to: url)
        do {
            _ = try GGUFFile(path: url.path)
            Issue.record("malformed file was accepted; expected \(fragments)", sourceLocation: sourceLocation)
        } catch {
            let text = error.description
            #expect(text.contains(url.path), "\(text)", sourceLocation: sourceLocation)
            for f in fragments { #expect(text.contains(f), "'\(f)' not in: \(text)", sourceLocation: sourceLocation) }
        }
    }

    /// A valid file with one F32 tensor "t" of 8 elements, with the given overrides.
    static func oneTensor(version: UInt32 = 3, dims: [UInt64] = [8], type: UInt32 = 0, offset: UInt64 = 0,
                          dataBytes: Int = 32, alignment: UInt32? = nil) -> [UInt8] {
        var b = GGUFBuilder()
        b.header(version: version, tensors: 1, kvs: alignment == nil ? 1 : 2)
        b.kvU32("test.n", 1)
        if let alignment { b.kvU32("general.alignment", alignment) }
        b.tensorInfo("t", dims: dims, type: type, offset: offset)
        b.pad(Int(alignment ?? 32))
        b.raw([UInt8](repeating: 0, count: dataBytes))
        return b.bytes
    }

    @Test("a hand-built file reads back")
    func handBuilt() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ok.gguf")
        try Data(Self.oneTensor()).write(to: url)
        let g = try GGUFFile(path: url.path)
        #expect(g.tensors.count == 1 && g.tensors[0].shape == [8])
        #expect(try g.dequantize("t").withUnsafeFloats { Array($0) } == [Float](repeating: 0, count: 8))
    }

    @Test("bad files give errors naming file and field")
    func badFiles() throws {
        try Self.expectError([], ["empty"])
        try Self.expectError(Array("GGML".utf8) + [3, 0, 0, 0], ["magic"])
        try Self.expectError(Array(Self.oneTensor().prefix(10)), ["truncated", "tensor count"])
        try Self.expectError(Self.oneTensor(version: 1), ["version 1"])
        try Self.expectError(Self.oneTensor(version: 0x0300_0000), ["big-endian"])
        // Truncated data: the tensor's 32 bytes are not all there.
        try Self.expectError(Array(Self.oneTensor().dropLast(4)), ["'t'", "run past the end"])
        // Offset outside the file, misaligned offset.
        try Self.expectError(Self.oneTensor(offset: 1 << 40), ["'t'", "outside"])
        try Self.expectError(Self.oneTensor(offset: 4, dataBytes: 64), ["'t'", "not a multiple of the alignment 32"])
        // Unknown tensor type, rank and dims.
        try Self.expectError(Self.oneTensor(type: 99), ["'t'", "unknown tensor type 99"])
        try Self.expectError(Self.oneTensor(dims: [8, 1, 1, 1, 1]), ["'t'", "rank 5"])
        try Self.expectError(Self.oneTensor(dims: [0]), ["'t'", "dimension 0 is 0"])
        try Self.expectError(Self.oneTensor(dims: [1 << 31, 1 << 31, 1 << 31]), ["'t'", "dimension"])
        // Row length not a multiple of the block size (Q4_0 has 32).
        try Self.expectError(Self.oneTensor(dims: [16], type: 2), ["'t'", "block size 32"])
        // Alignment that is not a power of two.
        try Self.expectError(Self.oneTensor(alignment: 48), ["general.alignment", "power of two"])

        // Absurd counts fail before allocating.
        var b = GGUFBuilder()
        b.header(tensors: UInt64.max, kvs: 0)
        try Self.expectError(b.bytes, ["tensor count"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1 << 60)
        try Self.expectError(b.bytes, ["metadata count"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("k"); b.u32(9); b.u32(4); b.u64(1 << 62)  // array of 2^62 uint32
        try Self.expectError(b.bytes, ["'k'", "count"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.u64(1 << 50)  // key length
        b.raw([UInt8](repeating: 0, count: 16))
        try Self.expectError(b.bytes, ["key", "count"])
        // Unknown value type, bad bool, invalid UTF-8, duplicate key, too deep nesting.
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("k"); b.u32(77)
        try Self.expectError(b.bytes, ["'k'", "unknown value type 77"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("flag"); b.u32(7); b.raw([2])
        try Self.expectError(b.bytes, ["'flag'", "bool"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("s"); b.u32(8); b.u64(2); b.raw([0xC3, 0x28])
        try Self.expectError(b.bytes, ["'s'", "UTF-8"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 2)
        b.kvU32("dup", 1); b.kvU32("dup", 2)
        try Self.expectError(b.bytes, ["'dup'", "twice"])
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 1)
        b.string("deep"); b.u32(9)
        for _ in 0..<20 { b.u32(9); b.u64(1) }
        try Self.expectError(b.bytes, ["'deep'", "nest"])
        // Two tensors sharing bytes; duplicate tensor names.
        b = GGUFBuilder()
        b.header(tensors: 2, kvs: 0)
        b.tensorInfo("a", dims: [16], type: 0, offset: 0)
        b.tensorInfo("b", dims: [8], type: 0, offset: 32)
        b.pad()
        b.raw([UInt8](repeating: 0, count: 64))
        try Self.expectError(b.bytes, ["overlaps"])
        b = GGUFBuilder()
        b.header(tensors: 2, kvs: 0)
        b.tensorInfo("a", dims: [8], type: 0, offset: 0)
        b.tensorInfo("a", dims: [8], type: 0, offset: 32)
        b.pad()
        b.raw([UInt8](repeating: 0, count: 64))
        try Self.expectError(b.bytes, ["'a'", "twice"])
    }

    @Test("unsupported but known tensor types are named when read")
    func unsupportedType() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("q5.gguf")
        // Q5_0 (type 6): 32 elements in 22 bytes.
        try Data(Self.oneTensor(dims: [32], type: 6)).write(to: url)
        let g = try GGUFFile(path: url.path)
        #expect(throws: GGUFError.self) { try g.dequantize("t") }
        do { _ = try g.matrixWeight("t") } catch { #expect(error.description.contains("Q5_0")) }
    }
}

@Suite("GGUF file as a tensor source")
struct GGUFTensorSourceTests {
    @Test("names, shapes and tensors (half kept when asked)")
    func source() throws {
        let g = try GGUFFile(path: GGUFFileTests.fixture("tensors-v3.gguf"))
        let source: any TensorSource = g
        #expect(source.tensorNames == g.tensors.map(\.name))
        #expect(source.shape(of: "cube") == [2, 3, 4])
        #expect(source.shape(of: "w.q4_k") == [3, 512])
        #expect(source.shape(of: "absent") == nil)
        let half = try source.tensor(named: "w.f16", keepHalf: true)
        #expect(half.dtype == .f16)
        let full = try source.tensor(named: "w.f16", keepHalf: false)
        #expect(full.dtype == .f32)
        #expect(half.contiguous().withUnsafeFloats { Array($0) } == full.withUnsafeFloats { Array($0) })
        #expect(try source.tensor(named: "w.q6_k", keepHalf: true).shape == [3, 512])
        #expect(throws: GGUFError.self) { try source.tensor(named: "absent", keepHalf: false) }
    }
}
