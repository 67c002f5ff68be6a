import Augment
import DatasetStore
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Rules paraphraser and prompt parsing")
struct RulesParaphraserTests {
    @Test("rewrites are deterministic in the seed, distinct, and different from the source")
    func determinism() {
        let text = "After cooking, where can we throw away the scraps?"
        let a = RulesParaphraser(seed: 1).rewrites(of: text, count: 4)
        #expect(a == RulesParaphraser(seed: 1).rewrites(of: text, count: 4))
        #expect(a != RulesParaphraser(seed: 2).rewrites(of: text, count: 4))
        #expect(a.count == 4 && Set(a.map(TextNormalization.normalized)).count == 4)
        #expect(!a.contains { TextNormalization.normalized($0) == TextNormalization.normalized(text) })
    }

    @Test("clause reordering, question → request, request → question, synonyms")
    func transformations() {
        let outputs = Set(RulesParaphraser(seed: 0).rewrites(of: "After cooking, where can we throw away the scraps?", count: 12))
        #expect(outputs.contains { $0.hasSuffix("after cooking?") || $0.hasSuffix("after cooking.") })
        #expect(outputs.contains { $0.contains("where we can") })
        #expect(outputs.contains { $0.contains("discard") || $0.contains("dispose of") || $0.contains("get rid of") })
        let questions = RulesParaphraser(seed: 0).rewrites(of: "Find the red cup on the table.", count: 6)
        #expect(questions.contains { $0.hasSuffix("?") && $0.contains("the red cup on the table") })
    }

    @Test("model answers are parsed from JSON arrays, code fences and numbered lists")
    func parsing() {
        #expect(ParaphrasePrompt.parse(#"["a b", "c d"]"#, limit: 5) == ["a b", "c d"])
        #expect(ParaphrasePrompt.parse("Here you go:\n```json\n[\"one\", \"two\", \"three\"]\n```", limit: 2) == ["one", "two"])
        #expect(ParaphrasePrompt.parse("1. First rewrite\n2) Second rewrite\n- Third\n", limit: 5) == ["First rewrite", "Second rewrite", "Third"])
        #expect(ParaphrasePrompt.parse("3 people on the left", limit: 5) == ["3 people on the left"])
        #expect(ParaphrasePrompt.parse("", limit: 3).isEmpty)
    }

    @Test("the prompt forbids naming a reasoning query's target")
    func prompt() {
        let messages = ParaphrasePrompt.messages(for: ParaphraseRequest(text: "Where do scraps go?", kind: "reasoning", isSentence: true,
                                                                       targetClassNames: ["trash can"], count: 3))
        #expect(messages[0].content.contains("never name the answer (\"trash can\")"))
        #expect(messages[0].content.contains("JSON array of 3 strings"))
        #expect(messages[1].content == "Where do scraps go?")
    }
}

@Suite("Quality gate")
struct QualityGateTests {
    let gate = QualityGate(embedder: HashingEmbedder())
    let source = GateSource(text: "After cooking, where can we throw away the scraps?", kind: "reasoning", isSentence: true,
                            targetClassNames: ["trash can"])

    func reason(_ candidate: String, previously: [String] = [], source: GateSource? = nil) throws -> RejectionReason? {
        try gate.judge(source: source ?? self.source, candidates: [candidate], previouslyAccepted: previously)[0].rejection
    }

    @Test("every rejection reason")
    func reasons() throws {
        #expect(try reason("   ") == .empty)
        #expect(try reason(String(repeating: "where can we throw away the scraps after cooking ", count: 10)) == .tooLong)
        #expect(try reason("after cooking where can we throw away the scraps") == .duplicateOfSource)
        #expect(try reason("Where can we throw away the scraps after cooking?") == .duplicateOfSource)
        #expect(try reason("Where can we discard the scraps once we finish cooking?",
                           previously: ["Where can we discard the scraps once we finish cooking"]) == .duplicateOfCandidate)
        #expect(try reason("Which penguin is the tallest in the zoo?") == .meaningDrift)
        #expect(try reason("After cooking, where is the trash can for the scraps?") == .leaksClassName)
        #expect(try reason("After cooking, which trash cans take the scraps?") == .leaksClassName)
        let withSeg = GateSource(text: "The cup [SEG] on the left", kind: "referring", isSentence: false, targetClassNames: ["cup"])
        #expect(try reason("The cup on the left side", source: withSeg) == .lostStructure)
        #expect(try reason("Once the cooking is done, where should the scraps be discarded?") == nil)
    }

    @Test("a referring expression may name its class; only reasoning queries may not")
    func leakOnlyForReasoning() throws {
        let referring = GateSource(text: "the trash can by the door", kind: "referring", isSentence: false, targetClassNames: ["trash can"])
        #expect(try reason("the trash can next to the door", source: referring) == nil)
    }

    @Test("accepted candidates carry their similarity score; a later duplicate is refused")
    func scoresAndOrder() throws {
        let verdicts = try gate.judge(source: source, candidates: [
            "Once we finish cooking, where can the scraps be thrown away?",
            "Once we finish cooking, where can the scraps be thrown away?",
        ])
        #expect(verdicts[0].accepted && (verdicts[0].score ?? 0) > 0.3 && (verdicts[0].score ?? 1) < 1)
        #expect(verdicts[1].rejection == .duplicateOfCandidate)
    }

    @Test("generated queries: no class name or synonym, and closer to the target than to other classes")
    func generated() throws {
        let verdicts = try gate.judgeGenerated(target: "trash can", synonyms: ["bin", "garbage can"], otherClasses: ["cup", "oven"],
                                               candidates: ["something used to dispose of waste", "the garbage can by the sink",
                                                            "the bin", "something used to bake a cake in the oven", ""])
        #expect(verdicts.map(\.rejection) == [nil, .leaksClassName, .leaksClassName, .notSpecificToTarget, .empty])
    }
}

@Suite("Paraphrase and query-writing runs")
struct AugmentRunTests {
    @Test("rules paraphrases are stored with parent, backend, score and targets; a re-run adds nothing")
    func paraphraseRun() async throws {
        let data = try LabelledStore()
        let runner = ParaphraseRunner(store: data.store, backend: RulesParaphraser(seed: 3), gate: QualityGate(embedder: HashingEmbedder()))
        let report = try await runner.run(ParaphraseOptions(perInstruction: 3))
        #expect(report.sources == 4 && report.accepted > 0 && report.backendFailures == 0)
        let rows = try data.store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.text, p.parent_id, p.backend, p.model, p.quality_score, p.kind, p.status, s.text AS source,
                  (SELECT group_concat(annotation_id) FROM instruction_targets t WHERE t.instruction_id = p.id) AS targets,
                  (SELECT group_concat(annotation_id) FROM instruction_targets t WHERE t.instruction_id = s.id) AS source_targets
                FROM instructions p JOIN instructions s ON s.id = p.parent_id WHERE p.origin = 'paraphrase'
                """)
        }
        #expect(rows.count == report.accepted)
        for row in rows {
            #expect(row["backend"] as String == "rules" && row["status"] as String == "pending")
            #expect((row["quality_score"] as Double?) != nil)
            #expect((row["targets"] as String?) == (row["source_targets"] as String?))
            #expect(TextNormalization.normalized(row["text"]) != TextNormalization.normalized(row["source"]))
        }
        let again = try await runner.run(ParaphraseOptions(perInstruction: 3))
        #expect(again.accepted == 0)
        #expect(try data.store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM instructions WHERE origin = 'paraphrase'") } == report.accepted)
    }

    @Test("the rules query writer stores reasoning queries that never name their class")
    func writeQueries() async throws {
        let data = try LabelledStore()
        let runner = QueryWritingRunner(store: data.store, backend: RulesQueryWriter(seed: 1), gate: QualityGate(embedder: HashingEmbedder()))
        let report = try await runner.run(phrases: 2, sentences: 2)
        #expect(report.sources == 5 && report.accepted > 0)
        let rows = try data.generatedInstructions()
        #expect(rows.count == report.accepted)
        #expect(Set(rows.map { $0["is_sentence"] as Bool }) == [true, false])
        for row in rows {
            #expect(row["kind"] as String == "reasoning" && row["backend"] as String == "rules")
            let name = (row["name"] as String).replacingOccurrences(of: "_", with: " ")
            #expect(!TextNormalization.mentions(row["text"], phrase: name))
        }
        let again = try await runner.run(phrases: 2, sentences: 2)
        #expect(again.accepted == 0)
    }
}
