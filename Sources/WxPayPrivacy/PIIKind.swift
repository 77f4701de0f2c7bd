/// The kinds of identifier the privacy proxy replaces. The raw value is the placeholder's kind part
/// (`⟦OPENID_1⟧`); ``countKey`` is its name in the `counts` object.
public enum PIIKind: String, CaseIterable, Sendable, Codable {
    /// A WeChat openid or unionid (`o` + 27 characters of `[A-Za-z0-9_-]`).
    case openid = "OPENID"
    /// A WeChat Pay transaction id (28 digits starting with `42`).
    case transactionID = "TRANSACTION_ID"
    /// A merchant order number (`out_trade_no`, the kit's `intent_id`).
    case outTradeNo = "OUT_TRADE_NO"
    /// A merchant refund number (`out_refund_no`).
    case outRefundNo = "OUT_REFUND_NO"
    /// A WeChat Pay refund id.
    case refundID = "REFUND_ID"
    /// A mainland-China mobile number.
    case phone = "PHONE"
    /// A PRC resident identity card number (18 characters, ISO 7064 MOD 11-2 check digit).
    case idCard = "ID_CARD"
    /// A payment card number (13–19 digits, Luhn-valid).
    case bankCard = "BANK_CARD"
    /// An e-mail address.
    case email = "EMAIL"

    /// The key in the `counts` object: the lower-cased raw value, e.g. `bank_card`.
    public var countKey: String { rawValue.lowercased() }
}

/// One identifier found in a UTF-8 text.
public struct PIIMatch: Sendable, Equatable {
    /// What it is.
    public var kind: PIIKind
    /// Byte offsets in the UTF-8 text (always on ASCII boundaries).
    public var range: Range<Int>
    /// The identity the placeholder is keyed by: the same identifier spelled differently (`138 0013 8000` and
    /// `13800138000`, `X` and `x` in an ID number, the case of an e-mail domain) has one identity.
    public var identity: String

    /// Creates a match.
    public init(kind: PIIKind, range: Range<Int>, identity: String) {
        self.kind = kind
        self.range = range
        self.identity = identity
    }
}
