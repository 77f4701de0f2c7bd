import KitCore
import WxPayCore

/// `refund-status` (docs/functions.md#refund-status): where a refund is, by its `out_refund_no`
/// (`GET /v3/refund/domestic/refunds/{out_refund_no}`).
public struct GetRefundStatus: Sendable, SessionOperation {
    /// The OpenAI tool name.
    public static let toolName = "get_refund_status"

    /// The input: the refund number `refund` answered with.
    public struct Input: Decodable, Sendable {
        public var out_refund_no: String
        /// Service-provider mode: the sub-merchant the refund was made for.
        public var sub_mchid: String?
    }

    let session: PaymentSession

    /// Creates the operation for one invocation.
    public init(secrets: Secrets, client: WxPayClient, now: @escaping @Sendable () -> Int64) {
        session = PaymentSession(secrets: secrets, client: client, now: now)
    }

    /// Validates the input before any call: WeChat's `out_refund_no` is 1 to 64 characters of `[0-9A-Za-z_|*@-]`.
    public static func validate(_ input: Input) throws(WxPayError) {
        let no = input.out_refund_no
        guard (1...64).contains(no.utf8.count),
              no.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                  || $0 == 0x5F || $0 == 0x2D || $0 == 0x7C || $0 == 0x2A || $0 == 0x40 })
        else { throw .invalidField("out_refund_no", "must be 1 to 64 characters of [0-9A-Za-z_|*@-]") }
        _ = try PartnerScope.from(subMchid: input.sub_mchid)
    }

    /// Runs the operation: one signed query; the answer is used only once it names this refund (and, when it names
    /// a merchant, this merchant).
    public func run(_ input: Input) throws(WxPayError) -> JSONValue {
        try GetRefundStatus.validate(input)
        let no = input.out_refund_no
        let partner = try PartnerScope.from(subMchid: input.sub_mchid)
        guard let refund = try Orders.lookUp(client, Orders.refundPath(no, partner: partner),
                                             matching: ["out_refund_no": no], about: "refund query",
                                             partner: partner, spMchid: secrets.mchid)
        else { throw GetRefundStatus.notFound(no) }
        // WeChat's refund answer carries no mchid; one that does must name this merchant (in service-provider
        // mode the answer's `sub_mchid`, when it names one, was checked above).
        if partner == nil, let mchid = refund["mchid"], !mchid.isNull, mchid.stringValue != secrets.mchid {
            throw AnswerMatch.mismatch("refund query: the answer's mchid is not the one asked for")
        }
        var o = RefundView.json(refund, replayed: nil, nextAction: true).objectValue ?? [:]
        if let partner { o["sub_mchid"] = .string(partner.subMchid) }
        return .object(o)
    }

    /// `REFUND_NOT_FOUND` (exit 1, HTTP 404): WeChat Pay's `RESOURCE_NOT_EXISTS` for the refund number.
    static func notFound(_ outRefundNo: String) -> WxPayError {
        WxPayError(code: "REFUND_NOT_FOUND", message: "no refund \(outRefundNo) exists", retryable: false,
                   exitStatus: ExitStatus.businessError, httpStatus: 404)
    }
}

/// The agent-facing view of a WeChat Pay refund, shared by `refund` and `refund-status`.
enum RefundView {
    /// WeChat's refund `status` as the contract's word: `SUCCESS` → `succeeded`, `CLOSED` → `closed`,
    /// `ABNORMAL` → `abnormal`, anything else (`PROCESSING`) → `processing`.
    static func status(_ wechatStatus: String?) -> String {
        switch wechatStatus ?? "PROCESSING" {
        case "SUCCESS": return "succeeded"
        case "CLOSED": return "closed"
        case "ABNORMAL": return "abnormal"
        default: return "processing"
        }
    }

    /// The refund's fields; `replayed` is set by `refund`; `nextAction` adds the hint for a refund that is not
    /// final (processing) or needs the merchant (abnormal).
    static func json(_ refund: JSONValue, replayed: Bool?, nextAction: Bool) -> JSONValue {
        let status = status(refund["status"]?.stringValue)
        var o: [String: JSONValue] = [
            "refund_id": refund["refund_id"] ?? .null, "out_refund_no": refund["out_refund_no"] ?? .null,
            "out_trade_no": refund["out_trade_no"] ?? .null, "intent_id": refund["out_trade_no"] ?? .null,
            "transaction_id": refund["transaction_id"] ?? .null, "status": .string(status),
            "wechat_status": refund["status"] ?? .null,
            "amount": refund["amount"]?["refund"] ?? .null, "total_amount": refund["amount"]?["total"] ?? .null,
            "currency": refund["amount"]?["currency"] ?? "CNY",
        ]
        if let replayed { o["replayed"] = .bool(replayed) }
        if let t = refund["create_time"] { o["created_at"] = t }
        if let t = refund["success_time"], !t.isNull { o["success_time"] = t }
        if nextAction {
            switch status {
            case "processing":
                o["next_action"] = [
                    "type": "check_later", "after_seconds": 60,
                    "message": "WeChat Pay is still processing the refund (usually seconds to minutes; to a bank card up to a few business days). Tell the user it is on its way; check again later, or wait for the refund notification.",
                ]
            case "abnormal":
                o["next_action"] = [
                    "type": "merchant_action",
                    "message": "The refund could not be credited to the payer (e.g. a closed bank card or frozen account). Tell the user it is being looked into; the merchant must resolve it in the WeChat Pay merchant platform. Do not refund again.",
                ]
            default:
                break
            }
        }
        return .object(o)
    }
}
