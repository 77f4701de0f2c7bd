import KitCore
/// Checks that a verified answer from WeChat Pay is about what was asked before any field of it is used.
///
/// A valid signature proves WeChat Pay wrote the answer, not that it answers this request: a signed answer about
/// another order (replayed inside the 300 s window, or misrouted by a proxy) would otherwise open a second order
/// for one idempotency key, refund another order, or report another order's payment.
public enum AnswerMatch {
    /// Requires each `(field, value)` of `expected` to be present in `answer` with exactly that value, and no
    /// `sub_mchid` (the kit never calls as a service provider).
    /// - Throws: `ANSWER_MISMATCH` (exit 69, retryable: every call the kit makes is idempotent, so asking again
    ///   is safe and nothing of the foreign answer was used).
    public static func require(_ answer: JSONValue, _ expected: KeyValuePairs<String, String>, about what: String)
        throws(WxPayError)
    {
        for (field, value) in expected where answer[field]?.stringValue != value {
            throw mismatch("\(what): the answer's \(field) is not the one asked for")
        }
        if let sub = answer["sub_mchid"], !sub.isNull {
            throw mismatch("\(what): the answer names a sub-merchant the request did not")
        }
    }

    /// `ANSWER_MISMATCH` with `message` saying what did not match.
    public static func mismatch(_ message: String) -> WxPayError {
        WxPayError(code: "ANSWER_MISMATCH",
                   message: "WeChat Pay's answer is about something else than the request (\(message)); it was not used",
                   retryable: true, exitStatus: ExitStatus.unavailable, httpStatus: 502)
    }
}
