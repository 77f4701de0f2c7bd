import KitCore
/// Checks that a verified answer from WeChat Pay is about what was asked before any field of it is used.
///
/// A valid signature proves WeChat Pay wrote the answer, not that it answers this request: a signed answer about
/// another order (replayed inside the 300 s window, or misrouted by a proxy) would otherwise open a second order
/// for one idempotency key, refund another order, or report another order's payment.
public enum AnswerMatch {
    /// Requires each `(field, value)` of `expected` to be present in `answer` with exactly that value. In direct
    /// mode (`partner` nil) the answer must name no `sub_mchid` (the call was not made for a sub-merchant); in
    /// service-provider mode a `sub_mchid` the answer names must be the request's, and an `sp_mchid` it names must be
    /// `spMchid` (the provider's own, from the secrets file).
    /// - Throws: `ANSWER_MISMATCH` (exit 69, retryable: every call the kit makes is idempotent, so asking again
    ///   is safe and nothing of the foreign answer was used).
    public static func require(_ answer: JSONValue, _ expected: KeyValuePairs<String, String>, about what: String,
                               partner: PartnerScope? = nil, spMchid: String? = nil)
        throws(WxPayError)
    {
        for (field, value) in expected where answer[field]?.stringValue != value {
            throw mismatch("\(what): the answer's \(field) is not the one asked for")
        }
        let sub = answer["sub_mchid"].flatMap { $0.isNull ? nil : $0 }
        if let partner {
            if let sub, sub.stringValue != partner.subMchid {
                throw mismatch("\(what): the answer names another sub-merchant than the request")
            }
            if let sp = answer["sp_mchid"], !sp.isNull, let spMchid, sp.stringValue != spMchid {
                throw mismatch("\(what): the answer names another service provider than the request")
            }
        } else if sub != nil {
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
