import Foundation
import Testing
@testable import Model

/// A tiny random BertForMaskedLM saved by Hugging Face as three safetensors shards
/// (tools/bert_tiny_fixtures.py): the index, `bert.` prefix, unused `cls.` head and tanh GELU.
@Suite("BERT from a sharded Hugging Face checkpoint")
struct BertShardedTests {
    struct Expected: Decodable {
        var sequences: [[Int]]
        var hidden: [[Float]]
    }

    @Test func matchesTransformers() throws {
        let dir = try Support.fixtures.appendingPathComponent("bert-tiny")
        let config = try BertConfig.load(path: dir.appendingPathComponent("config.json").path)
        #expect(config.activation == .geluTanh && config.hiddenSize == 32 && config.numHiddenLayers == 2)
        let checkpoint = try SafeTensorsCheckpoint(path: dir.path)
        #expect(checkpoint.tensorNames.contains("bert.encoder.layer.1.output.dense.weight"))
        #expect(checkpoint.tensorNames.contains { $0.hasPrefix("cls.") })
        let model = try BertModel(config: config, weights: checkpoint)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let (states, ranges) = try model.hiddenStates(expected.sequences)
        let all = states.scalars
        for (i, r) in ranges.enumerated() {
            let ours = Array(all[(r.lowerBound * 32)..<(r.upperBound * 32)])
            let diff = Support.maxAbsDifference(ours, expected.hidden[i])
            #expect(diff < 1e-4, "sequence \(i): max |Δ| \(diff)")
        }
        #expect(throws: ModelError.self) { try model.hiddenStates([[2, 96, 3]]) }  // id outside the vocabulary

        // The same weights from pytorch_model.bin through the data-only unpickler.
        let bin = try PyTorchCheckpoint(path: dir.appendingPathComponent("pytorch_model.bin").path)
        let fromBin = try BertModel(config: config, weights: bin)
        let (binStates, _) = try fromBin.hiddenStates(expected.sequences)
        #expect(binStates.scalars == all)
    }
}
