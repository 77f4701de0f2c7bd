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
import WxPayCrypto
import WxPayHTTP

/// A failure in a test's own setup.
struct SetupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where the built `wxpay-emulator` is: `WXPAY_BIN_DIR`, else next to the running test bundle (same scratch path),
/// else `<package>/.build/debug`.
enum EmulatorBinary {
    static let path: String = {
        let name = "wxpay-emulator"
        if let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty { return dir + "/" + name }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent)
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") {
            candidates.append((first as NSString).deletingLastPathComponent)
        }
        for c in candidates where c.contains(".xctest/") {
            candidates.append((String(c[..<c.range(of: ".xctest/")!.lowerBound]) as NSString).deletingLastPathComponent)
        }
        let root = ((("\(#filePath)" as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
            as NSString).deletingLastPathComponent
        candidates.append(root + "/.build/debug")
        let dir = candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) } ?? candidates.last!
        return dir + "/" + name
    }()
}

/// A running `wxpay-emulator serve` process with a fresh key set, and a signing client for it — driven the way a
/// real merchant client would: signed requests over loopback, answers verified with the platform key.
final class RunningEmulator: @unchecked Sendable {
    let directory: String
    let process: Process
    let baseURL: String
    let secrets: Secrets
    let signer: RequestSigner
    let mode: String

    /// Runs `init` then `serve --port 0 ...extra`, and waits for the `listening` line.
    init(mode: String = "public-key", notifyURL: String = "http://127.0.0.1:9/wxpay/notify", extra: [String] = [])
        throws
    {
        directory = NSTemporaryDirectory() + "wxpay-emu-" + UUID().uuidString
        self.mode = mode
        let initRun = try Self.runToEnd(["init", "--out", directory, "--mode", mode, "--notify-url", notifyURL])
        guard initRun.status == 0 else { throw SetupFailure("init failed: \(initRun.stderr)") }

        process = Process()
        process.executableURL = URL(fileURLWithPath: EmulatorBinary.path)
        process.arguments = ["serve", "--sandbox", directory + "/sandbox.json", "--port", "0"] + extra
        FileManager.default.createFile(atPath: directory + "/stdout", contents: nil)
        FileManager.default.createFile(atPath: directory + "/stderr", contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stdout"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/stderr"))
        try process.run()

        var url: String? = nil
        let limit = Date().addingTimeInterval(20)
        while url == nil, Date() < limit, process.isRunning {
            if let first = Self.lines(directory + "/stdout").first,
               let value = try? JSONCoding.value(from: Array(first.utf8)) {
                url = value["listening"]?.stringValue
            }
            if url == nil { usleep(20_000) }
        }
        guard let url else {
            process.terminate()
            throw SetupFailure("no listening line; stderr: \((try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "")")
        }
        baseURL = url
        // The secrets file names the default port; point this client at the real one.
        secrets = try Secrets.parse(try System.readFile(directory + "/secrets.json"))
        signer = RequestSigner(secrets: secrets)
    }

    deinit { stop() }

    /// Stops the process (SIGTERM) and removes its files.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Lines the emulator printed on stdout so far.
    var stdoutLines: [String] { Self.lines(directory + "/stdout") }
    /// Lines the emulator logged on stderr so far.
    var stderrLines: [String] { Self.lines(directory + "/stderr") }

    // MARK: Merchant API (signed)

    /// Sends a signed merchant API request. `path` includes any `?query`.
    func call(_ method: String, _ path: String, json: JSONValue? = nil, rawBody: [UInt8]? = nil,
              authorization: String?? = nil, timeout: Double = 10) throws -> HTTPResponse
    {
        let body = try rawBody ?? json.map { try JSONCoding.encode($0) } ?? []
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
        switch authorization {
        case .none:
            headers.append(("Authorization", try signer.authorization(
                method: method, canonicalURL: path, body: body, timestamp: System.unixTime(),
                nonce: SecureRandom.alphanumeric(32))))
        case .some(.some(let value)): headers.append(("Authorization", value))
        case .some(.none): break
        }
        return try HTTPClient.send(HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body,
                                               totalTimeout: timeout))
    }

    /// Whether the answer's `Wechatpay-*` signature verifies against the merchant's secrets.
    func verify(_ response: HTTPResponse) throws(WxPayError) {
        try SignatureVerifier.verify(SignedHeaders(lookup: response.header), body: response.body, secrets: secrets,
                                     now: System.unixTime())
    }

    /// The answer body as JSON (after checking its signature).
    func verifiedJSON(_ response: HTTPResponse) throws -> JSONValue {
        try verify(response)
        return try JSONCoding.value(from: response.body)
    }

    /// A native prepay body.
    func nativeOrder(_ outTradeNo: String, total: Int64 = 1999, attach: String? = nil,
                     notifyURL: String? = nil, timeExpire: String? = nil) -> JSONValue
    {
        var o: [String: JSONValue] = [
            "appid": .string(secrets.appid), "mchid": .string(secrets.mchid), "description": "Agent order",
            "out_trade_no": .string(outTradeNo), "notify_url": .string(notifyURL ?? secrets.notifyURL ?? ""),
            "amount": ["total": .int(total), "currency": "CNY"],
        ]
        if let attach { o["attach"] = .string(attach) }
        if let timeExpire { o["time_expire"] = .string(timeExpire) }
        return .object(o)
    }

    // MARK: Control API (unauthenticated)

    /// Calls the control API and parses the answer.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> (status: Int, json: JSONValue) {
        let bytes = try body.map { try JSONCoding.encode($0) } ?? []
        let response = try HTTPClient.send(HTTPRequest(method: method, url: baseURL + path,
                                                       headers: [("Content-Type", "application/json")], body: bytes))
        return (response.status, try JSONCoding.value(from: response.body))
    }

    /// Polls `/_emulator/notifications` until `predicate` holds for the list, or `timeout` passes.
    func waitForNotifications(timeout: Double = 10, _ predicate: ([JSONValue]) -> Bool) throws -> [JSONValue] {
        let limit = Date().addingTimeInterval(timeout)
        var list: [JSONValue] = []
        repeat {
            list = try control("GET", "/_emulator/notifications").json["notifications"]?.arrayValue ?? []
            if predicate(list) { return list }
            usleep(50_000)
        } while Date() < limit
        return list
    }

    // MARK: Helpers

    static func runToEnd(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: EmulatorBinary.path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// A unique, valid `out_trade_no`.
func uniqueTradeNo(_ prefix: String = "T") -> String {
    prefix + SecureRandom.alphanumeric(20)
}

/// Parses a response body as JSON without checking anything.
func json(_ response: HTTPResponse) throws -> JSONValue { try JSONCoding.value(from: response.body) }

/// An HTTP receiver on 127.0.0.1 for notifications: records every request and answers the statuses in `script`
/// in turn (the last one repeats).
final class NotificationSink: @unchecked Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let port: UInt16
    private let fd: Int32
    private let script: [Int]
    private let lock = NSLock()
    private var received: [Received] = []
    private let finished = DispatchSemaphore(value: 0)

    init(answering script: [Int] = [200]) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupFailure("socket") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard ok == 0, listen(fd, 32) == 0 else {
            close(fd)
            throw SetupFailure("bind/listen")
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        self.fd = fd
        Thread { [self] in self.serve() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)/wxpay/notify" }
    var requests: [Received] { lock.withLock { received } }

    /// Waits until at least `count` requests arrived.
    func wait(for count: Int, timeout: Double = 10) -> [Received] {
        let limit = Date().addingTimeInterval(timeout)
        while requests.count < count, Date() < limit { usleep(20_000) }
        return requests
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        _ = finished.wait(timeout: .now() + 2)
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
                let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = System.writeAll(fd: client, Array(reply.utf8))
            }
            close(client)
        }
    }

    private func read(_ client: Int32) -> Received? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        var length = 0
        var headers: [String: String] = [:]
        var path = ""
        while headerEnd.map({ data.count - $0 < length }) ?? true {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            data.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let r = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = r.upperBound
                let lines = String(decoding: data[..<r.lowerBound], as: UTF8.self).split(separator: "\r\n")
                path = lines.first.map { String($0.split(separator: " ").dropFirst().first ?? "") } ?? ""
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                length = Int(headers["content-length"] ?? "0") ?? 0
            }
        }
        guard let end = headerEnd else { return nil }
        return Received(path: path, headers: headers, body: Array(data[end..<(end + length)]))
    }
}
