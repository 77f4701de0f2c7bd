#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import WxPayCore

/// An HTTP/1.1 receiver on 127.0.0.1 (an ephemeral port): records every request and answers the statuses in
/// `script` in turn, the last one repeating. One connection at a time, `Connection: close`; honours
/// `Expect: 100-continue`. For notification targets and `forward_url` targets.
public final class RecordingHTTPServer: @unchecked Sendable {
    /// One request as received.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Lower-cased names.
        public var headers: [String: String]
        public var body: [UInt8]

        /// A header by case-insensitive name.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// The port it listens on.
    public let port: UInt16
    private let fd: Int32
    private let script: [Int]
    private let answerBody: [UInt8]
    private let answerHeaders: [(name: String, value: String)]
    private let lock = NSLock()
    private var received: [Request] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1 on an ephemeral port and starts serving on a thread of its own.
    /// - Throws: ``SetupFailure`` when the socket cannot be bound.
    /// - Parameters:
    ///   - body: The body of every answer (`ok` unless given; e.g. an oversized one for client limits).
    ///   - headers: Extra header lines of every answer.
    public init(answering script: [Int] = [200], body: [UInt8] = Array("ok".utf8),
                headers: [(name: String, value: String)] = []) throws
    {
        precondition(!script.isEmpty, "a script of at least one status")
        self.script = script
        self.answerBody = body
        self.answerHeaders = headers
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw SetupFailure("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) }
        }
        guard bound == 0, listen(sock, 32) == 0 else {
            close(sock)
            throw SetupFailure("bind/listen failed")
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) }
        }
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        Thread { [self] in self.serve() }.start()
    }

    /// `http://127.0.0.1:<port><path>`.
    public func url(path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Requests received so far.
    public var requests: [Request] { lock.withLock { received } }

    /// Waits until at least `count` requests arrived, or `timeout` seconds pass; returns those received.
    public func wait(for count: Int, timeout: Double = 10) -> [Request] {
        let limit = MonotonicClock.now() + timeout
        while requests.count < count, MonotonicClock.now() < limit { usleep(20_000) }
        return requests
    }

    /// Stops accepting and waits (up to 2 s) for the serving thread to finish.
    public func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        _ = finished.wait(timeout: .now() + 2)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
    public static func closedPort() throws -> UInt16 {
        let server = try RecordingHTTPServer()
        let port = server.port
        server.stop()
        return port
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if let request = read(client) {
                let n = lock.withLock {
                    received.append(request)
                    return received.count
                }
                let status = script[min(n - 1, script.count - 1)]
                let reason = status == 200 ? "OK" : "Error"
                var reply = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(answerBody.count)\r\n"
                for (name, value) in answerHeaders { reply += "\(name): \(value)\r\n" }
                reply += "Connection: close\r\n\r\n"
                // MSG_NOSIGNAL: a client that stops reading (e.g. over its answer limit) must not kill the tests.
                _ = Self.sendAll(client, Array(reply.utf8) + answerBody)
            }
            close(client)
        }
    }

    private static func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        #if os(Linux)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                send(client, $0.baseAddress! + offset, bytes.count - offset, flags)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private func read(_ client: Int32) -> Request? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        var length = 0
        var headers: [String: String] = [:]
        var requestLine: [Substring] = []
        while headerEnd.map({ data.count - $0 < length }) ?? true {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let r = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = r.upperBound
                let lines = String(decoding: data[..<r.lowerBound], as: UTF8.self).split(separator: "\r\n")
                requestLine = lines.first?.split(separator: " ") ?? []
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                length = Int(headers["content-length"] ?? "0") ?? 0
                if headers["expect"]?.lowercased() == "100-continue", data.count - r.upperBound < length {
                    _ = System.writeAll(fd: client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
            }
        }
        guard let end = headerEnd else { return nil }
        return Request(method: requestLine.count > 0 ? String(requestLine[0]) : "",
                       path: requestLine.count > 1 ? String(requestLine[1]) : "",
                       headers: headers, body: Array(data[end..<(end + length)]))
    }
}
