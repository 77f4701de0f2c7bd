import KitCore
import PayPage
import Testing
import WxPayCore
import WxPayCrypto
import WxPayOperations
import WxPaySandbox

/// The payment page's pieces without a server: its tokens, its rendering, its headers and its rate limit
/// (Tests/paypage/browser.py drives the whole page in headless Chromium).
@Suite("Payment page")
struct PayPageTests {
    static let key = Array("k3y-for-the-payment-page-tests-0123456789".utf8)
    static let ticket = PayPageTicket(intentID: "ai0123456789abcdef01234567-1", channel: .native,
                                      description: "Coffee beans 1 kg", target: "weixin://wxpay/bizpayurl?pr=abc123XYZ",
                                      expiresAt: 1_796_083_500)

    // MARK: Tokens

    @Test("a token opens the page of its own intent, with what it was made with")
    func tokenRoundTrip() throws {
        let token = Self.ticket.token(key: Self.key)
        #expect(PayPageTicket.verify(token, intentID: Self.ticket.intentID, key: Self.key) == Self.ticket)
        #expect(token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A)
            || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E })
        let url = Self.ticket.url(publicURL: "https://pay.example.com", key: Self.key)
        #expect(url == "https://pay.example.com/pay/\(Self.ticket.intentID)?t=\(token)")
    }

    @Test("another intent, another key, an altered payload or MAC, a truncated or empty token: refused")
    func tokenRefusals() throws {
        let token = Self.ticket.token(key: Self.key)
        let id = Self.ticket.intentID
        #expect(PayPageTicket.verify(token, intentID: "ai0123456789abcdef01234567-2", key: Self.key) == nil)
        #expect(PayPageTicket.verify(token, intentID: id, key: Array("another-key-of-the-same-length-0123456789".utf8)) == nil)
        #expect(PayPageTicket.verify(token, intentID: id, key: []) == nil)
        #expect(PayPageTicket.verify("", intentID: id, key: Self.key) == nil)
        #expect(PayPageTicket.verify(String(token.dropLast()), intentID: id, key: Self.key) == nil)
        #expect(PayPageTicket.verify(String(token.prefix(while: { $0 != "." })), intentID: id, key: Self.key) == nil)
        // The payload of another ticket under this ticket's MAC.
        var other = Self.ticket
        other.target = "weixin://wxpay/bizpayurl?pr=evil"
        let forged = String(other.token(key: Self.key).prefix(while: { $0 != "." }))
            + String(token.drop(while: { $0 != "." }))
        #expect(PayPageTicket.verify(forged, intentID: id, key: Self.key) == nil)
        // Every single-character change of the MAC.
        let dot = token.firstIndex(of: ".")!
        let mac = Array(token[token.index(after: dot)...])
        for i in mac.indices {
            var changed = mac
            changed[i] = changed[i] == "A" ? "B" : "A"
            #expect(PayPageTicket.verify(String(token[...dot]) + String(changed), intentID: id, key: Self.key) == nil)
        }
        #expect(PayPageTicket.verify(String(repeating: "A", count: 5000), intentID: id, key: Self.key) == nil)
    }

    @Test("a token for a channel a page cannot confirm (app, miniprogram) is refused")
    func tokenChannels() {
        var app = Self.ticket
        app.channel = .app
        #expect(PayPageTicket.verify(app.token(key: Self.key), intentID: app.intentID, key: Self.key) == nil)
    }

    // MARK: Secrets

    @Test("page_key is checked: 32+ printable characters, required with public_url; merchant_name bounded")
    func secretsFields() throws {
        let keys = try SandboxKeySet.generate()
        let base = try keys.secretsFile(mode: .publicKey, notifyURL: "https://example.com/n").objectValue!
        func parse(_ extra: [String: JSONValue]) -> Result<Secrets, WxPayError> {
            Result { () throws(WxPayError) -> Secrets in
                try Secrets.parse((try? JSONCoding.encode(JSONValue.object(base.merging(extra) { $1 }))) ?? [])
            }
        }
        let good = try parse(["public_url": "https://pay.example.com/", "page_key": .string(String(repeating: "p", count: 32)),
                              "merchant_name": "小店 Coffee"]).get()
        #expect(good.publicURL == "https://pay.example.com")
        #expect(good.pageKeyBytes?.count == 32)
        #expect(good.merchantName == "小店 Coffee")
        #expect(!good.description.contains(String(repeating: "p", count: 32)))
        func field(_ r: Result<Secrets, WxPayError>) -> String? {
            if case .failure(let e) = r { return e.details["field"]?.stringValue ?? e.message } else { return nil }
        }
        #expect(field(parse(["page_key": "short"]))?.contains("page_key") == true)
        #expect(field(parse(["public_url": "https://pay.example.com"]))?.contains("page_key") == true)
        #expect(field(parse(["public_url": "ftp://x", "page_key": .string(String(repeating: "p", count: 40))]))?
            .contains("public_url") == true)
        #expect(field(parse(["merchant_name": .string(String(repeating: "m", count: 65))]))?.contains("merchant_name") == true)
        let plain = try parse([:]).get()
        #expect(plain.publicURL == nil && plain.pageKeyBytes == nil && plain.merchantName == nil)
    }

    // MARK: Rendering

    static func view(_ status: String = "requires_confirmation", channel: String = "native",
                     client: PayPage.Client = .desktop, language: PayPage.Language = .en,
                     merchant: String? = "Beans & Co") -> PayPage.View
    {
        PayPage.View(language: language, client: client, merchantName: merchant,
                     description: "<script>alert(1)</script> & \"beans\"", amountFen: 1250, status: status,
                     remainingSeconds: 125, channel: channel,
                     jsapiParameters: ["appId": "wx1", "package": "prepay_id=wx2", "paySign": "s\"ig"],
                     h5URL: "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2&package=1",
                     qrSVG: "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0h1v1H0z'/></svg>",
                     statusURL: "ai1-1/status?t=a.b", sandboxPayURL: nil, nonce: "00ff")
    }

    @Test("the page escapes what it shows, shows yuan exactly, and carries the nonce on its script and style")
    func renderBasics() {
        let html = PayPage.render(Self.view())
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;beans&quot;"))
        #expect(html.contains("12.50"))
        #expect(html.contains("Beans &amp; Co"))
        #expect(html.contains("2:05"))
        #expect(html.contains(#"<style nonce="00ff">"#))
        #expect(html.contains(#"<script nonce="00ff">"#))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(html.contains("<svg xmlns="), "native on a desktop: the QR code inline")
        #expect(!html.contains("id=\"pay\""))
        #expect(!html.contains("bridge.js"))
        // Nothing from another origin: the only URL is the SVG namespace.
        #expect(!html.replacing("http://www.w3.org/2000/svg", with: "").contains("http"))
        #expect(!html.contains("<script src"))
    }

    @Test("yuan from fen is exact")
    func yuan() {
        #expect(PayPage.yuan(1250) == "12.50")
        #expect(PayPage.yuan(5) == "0.05")
        #expect(PayPage.yuan(100) == "1.00")
        #expect(PayPage.yuan(10_000_000_000) == "100000000.00")
        #expect(PayPage.yuan(1999) == "19.99")
    }

    @Test("by client: the pay button in WeChat (jsapi), the H5 link in a mobile browser, a hint elsewhere")
    func renderByClient() {
        let inWeChat = PayPage.render(Self.view(channel: "jsapi", client: .wechat))
        #expect(inWeChat.contains("id=\"pay\""))
        #expect(inWeChat.contains("data-params=\"{&quot;appId&quot;:&quot;wx1&quot;"))
        #expect(inWeChat.contains("getBrandWCPayRequest"))
        let jsapiOutside = PayPage.render(Self.view(channel: "jsapi", client: .desktop))
        #expect(!jsapiOutside.contains("id=\"pay\"") && jsapiOutside.contains("Open this page in WeChat"))
        #expect(!jsapiOutside.contains("data-params"))
        let h5 = PayPage.render(Self.view(channel: "h5", client: .mobile))
        #expect(h5.contains("href=\"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2&amp;package=1\""))
        let h5InWeChat = PayPage.render(Self.view(channel: "h5", client: .wechat))
        #expect(!h5InWeChat.contains("checkmweb"))
        #expect(h5InWeChat.contains("phone&#39;s browser") || h5InWeChat.contains("phone's browser"))
        var sandbox = Self.view(channel: "jsapi", client: .wechat)
        sandbox.sandboxPayURL = "ai1-1/sandbox-pay?t=a.b"
        let withBridge = PayPage.render(sandbox)
        #expect(withBridge.contains(#"<script nonce="00ff" src="_sandbox/bridge.js"></script>"#))
        #expect(withBridge.contains("data-sandbox-pay-url=\"ai1-1/sandbox-pay?t=a.b\""))
    }

    @Test("final states show their text and no way to pay; an expired intent shows the re-prompt")
    func renderStates() {
        let expired = PayPage.render(Self.view("expired", channel: "jsapi", client: .wechat))
        #expect(expired.contains("data-state=\"expired\""))
        #expect(expired.contains("ask for a new payment link"))
        #expect(!expired.contains("id=\"pay\"") && !expired.contains("<svg"))
        let paid = PayPage.render(Self.view("succeeded"))
        #expect(paid.contains("Paid. Thank you!") && !paid.contains("<svg"))
    }

    @Test("Chinese for zh* Accept-Language, else English; the generic merchant line never needs the mchid")
    func language() {
        #expect(PayPage.Language(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(PayPage.Language(acceptLanguage: "en-US,en;q=0.9,zh;q=0.8") == .en)
        #expect(PayPage.Language(acceptLanguage: "en;q=0.5, zh-TW;q=0.7") == .zh)
        #expect(PayPage.Language(acceptLanguage: "fr") == .en)
        #expect(PayPage.Language(acceptLanguage: nil) == .en)
        let zh = PayPage.render(Self.view(language: .zh, merchant: nil))
        #expect(zh.contains("lang=\"zh-CN\"") && zh.contains("确认付款") && zh.contains("微信支付付款"))
        #expect(PayPage.render(Self.view("expired", language: .zh)).contains("重新获取付款链接"))
        #expect(PayPage.renderNotFound(.zh).contains("找不到付款"))
        #expect(PayPage.renderNotFound(.en) == PayPage.renderNotFound(.en))
    }

    @Test("clients by User-Agent")
    func clients() {
        #expect(PayPage.Client(userAgent: "Mozilla/5.0 (iPhone) AppleWebKit Mobile MicroMessenger/8.0.50") == .wechat)
        #expect(PayPage.Client(userAgent: "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36") == .mobile)
        #expect(PayPage.Client(userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0") == .desktop)
        #expect(PayPage.Client(userAgent: nil) == .desktop)
    }

    // MARK: Headers, sandbox, rate limit

    @Test("the CSP allows nothing but the nonce'd script and style and same-origin requests")
    func csp() {
        let csp = PayPage.contentSecurityPolicy(nonce: "abcd")
        for part in ["default-src 'none'", "script-src 'nonce-abcd'", "style-src 'nonce-abcd'", "img-src 'self' data:",
                     "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]
        {
            #expect(csp.contains(part))
        }
        #expect(!csp.contains("unsafe"))
        #expect(PayPage.nonce() != PayPage.nonce())
        #expect(PayPage.nonce().count == 32)
    }

    @Test("the stand-in bridge is for loopback API bases only")
    func sandbox() {
        #expect(PayPage.isSandbox(apiBase: "http://127.0.0.1:8780"))
        #expect(PayPage.isSandbox(apiBase: "http://localhost:1"))
        #expect(PayPage.isSandbox(apiBase: "http://[::1]:9/x"))
        #expect(!PayPage.isSandbox(apiBase: Secrets.productionAPIBase))
        #expect(!PayPage.isSandbox(apiBase: "https://127.0.0.1.example.com"))
        #expect(!PayPage.isSandbox(apiBase: "https://api2.mch.weixin.qq.com"))
    }

    @Test("the status limit: a burst of capacity, then 429 with the wait, refilled over time, per intent")
    func rateLimit() {
        let limiter = PayPageRateLimiter(capacity: 3, perSecond: 0.5, maxKeys: 2)
        #expect(limiter.admit("a", now: 100) == nil)
        #expect(limiter.admit("a", now: 100) == nil)
        #expect(limiter.admit("a", now: 100) == nil)
        #expect(limiter.admit("a", now: 100) == 2)
        #expect(limiter.admit("b", now: 100) == nil, "another intent has its own budget")
        #expect(limiter.admit("a", now: 102) == nil)
        #expect(limiter.admit("a", now: 102) != nil)
        #expect(limiter.admit("c", now: 102) == nil, "a full table forgets, it does not refuse")
    }
}
