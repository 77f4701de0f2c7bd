import Foundation
import WxPayCore
import WxPayHTTP

/// One `wxpay-emulator serve` process with its own freshly generated key set in a temporary directory, and the
/// secrets file the functions use to talk to it over loopback.
///
/// `init --out DIR` writes the key set; `serve --port 0` picks a free port and prints it; the secrets file's
/// `api_base` is then rewritten to that port (no port race).
final class Emulator: @unchecked Sendable {
    let directory: String
    let baseURL: String
    let secretsPath: String
    let secrets: Secrets
    private let process: ChildProcess

    /// Starts an emulator. `extra` are more `serve` options.
    init(extra: [String] = []) throws {
        let executable = try Binaries.emulator()
        directory = try TempDirectory.make("wxpay-client-emu")
        secretsPath = directory + "/secrets.json"
        // Nothing listens on port 9: payment notifications go nowhere (the functions under test do not need them).
        let initRun = try runProcess(executable, ["init", "--out", directory, "--notify-url",
                                                  "http://127.0.0.1:9/wxpay/notify"], environment: [:])
        guard initRun.status == 0 else { throw SetupError("wxpay-emulator init failed: \(initRun)") }

        process = try ChildProcess(executable, ["serve", "--sandbox", directory + "/sandbox.json", "--port", "0",
                                                "--notify-backoff", ""] + extra, environment: [:])
        var url: String? = nil
        let limit = Clock.now() + 30
        while url == nil && Clock.now() < limit {
            if let line = process.stdoutSoFar.split(separator: "\n").first,
               let value = try? JSONCoding.value(from: Array(line.utf8))
            {
                url = value["listening"]?.stringValue
            }
            guard url == nil else { break }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        guard let url else {
            let err = process.stderrSoFar
            process.terminate()
            throw SetupError("the emulator printed no listening line; stderr: \(err.suffix(2000))")
        }
        baseURL = url

        var file = try JSONCoding.value(from: try System.readFile(secretsPath)).objectValue ?? [:]
        file["api_base"] = .string(url)
        try Data(JSONCoding.encode(JSONValue.object(file))).write(to: URL(fileURLWithPath: secretsPath))
        secrets = try Secrets.parse(try System.readFile(secretsPath))
    }

    deinit { stop() }

    /// Stops the emulator (SIGTERM to its own pid) and removes its key set.
    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Running functions against it

    /// The environment a function runs with: the secrets file, and `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["WXPAY_SECRETS_FILE": secretsPath, "LOG_LEVEL": "info"].merging(extra) { $1 }
    }

    /// Runs the function executable `name` on `event` (any envelope) and waits for it.
    func run(_ name: String, _ event: JSONValue, env extra: [String: String] = [:]) throws -> ProcessResult {
        try spawn(name, event, env: extra).wait()
    }

    /// Runs the function executable `name` on raw event bytes.
    func run(_ name: String, bytes: [UInt8], env extra: [String: String] = [:]) throws -> ProcessResult {
        try ChildProcess(try Binaries.function(name), stdin: bytes, environment: environment(extra)).wait()
    }

    /// Starts the function executable `name` on `event` without waiting.
    func spawn(_ name: String, _ event: JSONValue, env extra: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(try Binaries.function(name), stdin: try JSONCoding.encode(event), environment: environment(extra))
    }

    // MARK: Control API

    /// Calls `/_emulator/...`; a non-200 answer is a setup error.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let bytes = try body.map { try JSONCoding.encode($0) } ?? []
        let response = try HTTPClient.send(HTTPRequest(
            method: method, url: baseURL + path, headers: [("Content-Type", "application/json")], body: bytes,
            totalTimeout: 10))
        let value = try JSONCoding.value(from: response.body)
        guard response.status == 200 else {
            throw SetupError("\(method) \(path) answered \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        return value
    }

    /// Every order the emulator holds.
    func orders() throws -> [JSONValue] { try control("GET", "/_emulator/orders")["orders"]?.arrayValue ?? [] }

    /// One order's control view.
    func order(_ outTradeNo: String) throws -> JSONValue { try control("GET", "/_emulator/orders/\(outTradeNo)") }

    /// Every refund the emulator holds, with the reason it received.
    func refunds() throws -> [JSONValue] { try control("GET", "/_emulator/refunds")["refunds"]?.arrayValue ?? [] }

    /// Counters: prepay_requests, orders_created, refund_requests, refunds_created.
    func stats() throws -> JSONValue { try control("GET", "/_emulator/stats") }

    /// Pays an order as the user would.
    @discardableResult
    func pay(_ outTradeNo: String) throws -> JSONValue {
        try control("POST", "/_emulator/orders/\(outTradeNo)/pay", [:])
    }

    /// Expires an unpaid order now.
    func expire(_ outTradeNo: String) throws {
        try control("POST", "/_emulator/orders/\(outTradeNo)/expire", [:])
    }

    /// Queues a fault: `{"kind", "count"?, "delay_ms"?, "path_prefix"?, "when"?}`.
    func inject(_ rule: JSONValue) throws { try control("POST", "/_emulator/faults", rule) }

    /// How many faults of `kind` fired so far.
    func faultsFired(_ kind: String) throws -> Int64 {
        try control("GET", "/_emulator/faults")["fired"]?[kind]?.intValue ?? 0
    }

    /// Arms a tripwire that counts every merchant API call (a zero-length delay on every path) without changing
    /// anything; ``callsSeen()`` then tells whether a function called WeChat Pay at all.
    func armTripwire() throws {
        try inject(["kind": "delay", "delay_ms": 0, "count": 10_000])
    }

    /// Merchant API calls since ``armTripwire()``.
    func callsSeen() throws -> Int64 { try faultsFired("delay") }
}
