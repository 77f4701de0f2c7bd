import KitCore
import WxPayCore
import WxPayCrypto

/// The token of a hosted payment page URL, `{public_url}/pay/{intent_id}?t=TOKEN` (docs/server.md#the-payment-page).
///
/// The kit keeps no database: what the page shows besides the order's live state (which wxpay-server queries from
/// WeChat Pay on every view) travels in the token, signed. The token is `PAYLOAD.MAC`, both base64url: PAYLOAD is
/// compact JSON `{"c": channel, "d": description, "p": prepay_id | h5_url | code_url, "e": expiry (Unix seconds)}`
/// and MAC is HMAC-SHA256 with the secrets file's `page_key` over `wxpay-agent-kit/pay/v1\n` + intent id + `\n` +
/// PAYLOAD, so a token opens the page of its own intent only, and nobody without the key can make or alter one.
public struct PayPageTicket: Sendable, Equatable {
    /// The intent (`out_trade_no`) the token is bound to.
    public var intentID: String
    /// `jsapi`, `h5` or `native`: the channels a web page can confirm.
    public var channel: CreateIntent.Channel
    /// The order's description, as given to create-intent.
    public var description: String
    /// What the payer confirms with: the `prepay_id` (jsapi), the `h5_url` (h5) or the `code_url` (native).
    public var target: String
    /// The intent's expiry, Unix seconds.
    public var expiresAt: Int64

    /// The channels a hosted page serves.
    public static let pageChannels: Set<CreateIntent.Channel> = [.jsapi, .h5, .native]
    /// The longest token accepted (a description of 127 characters and an h5 URL fit well within it).
    public static let maxTokenBytes = 2048

    public init(intentID: String, channel: CreateIntent.Channel, description: String, target: String,
                expiresAt: Int64)
    {
        self.intentID = intentID
        self.channel = channel
        self.description = description
        self.target = target
        self.expiresAt = expiresAt
    }

    /// The token, signed with `key`.
    public func token(key: [UInt8]) -> String {
        let payload: JSONValue = [
            "c": .string(channel.rawValue), "d": .string(description), "p": .string(target), "e": .int(expiresAt),
        ]
        let body = Base64Codec.url.encode(Array(((try? JSONCoding.string(payload)) ?? "{}").utf8))
        return body + "." + Base64Codec.url.encode(PayPageTicket.mac(intentID: intentID, payload: body, key: key))
    }

    /// The page URL of this intent under `publicURL` (no trailing slash).
    public func url(publicURL: String, key: [UInt8]) -> String {
        publicURL + "/pay/" + intentID + "?t=" + token(key: key)
    }

    /// The ticket a token carries when it was made with `key` for `intentID`; `nil` for any other token (wrong
    /// intent, wrong key, altered, truncated, malformed). The MAC is compared in constant time.
    public static func verify(_ token: String, intentID: String, key: [UInt8]) -> PayPageTicket? {
        guard !key.isEmpty, token.utf8.count <= maxTokenBytes, let dot = token.firstIndex(of: ".") else { return nil }
        let body = String(token[..<dot])
        guard let presented = Base64Codec.url.decode(token[token.index(after: dot)...]), presented.count == 32 else {
            return nil
        }
        guard Digest.constantTimeEquals(presented, mac(intentID: intentID, payload: body, key: key)) else { return nil }
        guard let bytes = Base64Codec.url.decode(body), let json = try? JSONCoding.value(from: bytes),
              let channel = json["c"]?.stringValue.flatMap(CreateIntent.Channel.init(rawValue:)),
              pageChannels.contains(channel),
              let description = json["d"]?.stringValue, let target = json["p"]?.stringValue,
              let expiresAt = json["e"]?.intValue
        else { return nil }
        return PayPageTicket(intentID: intentID, channel: channel, description: description, target: target,
                             expiresAt: expiresAt)
    }

    static func mac(intentID: String, payload: String, key: [UInt8]) -> [UInt8] {
        Digest.hmacSHA256(key: key, message: Array("wxpay-agent-kit/pay/v1\n\(intentID)\n\(payload)".utf8))
    }
}
