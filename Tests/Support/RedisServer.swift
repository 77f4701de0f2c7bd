import Foundation

/// A `redis-server` process of the test's own: a free loopback port, a temporary directory, no persistence
/// (`--save "" --appendonly no`). Stopped (SIGTERM, this process only) by ``stop()``.
public final class RedisServer: @unchecked Sendable {
    public let port: UInt16
    private let process: ChildProcess
    private let dir: TemporaryDirectory

    /// The `redis-server` executable, or nil when it is not installed (`make deps` installs it).
    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"]) {
            let candidate = dir + "/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Starts a server and waits (up to 10 s) until it accepts connections.
    public init() throws {
        guard let executable = Self.executable else { throw SetupFailure("redis-server is not installed") }
        dir = try TemporaryDirectory(prefix: "wxpay-redis")
        port = try RecordingHTTPServer.closedPort()
        process = try ChildProcess(executable, [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", dir.path, "--save", "", "--appendonly", "no",
            "--protected-mode", "no", "--daemonize", "no", "--loglevel", "notice",
        ], environment: ["PATH": "/usr/bin:/bin"])
        let limit = MonotonicClock.now() + 10
        while !process.stdoutSoFar.contains("Ready to accept connections") {
            guard process.isRunning, MonotonicClock.now() < limit else {
                kill(process.pid, SIGKILL)
                let result = process.wait()
                dir.remove()
                throw SetupFailure("redis-server did not start: \(result.stdoutText.suffix(500))")
            }
            usleep(10_000)
        }
    }

    /// `redis://127.0.0.1:<port>/<db>`.
    public func url(db: Int = 0) -> String { "redis://127.0.0.1:\(port)/\(db)" }

    /// Stops the server (SIGKILL to this process only: a child of the test runner inherits its blocked SIGTERM, and
    /// the server keeps nothing) and removes its directory.
    public func stop() {
        kill(process.pid, SIGKILL)
        _ = process.wait()
        dir.remove()
    }
}

/// A TCP server on loopback that accepts connections and never answers (a hung store): connections are held open
/// until ``stop()``.
public final class SilentServer: @unchecked Sendable {
    public let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private let finished = DispatchSemaphore(value: 0)

    public init() throws {
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
        Thread { [self] in
            defer { finished.signal() }
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                lock.withLock { clients.append(client) }
            }
        }.start()
    }

    /// How many connections were accepted so far.
    public var accepted: Int { lock.withLock { clients.count } }

    public func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        _ = finished.wait(timeout: .now() + 2)
        lock.withLock { for c in clients { close(c) } }
    }
}
