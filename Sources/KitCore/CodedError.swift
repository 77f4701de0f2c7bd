/// The one shape of a layer's own failure (the crypto layer's, the HTTP client's, the sealer's, the Lambda Runtime
/// API client's): a code from the layer's closed set and a human sentence free of secrets.
///
/// Each layer declares only its codes, as an enum conforming to ``ErrorCode``, and names the error
/// `typealias HTTPError = CodedError<HTTPErrorCode>`; `HTTPError.Code` is that enum.
public struct CodedError<Code: ErrorCode>: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let code: Code
    /// A human sentence, free of secrets (with what ``ErrorCode/annotate(_:)`` adds).
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = Code.annotate(message)
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}

/// The closed set of codes of one layer's ``CodedError``.
public protocol ErrorCode: RawRepresentable, Sendable, Equatable where RawValue == String {
    /// Completes a message when an error is made, e.g. with the C library's queued reason. Unchanged by default.
    static func annotate(_ message: String) -> String
}

extension ErrorCode {
    public static func annotate(_ message: String) -> String { message }
}
