import Foundation
import Testing
@testable import Model

/// The reader and kernels on the real SmolLM2-135M-Instruct Q4_1 file (installed, not committed).
@Suite("GGUF on the real SmolLM2 file", .enabled(if: SmolLM2GGUF.installed, SmolLM2GGUF.note))
struct GGUFSmolLM2Tests {
    @Test("header, metadata and tensor table")
    func table() throws {
        let g = try GGUFFile(path: SmolLM2GGUF.path)
        #expect(g.version == 3 && g.alignment == 32)
        #expect(g.tensors.count == 272)
        let m = g.metadata
        #expect(try m.string("general.architecture") == "llama")
        #expect(try m.int("llama.block_count") == 30)
        #expect(try m.int("llama.embedding_length") == 576)
        #expect(try m.int("llama.feed_forward_length") == 1536)
        #expect(try m.int("llama.attention.head_count") == 9)
        #expect(try m.int("llama.attention.head_count_kv") == 3)
        #expect(try m.float("llama.rope.freq_base") == 100_000)
        #expect(abs(try m.float("llama.attention.layer_norm_rms_epsilon") - 1e-5) < 1e-12)
        let embedding = try #require(g.tensorInfo("token_embd.weight"))
        #expect(embedding.type == .q8_0 && embedding.shape == [49152, 576])
        #expect(g.tensorInfo("blk.0.ffn_down.weight")?.type == .q4_1)
        #expect(g.tensorInfo("blk.0.ffn_down.weight")?.shape == [576, 1536])
        #expect(g.tensorInfo("blk.29.attn_norm.weight")?.type == .f32)
        #expect(Set(g.tensors.map(\.type)) == [.q4_1, .q8_0, .f32])
    }

    @Test("quantized products on the real Q4_1 and Q8_0 matrices, every SIMD path")
    func products() throws {
        let g = try GGUFFile(path: SmolLM2GGUF.path)
        for name in ["blk.0.ffn_down.weight", "blk.7.ffn_gate.weight", "blk.29.attn_k.weight"] {
            let dense = try g.dequantize(name).withUnsafeFloats { Array($0) }
            for level in GGUFKernelTests.levels {
                var w = try g.matrixWeight(name)
                w.simdLevel = level
                for rows in [1, 6] { GGUFKernelTests.check(w, dense: dense, rows: rows, label: "\(name) \(level) rows \(rows)") }
            }
        }
        // The Q8_0 embedding/output matrix: lookups are the dequantized rows; one decode product.
        let embedding = try g.matrixWeight("token_embd.weight")
        var row = [Float](repeating: 0, count: 576)
        row.withUnsafeMutableBufferPointer { embedding.row(1234, into: $0.baseAddress!) }
        let head = try g.dequantize("token_embd.weight")
        #expect(row == head.withUnsafeFloats { Array($0[(1234 * 576)..<(1235 * 576)]) })
        let dense = head.withUnsafeFloats { Array($0) }
        GGUFKernelTests.check(embedding, dense: dense, rows: 1, label: "token_embd.weight")
    }
}
