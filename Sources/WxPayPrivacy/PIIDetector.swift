/// One row of a detector's table: a kind and the scanner that finds it.
public struct PIIPattern: Sendable {
    /// The kind every match of `scan` gets.
    public var kind: PIIKind
    /// Finds candidates in UTF-8 text.
    public var scan: PIIScanner

    /// Creates a row.
    public init(_ kind: PIIKind, _ scan: @escaping PIIScanner) {
        self.kind = kind
        self.scan = scan
    }
}

/// Finds payment and personal identifiers in text and in JSON.
///
/// Table-driven: ``patterns`` are tried in order and an earlier row wins where candidates overlap (an e-mail
/// address `13800138000@qq.com` is one e-mail, not a phone number; a valid ID number is not also a card
/// number), so adding a pattern is one line. In JSON, string values under ``identifierKeys`` are identifiers
/// of that kind whatever their shape (`"transaction_id": "1217752501201407033233368018"`).
public struct PIIDetector: Sendable {
    /// Text patterns, highest priority first.
    public var patterns: [PIIPattern]
    /// JSON member names (matched case-insensitively) whose string or integer value is wholly an identifier.
    public var identifierKeys: [String: PIIKind]

    /// Creates a detector.
    public init(patterns: [PIIPattern], identifierKeys: [String: PIIKind]) {
        self.patterns = patterns
        self.identifierKeys = Dictionary(identifierKeys.map { ($0.key.lowercased(), $0.value) },
                                         uniquingKeysWith: { first, _ in first })
    }

    /// The detector `pii-redact` uses.
    public static let standard = PIIDetector(
        patterns: [
            PIIPattern(.email, PIIScanners.emails),
            PIIPattern(.openid, PIIScanners.openids),
            PIIPattern(.transactionID, PIIScanners.transactionIDs),
            PIIPattern(.outTradeNo, PIIScanners.kitOrderNumbers),
            PIIPattern(.outRefundNo, PIIScanners.kitRefundNumbers),
            PIIPattern(.idCard, PIIScanners.residentIDs),
            PIIPattern(.phone, PIIScanners.mobilePhones),
            PIIPattern(.bankCard, PIIScanners.bankCards),
        ],
        identifierKeys: [
            "openid": .openid, "payer_openid": .openid, "user_openid": .openid, "sub_openid": .openid,
            "sp_openid": .openid, "unionid": .openid,
            "transaction_id": .transactionID,
            "out_trade_no": .outTradeNo, "intent_id": .outTradeNo,
            "out_refund_no": .outRefundNo,
            "refund_id": .refundID,
            "phone": .phone, "mobile": .phone, "phone_number": .phone, "mobile_phone": .phone,
            "email": .email,
            "id_card": .idCard, "id_card_number": .idCard, "id_number": .idCard,
            "bank_card": .bankCard, "card_number": .bankCard, "card_no": .bankCard, "bank_account": .bankCard,
        ]
    )

    /// The kind of identifier a JSON member named `key` holds, if it is one of ``identifierKeys``.
    public func kind(forKey key: String) -> PIIKind? {
        identifierKeys[key] ?? identifierKeys[key.lowercased()]
    }

    /// Every identifier in UTF-8 `text`: non-overlapping, in text order.
    public func matches(in text: [UInt8]) -> [PIIMatch] {
        var accepted: [PIIMatch] = []
        var claimed: [Bool] = []  // allocated on the first candidate: most strings have none
        for pattern in patterns {
            for candidate in pattern.scan(text) {
                if claimed.isEmpty { claimed = [Bool](repeating: false, count: text.count) }
                guard !claimed[candidate.range].contains(true) else { continue }
                for i in candidate.range { claimed[i] = true }
                accepted.append(PIIMatch(kind: pattern.kind, range: candidate.range, identity: candidate.identity))
            }
        }
        accepted.sort { $0.range.lowerBound < $1.range.lowerBound }
        return accepted
    }

    /// Every identifier in `text`.
    public func matches(in text: String) -> [PIIMatch] { matches(in: Array(text.utf8)) }
}
