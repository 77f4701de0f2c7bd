#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayTestSupport

/// A running `wxpay-emulator serve` process with a fresh key set, and a signing client for it — driven the way a
/// real merchant client would: signed requests over loopback, answers verified with the platform key.
final class RunningEmulator: @unchecked Sendable {
    /// The process and its key set.
    let emulator: EmulatorProcess
    let baseURL: String
    let secrets: Secrets
    let signer: RequestSigner
    let mode: String

    /// Runs `init --mode mode` then `serve --port 0 ...extra`, and waits for the `listening` line.
    /// `requestLog`: also `--request-log` (``EmulatorProcess/requests()``).
    init(mode: String = "public-key", notifyURL: String = "http://127.0.0.1:9/wxpay/notify", extra: [String] = [],
         requestLog: Bool = false) throws
    {
        self.mode = mode
        emulator = try EmulatorProcess(mode: mode, notifyURL: notifyURL, serveArguments: extra,
                                       environment: ProcessInfo.processInfo.environment, requestLog: requestLog)
        baseURL = emulator.baseURL
        secrets = try emulator.secrets()
        signer = RequestSigner(secrets: secrets)
    }

    /// Stops the process (SIGTERM) and removes its files.
    func stop() { emulator.stop() }

    /// Lines the emulator printed on stdout so far.
    var stdoutLines: [String] { emulator.stdoutLines }
    /// Lines the emulator logged on stderr so far.
    var stderrLines: [String] { emulator.stderrLines }

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
        try emulator.control(method, path, body)
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

    /// Runs `wxpay-emulator arguments...` to its end (for `init` and bad command lines).
    static func runToEnd(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try runProcess(Executables.require("wxpay-emulator"), arguments,
                                    environment: ProcessInfo.processInfo.environment)
        return (result.status, result.stdoutText, result.stderr)
    }
}

/// A unique, valid `out_trade_no`.
func uniqueTradeNo(_ prefix: String = "T") -> String {
    prefix + SecureRandom.alphanumeric(20)
}

/// Parses a response body as JSON without checking anything.
func json(_ response: HTTPResponse) throws -> JSONValue { try JSONCoding.value(from: response.body) }
