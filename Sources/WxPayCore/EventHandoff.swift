import KitCore
import WxPayHTTP

/// Hands an accepted event on: appended to an NDJSON file and/or POSTed, signed, to `forward_url`.
///
/// If any configured hand-off fails the caller must answer WeChat with a 5xx, so WeChat retries: an acknowledged
/// event is never lost. Consumers therefore see duplicates and deduplicate by the event `id`.
public struct EventHandoff: Sendable {
    /// NDJSON file to append to (`WXPAY_EVENTS_FILE`).
    public var eventsFile: String?
    /// URL to POST to (`forward_url` in the secrets file).
    public var forwardURL: String?
    /// HMAC key for `Wxpay-Agent-Signature`.
    var forwardSecret: [UInt8]?
    /// Upper bound for the forward POST, seconds (further bounded by the invocation deadline).
    public var forwardTimeout: Double
    /// Transforms each events-file line before it is written (SM4 sealing when `WXPAY_EVENTS_SEAL=sm4`).
    public var lineTransform: (@Sendable ([UInt8]) throws(WxPayError) -> [UInt8])?
    /// The warm server's group commit for `eventsFile` (used when its path is `eventsFile`): the line is written
    /// with the others that arrive meanwhile, one `fsync` for all. `nil` (the executables): each line on its own.
    public var groupCommit: GroupCommitAppender?

    /// The hand-offs configured by the environment and the secrets file.
    public init(environment: [String: String], secrets: Secrets) {
        eventsFile = environment["WXPAY_EVENTS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        forwardURL = secrets.forwardURL
        forwardSecret = secrets.forwardSecretBytes
        forwardTimeout = environment["WXPAY_FORWARD_TIMEOUT_MS"]
            .flatMap { Untrusted.integer($0, in: 1...60_000) }.map { Double($0) / 1000 } ?? 0.3
    }

    /// Whether anything besides the answer itself receives the event.
    public var isConfigured: Bool { eventsFile != nil || forwardURL != nil }

    /// Performs every configured hand-off.
    /// - Throws: `HANDOFF_FAILED` (exit 69, retryable) naming which hand-off failed.
    public func deliver(_ event: JSONValue, now: Int64, deadline: Deadline) throws(WxPayError) {
        let body: [UInt8]
        do { body = try JSONCoding.encode(event) } catch { throw .internalError("cannot encode the event") }
        if let eventsFile {
            let line = try lineTransform?(body) ?? body
            do {
                if let groupCommit, groupCommit.path == eventsFile {
                    try groupCommit.append(line)
                } else {
                    try System.appendLine(path: eventsFile, line)
                }
            } catch {
                throw EventHandoff.failure("appending to WXPAY_EVENTS_FILE failed: \(error.reason)")
            }
        }
        if let forwardURL, let forwardSecret {
            let timeout = min(forwardTimeout, deadline.remaining)
            guard timeout > 0.01 else { throw EventHandoff.failure("no time left to forward the event") }
            let request = HTTPRequest(
                method: "POST", url: forwardURL,
                headers: [("Content-Type", "application/json"),
                          ("Wxpay-Agent-Signature", ForwardSignature.header(secret: forwardSecret, timestamp: now, body: body)),
                          ("User-Agent", "wxpay-agent-kit-webhook")],
                body: body, connectTimeout: timeout, totalTimeout: timeout)
            let response: HTTPResponse
            do { response = try HTTPClient.send(request) } catch {
                throw EventHandoff.failure("forwarding to forward_url failed: \(error.message)")
            }
            guard (200..<300).contains(response.status) else {
                throw EventHandoff.failure("forward_url answered HTTP \(response.status)")
            }
        }
    }

    static func failure(_ message: String) -> WxPayError {
        WxPayError(code: "HANDOFF_FAILED", message: message + "; answering 500 so that WeChat Pay retries",
                   retryable: true, exitStatus: ExitStatus.unavailable, httpStatus: 500)
    }
}
