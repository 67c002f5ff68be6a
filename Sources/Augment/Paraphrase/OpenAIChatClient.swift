import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of the OpenAI chat-completions protocol (`POST {base}/chat/completions`), as spoken
/// by OpenAI, vLLM, llama.cpp's server and Ollama: bounded concurrency, timeouts, retries with
/// exponential backoff (honouring `Retry-After`) on 429, 5xx, network errors and unparseable
/// answers, and a response cache.
public struct OpenAIChatClient: Sendable {
    public struct Configuration: Sendable {
        /// e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`.
        public var baseURL: URL
        public var model: String
        /// Sent as `Authorization: Bearer …` when set.
        public var apiKey: String?
        public var temperature: Double
        public var maxConcurrentRequests: Int
        /// Attempts per request, the first included.
        public var maxAttempts: Int
        public var timeout: TimeInterval
        /// First backoff delay; doubled after each failed attempt.
        public var initialBackoff: TimeInterval
        public var maxBackoff: TimeInterval

        public init(baseURL: URL, model: String, apiKey: String? = nil, temperature: Double = 0.7, maxConcurrentRequests: Int = 4,
                    maxAttempts: Int = 4, timeout: TimeInterval = 60, initialBackoff: TimeInterval = 1, maxBackoff: TimeInterval = 30) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
            self.temperature = temperature
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
            self.maxAttempts = max(1, maxAttempts)
            self.timeout = timeout
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    /// Counters of one client's traffic (for reports and tests).
    public final class Statistics: @unchecked Sendable {
        private let lock = NSLock()
        private var _requests = 0, _retries = 0, _cacheHits = 0, _failures = 0
        public var requests: Int { lock.withLock { _requests } }
        public var retries: Int { lock.withLock { _retries } }
        public var cacheHits: Int { lock.withLock { _cacheHits } }
        public var failures: Int { lock.withLock { _failures } }
        func count(requests: Int = 0, retries: Int = 0, cacheHits: Int = 0, failures: Int = 0) {
            lock.withLock {
                _requests += requests; _retries += retries; _cacheHits += cacheHits; _failures += failures
            }
        }
    }

    public let configuration: Configuration
    public let cache: ResponseCache?
    public let backendName: String
    public let statistics = Statistics()
    private let session: URLSession

    public init(configuration: Configuration, cache: ResponseCache?, backendName: String = "openai") {
        self.configuration = configuration
        self.cache = cache
        self.backendName = backendName
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout * Double(configuration.maxAttempts) + 5
        self.session = URLSession(configuration: sessionConfiguration)
    }

    /// Sends each conversation (at most `maxConcurrentRequests` at once) and returns the
    /// assistant's text for each, or why it failed after all attempts.
    public func complete(_ conversations: [[(role: String, content: String)]], promptVersion: String) async -> [Result<String, AugmentError>] {
        var results = [Result<String, AugmentError>?](repeating: nil, count: conversations.count)
        await withTaskGroup(of: (Int, Result<String, AugmentError>).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                let messages = conversations[index]
                group.addTask { (index, await self.completeOne(messages, promptVersion: promptVersion)) }
            }
            while next < min(conversations.count, configuration.maxConcurrentRequests) { launch() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < conversations.count { launch() }
            }
        }
        return results.map { $0 ?? .failure(.backend(name: backendName, reason: "no result")) }
    }

    private func completeOne(_ messages: [(role: String, content: String)], promptVersion: String) async -> Result<String, AugmentError> {
        let key = ResponseCache.key(backend: backendName, model: configuration.model, promptVersion: promptVersion, messages: messages)
        if let cache, let cached = try? cache.answer(for: key) {
            statistics.count(cacheHits: 1)
            return .success(cached)
        }
        var delay = configuration.initialBackoff
        var lastError = "no attempt made"
        for attempt in 1...configuration.maxAttempts {
            if attempt > 1 { statistics.count(retries: 1) }
            statistics.count(requests: 1)
            switch await attemptOnce(messages) {
            case .success(let text):
                if let cache { try? cache.remember(text, for: key, backend: backendName, model: configuration.model) }
                return .success(text)
            case .failure(let failure):
                lastError = failure.message
                guard failure.retryable, attempt < configuration.maxAttempts else { break }
                let wait = min(configuration.maxBackoff, max(delay, failure.retryAfter ?? 0))
                try? await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                delay *= 2
                continue
            }
            break
        }
        statistics.count(failures: 1)
        return .failure(.backend(name: backendName, reason: lastError))
    }

    struct AttemptFailure: Error {
        var message: String
        var retryable: Bool
        var retryAfter: TimeInterval?
    }

    private func attemptOnce(_ messages: [(role: String, content: String)]) async -> Result<String, AttemptFailure> {
        var request = URLRequest(url: configuration.baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.timeoutInterval = configuration.timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey, !key.isEmpty { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let body: [String: Any] = [
            "model": configuration.model,
            "temperature": configuration.temperature,
            "messages": messages.map { ["role": $0.role, "content": $0.content] },
        ]
        do { request.httpBody = try JSONSerialization.data(withJSONObject: body) } catch {
            return .failure(AttemptFailure(message: "cannot encode request: \(error)", retryable: false))
        }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await send(request)
        } catch {
            return .failure(AttemptFailure(message: "request failed: \(error.localizedDescription)", retryable: true))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(AttemptFailure(message: "not an HTTP response", retryable: true))
        }
        let snippet = String(decoding: data.prefix(200), as: UTF8.self)
        switch http.statusCode {
        case 200..<300: break
        case 429, 500..<600:
            let retryAfter = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(TimeInterval.init)
            return .failure(AttemptFailure(message: "HTTP \(http.statusCode): \(snippet)", retryable: true, retryAfter: retryAfter))
        default:
            return .failure(AttemptFailure(message: "HTTP \(http.statusCode): \(snippet)", retryable: false))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let message = first["message"] as? [String: Any], let content = message["content"] as? String else {
            return .failure(AttemptFailure(message: "malformed response (no choices[0].message.content): \(snippet)", retryable: true))
        }
        return .success(content)
    }

    private func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error); return }
                guard let data, let response else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                    return
                }
                continuation.resume(returning: (data, response))
            }.resume()
        }
    }
}
