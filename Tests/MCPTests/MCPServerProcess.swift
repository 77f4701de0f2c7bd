#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import Logging
import MCP
import SystemPackage
import WxPayCore
import WxPayTestSupport

/// A `wxpay-mcp` child process whose stdin and stdout are pipes held by the test, and whose stderr goes to a file.
final class MCPServerProcess: @unchecked Sendable {
    let process = Process()
    let toServer = Pipe()
    let fromServer = Pipe()
    let stderrPath: String

    /// Starts `wxpay-mcp` with exactly `environment` (plus `PATH`) and `arguments`.
    init(environment: [String: String], arguments: [String] = [], in directory: TemporaryDirectory) throws {
        stderrPath = directory.path + "/mcp-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Executables.path("wxpay-mcp"))
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine }
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// A transport for the SDK's `Client` over this child's pipes: the SDK's own stdio transport, pointed at
    /// the ends the test holds.
    func transport() -> StdioTransport {
        StdioTransport(input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
                       output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor),
                       logger: Logger(label: "mcp-test-client") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Connects an SDK client (this runs `initialize` and `notifications/initialized`).
    func connectClient() async throws -> (Client, Initialize.Result) {
        let client = Client(name: "wxpay-mcp-tests", version: "1.0")
        let result = try await client.connect(transport: transport())
        return (client, result)
    }

    /// Closes the server's stdin (the host went away) and waits for it to exit.
    /// - Returns: the exit status.
    @discardableResult
    func finish(timeout: Double = 10) -> Int32 {
        try? toServer.fileHandleForWriting.close()
        let limit = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < limit { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    /// What the server logged on stderr.
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    // MARK: Hand-driven JSON-RPC

    /// Writes one JSON-RPC message (one line).
    func send(_ message: JSONValue) throws {
        var bytes = try JSONCoding.encode(message)
        bytes.append(0x0A)
        try toServer.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    /// Every line the server wrote on stdout since it started — the lines ``response(id:timeout:)`` already read
    /// included — reading until it closes stdout (after ``finish(timeout:)``).
    func readAllStdout() -> [String] {
        partial.append(contentsOf: fromServer.fileHandleForReading.readDataToEndOfFile())
        transcript += String(decoding: partial, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
        partial.removeAll()
        return transcript
    }

    /// Reads stdout lines until one is the response with `id`, or `timeout` passes.
    func response(id: Int, timeout: Double = 20) throws -> JSONValue {
        let fd = fromServer.fileHandleForReading.fileDescriptor
        let limit = Date().addingTimeInterval(timeout)
        while Date() < limit {
            if let line = pendingLines.first {
                pendingLines.removeFirst()
                let value = try JSONCoding.value(from: Array(line.utf8))
                if value["id"]?.intValue == Int64(id) { return value }
                continue
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            partial.append(contentsOf: buffer[0..<n])
            while let newline = partial.firstIndex(of: 0x0A) {
                let line = String(decoding: partial[..<newline], as: UTF8.self)
                pendingLines.append(line)
                if !line.isEmpty { transcript.append(line) }
                partial.removeSubrange(...newline)
            }
        }
        throw SetupFailure("no response with id \(id); stderr: \(stderr)")
    }

    private var partial: [UInt8] = []
    private var pendingLines: [String] = []
    /// Every non-empty stdout line read so far.
    private var transcript: [String] = []
}

extension JSONValue {
    /// A JSON-RPC 2.0 request.
    static func rpc(_ id: Int, _ method: String, _ params: JSONValue = [:]) -> JSONValue {
        ["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params]
    }

    /// A JSON-RPC 2.0 notification.
    static func notification(_ method: String) -> JSONValue { ["jsonrpc": "2.0", "method": .string(method)] }
}
