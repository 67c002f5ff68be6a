import Augment
import Foundation
import GRDB
import Model
import Testing
import TestSupport

/// SmolLM2-135M-Instruct as `make models` installs it, if present.
let installedSmolLM2: String? = {
    let root = ProcessInfo.processInfo.environment["LISAKIT_MODELS"] ?? repositoryRoot + "/models"
    return LanguageModel.findGGUF(in: root + "/SmolLM2-135M-Instruct")
}()

@Suite("Rewrite lists from small models")
struct RewriteListParserTests {
    let source = "Where can we throw away the scraps after cooking?"

    @Test func numberedListWithPreambleAndEcho() {
        let answer = """
        Here are 3 rewrites of the instruction:
        1. Where should the food scraps go once we finish cooking?
        2) "Where do we throw out leftovers after making a meal?"
        3. Where can we throw away the scraps after cooking?
        4. Where should the food scraps go once we finish cooking?
        I hope this helps!
        """
        #expect(RewriteListParser.parse(answer, source: source, limit: 5) == [
            "Where should the food scraps go once we finish cooking?",
            "Where do we throw out leftovers after making a meal?",
        ])
    }

    @Test func runTogetherLabelsBulletsAndSpecialTokens() {
        let answer = "1. Where are kitchen scraps thrown away? 2. After cooking, where does the waste go? 3. Rewrite: Where is the bin?<|im_end|>"
        #expect(RewriteListParser.parse(answer, source: source, limit: 3) == [
            "Where are kitchen scraps thrown away?", "After cooking, where does the waste go?", "Where is the bin?",
        ])
        let bullets = "- “Which container holds the cooking leftovers?”\n* **Rewrite 2:** Where do scraps end up?\n• \n(3) Where do we dump peelings?"
        #expect(RewriteListParser.parse(bullets, source: source, limit: 5) == [
            "Which container holds the cooking leftovers?", "Where do scraps end up?", "Where do we dump peelings?",
        ])
    }

    @Test func jsonArrayAndLimits() {
        let answer = "Sure! ```json\n[\"Where can scraps be thrown after cooking?\", \"WHERE CAN SCRAPS BE THROWN AFTER COOKING\", \"Where is the bin for leftovers?\"]\n```"
        #expect(RewriteListParser.parse(answer, source: source, limit: 5) == [
            "Where can scraps be thrown after cooking?", "Where is the bin for leftovers?",
        ])
        #expect(RewriteListParser.parse(answer, source: source, limit: 1).count == 1)
        #expect(RewriteListParser.parse("", source: source, limit: 3).isEmpty)
        #expect(RewriteListParser.parse("Here are the rewrites:\n\n", source: source, limit: 3).isEmpty)
        // A number inside a sentence is not a list marker.
        #expect(RewriteListParser.parse("1. Meet at 5. then leave", source: source, limit: 3) == ["Meet at 5. then leave"])
    }
}

@Suite("local paraphrase backend on SmolLM2-135M-Instruct",
       .enabled(if: installedSmolLM2 != nil, "SmolLM2-135M-Instruct is not installed: run `make models`"))
struct LocalModelParaphraserTests {
    @Test func rewritesAreDistinctSeededAndGated() async throws {
        // Short answers keep the test fast in debug builds; the CLI uses the defaults.
        let paraphraser = LocalModelParaphraser(languageModel: try LanguageModel.load(path: installedSmolLM2!), seed: 1,
                                                attempts: 1, maxNewTokens: 48)
        #expect(paraphraser.backend == "local" && paraphraser.model?.hasSuffix(".gguf") == true)
        let requests = [
            ParaphraseRequest(text: "Where can we throw away the scraps after cooking?", kind: "reasoning", isSentence: true,
                              targetClassNames: ["trash can"], count: 2),
        ]
        let first = await paraphraser.paraphrase(requests)
        let second = await paraphraser.paraphrase(requests)
        for (request, (a, b)) in zip(requests, zip(first, second)) {
            let rewrites = try a.get()
            #expect(!rewrites.isEmpty && rewrites.count <= request.count, "\(request.text): \(rewrites)")
            #expect(try b.get() == rewrites, "same seed, same rewrites")
            let keys = rewrites.map(TextNormalization.normalized)
            #expect(Set(keys).count == keys.count && !keys.contains(TextNormalization.normalized(request.text)))
        }
        // The gate judges them like any backend's.
        let gate = QualityGate(embedder: HashingEmbedder())
        let verdicts = try gate.judge(source: GateSource(text: requests[0].text, kind: "reasoning", isSentence: true,
                                                         targetClassNames: ["trash can"]),
                                      candidates: try first[0].get())
        #expect(verdicts.count == (try first[0].get()).count)
    }
}

@Suite("local query writer on SmolLM2-135M-Instruct",
       .enabled(if: installedSmolLM2 != nil, "SmolLM2-135M-Instruct is not installed: run `make models`"))
struct LocalQueryWriterTests {
    @Test func writesSeededQueriesThroughTheGate() async throws {
        // Short answers keep the test fast in debug builds; the CLI uses the defaults.
        let sampler = LocalListSampler(languageModel: try LanguageModel.load(path: installedSmolLM2!), seed: 1,
                                       attempts: 1, maxNewTokens: 48)
        let writer = LocalQueryWriter(sampler: sampler)
        #expect(writer.backend == "local" && writer.model?.hasSuffix(".gguf") == true)
        let request = QueryWriteRequest(className: "trash can", otherClassNames: ["chair"], phrases: 2, sentences: 2)
        let first = try await writer.write([request])[0].get()
        #expect(try await writer.write([request])[0].get() == first, "same seed, same queries")
        #expect(!first.isEmpty && first.filter { !$0.isSentence }.count <= 2 && first.filter(\.isSentence).count <= 2, "\(first)")
        // The worked example is about an object absent from the image ("chair" is one of its
        // classes, so the umbrella example): its lines and its object never come back.
        let example = ["what keeps you dry in the rain", "the thing you open over your head in a storm",
                       "What would protect me from the rain here?", "Show me what someone holds up when it pours."]
        #expect(LocalQueryWriter.messages(for: request, sentence: false, count: 2)[1].content.contains("Example object: umbrella"))
        for query in first {
            #expect(!query.text.isEmpty && TextNormalization.normalized(query.text) != "trash can")
            #expect(!example.map(TextNormalization.normalized).contains(TextNormalization.normalized(query.text)))
            #expect(!TextNormalization.mentions(query.text, phrase: "umbrella"))
        }

        // Through the runner: stored as pending reasoning instructions of the local backend, only
        // what passed the gate (never the class name), and a second run adds nothing.
        let data = try LabelledStore()
        let runner = QueryWritingRunner(store: data.store, backend: writer, gate: QualityGate(embedder: HashingEmbedder()))
        let report = try await runner.run(phrases: 1, sentences: 1)
        #expect(report.sources == 5 && report.candidates > 0 && report.backendFailures == 0)
        #expect(report.accepted + report.rejected.values.reduce(0, +) + report.alreadyPresent == report.candidates)
        let rows = try data.generatedInstructions()
        #expect(rows.count == report.accepted)
        for row in rows {
            #expect(row["kind"] as String == "reasoning" && row["backend"] as String == "local" && row["status"] as String == "pending")
            let name = (row["name"] as String).replacingOccurrences(of: "_", with: " ")
            #expect(!TextNormalization.mentions(row["text"], phrase: name))
        }
        let again = try await runner.run(phrases: 1, sentences: 1)
        #expect(again.accepted == 0)
    }
}
