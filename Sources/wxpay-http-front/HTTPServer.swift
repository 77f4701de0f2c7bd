import KitCore
import Synchronization
import WxPayHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking HTTP/1.1 server over POSIX sockets: one thread per connection, one request per connection
/// (`Connection: close`), bodies by `Content-Length` up to ``maxBodyBytes``.
final class HTTPServer: Sendable {
    static let maxBodyBytes = 1 << 20
    static let maxHeaderBytes = 64 << 10
    /// Connections served at once; more get 503 at once.
    static let maxConnections = 64
    /// Seconds a client may take to send its request.
    static let readTimeout = 15

    let listener: Int32
    /// `host:port` actually bound.
    let boundAddress: String
    private let exchange: Exchange
    private let active = Atomic<Int>(0)

    /// Binds and listens.
    init(host: String, port: Int, exchange: Exchange) throws(FrontFailure) {
        self.exchange = exchange
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST
        var info: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let ai = info else {
            throw FrontFailure("--host must be a numeric address, got \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FrontFailure("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FrontFailure("cannot listen on \(host):\(port): \(reason)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let boundPort: Int = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            if Int32(p.pointee.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        listener = fd
        boundAddress = host.contains(":") ? "[\(host)]:\(boundPort)" : "\(host):\(boundPort)"
    }

    /// Accepts forever.
    func serve() -> Never {
        while true {
            // Wait without the lock, then accept and mark close-on-exec under it (see `descriptorLock`).
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, -1) < 0 { continue }
            let client: Int32 = descriptorLock.withLock { _ in
                let fd = accept(listener, nil, nil)
                if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                return fd
            }
            if client < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                    continue
                }
                FrontLog.error("accept failed: \(String(cString: strerror(errno)))")
                exit(70)
            }
            if active.add(1, ordering: .relaxed).newValue > Self.maxConnections {
                respond(client, .error(503, code: "BUSY", message: "too many requests in flight", retryable: true))
                close(client)
                active.subtract(1, ordering: .relaxed)
                continue
            }
            let job = Unmanaged.passRetained(Connection(server: self, fd: client)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let connection = Unmanaged<Connection>.fromOpaque(raw).takeRetainedValue()
                connection.server.handle(connection.fd)
                return nil
            }, job)
            if started == 0 {
                pthread_detach(thread)
            } else {
                Unmanaged<Connection>.fromOpaque(job).release()
                respond(client, .error(503, code: "BUSY", message: "cannot start a thread", retryable: true))
                close(client)
                active.subtract(1, ordering: .relaxed)
            }
        }
    }

    private final class Connection {
        let server: HTTPServer
        let fd: Int32
        init(server: HTTPServer, fd: Int32) {
            self.server = server
            self.fd = fd
        }
    }

    private func handle(_ fd: Int32) {
        defer {
            close(fd)
            active.subtract(1, ordering: .relaxed)
        }
        var tv = timeval(tv_sec: Self.readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let started = monotonicNow()
        let response: OutgoingResponse
        var method = "-", path = "-"
        switch RequestReader(fd: fd).read() {
        case .failure(let failure):
            guard let answer = failure.response else { return }  // the client went away: nothing to answer
            response = answer
        case .success(let request):
            method = request.method
            path = request.path
            if request.path == "/healthz" && (request.method == "GET" || request.method == "HEAD") {
                response = OutgoingResponse(status: 200, headers: [("Content-Type", "application/json")],
                                            body: Array(#"{"status":"ok"}"#.utf8))
            } else {
                response = exchange.handle(request)
            }
        }
        respond(fd, response)
        FrontLog.request(method: method, path: path, status: response.status,
                         milliseconds: Int((monotonicNow() - started) * 1000))
    }

    private func respond(_ fd: Int32, _ response: OutgoingResponse) {
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        for (name, value) in response.headers where !name.contains("\r") && !name.contains("\n")
            && !value.contains("\r") && !value.contains("\n")
        {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        System.writeAll(fd: fd, Array(head.utf8) + response.body)
    }

    private func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}

/// Reads one HTTP/1.1 request from a socket.
struct RequestReader {
    let fd: Int32

    enum Failure: Error {
        /// The peer closed or timed out before a full request.
        case gone
        /// The request is refused with this answer.
        case refused(OutgoingResponse)

        var response: OutgoingResponse? {
            if case .refused(let r) = self { return r }
            return nil
        }
    }

    func read() -> Result<IncomingRequest, Failure> {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        var headerEnd: Int? = nil
        while headerEnd == nil {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                return buffer.isEmpty ? .failure(.gone)
                    : .failure(.refused(.error(408, code: "REQUEST_TIMEOUT", message: "the request did not arrive in time")))
            }
            let searchFrom = max(0, buffer.count - 3)
            buffer += chunk[0..<n]
            headerEnd = RequestHead.end(in: buffer, from: searchFrom)
            if headerEnd == nil && buffer.count > HTTPServer.maxHeaderBytes {
                return .failure(.refused(.error(431, code: "HEADERS_TOO_LARGE", message: "request headers exceed 64 KiB")))
            }
        }
        let head: RequestHead
        do throws(RequestHead.Refusal) {
            head = try RequestHead.parse(buffer[0..<headerEnd!], maxBodyBytes: HTTPServer.maxBodyBytes)
        } catch {
            return .failure(.refused(.error(error.status, code: error.code, message: error.message)))
        }
        let length = head.contentLength
        func header(_ name: String) -> String? { head.header(name) }
        if header("expect")?.lowercased() == "100-continue" {
            System.writeAll(fd: fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        while body.count < length {
            let n = recv(fd, &chunk, min(chunk.count, length - body.count), 0)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                return .failure(.refused(.error(408, code: "REQUEST_TIMEOUT", message: "the body did not arrive in full")))
            }
            body += chunk[0..<n]
        }
        return .success(IncomingRequest(method: head.method, path: head.path, query: head.query,
                                        headers: head.headers, body: Array(body.prefix(length))))
    }
}
