import WxPayCore

/// What a payment operation of one invocation works with: the secrets read for it, a client bounded by its
/// deadline, and the clock (Unix seconds).
struct PaymentSession: Sendable {
    let secrets: Secrets
    let client: WxPayClient
    let now: @Sendable () -> Int64
}

/// An operation (``CreateIntent``, ``GetIntentStatus``, ``CloseIntent``, ``Refund``, ``GetRefundStatus``) run in one
/// ``PaymentSession``.
protocol SessionOperation {
    var session: PaymentSession { get }
}

extension SessionOperation {
    var secrets: Secrets { session.secrets }
    var client: WxPayClient { session.client }
    var now: @Sendable () -> Int64 { session.now }
}
