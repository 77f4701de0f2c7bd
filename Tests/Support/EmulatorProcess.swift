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
import WxPayHTTP

/// One `wxpay-emulator serve` process with its own freshly generated key set in a private temporary directory.
///
/// `init --out DIR` writes the key set (`secrets.json` for the merchant, `sandbox.json` for the emulator);
/// `serve --port 0` picks a free port and prints `{"listening":"http://127.0.0.1:<port>",...}` as its first line;
/// the secrets file's `api_base` is then rewritten to that URL (no port race).
public final class EmulatorProcess: @unchecked Sendable {
    /// The key set's directory.
    public let directory: TemporaryDirectory
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    private let process: ChildProcess

    /// The merchant's secrets file (`api_base` points at ``baseURL``).
    public var secretsPath: String { directory.file("secrets.json") }
    /// The emulator's own key set.
    public var sandboxPath: String { directory.file("sandbox.json") }
    /// `serve --request-log`: every merchant API request as it arrived, and its answer (`nil`: not recorded).
    public let requestLogPath: String?

    /// Runs `init` then `serve`, and waits for the `listening` line.
    /// - Parameters:
    ///   - mode: `init --mode` (`public-key`, `certificate`, `both`), or the emulator's default when `nil`.
    ///   - notifyURL: the `notify_url` written into the secrets file.
    ///   - serveArguments: more `serve` options (`--no-deliver`, `--refund-delay 0.2`, ...).
    ///   - environment: the emulator's exact environment.
    ///   - startTimeout: seconds to wait for the `listening` line.
    ///   - requestLog: record the wire in `requests.ndjson` (``requests()``).
    /// - Throws: ``SetupFailure`` when `init` fails or no `listening` line comes.
    public init(mode: String? = nil, notifyURL: String, serveArguments: [String] = [],
                environment: [String: String] = [:], startTimeout: Double = 30, requestLog: Bool = false) throws
    {
        let executable = try Executables.require("wxpay-emulator")
        let directory = try TemporaryDirectory(prefix: "wxpay-emu")
        self.directory = directory
        requestLogPath = requestLog ? directory.file("requests.ndjson") : nil
        let initRun = try runProcess(
            executable, ["init", "--out", directory.path, "--notify-url", notifyURL] + (mode.map { ["--mode", $0] } ?? []),
            environment: environment)
        guard initRun.status == 0 else {
            directory.remove()
            throw SetupFailure("wxpay-emulator init failed: \(initRun)")
        }

        process = try ChildProcess(executable, ["serve", "--sandbox", directory.file("sandbox.json"), "--port", "0"]
                                       + (requestLogPath.map { ["--request-log", $0] } ?? []) + serveArguments,
                                   environment: environment)
        var url: String? = nil
        let limit = MonotonicClock.now() + startTimeout
        while url == nil, MonotonicClock.now() < limit {
            if let line = process.stdoutSoFar.split(separator: "\n").first,
               let value = try? JSONCoding.value(from: Array(line.utf8))
            {
                url = value["listening"]?.stringValue
            }
            guard url == nil, process.isRunning else { break }
            usleep(20_000)
        }
        guard let url else {
            let err = process.stderrSoFar
            let result = process.terminate()
            directory.remove()
            throw SetupFailure("the emulator printed no listening line; stderr: \((err + result.stderr).suffix(2000))")
        }
        baseURL = url
        try rewriteSecrets { $0["api_base"] = .string(url) }
    }

    deinit { stop() }

    /// Stops the emulator (SIGTERM to its own pid) and removes its key set.
    public func stop() {
        process.terminate()
        directory.remove()
    }

    /// Lines the emulator printed on stdout so far.
    public var stdoutLines: [String] { process.stdoutSoFar.split(separator: "\n").map(String.init) }

    /// Lines the emulator logged on stderr so far.
    public var stderrLines: [String] { process.stderrSoFar.split(separator: "\n").map(String.init) }

    /// What the request log holds so far: each merchant API request as it arrived (method, target, body), with the
    /// status it was answered with (`nil` while unanswered), in arrival order.
    /// - Throws: ``SetupFailure`` when the emulator was started without a request log, or a line is not JSON.
    public func requests() throws -> [LoggedRequest] {
        guard let requestLogPath else { throw SetupFailure("the emulator was started without --request-log") }
        let text = (try? String(contentsOfFile: requestLogPath, encoding: .utf8)) ?? ""
        var requests: [LoggedRequest] = []
        var index: [Int64: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let value = try? JSONCoding.value(from: Array(line.utf8)), let seq = value["seq"]?.intValue else {
                throw SetupFailure("request log line is not a JSON object with a seq: \(line)")
            }
            if let status = value["answer"]?.intValue {
                guard let i = index[seq] else { throw SetupFailure("an answer to an unlogged request: \(line)") }
                requests[i].status = Int(status)
                requests[i].code = value["code"]?.stringValue
            } else {
                guard let method = value["method"]?.stringValue, let target = value["target"]?.stringValue else {
                    throw SetupFailure("request log line without method and target: \(line)")
                }
                index[seq] = requests.count
                requests.append(LoggedRequest(seq: seq, method: method, target: target,
                                              body: value["body"]?.stringValue))
            }
        }
        return requests
    }

    /// The merchant's secrets, parsed from ``secretsPath``.
    public func secrets() throws -> Secrets { try Secrets.parse(System.readFile(secretsPath)) }

    /// Edits the secrets file in place, written beside and renamed as a secrets manager would (a reader never sees
    /// half a file).
    public func rewriteSecrets(_ edit: (inout [String: JSONValue]) -> Void) throws {
        guard var object = try JSONCoding.value(from: System.readFile(secretsPath)).objectValue else {
            throw SetupFailure("secrets.json is not an object")
        }
        edit(&object)
        let temporary = secretsPath + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(try JSONCoding.encode(JSONValue.object(object))))
        else { throw SetupFailure("cannot write \(temporary)") }
        guard rename(temporary, secretsPath) == 0 else { throw SetupFailure("cannot rename the secrets file") }
    }

    /// Calls the unauthenticated control API (`/_emulator/...`) and parses the answer, whatever its status.
    /// `body` `nil` sends no body.
    @discardableResult
    public func control(_ method: String, _ path: String, _ body: JSONValue? = nil, timeout: Double = 10) throws
        -> (status: Int, json: JSONValue)
    {
        let bytes = try body.map { try JSONCoding.encode($0) } ?? []
        let response = try HTTPClient.send(HTTPRequest(
            method: method, url: baseURL + path, headers: [("Content-Type", "application/json")], body: bytes,
            totalTimeout: timeout))
        return (response.status, try JSONCoding.value(from: response.body))
    }
}

/// One merchant API request from the emulator's request log (`serve --request-log`).
public struct LoggedRequest: Sendable {
    public var seq: Int64
    public var method: String
    /// The path and query as sent.
    public var target: String
    /// The body as text (`nil` when it was not read).
    public var body: String?
    /// The HTTP status it was answered with (0: the connection was reset; `nil`: not answered yet).
    public var status: Int?
    /// WeChat's error code in the answer, if any.
    public var code: String?

    /// The body parsed as JSON (`nil` when absent or not JSON).
    public var json: JSONValue? { body.flatMap { try? JSONCoding.value(from: Array($0.utf8)) } }
}
