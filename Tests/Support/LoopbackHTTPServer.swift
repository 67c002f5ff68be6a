import Foundation
import Glibc

/// A request as the loopback server saw it (header names lower-cased).
public struct TestHTTPRequest: Sendable {
    public let method: String
    /// The request target as sent (path and query).
    public let target: String
    public let headers: [String: String]
    public let body: [UInt8]

    /// The target without its query string.
    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// A response. `delay` answers late (a slow server); `cutAfter` sends only that many body bytes
/// (with the full Content-Length) and closes the connection, as a dropped connection would.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    public var delay: TimeInterval
    public var cutAfter: Int?

    public init(status: Int = 200, headers: [String: String] = [:], body: [UInt8] = [], delay: TimeInterval = 0, cutAfter: Int? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.cutAfter = cutAfter
    }

    /// A JSON body with its content type.
    public static func json(_ text: String, status: Int = 200) -> TestHTTPResponse {
        TestHTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port), written on POSIX sockets, for tests
/// of code that speaks a protocol over a socket (model downloads, OpenAI-compatible backends).
/// Each request is parsed (method, target, headers, body) and answered by `handler`; worker
/// threads take one connection at a time, `Connection: close`; every wait is bounded, and it
/// only ever listens on loopback.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (TestHTTPRequest) -> TestHTTPResponse
    private let lock = NSLock()
    private var stopped = false
    private var seen: [TestHTTPRequest] = []
    private let finished = DispatchSemaphore(value: 0)
    private let workers: Int

    /// `http://127.0.0.1:PORT`
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public var baseURL: URL { URL(string: endpoint)! }

    /// Requests received so far, in order.
    public var requests: [TestHTTPRequest] { lock.withLock { seen } }

    public init(workers: Int = 4, handler: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse) throws {
        self.handler = handler
        self.workers = max(1, workers)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        for _ in 0..<self.workers {
            let thread = Thread { [self] in serve() }
            thread.start()
        }
    }

    deinit { stop() }

    /// Stops accepting connections (waits for the workers, at most a few seconds).
    public func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard wasRunning else { return }
        for _ in 0..<workers { _ = finished.wait(timeout: .now() + 10) }
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func serve() {
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            handle(connection)
            close(connection)
        }
        finished.signal()
    }

    private func handle(_ connection: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        while headerEnd == nil, buffer.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            let searchFrom = max(0, buffer.count - 3)
            buffer.append(contentsOf: chunk[0..<n])
            if buffer.count >= 4 {
                headerEnd = (searchFrom...(buffer.count - 4)).first { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }
            }
        }
        guard let headerEnd else { return }
        let lines = String(decoding: buffer[..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headerEnd + 4)...])
        let expected = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < expected {
            let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            body.append(contentsOf: chunk[0..<n])
        }
        let request = TestHTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        lock.withLock { seen.append(request) }
        let response = handler(request)
        if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var out = Array(head.utf8)
        if request.method != "HEAD" { out += response.body.prefix(response.cutAfter ?? response.body.count) }
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 302: "Found"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// Serves `body` honouring a `Range: bytes=N-[M]` header (206 / 416), else 200.
    public static func serve(_ body: [UInt8], for request: TestHTTPRequest, headers: [String: String] = [:]) -> TestHTTPResponse {
        guard let range = request.headers["range"], range.hasPrefix("bytes=") else {
            return TestHTTPResponse(status: 200, headers: headers, body: body)
        }
        let parts = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard let start = parts.first.flatMap({ Int($0) }) else { return TestHTTPResponse(status: 200, headers: headers, body: body) }
        guard start < body.count else {
            var h = headers
            h["Content-Range"] = "bytes */\(body.count)"
            return TestHTTPResponse(status: 416, headers: h)
        }
        let end = parts.count > 1 && !parts[1].isEmpty ? min(Int(parts[1]) ?? body.count - 1, body.count - 1) : body.count - 1
        var h = headers
        h["Content-Range"] = "bytes \(start)-\(end)/\(body.count)"
        return TestHTTPResponse(status: 206, headers: h, body: Array(body[start...end]))
    }
}
