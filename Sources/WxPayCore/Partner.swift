import KitCore

/// Service-provider (服务商, "partner") mode: the secrets file holds the service provider's `mchid`, `appid` and keys,
/// and a call that names a sub-merchant (`sub_mchid`, optionally `sub_appid`) is made for that sub-merchant through
/// WeChat Pay's partner endpoints (`/v3/pay/partner/transactions/...`; refunds carry `sub_mchid`). A call without
/// `sub_mchid` is a direct-merchant call, exactly as before.
public struct PartnerScope: Sendable, Equatable {
    /// The sub-merchant's merchant id (`sub_mchid`).
    public let subMchid: String
    /// The sub-merchant's app id (`sub_appid`), when the call names one.
    public let subAppid: String?

    /// A validated scope.
    /// - Throws: `INVALID_FIELD` (`sub_mchid`: not 1 to 32 digits; `sub_appid`: not 1 to 32 characters of
    ///   `[0-9A-Za-z_-]`).
    public init(subMchid: String, subAppid: String? = nil) throws(WxPayError) {
        guard (1...32).contains(subMchid.utf8.count), subMchid.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidField("sub_mchid", "must be the sub-merchant's merchant id: 1 to 32 digits")
        }
        if let subAppid {
            guard (1...32).contains(subAppid.utf8.count), subAppid.utf8.allSatisfy(PartnerScope.isAppidByte) else {
                throw .invalidField("sub_appid", "must be 1 to 32 characters of [0-9A-Za-z_-]")
            }
        }
        self.subMchid = subMchid
        self.subAppid = subAppid
    }

    /// The scope an input names: `nil` (direct mode) without `sub_mchid`; `sub_appid` without `sub_mchid` is
    /// `INVALID_FIELD`.
    public static func from(subMchid: String?, subAppid: String? = nil) throws(WxPayError) -> PartnerScope? {
        guard let subMchid else {
            if subAppid != nil { throw .invalidField("sub_appid", "is only allowed with sub_mchid (service-provider mode)") }
            return nil
        }
        return try PartnerScope(subMchid: subMchid, subAppid: subAppid)
    }

    static func isAppidByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }
}
