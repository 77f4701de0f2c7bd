import KitCore
import WxPayCore

/// An error answer shaped like WeChat Pay's: an HTTP status and the body `{"code","message","detail"}`.
///
/// The codes and statuses follow WeChat Pay APIv3's published error tables (see docs/errors.md, "Emulator codes").
public struct WeChatAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status of the answer.
    public let status: Int
    /// WeChat's upper-snake error code, e.g. `PARAM_ERROR`.
    public let code: String
    /// A human sentence.
    public let message: String
    /// Optional `detail` object (`{"field", "value", "issue", "location"}` for parameter errors).
    public let detail: JSONValue?

    /// Creates an error answer.
    public init(status: Int, code: String, message: String, detail: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// The answer body.
    public var body: JSONValue {
        var o: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let detail { o["detail"] = detail }
        return .object(o)
    }

    /// 400 `PARAM_ERROR` naming the offending field (`detail.field`) and where it was (`detail.location`).
    public static func paramError(_ field: String, _ issue: String, location: String = "body") -> WeChatAPIError {
        WeChatAPIError(status: 400, code: "PARAM_ERROR", message: "参数错误: \(field) \(issue)",
                       detail: ["field": .string(field), "location": .string(location), "issue": .string(issue)])
    }

    /// 400 `INVALID_REQUEST`: the request does not fit the order's state or reuses a number with other parameters.
    public static func invalidRequest(_ message: String, field: String? = nil) -> WeChatAPIError {
        WeChatAPIError(status: 400, code: "INVALID_REQUEST", message: message,
                       detail: field.map { ["field": .string($0), "location": "body"] })
    }

    /// 401 `SIGN_ERROR`: the `Authorization` header is missing, malformed, stale or does not verify.
    public static func signError(_ issue: String, field: String = "signature") -> WeChatAPIError {
        WeChatAPIError(status: 401, code: "SIGN_ERROR", message: "错误的签名，验签失败",
                       detail: ["field": .string(field), "location": "authorization", "detail": ["issue": .string(issue)]])
    }

    /// 400 `APPID_MCHID_NOT_MATCH`.
    public static let appidMchidNotMatch = WeChatAPIError(status: 400, code: "APPID_MCHID_NOT_MATCH",
                                                          message: "appid和mch_id不匹配")
    /// 400 `ORDER_CLOSED`: the order was closed or expired.
    public static let orderClosed = WeChatAPIError(status: 400, code: "ORDER_CLOSED", message: "订单已关闭")
    /// 400 `ORDERPAID`: the order is already paid (closing it, or re-ordering it).
    public static let orderPaid = WeChatAPIError(status: 400, code: "ORDERPAID", message: "订单已支付")
    /// 403 `NOT_ENOUGH`: the refund is more than the order's refundable remainder.
    public static let notEnough = WeChatAPIError(status: 403, code: "NOT_ENOUGH", message: "订单可退金额不足")
    /// 404 `ORDER_NOT_EXIST`.
    public static let orderNotExist = WeChatAPIError(status: 404, code: "ORDER_NOT_EXIST", message: "订单不存在")
    /// 404 `RESOURCE_NOT_EXISTS` (an unknown refund number or path).
    public static let resourceNotExists = WeChatAPIError(status: 404, code: "RESOURCE_NOT_EXISTS",
                                                         message: "资源不存在")
    /// 429 `FREQUENCY_LIMITED`.
    public static let frequencyLimited = WeChatAPIError(status: 429, code: "FREQUENCY_LIMITED",
                                                        message: "频率超限，请降低请求频率")
    /// 500 `SYSTEM_ERROR`: retry with the same parameters.
    public static let systemError = WeChatAPIError(status: 500, code: "SYSTEM_ERROR",
                                                   message: "系统错误，请使用相同参数稍后重新调用")
}
