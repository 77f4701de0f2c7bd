import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One request as a test server received it.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    /// Lower-cased names.
    var headers: [String: String]
    var body: [UInt8]
    /// Wall-clock milliseconds when the request was complete.
    var receivedAtMillis: Int64

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What a test server answers.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
}

/// A tiny HTTP/1.1 server on 127.0.0.1 over POSIX sockets, one thread per connection, `Connection: close`.
/// Its handler may block (the Runtime API's `/next` long-polls).
final class TestHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (ReceivedRequest) -> CannedResponse?

    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var stopped = false

    /// Binds an ephemeral port and starts accepting.
    init(handler: @escaping Handler) throws {
        self.handler = handler
        let (fd, port) = try TestSockets.listen()
        listener = fd
        self.port = port
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Stops accepting (connections in progress finish on their own).
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            // Only shut down here: the accept thread closes the socket once accept fails. Closing it here let the
            // number be reused by the next test's listener while this thread was still about to accept on it,
            // and the stopped server then hung up on the next test's requests ("Server returned nothing").
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = TestSockets.readRequest(fd) else { return }
        guard let response = handler(request) else { return }  // nil: hang up without answering
        var head = "HTTP/1.1 \(response.status) X\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        TestSockets.writeAll(fd, Array(head.utf8) + response.body)
    }
}

/// Socket helpers shared by the test servers.
enum TestSockets {
    struct SocketError: Error, CustomStringConvertible { let description: String }

    /// A listening socket on an ephemeral 127.0.0.1 port.
    static func listen(backlog: Int32 = 64) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "socket failed") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else {
            close(fd)
            throw SocketError(description: "bind/listen failed")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    /// Reads one request with a `Content-Length` body.
    static func readRequest(_ fd: Int32) -> ReceivedRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        while headerEnd == nil {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
            headerEnd = find(Array("\r\n\r\n".utf8), in: buffer)
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buffer[(headerEnd! + 4)...])
        while body.count < length {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return nil }
            body += chunk[0..<n]
        }
        return ReceivedRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                               body: Array(body.prefix(length)), receivedAtMillis: nowMillis())
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A port that accepts TCP connections (the kernel completes the handshake) but never answers: a hung upstream.
final class BlackHole: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        (fd, port) = try TestSockets.listen(backlog: 16)
    }

    deinit { close(fd) }
}
