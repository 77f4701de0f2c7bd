import Foundation
import KitCore
import WxPayCore
import WxPayTestSupport

/// One `wxpay-emulator serve` process with its own freshly generated key set (``EmulatorProcess``), and the
/// secrets file the functions use to talk to it over loopback.
final class Emulator: @unchecked Sendable {
    /// The process, its key set and the rewritten secrets file.
    let process: EmulatorProcess
    /// The merchant's secrets (`api_base` is ``baseURL``).
    let secrets: Secrets
    /// The key set's directory.
    var directory: String { process.directory.path }
    /// `http://127.0.0.1:<port>`.
    var baseURL: String { process.baseURL }
    /// The merchant's secrets file.
    var secretsPath: String { process.secretsPath }

    /// Starts an emulator. `extra` are more `serve` options. Notifications go to port 9, where nothing listens (the
    /// functions under test do not need them), and are not retried. Every merchant API request is recorded as it
    /// arrives (``requests()``).
    init(extra: [String] = [], mode: String? = nil) throws {
        process = try EmulatorProcess(mode: mode, notifyURL: "http://127.0.0.1:9/wxpay/notify",
                                      serveArguments: ["--notify-backoff", ""] + extra, requestLog: true)
        secrets = try process.secrets()
    }

    /// Stops the emulator (SIGTERM to its own pid) and removes its key set.
    func stop() { process.stop() }

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
        try ChildProcess(try Executables.require(name), stdin: bytes, environment: environment(extra)).wait()
    }

    /// Starts the function executable `name` on `event` without waiting.
    func spawn(_ name: String, _ event: JSONValue, env extra: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(try Executables.require(name), stdin: try JSONCoding.encode(event), environment: environment(extra))
    }

    // MARK: The wire

    /// Every merchant API request that reached the emulator, with its answer, from the emulator's raw request log
    /// (written before a request is handled, apart from the emulator's books).
    func requests() throws -> [LoggedRequest] { try process.requests() }

    // MARK: Control API

    /// Calls `/_emulator/...`; a non-200 answer is a setup error.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let (status, value) = try process.control(method, path, body)
        guard status == 200 else {
            throw SetupFailure("\(method) \(path) answered \(status): \(value)")
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
