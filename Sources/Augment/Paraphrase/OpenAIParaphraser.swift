import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `openai` paraphrase backend: asks a chat model for K rewrites and parses them.
public struct OpenAIParaphraser: Paraphraser {
    public let client: OpenAIChatClient
    public var backend: String { client.backendName }
    public var model: String? { client.configuration.model }

    public init(client: OpenAIChatClient) { self.client = client }

    public func paraphrase(_ requests: [ParaphraseRequest]) async -> [Result<[String], AugmentError>] {
        let answers = await client.complete(requests.map(ParaphrasePrompt.messages(for:)), promptVersion: ParaphrasePrompt.version)
        return zip(requests, answers).map { request, answer in
            answer.map { ParaphrasePrompt.parse($0, limit: request.count) }
        }
    }
}
