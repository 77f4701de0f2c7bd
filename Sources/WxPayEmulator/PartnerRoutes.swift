import Hummingbird
import KitCore
import Logging
import WxPayCore
import WxPaySandbox

/// A service provider's (服务商) order for one of its sub-merchants: the parties the partner prepay request names.
///
/// The sandbox merchant plays the service provider (its `mchid`/`appid` are `sp_mchid`/`sp_appid`); any
/// `sub_mchid` is accepted as one of its sub-merchants. Orders and refunds are kept per sub-merchant: WeChat Pay's
/// `out_trade_no` and `out_refund_no` are unique per sub-merchant, not per provider.
public struct PartnerOrder: Sendable, Equatable {
    public var subMchid: String
    public var subAppid: String?
    /// `payer.sp_openid` / `payer.sub_openid` of a JSAPI order.
    public var spOpenID: String?
    public var subOpenID: String?

    /// The ledger key of an order or refund number: the number itself for the direct merchant, `sub_mchid:number`
    /// for a sub-merchant's (`:` is in neither alphabet). The control API takes the same key
    /// (`/_emulator/orders/1900000109:ai…-1/pay`).
    public static func key(subMchid: String?, _ number: String) -> String {
        subMchid.map { "\($0):\(number)" } ?? number
    }

    /// The partner `Transaction` (query answers, `TRANSACTION.SUCCESS`): the direct one's fields with `appid`/`mchid`
    /// as `sp_appid`/`sp_mchid`, plus `sub_mchid`, `sub_appid`, and the payer as `sp_openid`/`sub_openid`.
    func transaction(_ direct: [String: JSONValue]) -> JSONValue {
        var o = direct
        o["sp_appid"] = o.removeValue(forKey: "appid")
        o["sp_mchid"] = o.removeValue(forKey: "mchid")
        o["sub_mchid"] = .string(subMchid)
        if let subAppid { o["sub_appid"] = .string(subAppid) }
        if let openid = direct["payer"]?["openid"]?.stringValue {
            var payer: [String: JSONValue] = [:]
            // The payer is who the order named; a native, h5 or app order paid in the emulator gets an sp_openid.
            if spOpenID != nil || subOpenID == nil { payer["sp_openid"] = .string(openid) }
            if let subOpenID { payer["sub_openid"] = .string(spOpenID == nil ? openid : subOpenID) }
            o["payer"] = .object(payer)
        }
        return .object(o)
    }

    /// A partner refund notification's resource: `mchid` becomes `sp_mchid`, plus `sub_mchid`.
    static func refundResource(_ direct: JSONValue, subMchid: String) -> JSONValue {
        guard var o = direct.objectValue else { return direct }
        o["sp_mchid"] = o.removeValue(forKey: "mchid")
        o["sub_mchid"] = .string(subMchid)
        return .object(o)
    }
}

extension PrepayRequest {
    /// Validates a partner prepay body (`POST /v3/pay/partner/transactions/{jsapi,app,h5,native}`) like WeChat Pay:
    /// `sp_mchid` must be the provider that signed, `sp_appid` its appid, `sub_mchid` is required, and a JSAPI payer is
    /// `sp_openid` and/or `sub_openid` (the latter with `sub_appid`). The rest is checked as for a direct order.
    /// - Throws: 400 `PARAM_ERROR` naming the field, or 400 `APPID_MCHID_NOT_MATCH`.
    public static func validatePartner(_ body: JSONValue, tradeType: TradeType, merchant: MerchantIdentity, now: Int64)
        throws(WeChatAPIError) -> PrepayRequest
    {
        guard var o = body.objectValue else { throw .paramError("body", "must be a JSON object") }
        for field in ["appid", "mchid"] where o[field] != nil {
            throw .paramError(field, "is not a field of the partner API (use sp_\(field))")
        }
        let v = FieldReader(body)
        let spMchid = try v.string("sp_mchid", length: 1...32)
        guard spMchid == merchant.mchid else { throw .paramError("sp_mchid", "is not the merchant that signed the request") }
        let spAppid = try v.string("sp_appid", length: 1...32)
        guard spAppid == merchant.appid else { throw .appidMchidNotMatch }
        let subMchid = try v.string("sub_mchid", length: 1...32)
        guard subMchid.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .paramError("sub_mchid", "must be the sub-merchant's digits")
        }
        let subAppid = try v.optionalString("sub_appid", length: 1...32)
        var spOpenID: String? = nil, subOpenID: String? = nil
        if tradeType == .jsapi {
            guard case .object = body["payer"] ?? .null else { throw .paramError("payer", "is required for JSAPI") }
            let payer = FieldReader(body["payer"]!, prefix: "payer.")
            spOpenID = try payer.optionalString("sp_openid", length: 1...128)
            subOpenID = try payer.optionalString("sub_openid", length: 1...128)
            guard spOpenID != nil || subOpenID != nil else {
                throw .paramError("payer.sp_openid", "payer.sp_openid or payer.sub_openid is required for JSAPI")
            }
            if subOpenID != nil, subAppid == nil { throw .paramError("sub_appid", "is required with payer.sub_openid") }
            if body["payer"]?["openid"] != nil { throw .paramError("payer.openid", "is not a field of the partner API") }
        }
        // The direct request's checks on the direct names of the same fields.
        for field in ["sp_appid", "sp_mchid", "sub_mchid", "sub_appid"] { o.removeValue(forKey: field) }
        o["appid"] = .string(spAppid)
        o["mchid"] = .string(spMchid)
        if tradeType == .jsapi { o["payer"] = ["openid": .string(spOpenID ?? subOpenID ?? "")] }
        var request = try validate(.object(o), tradeType: tradeType, merchant: merchant, now: now)
        request.body = body
        request.partner = PartnerOrder(subMchid: subMchid, subAppid: subAppid, spOpenID: spOpenID, subOpenID: subOpenID)
        return request
    }
}

/// WeChat Pay's partner (service-provider) payment API: prepay, query and close under
/// `/v3/pay/partner/transactions/`. Refunds share `/v3/refund/domestic/refunds` with the direct merchant (their
/// `sub_mchid` body field and query parameter are read there). Every call goes through ``MerchantRoutes/handle``:
/// faults, authentication, signing.
struct PartnerRoutes: Sendable {
    let emulator: Emulator

    func register(on router: Router<EmulatorContext>) {
        let merchant = MerchantRoutes(emulator: emulator)
        for type in TradeType.allCases {
            router.post("/v3/pay/partner/transactions/\(type.rawValue)") { request, context in
                await merchant.handle(request, context, operation: "partner.prepay.\(type.rawValue)") {
                    call throws(WeChatAPIError) in
                    let outcome = try await emulator.ledger.prepay(body: try call.json(), tradeType: type, partner: true)
                    emulator.logger.info("prepay", metadata: ["out_trade_no": "\(outcome.order.request.outTradeNo)",
                                                              "sub_mchid": "\(outcome.order.request.partner?.subMchid ?? "")",
                                                              "created": "\(outcome.created)"])
                    return .ok(outcome.order.prepayAnswer)
                }
            }
        }
        router.get("/v3/pay/partner/transactions/out-trade-no/:no") { request, context in
            await merchant.handle(request, context, operation: "partner.query.out_trade_no") { call throws(WeChatAPIError) in
                let sub = try requireQuery(call)
                return .ok(try await emulator.ledger.order(outTradeNo: PartnerOrder.key(subMchid: sub, call.parameter("no")))
                    .transaction)
            }
        }
        router.get("/v3/pay/partner/transactions/id/:tid") { request, context in
            await merchant.handle(request, context, operation: "partner.query.transaction_id") {
                call throws(WeChatAPIError) in
                let sub = try requireQuery(call)
                let order = try await emulator.ledger.order(transactionID: call.parameter("tid"))
                guard order.request.partner?.subMchid == sub else { throw .orderNotExist }
                return .ok(order.transaction)
            }
        }
        router.post("/v3/pay/partner/transactions/out-trade-no/:no/close") { request, context in
            await merchant.handle(request, context, operation: "partner.close") { call throws(WeChatAPIError) in
                let body = try call.json()
                let v = FieldReader(body)
                guard try v.string("sp_mchid", length: 1...32) == emulator.side.mchid else {
                    throw .paramError("sp_mchid", "is not the merchant that signed the request")
                }
                let sub = try v.string("sub_mchid", length: 1...32)
                try await emulator.ledger.close(outTradeNo: PartnerOrder.key(subMchid: sub, call.parameter("no")))
                return .noContent
            }
        }
    }

    /// The partner queries' `sp_mchid` (the provider that signed) and `sub_mchid` query parameters.
    /// - Returns: the `sub_mchid`.
    func requireQuery(_ call: MerchantCall) throws(WeChatAPIError) -> String {
        guard let sp = call.query("sp_mchid"), !sp.isEmpty else {
            throw .paramError("sp_mchid", "is required", location: "query")
        }
        guard sp == emulator.side.mchid else {
            throw .paramError("sp_mchid", "is not the merchant that signed the request", location: "query")
        }
        guard let sub = call.query("sub_mchid"), !sub.isEmpty else {
            throw .paramError("sub_mchid", "is required", location: "query")
        }
        return sub
    }
}
