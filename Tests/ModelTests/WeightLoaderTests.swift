import Testing
@testable import Model

/// A TensorSource held in memory.
struct MemorySource: TensorSource {
    var tensors: [String: Tensor]
    var sourceDescription: String { "memory" }
    var tensorNames: [String] { tensors.keys.sorted() }
    func shape(of name: String) -> [Int]? { tensors[name]?.shape }
    func tensor(named name: String, keepHalf: Bool) throws -> Tensor {
        guard let t = tensors[name] else { throw ModelError.invalidSafeTensors(path: "memory", tensor: name, reason: "no such tensor") }
        return keepHalf ? t : t.contiguous()
    }
}

@Suite("WeightLoader")
struct WeightLoaderTests {
    @Test func reportsMissingUnusedAndMisshapedTogether() throws {
        let source = MemorySource(tensors: [
            "model.fc.weight": Tensor(zeros: [4, 3]),
            "model.fc.bias": Tensor(zeros: [5]),
            "model.extra": Tensor(zeros: [1]),
            "model.dropped": Tensor(zeros: [1]),
        ])
        var loader = WeightLoader(source: source, model: "Toy") { key in
            key == "model.dropped" ? nil : String(key.dropFirst("model.".count))
        }
        let fc = try LinearLayer(loading: "fc", from: &loader, in: 3, out: 4)
        #expect(fc.weight.shape == [4, 3])
        _ = try loader.take("norm.weight", shape: [3])
        do {
            try loader.finish()
            Issue.record("finish() accepted a mismatched checkpoint")
        } catch let ModelError.checkpointMismatch(model, missing, unused, misshaped) {
            #expect(model == "Toy")
            #expect(missing == ["norm.weight"])
            #expect(unused == ["extra"])
            #expect(misshaped == [.init(key: "fc.bias", expected: [4], found: [5])])
            let text = "\(ModelError.checkpointMismatch(model: model, missing: missing, unused: unused, misshaped: misshaped))"
            #expect(text.contains("missing keys: norm.weight") && text.contains("unused keys: extra") && text.contains("fc.bias: expected [4], found [5]"))
        }
    }

    @Test func completeCheckpointPasses() throws {
        let source = MemorySource(tensors: ["w.weight": Tensor(shape: [1, 2], data: [1, 2]), "w.bias": Tensor(shape: [1], data: [3])])
        var loader = WeightLoader(source: source, model: "Toy") { $0 }
        let w = try LinearLayer(loading: "w", from: &loader, in: 2, out: 1)
        try loader.finish()
        #expect(w(Tensor(shape: [1, 2], data: [1, 1])).scalars == [6])
    }

    @Test func halfWeightsStayHalfWhenAsked() throws {
        let source = MemorySource(tensors: ["w": Tensor(shape: [2], data: [1, 2]).converted(to: .bf16)])
        var keep = WeightLoader(source: source, model: "Toy", keepHalf: true) { $0 }
        #expect(try keep.take("w", shape: [2]).dtype == .bf16)
        var widen = WeightLoader(source: source, model: "Toy") { $0 }
        #expect(try widen.take("w", shape: [2]).dtype == .f32)
    }

    @Test func bertSanitizeDropsUnusedHeads() {
        #expect(BertModel.sanitize("bert.encoder.layer.0.output.dense.weight") == "encoder.layer.0.output.dense.weight")
        #expect(BertModel.sanitize("embeddings.position_ids") == nil)
        #expect(BertModel.sanitize("pooler.dense.weight") == nil)
        #expect(BertModel.sanitize("cls.predictions.bias") == nil)
    }
}
