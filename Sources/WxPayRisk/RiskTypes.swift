// Public value types of the risk engine: what a caller sends in and what it gets back.

/// What the caller should do with a scored transaction.
public enum RiskAction: String, Codable, Sendable, CaseIterable {
    /// Nothing suspicious enough: let it through.
    case approve
    /// Suspicious: hold it for a human (or a slower check) before acting on it.
    case review
    /// Refuse it: a prohibited category, or a score at or above the block threshold.
    case block
}

/// One rule that fired for a transaction.
public struct RiskReason: Codable, Sendable, Equatable {
    /// The rule's stable name, e.g. `prohibited_gambling` or `velocity_payer_count`. Safe to match on.
    public var rule: String
    /// A human explanation of why the rule fired for this transaction. Wording may change; do not parse it.
    public var detail: String

    /// Creates a reason.
    /// - Parameters:
    ///   - rule: The rule's stable name.
    ///   - detail: The human explanation.
    public init(rule: String, detail: String) {
        self.rule = rule
        self.detail = detail
    }
}

/// The outcome of scoring one transaction.
public struct RiskDecision: Codable, Sendable, Equatable {
    /// 0 (nothing fired) ... 100: the sum of the fired rules' weights, capped at 100.
    public var score: Int
    /// What to do, from the score and the thresholds (a prohibited-category hit blocks, or holds for review a lone one the text model does not confirm).
    public var action: RiskAction
    /// The rules that fired, in a stable order (prohibited categories first, then velocity, amount, refund).
    public var reasons: [RiskReason]

    /// Creates a decision.
    /// - Parameters:
    ///   - score: 0 ... 100.
    ///   - action: approve, review or block.
    ///   - reasons: The rules that fired.
    public init(score: Int, action: RiskAction, reasons: [RiskReason]) {
        self.score = score
        self.action = action
        self.reasons = reasons
    }
}

/// Whether a transaction moves money in (a payment) or back out (a refund).
public enum RiskTransactionType: String, Codable, Sendable, CaseIterable {
    /// Money from the payer to the merchant.
    case payment
    /// Money back from the merchant to the payer; its `description` is the refund reason.
    case refund
}

/// One transaction to score (docs/functions.md#risk-batch). Field names are camelCase in Swift and snake_case in JSON.
public struct RiskTransaction: Codable, Sendable, Equatable {
    /// The caller's id for the transaction, echoed in the output.
    public var id: String
    /// The amount in fen (1 CNY = 100 fen).
    public var amount: Int
    /// The currency, e.g. `CNY`.
    public var currency: String
    /// The order description (for a payment) or the refund reason (for a refund).
    public var description: String
    /// The payer's openid: the key for per-payer velocity, history and refund rules.
    public var userOpenid: String
    /// When the transaction happened, RFC 3339 (e.g. `2026-11-23T18:25:00+08:00`). This is the engine's clock:
    /// windows are measured in stream time, never wall-clock time, so results are deterministic.
    public var createdAt: String
    /// Payment or refund.
    public var type: RiskTransactionType
    /// The payer's IP address, when known: the key for per-IP velocity rules.
    public var clientIp: String?
    /// The payer's device id, when known: the key for per-device velocity rules.
    public var deviceId: String?
    /// The merchant's category label, when known; screened for prohibited terms like the description.
    public var merchantCategory: String?
    /// Merchant data attached to the order, when any; screened for prohibited terms like the description.
    public var attach: String?

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, description
        case userOpenid = "user_openid"
        case createdAt = "created_at"
        case type
        case clientIp = "client_ip"
        case deviceId = "device_id"
        case merchantCategory = "merchant_category"
        case attach
    }

    /// Creates a transaction.
    /// - Parameters:
    ///   - id: The caller's id, echoed in the output.
    ///   - amount: Fen.
    ///   - currency: E.g. `CNY`.
    ///   - description: Order description or refund reason.
    ///   - userOpenid: The payer's openid.
    ///   - createdAt: RFC 3339 time of the transaction.
    ///   - type: Payment or refund.
    ///   - clientIp: The payer's IP, when known.
    ///   - deviceId: The payer's device id, when known.
    ///   - merchantCategory: The merchant category, when known.
    ///   - attach: Attached merchant data, when any.
    public init(
        id: String,
        amount: Int,
        currency: String = "CNY",
        description: String,
        userOpenid: String,
        createdAt: String,
        type: RiskTransactionType = .payment,
        clientIp: String? = nil,
        deviceId: String? = nil,
        merchantCategory: String? = nil,
        attach: String? = nil
    ) {
        self.id = id
        self.amount = amount
        self.currency = currency
        self.description = description
        self.userOpenid = userOpenid
        self.createdAt = createdAt
        self.type = type
        self.clientIp = clientIp
        self.deviceId = deviceId
        self.merchantCategory = merchantCategory
        self.attach = attach
    }
}
