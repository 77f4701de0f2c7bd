// What a history store (WxPayRiskStore, outside this module) needs of a scored transaction, and the hook through
// which RiskBatchScorer lets it amend each decision.

/// The identifying parts of one scored transaction, for a store of history across invocations.
public struct RiskHistoryInput: Sendable, Equatable {
    /// The transaction's own id (a payment's transaction id, a refund's refund number): a retried event is kept once.
    public var id: String
    /// Fen.
    public var amount: Int
    /// A refund (else a payment).
    public var isRefund: Bool
    /// Unix seconds of the transaction (its `created_at`); nil when unreadable (the store is then not used).
    public var time: Int64?
    /// The payer's openid ("" when unknown: a refund notification names only its order).
    public var payer: String
    /// The device id ("" when unknown).
    public var device: String
    /// The client IP ("" when unknown).
    public var ip: String
    /// The merchant's order number, when known: a payment links it to the payer, a refund finds the payer by it.
    public var order: String?

    /// Creates an input.
    public init(id: String, amount: Int, isRefund: Bool, time: Int64?, payer: String, device: String = "",
                ip: String = "", order: String? = nil)
    {
        self.id = id
        self.amount = amount
        self.isRefund = isRefund
        self.time = time
        self.payer = payer
        self.device = device
        self.ip = ip
        self.order = order
    }
}

/// Amends the engine's decision for a transaction with what a history store knows (nil: no store).
public typealias RiskHistoryHook = (RiskHistoryInput, RiskDecision) -> RiskDecision
