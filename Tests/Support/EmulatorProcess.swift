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

    /// Runs `init` then `serve`, and waits for the `listening` line.
    /// - Parameters:
    ///   - mode: `init --mode` (`public-key`, `certificate`, `both`), or the emulator's default when `nil`.
    ///   - notifyURL: the `notify_url` written into the secrets file.
    ///   - serveArguments: more `serve` options (`--no-deliver`, `--refund-delay 0.2`, ...).
    ///   - environment: the emulator's exact environment.
    ///   - startTimeout: seconds to wait for the `listening` line.
    /// - Throws: ``SetupFailure`` when `init` fails or no `listening` line comes.
    public init(mode: String? = nil, notifyURL: String, serveArguments: [String] = [],
                environment: [String: String] = [:], startTimeout: Double = 30) throws
    {
        let executable = try Executables.require("wxpay-emulator")
        directory = try TemporaryDirectory(prefix: "wxpay-emu")
        let initRun = try runProcess(
            executable, ["init", "--out", directory.path, "--notify-url", notifyURL] + (mode.map { ["--mode", $0] } ?? []),
            environment: environment)
        guard initRun.status == 0 else {
            directory.remove()
            throw SetupFailure("wxpay-emulator init failed: \(initRun)")
        }

        process = try ChildProcess(executable, ["serve", "--sandbox", directory.file("sandbox.json"), "--port", "0"]
                                       + serveArguments, environment: environment)
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
