#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WxPayCore

/// A failure in a test's own setup.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: Built executables

/// Where the built executables are: `WXPAY_BIN_DIR`, else the directory of the running test bundle (SwiftPM puts
/// it next to the products of the same scratch path), else `<package>/.build/debug`.
enum BinDir {
    static let path: String = {
        if let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(directory(of: exe))
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { candidates.append(directory(of: first)) }
        // On macOS the bundle is <scratch>/debug/<name>.xctest/Contents/MacOS/<name>.
        for c in candidates where c.contains(".xctest/") {
            candidates.append(directory(of: String(c[..<c.range(of: ".xctest/")!.lowerBound])))
        }
        if let dir = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/webhook") }) {
            return dir
        }
        return packageRoot + "/.build/debug"
    }()

    /// The package root, found from this file's path (`<root>/Tests/FunctionTests/Support.swift`).
    static let packageRoot: String = directory(of: directory(of: directory(of: "\(#filePath)")))

    static func executable(_ name: String) -> String { path + "/" + name }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

// MARK: Running a process

/// The outcome of one process.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String

    /// Standard output parsed as one JSON value.
    func json() throws -> JSONValue {
        do { return try JSONCoding.value(from: stdout) } catch {
            throw TestFailure("stdout is not JSON: \(String(decoding: stdout, as: UTF8.self)) stderr: \(stderr)")
        }
    }

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// stderr split into lines; each must be a JSON object (the log contract).
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs `executable` with exactly `environment`, `stdin` as its standard input, and waits for it.
func run(_ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [], environment: [String: String])
    throws -> ProcessResult
{
    let dir = try TempDir()
    defer { dir.remove() }
    let inPath = dir.path + "/stdin", outPath = dir.path + "/stdout", errPath = dir.path + "/stderr"
    guard FileManager.default.createFile(atPath: inPath, contents: Data(stdin)) else { throw TestFailure("stdin file") }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let out = FileManager.default.contents(atPath: outPath).map { Array($0) } ?? []
    let err = FileManager.default.contents(atPath: errPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
    return ProcessResult(status: exit, stdout: out, stderr: err)
}

/// A private temporary directory.
struct TempDir: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/wxpay-fn-tests-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestFailure("mkdtemp failed")
        }
        path = String(cString: p)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// The file's bytes, or `nil` when it does not exist.
    func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: path + "/" + name).map { Array($0) } }
}

// MARK: A tiny HTTP listener (forward_url target)

/// Accepts HTTP/1.1 requests on 127.0.0.1 and records them, answering each with `status`.
final class LocalHTTPListener: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]  // lower-cased names
        var body: [UInt8]
    }

    let port: UInt16
    private let fd: Int32
    private let status: Int
    private let lock = NSLock()
    private var received: [Request] = []
    private let done = DispatchSemaphore(value: 0)

    init(status: Int = 200) throws {
        self.status = status
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { throw TestFailure("socket failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) }
        }
        guard bound == 0, listen(sock, 16) == 0 else {
            close(sock)
            throw TestFailure("bind/listen failed")
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) }
        }
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    /// The URL to configure as `forward_url`.
    var url: String { "http://127.0.0.1:\(port)/hooks/wxpay" }

    /// Requests received so far.
    var requests: [Request] { lock.withLock { received } }

    /// Stops accepting and waits for the serving thread to finish.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        _ = done.wait(timeout: .now() + 2)
    }

    private func serve() {
        defer { done.signal() }
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if let request = readRequest(client) {
                lock.withLock { received.append(request) }
                let reason = status == 200 ? "OK" : "Error"
                let reply = "HTTP/1.1 \(status) \(reason)\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = System.writeAll(fd: client, Array(reply.utf8))
            }
            close(client)
        }
    }

    private func readRequest(_ client: Int32) -> Request? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        var contentLength = 0
        var head = ""
        var sentContinue = false
        while true {
            if let end = headerEnd {
                if data.count - end >= contentLength { break }
            }
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let range = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
                head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    let name = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" { contentLength = Int(value) ?? 0 }
                    if name == "expect", value.lowercased() == "100-continue", !sentContinue {
                        sentContinue = true
                        _ = System.writeAll(fd: client, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    }
                }
            }
        }
        guard let end = headerEnd else { return nil }
        let lines = head.split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return Request(method: requestLine.count > 0 ? String(requestLine[0]) : "",
                       path: requestLine.count > 1 ? String(requestLine[1]) : "",
                       headers: headers, body: Array(data[end..<(end + contentLength)]))
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
func closedPort() throws -> UInt16 {
    let listener = try LocalHTTPListener()
    let port = listener.port
    listener.stop()
    return port
}
