/// The one error type every function reports: a stable code, a human message, whether a retry may help, the
/// process exit status (sysexits) and the HTTP status used inside an HTTP envelope.
///
/// Messages never contain secrets. Codes are documented in README.md and never change meaning.
public struct WxPayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable upper-snake-case code, e.g. `SIGNATURE_INVALID`.
    public let code: String
    /// A human sentence.
    public let message: String
    /// Whether the same call may succeed later.
    public let retryable: Bool
    /// Process exit status (sysexits.h).
    public let exitStatus: Int32
    /// HTTP status when answering inside an HTTP envelope.
    public let httpStatus: Int
    /// Extra, non-secret fields for the error object (e.g. `wechat_code`, `field`).
    public var details: [String: JSONValue]

    /// Creates an error.
    public init(
        code: String, message: String, retryable: Bool, exitStatus: Int32, httpStatus: Int,
        details: [String: JSONValue] = [:]
    ) {
        self.code = code
        self.message = message
        self.retryable = retryable
        self.exitStatus = exitStatus
        self.httpStatus = httpStatus
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    /// The `{"error": {...}}` object printed on failure.
    public var jsonObject: JSONValue {
        var error = details
        error["code"] = .string(code)
        error["message"] = .string(message)
        error["retryable"] = .bool(retryable)
        return .object(["error": .object(error)])
    }

    /// Returns a copy with an extra detail field.
    public func with(_ key: String, _ value: JSONValue) -> WxPayError {
        var copy = self
        copy.details[key] = value
        return copy
    }
}

/// Exit statuses (sysexits.h) as the contract lists them.
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let businessError: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let unavailable: Int32 = 69
    public static let software: Int32 = 70
    public static let tempFail: Int32 = 75
    public static let noPermission: Int32 = 77
    public static let config: Int32 = 78
}

extension WxPayError {
    // MARK: Bad events (65)

    /// The event is not valid JSON.
    public static func notJSON(_ detail: String) -> WxPayError {
        WxPayError(code: "NOT_JSON", message: "the event is not valid JSON: \(detail)", retryable: false,
                   exitStatus: ExitStatus.dataError, httpStatus: 400)
    }
    /// The event (or an HTTP body) exceeds the size limit.
    public static func tooLarge(limit: Int) -> WxPayError {
        WxPayError(code: "EVENT_TOO_LARGE", message: "the event is larger than \(limit) bytes", retryable: false,
                   exitStatus: ExitStatus.dataError, httpStatus: 413)
    }
    /// The event has the wrong shape for this function.
    public static func badEvent(_ message: String) -> WxPayError {
        WxPayError(code: "BAD_EVENT", message: message, retryable: false, exitStatus: ExitStatus.dataError,
                   httpStatus: 400)
    }
    /// A field is missing or invalid.
    public static func invalidField(_ field: String, _ message: String) -> WxPayError {
        WxPayError(code: "INVALID_FIELD", message: "\(field): \(message)", retryable: false,
                   exitStatus: ExitStatus.dataError, httpStatus: 400, details: ["field": .string(field)])
    }
    /// A tool call names a tool this executable does not serve.
    public static func unknownTool(_ name: String, served: [String]) -> WxPayError {
        WxPayError(code: "UNKNOWN_TOOL",
                   message: "this executable serves \(served.joined(separator: ", ")), not \(name)",
                   retryable: false, exitStatus: ExitStatus.dataError, httpStatus: 400)
    }
    /// The same idempotency key was used with different parameters.
    public static func idempotencyConflict(_ message: String) -> WxPayError {
        WxPayError(code: "IDEMPOTENCY_CONFLICT", message: message, retryable: false,
                   exitStatus: ExitStatus.dataError, httpStatus: 409)
    }

    // MARK: Secrets (78)

    /// The secrets file does not exist or cannot be read.
    public static func secretsNotFound(_ path: String, _ reason: String) -> WxPayError {
        WxPayError(code: "SECRETS_NOT_FOUND", message: "secrets file \(path): \(reason)", retryable: false,
                   exitStatus: ExitStatus.config, httpStatus: 500)
    }
    /// The secrets file is unusable. `field` names the offending key; its value is never quoted.
    public static func secretsInvalid(_ field: String, _ reason: String) -> WxPayError {
        WxPayError(code: "SECRETS_INVALID", message: "secrets file field \(field): \(reason)", retryable: false,
                   exitStatus: ExitStatus.config, httpStatus: 500, details: ["field": .string(field)])
    }

    // MARK: Authentication (77)

    /// A signature (notification or answer) is missing, malformed or wrong.
    public static func authentication(_ code: String, _ message: String) -> WxPayError {
        WxPayError(code: code, message: message, retryable: false, exitStatus: ExitStatus.noPermission,
                   httpStatus: 401)
    }

    // MARK: WeChat Pay outcomes

    /// WeChat Pay refused the request for a business reason (exit 1).
    public static func wechatRefused(status: Int, wechatCode: String, message: String) -> WxPayError {
        WxPayError(code: "WECHAT_REFUSED", message: "WeChat Pay refused the request: \(wechatCode): \(message)",
                   retryable: false, exitStatus: ExitStatus.businessError, httpStatus: 502,
                   details: ["wechat_code": .string(wechatCode), "wechat_status": .int(Int64(status))])
    }
    /// WeChat Pay could not be reached, or answered 5xx after retries (exit 69).
    public static func unavailable(_ message: String) -> WxPayError {
        WxPayError(code: "WECHAT_UNAVAILABLE", message: message, retryable: true, exitStatus: ExitStatus.unavailable,
                   httpStatus: 503)
    }
    /// The invocation's deadline or a call's timeout elapsed (exit 75).
    public static func timedOut(_ message: String) -> WxPayError {
        WxPayError(code: "TIMED_OUT", message: message, retryable: true, exitStatus: ExitStatus.tempFail,
                   httpStatus: 504)
    }
    /// WeChat Pay rate-limited the call (exit 75).
    public static func rateLimited(_ message: String) -> WxPayError {
        WxPayError(code: "RATE_LIMITED", message: message, retryable: true, exitStatus: ExitStatus.tempFail,
                   httpStatus: 429)
    }
    /// A bug or an impossible state (exit 70).
    public static func internalError(_ message: String) -> WxPayError {
        WxPayError(code: "INTERNAL", message: message, retryable: false, exitStatus: ExitStatus.software,
                   httpStatus: 500)
    }
}
