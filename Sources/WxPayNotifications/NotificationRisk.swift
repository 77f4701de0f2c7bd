import KitCore
import WxPayCore
import WxPayRisk
import WxPayRiskStore
import WxPayTime

/// Scores a payment or refund event with the risk engine: this event alone, then (with a risk store,
/// `WXPAY_RISK_STORE`) the payer's, device's and IP's history across invocations, within the store's deadline.
/// Payment notifications carry no description, so the order's attach data is what is screened for prohibited terms.
public enum NotificationRisk {
    /// The `risk` object for `event` (`{"score","action","reasons"}`), or `nil` for events that are not payments
    /// or refunds.
    /// - Parameter history: The process's risk store (``RiskHistory/configured(environment:)``); nil: stateless.
    ///   A store that fails adds the reason `history_unavailable` and costs at most its timeout.
    /// - Parameter concurrently: Run the store's operation on a thread of its own beside the engine (a cold process,
    ///   as ``RiskHistory/prewarm()`` reports), rather than before it on this one.
    public static func score(
        _ event: PaymentEvent, rules: RiskRules, now: Int64, history: RiskHistory? = nil, concurrently: Bool = false
    ) -> JSONValue? {
        let resource = event.resource
        let isRefund = event.type.hasPrefix("refund.")
        guard event.type == "payment.success" || isRefund else { return nil }
        let amount = (isRefund ? resource["amount"]?["refund"] : resource["amount"]?["total"])?.intValue ?? 0
        let attach = event.attach.flatMap(AttachCodec.decode)
        let attachText = attach?.data.flatMap { try? JSONCoding.string($0) } ?? event.attach
        let transaction = RiskTransaction(
            id: resource["transaction_id"]?.stringValue ?? event.id, amount: Int(amount),
            currency: resource["amount"]?["currency"]?.stringValue ?? "CNY", description: "",
            userOpenid: event.payerOpenID ?? "",
            createdAt: resource["success_time"]?.stringValue ?? ChinaTime.format(unix: now),
            type: isRefund ? .refund : .payment, deviceId: resource["scene_info"]?["device_id"]?.stringValue,
            attach: attachText)
        // The store's part first: in a cold process it runs beside the engine (whose first use compiles the word
        // lists), instead of after it.
        let lookup = history.map { history in
            // A refund's own id is its refund number (the `refund` function records the same one).
            let id = isRefund ? resource["out_refund_no"]?.stringValue ?? resource["refund_id"]?.stringValue ?? event.id
                : transaction.id
            let input = RiskHistoryInput(
                id: id, amount: transaction.amount, isRefund: isRefund, time: RFC3339.unixSeconds(transaction.createdAt),
                payer: transaction.userOpenid, device: transaction.deviceId ?? "",
                ip: resource["scene_info"]?["payer_client_ip"]?.stringValue ?? "", order: event.outTradeNo)
            return history.start(input, rules: rules, concurrently: concurrently)
        }
        // One transaction: tables sized for one key each (they would grow if needed), not the stream's 4096.
        var decision = RiskEngine(rules: rules, expectedKeys: 1).score(transaction)
        if let history, let lookup { decision = history.amend(decision, with: lookup, rules: rules) }
        return json(decision)
    }

    /// The decision as the JSON its Codable encoding gives (`{"score","action","reasons":[{"rule","detail"}]}`),
    /// built directly: no encode and parse on the webhook's path.
    public static func json(_ decision: RiskDecision) -> JSONValue {
        .object([
            "score": .int(Int64(decision.score)), "action": .string(decision.action.rawValue),
            "reasons": .array(decision.reasons.map { .object(["rule": .string($0.rule), "detail": .string($0.detail)]) }),
        ])
    }
}
