#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import WxPayCore
import WxPayHTTP

/// A failure in a test's own setup.
struct SetupFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: Built executables

/// Where the built executables are: `WXPAY_BIN_DIR`, else next to the running test bundle (SwiftPM puts it beside
/// the products of the same scratch path), else `<package>/.build/debug`.
enum BinDir {
    static let path: String = {
        if let dir = ProcessInfo.processInfo.environment["WXPAY_BIN_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(directory(of: exe))
        }
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { candidates.append(directory(of: first)) }
        for c in candidates where c.contains(".xctest/") {  // macOS: <scratch>/debug/<name>.xctest/Contents/MacOS
            candidates.append(directory(of: String(c[..<c.range(of: ".xctest/")!.lowerBound])))
        }
        candidates.append(packageRoot + "/.build/debug")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/wxpay-mcp") }
            ?? candidates.last!
    }()

    /// The package root, found from this file's path (`<root>/Tests/MCPTests/Support.swift`).
    static let packageRoot: String = directory(of: directory(of: directory(of: "\(#filePath)")))

    static func executable(_ name: String) -> String { path + "/" + name }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

/// A private temporary directory, removed by ``remove()``.
struct TempDir: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/wxpay-mcp-tests-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupFailure("mkdtemp failed")
        }
        path = String(cString: p)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: The emulator

/// A running `wxpay-emulator serve` with a fresh key set, and a merchant secrets file that points at it.
final class EmulatorProcess: @unchecked Sendable {
    let directory: TempDir
    let process: Process
    /// `http://127.0.0.1:<port>`.
    let baseURL: String
    /// The merchant's secrets file (`api_base` rewritten to ``baseURL``).
    var secretsPath: String { directory.path + "/secrets.json" }

    init() throws {
        directory = try TempDir()
        let initRun = try Self.runToEnd(BinDir.executable("wxpay-emulator"),
                                        ["init", "--out", directory.path, "--notify-url", "http://127.0.0.1:9/notify"])
        guard initRun.status == 0 else { throw SetupFailure("wxpay-emulator init failed: \(initRun.stderr)") }

        process = Process()
        process.executableURL = URL(fileURLWithPath: BinDir.executable("wxpay-emulator"))
        process.arguments = ["serve", "--sandbox", directory.path + "/sandbox.json", "--port", "0", "--no-deliver",
                             "--refund-delay", "0.2"]
        let out = directory.path + "/emulator.out", err = directory.path + "/emulator.err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()

        var url: String? = nil
        let limit = Date().addingTimeInterval(30)
        while url == nil, Date() < limit, process.isRunning {
            let first = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n").first
            url = first.flatMap { try? JSONCoding.value(from: Array($0.utf8)) }?["listening"]?.stringValue
            if url == nil { usleep(20_000) }
        }
        guard let url else {
            if process.isRunning { process.terminate() }
            throw SetupFailure("the emulator did not start: \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        }
        baseURL = url
        try rewriteSecrets { $0["api_base"] = .string(url) }
    }

    deinit { stop() }

    /// Stops the emulator and removes its files.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Edits the secrets file in place (the MCP server reads it anew on every call).
    func rewriteSecrets(_ edit: (inout [String: JSONValue]) -> Void) throws {
        guard var object = try JSONCoding.value(from: System.readFile(secretsPath)).objectValue else {
            throw SetupFailure("secrets.json is not an object")
        }
        edit(&object)
        let bytes = try JSONCoding.encode(JSONValue.object(object))
        // Write beside and rename, as a secrets manager would: a reader never sees half a file.
        let temporary = secretsPath + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw SetupFailure("cannot write \(temporary)")
        }
        guard rename(temporary, secretsPath) == 0 else { throw SetupFailure("cannot rename the secrets file") }
    }

    /// Calls the control API (`/_emulator/...`) and parses the answer.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue = [:]) throws -> (status: Int, json: JSONValue) {
        let response = try HTTPClient.send(HTTPRequest(
            method: method, url: baseURL + path, headers: [("Content-Type", "application/json")],
            body: try JSONCoding.encode(body), totalTimeout: 10))
        return (response.status, try JSONCoding.value(from: response.body))
    }

    /// Runs a short-lived process to its end.
    static func runToEnd(_ executable: String, _ arguments: [String]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
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
}
