import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request as the loopback server saw it (header names lower-cased).
struct TestHTTPRequest: Sendable {
    let method: String
    let target: String
    let headers: [String: String]

    var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// A response; `cutAfter` sends only that many body bytes (with the full Content-Length) and
/// then closes the connection, as a dropped connection would.
struct TestHTTPResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    var cutAfter: Int?
}

/// A real HTTP/1.1 server on 127.0.0.1 and an ephemeral port, written on POSIX sockets, for the
/// download tests. One connection at a time, `Connection: close`; every wait is bounded.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (TestHTTPRequest) -> TestHTTPResponse
    private let lock = NSLock()
    private var stopped = false
    private var seen: [TestHTTPRequest] = []
    private let finished = DispatchSemaphore(value: 0)

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Requests received so far, in order.
    var requests: [TestHTTPRequest] { lock.withLock { seen } }

    init(handler: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse) throws {
        self.handler = handler
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
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    deinit { stop() }

    func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard wasRunning else { return }
        _ = finished.wait(timeout: .now() + 5)
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
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while buffer.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            buffer.append(contentsOf: chunk[0..<n])
            if buffer.count >= 4, (0...(buffer.count - 4)).contains(where: { Array(buffer[$0..<$0 + 4]) == terminator }) { break }
        }
        let text = String(decoding: buffer, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = TestHTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
        lock.withLock { seen.append(request) }
        let response = handler(request)
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (k, v) in response.headers { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        var out = Array(head.utf8)
        if request.method != "HEAD" {
            out += response.body.prefix(response.cutAfter ?? response.body.count)
        }
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
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        default: "Status"
        }
    }

    /// Serves `body` honouring a `Range: bytes=N-[M]` header (206 / 416), else 200.
    static func serve(_ body: [UInt8], for request: TestHTTPRequest, headers: [String: String] = [:]) -> TestHTTPResponse {
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
