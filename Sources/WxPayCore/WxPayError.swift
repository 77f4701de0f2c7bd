import KitCore

/// The function error as the WeChat Pay layers name it; this file adds the codes of WeChat Pay outcomes, secrets and
/// signatures.
public typealias WxPayError = FunctionError

extension WxPayError {
    // MARK: Payments (65)

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

    /// `WXPAY_SECRETS_URL` (or `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`) does not name a usable secrets source.
    static func secretsSourceInvalid(_ message: String) -> WxPayError {
        WxPayError(code: "SECRETS_SOURCE_INVALID", message: message, retryable: false,
                   exitStatus: ExitStatus.config, httpStatus: 500)
    }
    /// The AWS Parameters and Secrets Lambda Extension could not hand the secrets over (unreachable, timed out,
    /// refused). `retryable` when a later call may succeed (transport failures, 5xx, throttling).
    static func secretsUnavailable(_ message: String, retryable: Bool) -> WxPayError {
        WxPayError(code: "SECRETS_UNAVAILABLE", message: message, retryable: retryable,
                   exitStatus: ExitStatus.config, httpStatus: retryable ? 503 : 500)
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
}
