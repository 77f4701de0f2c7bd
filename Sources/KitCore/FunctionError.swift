/// The one error type every function reports (WxPayCore names it `WxPayError`): a stable code, a human message,
/// whether a retry may help, the process exit status (sysexits) and the HTTP status used inside an HTTP envelope.
///
/// Messages never contain secrets. Codes are documented in README.md and never change meaning. The codes of a
/// malformed event live here; WxPayCore adds those of WeChat Pay.
public struct FunctionError: Error, Sendable, Equatable, CustomStringConvertible {
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
    public func with(_ key: String, _ value: JSONValue) -> FunctionError {
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

extension FunctionError {
    // MARK: Bad events (65)

    /// The event is not valid JSON.
    public static func notJSON(_ detail: String) -> FunctionError {
        FunctionError(code: "NOT_JSON", message: "the event is not valid JSON: \(detail)", retryable: false,
                      exitStatus: ExitStatus.dataError, httpStatus: 400)
    }
    /// The event (or an HTTP body) exceeds the size limit.
    public static func tooLarge(limit: Int) -> FunctionError {
        FunctionError(code: "EVENT_TOO_LARGE", message: "the event is larger than \(limit) bytes", retryable: false,
                      exitStatus: ExitStatus.dataError, httpStatus: 413)
    }
    /// The event has the wrong shape for this function.
    public static func badEvent(_ message: String) -> FunctionError {
        FunctionError(code: "BAD_EVENT", message: message, retryable: false, exitStatus: ExitStatus.dataError,
                      httpStatus: 400)
    }
    /// A field is missing or invalid.
    public static func invalidField(_ field: String, _ message: String) -> FunctionError {
        FunctionError(code: "INVALID_FIELD", message: "\(field): \(message)", retryable: false,
                      exitStatus: ExitStatus.dataError, httpStatus: 400, details: ["field": .string(field)])
    }
    /// A tool call names a tool this executable does not serve.
    public static func unknownTool(_ name: String, served: [String]) -> FunctionError {
        FunctionError(code: "UNKNOWN_TOOL",
                      message: "this executable serves \(served.joined(separator: ", ")), not \(name)",
                      retryable: false, exitStatus: ExitStatus.dataError, httpStatus: 400)
    }

    // MARK: Bugs (70)

    /// A bug or an impossible state (exit 70).
    public static func internalError(_ message: String) -> FunctionError {
        FunctionError(code: "INTERNAL", message: message, retryable: false, exitStatus: ExitStatus.software,
                      httpStatus: 500)
    }
}
