import Augment
import Foundation
import Testing
import TestSupport

/// The installed all-MiniLM-L6-v2 (`make models` puts it in ./models), if any.
let installedMiniLM: MiniLMEmbedder? = {
    let folder = ProcessInfo.processInfo.environment["LISAKIT_MODELS"] ?? repositoryRoot + "/models"
    return try? MiniLMEmbedder.installed(modelsDirectory: folder)
}()

@Suite("Quality gate with the MiniLM sentence encoder",
       .enabled(if: installedMiniLM != nil, "all-MiniLM-L6-v2 is not installed: run `make models`"))
struct MiniLMGateTests {
    var gate: QualityGate { QualityGate(embedder: installedMiniLM!) }
    let source = GateSource(text: "After cooking, where can we throw away the scraps?", kind: "reasoning", isSentence: true,
                            targetClassNames: ["trash can"])

    @Test("rewrites that keep the meaning pass with a high score; a drifted one is refused")
    func drift() throws {
        let verdicts = try gate.judge(source: source, candidates: [
            "Once the cooking is done, where should the food scraps be discarded?",
            "Which painting on the wall was made by a famous artist?",
            "Where can we throw away the scraps after cooking?",
        ])
        #expect(verdicts[0].accepted && (verdicts[0].score ?? 0) > 0.7)
        #expect(verdicts[1].rejection == .meaningDrift && (verdicts[1].score ?? 1) < 0.3)
        #expect(verdicts[2].rejection == .duplicateOfSource)
    }

    @Test("generated queries must be closer to their target's class than to the image's other classes")
    func specificity() throws {
        let verdicts = try gate.judgeGenerated(target: "spoon", synonyms: ["teaspoon"], otherClasses: ["cup", "saucer", "spoon"],
                                               candidates: ["the utensil for stirring sugar into tea", "something you drink hot coffee from"])
        #expect(verdicts[0].accepted)
        #expect(verdicts[1].rejection == .notSpecificToTarget)
    }
}
