import Foundation
import Testing
@testable import Model

/// Tiny random `LlamaForCausalLM` checkpoints built and run by transformers
/// (tools/llama_fixtures.py): our logits, hidden states and greedy tokens must match.
@Suite("LLaMA decoder against transformers")
struct LlamaTests {
    struct Case: Decodable {
        var prompt: String
        var ids: [Int]
        var logits: [[Float]]
        var hidden: [[Float]]
        var greedy: [Int]
    }
    struct Expected: Decodable { var cases: [Case] }

    static let variants = ["tied", "llama3", "linear"]

    static func folder(_ variant: String) throws -> URL {
        try Support.fixtures.appendingPathComponent("llama-tiny").appendingPathComponent(variant)
    }

    static func tokenizer() throws -> Tokenizer {
        try Tokenizer.load(contentsOf: Support.fixtures.appendingPathComponent("llama-tiny/tokenizer.json").path)
    }

    static func expected(_ variant: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder(variant).appendingPathComponent("expected.json")))
    }

    @Test(arguments: variants)
    func prefillMatchesTransformers(variant: String) throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder(variant).path)
        let tokenizer = try Self.tokenizer()
        for c in try Self.expected(variant).cases {
            #expect(tokenizer.encode(c.prompt).ids == c.ids, "\(variant): token ids of \(c.prompt.debugDescription)")
            var cache = model.makeCache()
            let out = try model.forward(c.ids, cache: &cache, logits: .all)
            let logits = try #require(out.logits)
            #expect(logits.shape == [c.ids.count, 300])
            let dl = Support.maxAbsDifference(logits.scalars, c.logits.flatMap { $0 })
            let dh = Support.maxAbsDifference(out.hiddenStates.scalars, c.hidden.flatMap { $0 })
            #expect(dl < 1e-4, "\(variant) \(c.prompt.debugDescription): logits max |Δ| \(dl)")
            #expect(dh < 1e-4, "\(variant) \(c.prompt.debugDescription): hidden max |Δ| \(dh)")
            #expect(cache.count == c.ids.count)
        }
    }

    /// Prefill of a prefix, then one token at a time against the cache: the same logits.
    @Test(arguments: variants)
    func decodeStepsMatchPrefill(variant: String) throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder(variant).path)
        let c = try Self.expected(variant).cases[1]
        var cache = model.makeCache()
        let split = 5
        let first = try model.forward(Array(c.ids[..<split]), cache: &cache, logits: .last)
        var worst = Support.maxAbsDifference(try #require(first.logits).scalars, c.logits[split - 1])
        for i in split..<c.ids.count {
            let step = try model.forward([c.ids[i]], cache: &cache, logits: .last)
            worst = max(worst, Support.maxAbsDifference(try #require(step.logits).scalars, c.logits[i]))
            worst = max(worst, Support.maxAbsDifference(step.hiddenStates.scalars, c.hidden[i]))
        }
        #expect(worst < 1e-4, "\(variant): decode max |Δ| \(worst)")
        // Rewinding the cache and running the tail again gives the same result.
        cache.truncate(to: split)
        let again = try model.forward(Array(c.ids[split...]), cache: &cache, logits: .all)
        let tail = c.logits[split...].flatMap { $0 }
        #expect(Support.maxAbsDifference(try #require(again.logits).scalars, tail) < 1e-4)
    }

    @Test(arguments: variants)
    func greedyContinuationIsIdentical(variant: String) throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder(variant).path)
        let generator = TextGenerator(model: model, tokenizer: try Self.tokenizer())
        for c in try Self.expected(variant).cases {
            let result = try generator.generate(promptIDs: c.ids, options: GenerationOptions(maxNewTokens: c.greedy.count))
            #expect(result.tokens == c.greedy, "\(variant) \(c.prompt.debugDescription)")
            #expect(result.finishReason == .maxTokens)
        }
    }

    @Test func bf16WeightsStayInSixteenBits() throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder("linear").path)
        let layer = try #require(model.layers.first)
        for w in [layer.query, layer.key, layer.value, layer.output, layer.gate, layer.up, layer.down, model.embedding, model.lmHead] {
            let half = try #require(w as? HalfMatrixWeight)
            #expect(half.dtype == .bf16)
        }
        // Widened at load when asked: the same logits (the bf16 values are exact in fp32).
        let wide = try LlamaModel(huggingFaceFolder: Self.folder("linear").path, keepHalfPrecision: false)
        #expect(wide.layers[0].query is DenseMatrixWeight)
        let ids = try Self.expected("linear").cases[0].ids
        var c1 = model.makeCache(), c2 = wide.makeCache()
        let a = try #require(try model.forward(ids, cache: &c1, logits: .all).logits).scalars
        let b = try #require(try wide.forward(ids, cache: &c2, logits: .all).logits).scalars
        #expect(Support.maxAbsDifference(a, b) < 1e-4)
    }

    @Test func tiedHeadSharesTheEmbedding() throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder("tied").path)
        #expect(model.config.tieWordEmbeddings)
        let e = try #require(model.embedding as? DenseMatrixWeight), h = try #require(model.lmHead as? DenseMatrixWeight)
        #expect(e.packed === h.packed)
        // Rows read back from the packed table are the checkpoint's embedding rows.
        var row = [Float](repeating: .nan, count: e.inFeatures)
        let file = try SafeTensorsCheckpoint(path: Self.folder("tied").appendingPathComponent("model.safetensors").path)
        let table = try file.tensor(named: "model.embed_tokens.weight").scalars
        for id in [0, 1, e.outFeatures - 1] {
            row.withUnsafeMutableBufferPointer { e.row(id, into: $0.baseAddress!) }
            #expect(row == Array(table[(id * e.inFeatures)..<((id + 1) * e.inFeatures)]))
        }
    }

    @Test func badTokensAndEmptyInputThrow() throws {
        let model = try LlamaModel(huggingFaceFolder: Self.folder("tied").path)
        var cache = model.makeCache()
        #expect(throws: ModelError.self) { try model.forward([1, 300], cache: &cache) }
        #expect(throws: ModelError.self) { try model.forward([], cache: &cache) }
        #expect(cache.count == 0)
    }
}

@Suite("LLaMA configuration and loading errors")
struct LlamaConfigurationTests {
    @Test func readsBothConfigLayouts() throws {
        let root = try Support.fixtures.appendingPathComponent("llama-tiny")
        let tied = try LlamaConfiguration.load(path: root.appendingPathComponent("tied/config.json").path)
        #expect(tied.ropeTheta == 500000 && tied.ropeScaling == nil && tied.tieWordEmbeddings)
        #expect(tied.numAttentionHeads == 4 && tied.numKeyValueHeads == 2 && tied.headDim == 8 && tied.groupSize == 2)
        let llama3 = try LlamaConfiguration.load(path: root.appendingPathComponent("llama3/config.json").path)
        #expect(llama3.ropeScaling == .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositionEmbeddings: 16))
        #expect(llama3.ropeTheta == 10000 && !llama3.tieWordEmbeddings)
        let linear = try LlamaConfiguration.load(path: root.appendingPathComponent("linear/config.json").path)
        #expect(linear.ropeScaling == .linear(factor: 2) && linear.ropeTheta == 20000)
        #expect(linear.bosTokenId == 1 && linear.eosTokenIds == [2])
        // Round trip through our encoder.
        let again = try JSONDecoder().decode(LlamaConfiguration.self, from: JSONEncoder().encode(llama3))
        #expect(again == llama3)
    }

    @Test func defaultsAreHuggingFaces() throws {
        let c = try JSONDecoder().decode(LlamaConfiguration.self, from: Data(#"{"eos_token_id": [128001, 128009]}"#.utf8))
        #expect(c.vocabSize == 32000 && c.hiddenSize == 4096 && c.intermediateSize == 11008 && c.numHiddenLayers == 32)
        #expect(c.numKeyValueHeads == 32 && c.headDim == 128 && c.rmsNormEps == 1e-6 && c.ropeTheta == 10000)
        #expect(c.eosTokenIds == [128001, 128009] && c.maxPositionEmbeddings == 2048)
    }

    @Test(arguments: [
        (#"{"rope_scaling": {"type": "yarn", "factor": 4}}"#, "yarn"),
        (#"{"rope_scaling": {"rope_type": "llama3", "factor": 8}}"#, "low_freq_factor"),
        (#"{"num_attention_heads": 6, "num_key_value_heads": 4}"#, "multiple of num_key_value_heads"),
        (#"{"hidden_act": "gelu"}"#, "hidden_act"),
        (#"{"hidden_size": "big"}"#, "hidden_size"),
    ])
    func badConfigsNameTheField(json: String, mention: String) throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("config.json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try LlamaConfiguration.load(path: path)
            Issue.record("\(json) was accepted")
        } catch let error as ModelError {
            #expect(error.description.contains(mention) && error.description.contains(path), "\(error)")
        }
    }

    /// A config that asks for one layer more than the checkpoint holds, and a checkpoint key
    /// nobody takes: one error lists both.
    @Test func mismatchedCheckpointListsKeys() throws {
        let folder = try Support.fixtures.appendingPathComponent("llama-tiny/tied")
        var config = try LlamaConfiguration.load(path: folder.appendingPathComponent("config.json").path)
        config.numHiddenLayers = 3
        config.tieWordEmbeddings = false
        let source = try LlamaModel.openWeights(folder: folder.path)
        do {
            _ = try LlamaModel(config: config, weights: source)
            Issue.record("loaded a 3-layer model from 2 layers")
        } catch let ModelError.checkpointMismatch(_, missing, _, _) {
            #expect(missing.contains("layers.2.self_attn.q_proj.weight") && missing.contains("lm_head.weight"))
        }
        config = try LlamaConfiguration.load(path: folder.appendingPathComponent("config.json").path)
        config.intermediateSize = 40
        do {
            _ = try LlamaModel(config: config, weights: source)
            Issue.record("loaded a mis-shaped MLP")
        } catch let ModelError.checkpointMismatch(_, _, _, misshaped) {
            #expect(misshaped.contains { $0.key == "layers.0.mlp.gate_proj.weight" && $0.found == [48, 32] })
        }
    }
}

@Suite("Generation: sampling, stops, streaming, chat templates")
struct GenerationTests {
    static func generator() throws -> TextGenerator {
        TextGenerator(model: try LlamaModel(huggingFaceFolder: LlamaTests.folder("tied").path), tokenizer: try LlamaTests.tokenizer())
    }

    @Test func seededSamplingIsReproducible() throws {
        let g = try Self.generator()
        let prompt = "The cat sat on the mat"
        let o = GenerationOptions(maxNewTokens: 16, temperature: 1.2, topK: 40, topP: 0.95, seed: 7)
        let a = try g.generate(prompt: prompt, options: o)
        let b = try g.generate(prompt: prompt, options: o)
        #expect(a.tokens == b.tokens && a.tokens.count == 16)
        var others: Set<[Int]> = []
        for seed in 1...6 {
            var p = o
            p.seed = UInt64(seed)
            others.insert(try g.generate(prompt: prompt, options: p).tokens)
        }
        #expect(others.count > 1, "six seeds drew one sequence")
        // top-k 1 and a vanishing top-p are greedy whatever the temperature.
        let greedy = try g.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 16)).tokens
        #expect(try g.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 16, temperature: 2, topK: 1, seed: 3)).tokens == greedy)
        #expect(try g.generate(prompt: prompt, options: GenerationOptions(maxNewTokens: 16, temperature: 2, topP: 1e-6, seed: 3)).tokens == greedy)
    }

    @Test func samplerRespectsTopKAndTopP() {
        let logits: [Float] = [0, 3, 1, 2.9, -1]
        var seen: Set<Int> = []
        var sampler = TokenSampler(options: GenerationOptions(temperature: 1, topK: 2, seed: 11))
        for _ in 0..<200 { seen.insert(logits.withUnsafeBufferPointer { sampler.next($0) }) }
        #expect(seen == [1, 3])
        seen = []
        // p(1) ≈ 0.49, p(3) ≈ 0.44: top-p 0.9 keeps both, never index 2 (≈ 0.066).
        sampler = TokenSampler(options: GenerationOptions(temperature: 1, topP: 0.9, seed: 5))
        for _ in 0..<300 { seen.insert(logits.withUnsafeBufferPointer { sampler.next($0) }) }
        #expect(seen == [1, 3])
    }

    @Test func stopTokensStopStringsAndStreaming() throws {
        let g = try Self.generator()
        let c = try LlamaTests.expected("tied").cases[0]
        // Stop at the third greedy token.
        let byToken = try g.generate(promptIDs: c.ids, options: GenerationOptions(maxNewTokens: 12, stopTokenIDs: [c.greedy[2]]))
        #expect(byToken.finishReason == .stopToken && byToken.tokens == Array(c.greedy[..<2]))
        // Stop at a string that appears inside the greedy text; streamed pieces add up to the result.
        let full = try g.generate(promptIDs: c.ids, options: GenerationOptions(maxNewTokens: 12)).text
        let scalars = Array(full.unicodeScalars)
        try #require(scalars.count >= 6)
        let stop = String(String.UnicodeScalarView(scalars[3..<6]))
        var pieces: [String] = []
        let cut = try g.generate(promptIDs: c.ids, options: GenerationOptions(maxNewTokens: 12, stopStrings: [stop])) { pieces.append($0) }
        let expectedText = String(full[..<full.range(of: stop)!.lowerBound])
        #expect(cut.finishReason == .stopString)
        #expect(cut.text == expectedText)
        #expect(pieces.joined() == cut.text)
        #expect(!pieces.joined().contains(stop))
        // Without stops the stream is the whole text.
        pieces = []
        let plain = try g.generate(promptIDs: c.ids, options: GenerationOptions(maxNewTokens: 12)) { pieces.append($0) }
        #expect(pieces.joined() == plain.text && plain.text == full)
    }

    @Test func streamingNeverSplitsACharacter() throws {
        let tokenizer = try LlamaTests.tokenizer()
        let text = "né 😀 ok ✓"
        let ids = tokenizer.encode(text).ids
        #expect(ids.count > text.unicodeScalars.count, "the tiny tokenizer should split some characters into bytes")
        var d = StreamingDetokenizer(tokenizer: tokenizer)
        var pieces: [String] = []
        for id in ids { pieces.append(d.append(id)) }
        pieces.append(d.flush())
        #expect(pieces.allSatisfy { !$0.unicodeScalars.contains("\u{FFFD}") })
        #expect(pieces.joined() == text)
    }

    struct Rendered: Decodable {
        struct Item: Decodable {
            var messages: [ChatMessage]
            var text: String
        }
        var chatml: [Item]
        var llava_v1: [Item]
    }

    @Test func chatTemplatesMatchTheReferences() throws {
        let data = try Data(contentsOf: Support.fixtures.appendingPathComponent("llama-tiny/chat.json"))
        let r = try JSONDecoder().decode(Rendered.self, from: data)
        let chatML = ChatTemplate.chatML(defaultSystem: ChatTemplate.smolLM2System)
        for item in r.chatml { #expect(chatML.render(item.messages) == item.text) }
        let llava = ChatTemplate.llavaV1(system: ChatTemplate.llavaV1System)
        for item in r.llava_v1 { #expect(llava.render(item.messages) == item.text) }
        #expect(llava.render([.user("Hi")]) == ChatTemplate.llavaV1System + " USER: Hi ASSISTANT:")
        let jinja = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        #expect(ChatTemplate.recognize(jinja: jinja) == chatML)
        #expect(ChatTemplate.recognize(jinja: "{{ bos_token }}[INST]") == nil)
    }
}

@Suite("16-bit matrix weights")
struct HalfMatrixWeightTests {
    @Test(arguments: [DType.bf16, .f16], [1, 3, 7, 70])
    func matchesTheWidenedProduct(dtype: DType, rows: Int) {
        var random = SeededRandom(seed: 3)
        let outF = 131, inF = 77
        let w = Tensor(shape: [outF, inF], data: (0..<(outF * inF)).map { _ in Float(random.nextUnit() * 2 - 1) }).converted(to: dtype)
        let x = Tensor(shape: [rows, inF], data: (0..<(rows * inF)).map { _ in Float(random.nextUnit() * 2 - 1) })
        let half = HalfMatrixWeight(w)
        #expect(half.dtype == dtype && half.bits.count == outF * inF)
        let ours = half.apply(x).scalars
        let reference = DenseMatrixWeight(w.contiguous()).apply(x).scalars
        #expect(Support.maxAbsDifference(ours, reference) < 1e-4)
        var row = [Float](repeating: 0, count: inF)
        row.withUnsafeMutableBufferPointer { half.row(5, into: $0.baseAddress!) }
        #expect(row == Array(w.contiguous().scalars[(5 * inF)..<(6 * inF)]))
    }
}
