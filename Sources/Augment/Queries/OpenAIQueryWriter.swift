import DatasetStore
import Foundation
import GRDB
import Serialization

/// The `openai` writer: asks a chat model for implicit queries about the object.
public struct OpenAIQueryWriter: QueryWritingBackend {
    public static let promptVersion = "write-queries-v1"
    public let client: OpenAIChatClient
    public var backend: String { client.backendName }
    public var model: String? { client.configuration.model }

    public init(client: OpenAIChatClient) { self.client = client }

    static func messages(_ request: QueryWriteRequest, sentence: Bool, count: Int) -> [(role: String, content: String)] {
        let others = request.otherClassNames.isEmpty ? "nothing else that is labelled" : request.otherClassNames.joined(separator: ", ")
        let form = sentence ? "full questions or instructions (one sentence each)" : "short noun phrases (like \"something used to cut bread\")"
        let system = """
            You write reasoning-segmentation queries: implicit descriptions of an object in an image that need world \
            knowledge (its function, use or typical context) to resolve. Never name the object or a synonym of it. \
            The query must point to the target and not to the other objects in the image. \
            Answer with a JSON array of \(count) strings and nothing else.
            """
        var user = "Target object: \(request.className)\nOther objects in the image: \(others)\nWrite \(count) \(form)."
        if let caption = request.caption { user += "\nImage caption: \(caption)" }
        return [("system", system), ("user", user)]
    }

    public func write(_ requests: [QueryWriteRequest]) async -> [Result<[WrittenQuery], AugmentError>] {
        var conversations: [[(role: String, content: String)]] = []
        for request in requests {
            conversations.append(Self.messages(request, sentence: false, count: request.phrases))
            conversations.append(Self.messages(request, sentence: true, count: request.sentences))
        }
        let answers = await client.complete(conversations, promptVersion: Self.promptVersion)
        return requests.indices.map { index in
            let phrases = answers[2 * index], sentences = answers[2 * index + 1]
            switch (phrases, sentences) {
            case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
            case (.success(let p), .success(let s)):
                return .success(ParaphrasePrompt.parse(p, limit: requests[index].phrases).map { WrittenQuery(text: $0, isSentence: false) }
                    + ParaphrasePrompt.parse(s, limit: requests[index].sentences).map { WrittenQuery(text: $0, isSentence: true) })
            }
        }
    }
}
