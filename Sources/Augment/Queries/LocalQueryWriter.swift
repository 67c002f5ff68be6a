import Foundation
import Model

/// The `local` query writer: a LLaMA-family model run in-process (SmolLM2-135M-Instruct by
/// default) asked, per labelled mask, for short phrases and for questions or instructions that
/// point at the object by its use or context without naming it, each as a numbered list with a
/// worked example (`LocalListSampler`: seeded per class and kind, sampled again while short).
/// Small models name the object or drift often: the runner's gate (no class name or synonym,
/// closer to the target class than to the image's other classes, the quality gate) decides what
/// is kept.
public struct LocalQueryWriter: QueryWritingBackend {
    public let sampler: LocalListSampler
    public var backend: String { "local" }
    public var model: String? { sampler.modelName }

    public init(sampler: LocalListSampler) { self.sampler = sampler }

    /// A worked example per kind, about an object other than the target: small models copy it,
    /// so its lines are excluded and answers that mention its object are dropped.
    struct Example {
        var object: String
        var phrases: [String]
        var sentences: [String]

        static let all = [
            Example(object: "chair", phrases: ["something you sit on at the table", "the furniture people rest on while eating"],
                    sentences: ["Where can I sit down while eating at this table?", "Show me what people rest on during a meal."]),
            Example(object: "umbrella", phrases: ["what keeps you dry in the rain", "the thing you open over your head in a storm"],
                    sentences: ["What would protect me from the rain here?", "Show me what someone holds up when it pours."]),
        ]

        /// The first example whose object is not the target (nor one of the image's classes).
        static func avoiding(_ request: QueryWriteRequest) -> Example {
            let taken = Set(([request.className] + request.otherClassNames).map(TextNormalization.normalized))
            return all.first { !taken.contains(TextNormalization.normalized($0.object)) } ?? all[all.count - 1]
        }
    }

    /// The chat messages asking for `count` phrases (or sentences) about `request`'s target.
    public static func messages(for request: QueryWriteRequest, sentence: Bool, count: Int) -> [ChatMessage] {
        messages(for: request, sentence: sentence, count: count, example: .avoiding(request))
    }

    static func messages(for request: QueryWriteRequest, sentence: Bool, count: Int, example: Example) -> [ChatMessage] {
        let others = request.otherClassNames.filter { $0 != request.className }
        var rule = sentence
            ? "Write \(count) different questions or requests that ask to find the \(request.className) in a picture"
            : "Write \(count) different short phrases that describe the \(request.className)"
        rule += " by what it is used for or where it is found, without saying \"\(request.className)\""
        if !others.isEmpty { rule += "; they must not fit the \(others.joined(separator: ", "))" }
        rule += ". Answer with a numbered list only."
        let lines = sentence ? example.sentences : example.phrases
        let shown = "Example object: \(example.object)\n" + lines.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n")
        var user = "\(rule)\n\n\(shown)\n\nObject: \(request.className)"
        if let caption = request.caption { user += "\nPicture: \(caption)" }
        return [.system("You write descriptions of objects for an image dataset."), .user(user)]
    }

    public func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>] {
        requests.map { request in
            do {
                let example = Example.avoiding(request)
                var queries: [WrittenQuery] = []
                for (sentence, count) in [(false, request.phrases), (true, request.sentences)] {
                    let key = "queries|\(sentence ? "sentence" : "phrase")|\(request.className)|\(request.otherClassNames.joined(separator: ","))"
                    let texts = try sampler.sample(
                        Self.messages(for: request, sentence: sentence, count: count, example: example), key: key,
                        exclude: [request.className] + example.phrases + example.sentences, count: count,
                        keep: { !TextNormalization.mentions($0, phrase: example.object) })
                    queries += texts.map { WrittenQuery(text: $0, isSentence: sentence) }
                }
                return .success(queries)
            } catch let error as AugmentError {
                return .failure(error)
            } catch {
                return .failure(.backend(name: "local", reason: "\(error)"))
            }
        }
    }
}
