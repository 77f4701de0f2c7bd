import KitCore
import WxPayCore
import WxPayRisk

/// Scores a payment or refund event with the risk engine (inline: no stream history, only this event). Payment
/// notifications carry no description, so the order's attach data is what is screened for prohibited terms.
public enum NotificationRisk {
    /// The `risk` object for `event` (`{"score","action","reasons"}`), or `nil` for events that are not payments
    /// or refunds.
    public static func score(_ event: PaymentEvent, rules: RiskRules, now: Int64) -> JSONValue? {
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
        let decision = RiskEngine(rules: rules).score(transaction)
        return try? JSONCoding.value(from: JSONCoding.encode(decision))
    }
}
