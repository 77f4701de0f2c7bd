import KitCore
import Mustache
import WxPayCore
import WxPayCrypto

/// wxpay-server's hosted confirmation page, `GET /pay/{intent_id}?t=TOKEN` (docs/server.md#the-payment-page):
/// what it shows, in which language, to which client, and the headers it is served with. No I/O here: the server
/// queries the order and hands the result to ``render(_:)``.
public enum PayPage {
    /// The page's language, from `Accept-Language`: any `zh…` range first → Chinese, else English.
    public enum Language: String, Sendable {
        case zh, en

        public init(acceptLanguage: String?) {
            var best: (Language, Double)? = nil
            for part in (acceptLanguage ?? "").split(separator: ",") {
                let fields = part.split(separator: ";").map { String($0.filter { $0 != " " && $0 != "\t" }) }
                guard let range = fields.first?.lowercased(), !range.isEmpty else { continue }
                var q = 1.0
                for f in fields.dropFirst() where f.hasPrefix("q=") { q = Double(f.dropFirst(2)) ?? 0 }
                guard q > 0 else { continue }
                let language: Language = range.hasPrefix("zh") ? .zh : .en
                if best == nil || q > best!.1 { best = (language, q) }
            }
            self = best?.0 ?? .en
        }
    }

    /// Where the page is opened, from `User-Agent`: inside WeChat (`MicroMessenger`), another mobile browser, or a
    /// desktop.
    public enum Client: String, Sendable {
        case wechat, mobile, desktop

        public init(userAgent: String?) {
            let ua = userAgent ?? ""
            if ua.contains("MicroMessenger") {
                self = .wechat
            } else if ["Mobile", "Android", "iPhone", "iPad", "Mobi"].contains(where: { ua.contains($0) }) {
                self = .mobile
            } else {
                self = .desktop
            }
        }
    }

    /// Everything one view of the page shows.
    public struct View: Sendable {
        public var language: Language
        public var client: Client
        /// `merchant_name` from the secrets file; `nil` shows a generic line (never the mchid).
        public var merchantName: String?
        public var description: String
        public var amountFen: Int64
        /// The intent's status (``IntentStatus`` raw value): `requires_confirmation`, `succeeded`, `expired`, ...
        public var status: String
        /// Seconds until the intent expires (0 when past).
        public var remainingSeconds: Int64
        /// `jsapi`, `h5` or `native`.
        public var channel: String
        /// The signed `getBrandWCPayRequest` parameters (jsapi intents opened inside WeChat).
        public var jsapiParameters: JSONValue?
        /// WeChat Pay's `h5_url` (h5 intents).
        public var h5URL: String?
        /// The QR code of the `code_url` as SVG (native intents).
        public var qrSVG: String?
        /// The status endpoint, relative to the page (`{intent_id}/status?t=TOKEN`).
        public var statusURL: String
        /// The sandbox pay endpoint, relative to the page, when the stand-in bridge is served (emulator only).
        public var sandboxPayURL: String?
        /// The per-response nonce of the Content-Security-Policy.
        public var nonce: String

        public init(language: Language, client: Client, merchantName: String?, description: String, amountFen: Int64,
                    status: String, remainingSeconds: Int64, channel: String, jsapiParameters: JSONValue? = nil,
                    h5URL: String? = nil, qrSVG: String? = nil, statusURL: String, sandboxPayURL: String? = nil,
                    nonce: String)
        {
            self.language = language
            self.client = client
            self.merchantName = merchantName
            self.description = description
            self.amountFen = amountFen
            self.status = status
            self.remainingSeconds = remainingSeconds
            self.channel = channel
            self.jsapiParameters = jsapiParameters
            self.h5URL = h5URL
            self.qrSVG = qrSVG
            self.statusURL = statusURL
            self.sandboxPayURL = sandboxPayURL
            self.nonce = nonce
        }
    }

    // MARK: Rendering

    private static let pageTemplate = try! MustacheTemplate(string: PayPageTemplates.page)
    private static let notFoundTemplate = try! MustacheTemplate(string: PayPageTemplates.notFound)

    /// The page as HTML.
    public static func render(_ view: View) -> String {
        let t = PayPageText.table(view.language)
        var context: [String: Any] = [
            "lang": view.language == .zh ? "zh-CN" : "en",
            "t": t,
            "nonce": view.nonce,
            "status": view.status,
            "remaining": String(max(0, view.remainingSeconds)),
            "countdown": countdown(view.remainingSeconds),
            "statusURL": view.statusURL,
            "messagesJSON": messagesJSON(view.language),
            "merchant": view.merchantName.map { (t["merchantPrefix"] ?? "") + $0 } ?? (t["genericMerchant"] ?? ""),
            "description": view.description,
            "yuan": yuan(view.amountFen),
            "stateText": PayPageText.state(view.status, view.language),
            "script": PayPageTemplates.script,
        ]
        if view.status == "requires_confirmation" {
            switch view.channel {
            case "jsapi":
                if view.client == .wechat, let params = view.jsapiParameters,
                   let json = try? JSONCoding.string(params)
                {
                    context["jsapi"] = true
                    context["params"] = json
                    if let pay = view.sandboxPayURL { context["sandboxPayURL"] = pay }
                } else {
                    context["openInWeChat"] = true
                }
            case "h5":
                if view.client == .wechat {
                    context["openInBrowser"] = true
                } else if let url = view.h5URL {
                    context["h5URL"] = url
                }
            case "native":
                if let svg = view.qrSVG { context["qrSVG"] = svg }
            default:
                break
            }
        }
        return pageTemplate.render(context)
    }

    /// The 404 page: the same for an unknown intent and for a wrong or missing token.
    public static func renderNotFound(_ language: Language) -> String {
        notFoundTemplate.render(["lang": language == .zh ? "zh-CN" : "en", "t": PayPageText.table(language)])
    }

    /// Fen as yuan, exactly: 1250 → `12.50`, 5 → `0.05`.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        let cents = m % 100
        return sign + String(m / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// `m:ss`.
    static func countdown(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        return "\(s / 60):" + (s % 60 < 10 ? "0" : "") + String(s % 60)
    }

    static func messagesJSON(_ language: Language) -> String {
        var o: [String: JSONValue] = [:]
        for state in PayPageText.states { o[state] = .string(PayPageText.state(state, language)) }
        let t = PayPageText.table(language)
        o["confirming"] = .string(t["confirming"] ?? "")
        o["cancelled"] = .string(t["cancelled"] ?? "")
        return (try? JSONCoding.string(JSONValue.object(o))) ?? "{}"
    }

    // MARK: Headers

    /// A fresh nonce for one response's Content-Security-Policy (128 random bits, hex).
    public static func nonce() -> String { Hex.encode(SecureRandom.bytes(16)) }

    /// The page's Content-Security-Policy: nothing but its own nonce'd script and style, same-origin requests,
    /// inline (`data:`) or same-origin images; no framing, no `<base>`, no form posts.
    public static func contentSecurityPolicy(nonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    }

    /// The headers of every answer under `/pay/` (page, 404 page, status JSON, bridge script).
    public static let commonHeaders: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
    ]

    /// The sandbox's stand-in `WeixinJSBridge` (served against the emulator only).
    public static var sandboxBridgeScript: String { PayPageTemplates.sandboxBridge }

    /// Whether `apiBase` is a loopback address (the emulator, or a test double): only then is the stand-in bridge
    /// served and the sandbox pay relay open. Production (`https://api.mch.weixin.qq.com`) never is.
    public static func isSandbox(apiBase: String) -> Bool {
        let rest: Substring
        if apiBase.hasPrefix("http://") {
            rest = apiBase.dropFirst(7)
        } else if apiBase.hasPrefix("https://") {
            rest = apiBase.dropFirst(8)
        } else {
            return false
        }
        let hostPort = rest.prefix(while: { $0 != "/" })
        let host: Substring
        if hostPort.hasPrefix("[") {
            host = hostPort.dropFirst().prefix(while: { $0 != "]" })
        } else {
            host = hostPort.prefix(while: { $0 != ":" })
        }
        return host == "127.0.0.1" || host == "localhost" || host == "::1"
    }
}
