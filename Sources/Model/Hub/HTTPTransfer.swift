import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Status and headers of an HTTP response (header names lower-cased).
struct HTTPResponseHead: Sendable {
    let status: Int
    let headers: [String: String]
    /// Headers of the first response when redirects were followed (the Hub puts `X-Repo-Commit`
    /// and `X-Linked-Etag` on its redirect, not on the CDN's answer).
    let firstHeaders: [String: String]

    func header(_ name: String) -> String? { headers[name] ?? firstHeaders[name] }
}

/// One HTTP request over URLSession with the body streamed to a sink as it arrives, so that
/// multi-gigabyte files never sit in memory and a broken transfer keeps what it received.
enum HTTPTransfer {
    /// Performs `request`; body chunks go to `sink` when `wantBody(head)` says so. Returns the
    /// head; throws `HubError.transfer` on network failure (after the sink got what arrived).
    static func perform(
        _ request: URLRequest, idleTimeout: TimeInterval, authorizedHost: String?,
        wantBody: @escaping @Sendable (HTTPResponseHead) -> Bool,
        sink: @escaping @Sendable (Data) throws -> Void
    ) async throws -> HTTPResponseHead {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let delegate = TransferDelegate(authorizedHost: authorizedHost, wantBody: wantBody, sink: sink)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = request
        request.timeoutInterval = idleTimeout
        let url = request.url?.absoluteString ?? "?"
        return try await withCheckedThrowingContinuation { continuation in
            delegate.start(continuation: continuation, url: url)
            session.dataTask(with: request).resume()
        }
    }
}

private final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let authorizedHost: String?
    private let wantBody: @Sendable (HTTPResponseHead) -> Bool
    private let sink: @Sendable (Data) throws -> Void
    private var continuation: CheckedContinuation<HTTPResponseHead, Error>?
    private var url = ""
    private var head: HTTPResponseHead?
    private var firstHeaders: [String: String]?
    private var acceptBody = false
    private var sinkError: Error?
    private var received = 0

    init(authorizedHost: String?, wantBody: @escaping @Sendable (HTTPResponseHead) -> Bool,
         sink: @escaping @Sendable (Data) throws -> Void) {
        self.authorizedHost = authorizedHost
        self.wantBody = wantBody
        self.sink = sink
    }

    func start(continuation: CheckedContinuation<HTTPResponseHead, Error>, url: String) {
        lock.withLock {
            self.continuation = continuation
            self.url = url
        }
    }

    private static func headers(_ response: HTTPURLResponse) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in response.allHeaderFields {
            if let k = k as? String, let v = v as? String { out[k.lowercased()] = v }
        }
        return out
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        lock.withLock {
            if firstHeaders == nil { firstHeaders = Self.headers(response) }
        }
        var next = request
        // Never forward the token to another host (the Hub redirects large files to a CDN).
        if let host = request.url?.host, host != authorizedHost {
            next.setValue(nil, forHTTPHeaderField: "Authorization")
        }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            completionHandler(.cancel)
            return
        }
        let head = lock.withLock { () -> HTTPResponseHead in
            let h = HTTPResponseHead(status: http.statusCode, headers: Self.headers(http), firstHeaders: firstHeaders ?? [:])
            self.head = h
            return h
        }
        let accept = wantBody(head)
        lock.withLock { acceptBody = accept }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let accept = lock.withLock { acceptBody && sinkError == nil }
        guard accept else { return }
        do {
            try sink(data)
            lock.withLock { received += data.count }
        } catch {
            lock.withLock { sinkError = error }
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let (continuation, head, sinkError, received, url) = lock.withLock {
            defer { self.continuation = nil }
            return (self.continuation, self.head, self.sinkError, self.received, self.url)
        }
        guard let continuation else { return }
        if let sinkError {
            continuation.resume(throwing: sinkError)
        } else if let error {
            continuation.resume(throwing: HubError.transfer(url: url, reason: error.localizedDescription, bytesKept: received))
        } else if let head {
            continuation.resume(returning: head)
        } else {
            continuation.resume(throwing: HubError.transfer(url: url, reason: "no HTTP response", bytesKept: 0))
        }
    }
}
