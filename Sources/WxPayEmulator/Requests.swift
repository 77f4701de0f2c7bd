import KitCore
import WxPayCore
import WxPaySandbox

/// The four prepay endpoints and the `trade_type` each produces (the mini-program uses `jsapi`).
public enum TradeType: String, Sendable, CaseIterable {
    case jsapi, app, h5, native

    /// `trade_type` in queries and notifications.
    public var wechatName: String {
        switch self {
        case .jsapi: "JSAPI"
        case .app: "APP"
        case .h5: "MWEB"
        case .native: "NATIVE"
        }
    }
}

/// Merchant identity the emulator serves.
public struct MerchantIdentity: Sendable, Equatable {
    public var mchid: String
    public var appid: String

    public init(mchid: String, appid: String) {
        self.mchid = mchid
        self.appid = appid
    }
}

/// A validated prepay request (`POST /v3/pay/transactions/{jsapi,app,h5,native}`).
public struct PrepayRequest: Sendable, Equatable {
    public var tradeType: TradeType
    public var appid: String
    public var mchid: String
    public var description: String
    public var outTradeNo: String
    /// `time_expire` as sent, and parsed to Unix seconds.
    public var timeExpire: String?
    public var timeExpireUnix: Int64?
    public var attach: String?
    public var notifyURL: String
    public var total: Int64
    public var currency: String
    public var payerOpenID: String?
    /// The whole body, compared on a re-submission of the same `out_trade_no`.
    public var body: JSONValue
    /// A service provider's order for a sub-merchant (`/v3/pay/partner/transactions/...`; PartnerRoutes.swift).
    public var partner: PartnerOrder? = nil

    /// Validates `body` like WeChat Pay does.
    /// - Throws: 400 `PARAM_ERROR` naming the field, or 400 `APPID_MCHID_NOT_MATCH`.
    public static func validate(_ body: JSONValue, tradeType: TradeType, merchant: MerchantIdentity, now: Int64)
        throws(WeChatAPIError) -> PrepayRequest
    {
        guard case .object = body else { throw .paramError("body", "must be a JSON object") }
        let v = FieldReader(body)
        let mchid = try v.string("mchid", length: 1...32)
        guard mchid == merchant.mchid else {
            throw .paramError("mchid", "is not the merchant that signed the request")
        }
        let appid = try v.string("appid", length: 1...32)
        guard appid == merchant.appid else { throw .appidMchidNotMatch }
        let description = try v.string("description", length: 1...127)
        let outTradeNo = try v.string("out_trade_no", length: 6...32)
        guard outTradeNo.utf8.allSatisfy(FieldReader.isOutTradeNoByte) else {
            throw .paramError("out_trade_no", "may hold only digits, letters and _-|*")
        }
        let notifyURL = try v.string("notify_url", length: 1...255)
        try NotifyURLRule.check(notifyURL, field: "notify_url")
        var timeExpireUnix: Int64? = nil
        let timeExpire = try v.optionalString("time_expire", length: 1...64)
        if let timeExpire {
            guard let t = ChinaTime.parse(timeExpire) else {
                throw .paramError("time_expire", "must be RFC 3339, e.g. 2018-06-08T10:34:56+08:00")
            }
            guard t > now else { throw .paramError("time_expire", "must be later than now") }
            guard t <= now + 90 * 86400 else { throw .paramError("time_expire", "must be within 90 days") }
            timeExpireUnix = t
        }
        let attach = try v.optionalString("attach", length: 1...128)
        _ = try v.optionalString("goods_tag", length: 1...32)
        guard case .object = body["amount"] ?? .null else { throw .paramError("amount", "is required") }
        let amount = FieldReader(body["amount"]!, prefix: "amount.")
        let total = try amount.int("total", range: 1...100_000_000_000)
        let currency = try amount.optionalString("currency", length: 1...16) ?? "CNY"
        guard currency == "CNY" else { throw .paramError("amount.currency", "must be CNY") }

        var payerOpenID: String? = nil
        switch tradeType {
        case .jsapi:
            guard case .object = body["payer"] ?? .null else { throw .paramError("payer", "is required for JSAPI") }
            payerOpenID = try FieldReader(body["payer"]!, prefix: "payer.").string("openid", length: 1...128)
        case .h5:
            guard case .object = body["scene_info"] ?? .null else {
                throw .paramError("scene_info", "is required for H5")
            }
            let scene = FieldReader(body["scene_info"]!, prefix: "scene_info.")
            _ = try scene.string("payer_client_ip", length: 1...45)
            guard case .object = body["scene_info"]?["h5_info"] ?? .null else {
                throw .paramError("scene_info.h5_info", "is required for H5")
            }
            let type = try FieldReader(body["scene_info"]!["h5_info"]!, prefix: "scene_info.h5_info.")
                .string("type", length: 1...32)
            guard ["Wap", "iOS", "Android"].contains(type) else {
                throw .paramError("scene_info.h5_info.type", "must be Wap, iOS or Android")
            }
        case .app, .native:
            break
        }
        return PrepayRequest(tradeType: tradeType, appid: appid, mchid: mchid, description: description,
                             outTradeNo: outTradeNo, timeExpire: timeExpire, timeExpireUnix: timeExpireUnix,
                             attach: attach, notifyURL: notifyURL, total: total, currency: currency,
                             payerOpenID: payerOpenID, body: body)
    }

    /// The first top-level field in which `other` differs from this request (the trade type counts as a field).
    public func firstDifference(from other: PrepayRequest) -> String? {
        if tradeType != other.tradeType { return "trade_type" }
        let a = body.objectValue ?? [:]
        let b = other.body.objectValue ?? [:]
        return Set(a.keys).union(b.keys).sorted().first { a[$0] != b[$0] }
    }
}

/// A validated refund request (`POST /v3/refund/domestic/refunds`).
public struct RefundRequest: Sendable, Equatable {
    /// How the order was named.
    public enum OrderReference: Sendable, Equatable {
        case outTradeNo(String)
        case transactionID(String)
    }

    public var order: OrderReference
    public var outRefundNo: String
    public var reason: String?
    public var notifyURL: String?
    public var fundsAccount: String?
    public var refund: Int64
    public var total: Int64
    public var currency: String
    /// A service provider's refund for a sub-merchant: the body's `sub_mchid`.
    public var subMchid: String? = nil

    /// Validates `body` like WeChat Pay does.
    /// - Throws: 400 `PARAM_ERROR` naming the field.
    public static func validate(_ body: JSONValue) throws(WeChatAPIError) -> RefundRequest {
        guard case .object = body else { throw .paramError("body", "must be a JSON object") }
        let v = FieldReader(body)
        let outTradeNo = try v.optionalString("out_trade_no", length: 6...32)
        let transactionID = try v.optionalString("transaction_id", length: 1...32)
        let order: OrderReference
        switch (outTradeNo, transactionID) {
        case (let o?, nil): order = .outTradeNo(o)
        case (nil, let t?): order = .transactionID(t)
        case (.some, .some): throw .paramError("out_trade_no", "give out_trade_no or transaction_id, not both")
        case (nil, nil): throw .paramError("out_trade_no", "out_trade_no or transaction_id is required")
        }
        let outRefundNo = try v.string("out_refund_no", length: 1...64)
        guard outRefundNo.utf8.allSatisfy({ FieldReader.isOutTradeNoByte($0) || $0 == UInt8(ascii: "@") }) else {
            throw .paramError("out_refund_no", "may hold only digits, letters and _-|*@")
        }
        let reason = try v.optionalString("reason", length: 1...80)
        let notifyURL = try v.optionalString("notify_url", length: 1...256)
        if let notifyURL { try NotifyURLRule.check(notifyURL, field: "notify_url") }
        let fundsAccount = try v.optionalString("funds_account", length: 1...32)
        guard case .object = body["amount"] ?? .null else { throw .paramError("amount", "is required") }
        let amount = FieldReader(body["amount"]!, prefix: "amount.")
        let refund = try amount.int("refund", range: 1...100_000_000_000)
        let total = try amount.int("total", range: 1...100_000_000_000)
        let currency = try amount.string("currency", length: 1...16)
        guard currency == "CNY" else { throw .paramError("amount.currency", "must be CNY") }
        return RefundRequest(order: order, outRefundNo: outRefundNo, reason: reason, notifyURL: notifyURL,
                             fundsAccount: fundsAccount, refund: refund, total: total, currency: currency,
                             subMchid: try v.optionalString("sub_mchid", length: 1...32))
    }
}

/// `notify_url`: HTTPS, or plain HTTP to a loopback host (local use), without a query string.
enum NotifyURLRule {
    static func check(_ url: String, field: String) throws(WeChatAPIError) {
        let lower = url.lowercased()
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"].contains { prefix in
            lower.hasPrefix(prefix) && (lower.count == prefix.count || ":/".contains(lower[lower.index(lower.startIndex, offsetBy: prefix.count)]))
        }
        guard lower.hasPrefix("https://") || local else {
            throw .paramError(field, "must be an https URL (http is accepted for 127.0.0.1 and localhost only)")
        }
        guard !url.contains("?") else { throw .paramError(field, "must not carry a query string") }
        guard !url.contains(" ") else { throw .paramError(field, "must not contain spaces") }
    }
}

/// Reads typed fields out of a JSON object, answering `PARAM_ERROR` with the full field path.
struct FieldReader {
    let object: JSONValue
    let prefix: String

    init(_ object: JSONValue, prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    static func isOutTradeNoByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "|") || b == UInt8(ascii: "*")
    }

    func string(_ key: String, length: ClosedRange<Int>) throws(WeChatAPIError) -> String {
        guard let value = try optionalString(key, length: length) else {
            throw .paramError(prefix + key, "is required")
        }
        return value
    }

    func optionalString(_ key: String, length: ClosedRange<Int>) throws(WeChatAPIError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?:
            guard length.contains(s.count) else {
                throw .paramError(prefix + key, "length must be \(length.lowerBound)...\(length.upperBound) characters")
            }
            return s
        default: throw .paramError(prefix + key, "must be a string")
        }
    }

    func int(_ key: String, range: ClosedRange<Int64>) throws(WeChatAPIError) -> Int64 {
        guard let raw = object[key], !raw.isNull else { throw .paramError(prefix + key, "is required") }
        guard case .int(let i) = raw else { throw .paramError(prefix + key, "must be an integer") }
        guard range.contains(i) else { throw .paramError(prefix + key, "must be \(range.lowerBound)...\(range.upperBound)") }
        return i
    }
}
