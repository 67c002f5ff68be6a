import Augment
import DatasetStore
import Foundation
import Testing
import TestSupport

/// The openai backend against a real HTTP server on loopback speaking the chat-completions protocol.
@Suite("OpenAI-compatible backend over HTTP")
struct OpenAIBackendTests {
    static func completion(_ content: String) -> TestHTTPResponse {
        let escaped = String(data: try! JSONSerialization.data(withJSONObject: [content], options: [.fragmentsAllowed]), encoding: .utf8)!
        return .json(#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"#
                     + String(escaped.dropFirst().dropLast()) + "}}]}")
    }

    func client(_ server: LoopbackHTTPServer, store: DatasetStore?, attempts: Int = 3, timeout: TimeInterval = 5) -> OpenAIChatClient {
        OpenAIChatClient(configuration: .init(baseURL: server.baseURL.appendingPathComponent("v1"), model: "test-model", apiKey: "sk-test",
                                              maxConcurrentRequests: 2, maxAttempts: attempts, timeout: timeout,
                                              initialBackoff: 0.05, maxBackoff: 0.2),
                         cache: store.map(ResponseCache.init))
    }

    let request = ParaphraseRequest(text: "After cooking, where can we throw away the scraps?", kind: "reasoning", isSentence: true,
                                    targetClassNames: ["trash can"], count: 2)

    @Test("success: the request is well-formed and the rewrites are parsed")
    func success() async throws {
        let server = try LoopbackHTTPServer { _ in Self.completion(#"["Where do scraps go after cooking?", "Once done cooking, where can scraps be discarded?"]"#) }
        let result = await OpenAIParaphraser(client: client(server, store: nil)).paraphrase([request])
        #expect(try result[0].get() == ["Where do scraps go after cooking?", "Once done cooking, where can scraps be discarded?"])
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST" && sent.path == "/v1/chat/completions")
        #expect(sent.headers["authorization"] == "Bearer sk-test")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
        #expect(body["model"] as? String == "test-model")
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["system", "user"] && messages[1]["content"] == request.text)
    }

    @Test("429 and 5xx are retried with backoff, then succeed")
    func retry() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            switch counter.next() {
            case 0: return .json(#"{"error":"rate limited"}"#, status: 429).with(header: "Retry-After", "0")
            case 1: return .json(#"{"error":"overloaded"}"#, status: 503)
            default: return Self.completion(#"["Where do the scraps go?"]"#)
            }
        }
        let client = client(server, store: nil, attempts: 4)
        let result = await OpenAIParaphraser(client: client).paraphrase([request])
        #expect(try result[0].get() == ["Where do the scraps go?"])
        #expect(server.requests.count == 3 && client.statistics.retries == 2)
    }

    @Test("a server that keeps failing is given up on after the configured attempts", arguments: [500, 404])
    func giveUp(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .json(#"{"error":"broken"}"#, status: status) }
        let client = client(server, store: nil, attempts: 3)
        let result = await OpenAIParaphraser(client: client).paraphrase([request])
        guard case .failure(let error) = result[0] else { Issue.record("expected a failure"); return }
        #expect(error.description.contains("HTTP \(status)"))
        // 5xx is retried; a 404 is not (a wrong URL will not fix itself).
        #expect(server.requests.count == (status == 500 ? 3 : 1))
    }

    @Test("malformed JSON answers are retried, then reported")
    func malformed() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            counter.next() == 0 ? .json("{\"choices\": [oops") : Self.completion("1. Where are scraps thrown?")
        }
        let result = await OpenAIParaphraser(client: client(server, store: nil)).paraphrase([request])
        #expect(try result[0].get() == ["Where are scraps thrown?"])
        let broken = try LoopbackHTTPServer { _ in .json("not json at all") }
        let failed = await OpenAIParaphraser(client: client(broken, store: nil, attempts: 2)).paraphrase([request])
        guard case .failure(let error) = failed[0] else { Issue.record("expected a failure"); return }
        #expect(error.description.contains("malformed response"))
    }

    @Test("a slow answer times out and the retry succeeds")
    func slow() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            var response = Self.completion(#"["Where do leftovers go?"]"#)
            if counter.next() == 0 { response.delay = 6 }
            return response
        }
        let client = client(server, store: nil, attempts: 3, timeout: 2)
        let result = await OpenAIParaphraser(client: client).paraphrase([request])
        #expect(try result[0].get() == ["Where do leftovers go?"])
        #expect(client.statistics.retries >= 1)
    }

    @Test("answers are cached in the store: a re-run sends nothing")
    func cache() async throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let server = try LoopbackHTTPServer { _ in Self.completion(#"["Where do scraps go?"]"#) }
        let requests = [request, ParaphraseRequest(text: "the cup on the left", kind: "referring", isSentence: false, targetClassNames: [], count: 1)]
        _ = await OpenAIParaphraser(client: client(server, store: store)).paraphrase(requests)
        #expect(server.requests.count == 2)
        let second = client(server, store: store)
        let again = await OpenAIParaphraser(client: second).paraphrase(requests)
        #expect(server.requests.count == 2 && second.statistics.cacheHits == 2)
        #expect(try again[0].get() == ["Where do scraps go?"])
    }

    @Test("a paraphrase run through the server: gate applied, failures counted, store consistent")
    func run() async throws {
        let data = try LabelledStore()
        let server = try LoopbackHTTPServer { request in
            let text = String(decoding: request.body, as: UTF8.self)
            if text.contains("unicorn") { return .json("{}", status: 500) }
            return Self.completion(#"["Once you are done cooking, where can the scraps be discarded?", "Where is the trash can?", ""]"#)
        }
        let backend = OpenAIParaphraser(client: client(server, store: data.store, attempts: 2))
        let report = try await ParaphraseRunner(store: data.store, backend: backend, gate: QualityGate(embedder: HashingEmbedder()))
            .run(ParaphraseOptions(perInstruction: 3, kinds: [.reasoning, .referring]))
        #expect(report.backendFailures == 1 && report.failureExamples.first?.contains("HTTP 500") == true)
        #expect(report.rejected["leaks_class_name"] == 1)
        #expect(report.accepted >= 1)
        let problems = try data.store.integrityProblems()
        #expect(problems.isEmpty, "\(problems)")
    }
}

/// A thread-safe counter for handlers that answer differently on each call.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}

extension TestHTTPResponse {
    func with(header name: String, _ value: String) -> Self {
        var copy = self
        copy.headers[name] = value
        return copy
    }
}
