import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

/// `GET /pay/{intent_id}` of the built `wxpay-server` against a `wxpay-emulator` process: the URL create-intent
/// answers (the server's `/create-intent` and the executable alike), the page's headers, 404s that tell nothing,
/// the status endpoint and its limit (Tests/paypage/browser.py drives the page in a browser).
@Suite("wxpay-server's payment page as a process", .serialized)
struct PayPageServerTests {
    static let token = "srv_tok_payPage_7Qm2Xw9"

    @Test("confirmation_url is the page, the same from /create-intent and the executable; 404s alike; 429 past the limit")
    func page() throws {
        let emulator = try EmulatorProcess(notifyURL: "http://127.0.0.1:9/wxpay/notify", serveArguments: ["--no-deliver"])
        defer { emulator.stop() }
        let server = try ServerProcess(["--routes", "create-intent,pay,healthz"], environment: [
            "PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": emulator.secretsPath,
        ])
        // The server's address is known once it listens: the secrets are re-read per request.
        try emulator.rewriteSecrets {
            $0["server_tokens"] = .array([.string(Self.token)])
            $0["public_url"] = .string(server.baseURL + "/")
            $0["page_key"] = "a-page-key-of-at-least-32-characters-0123"
            $0["merchant_name"] = "Beans <&> Co"
        }
        let input = #"{"amount":1250,"description":"Pour-over <kettle>","idempotency_key":"pp-srv-1","channel":"native"}"#
        let created = try server.post("/create-intent", json: input, token: Self.token)
        #expect(created.status == 200, "\(created.text)")
        let intentID = try #require(created.json?["intent_id"]?.stringValue)
        let url = try #require(created.json?["confirmation_url"]?.stringValue)
        #expect(url.hasPrefix(server.baseURL + "/pay/" + intentID + "?t="))
        #expect(created.json?["code_url"]?.stringValue?.hasPrefix("weixin://wxpay/bizpayurl?pr=") == true)
        #expect(created.json?["qr_svg"]?.stringValue?.hasPrefix("<svg") == true)

        // The create-intent executable, same secrets, same key: the same intent and the same page URL.
        let replay = try runProcess(Executables.require("create-intent"), stdin: Array(input.utf8),
                                    environment: ["PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": emulator.secretsPath])
        let replayed = try replay.json()
        #expect(replayed["replayed"] == true, "\(replay)")
        #expect(replayed["confirmation_url"]?.stringValue == url)

        let path = String(url.dropFirst(server.baseURL.count))
        let page = try server.send("GET", path, headers: [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")])
        #expect(page.status == 200)
        #expect(page.header("content-type") == "text/html; charset=utf-8")
        let csp = try #require(page.header("content-security-policy"))
        #expect(csp.hasPrefix("default-src 'none'; script-src 'nonce-") && !csp.contains("unsafe"))
        #expect(page.header("x-content-type-options") == "nosniff")
        #expect(page.header("referrer-policy") == "no-referrer")
        #expect(page.header("cache-control") == "no-store")
        #expect(page.text.contains("12.50") && page.text.contains("Pour-over &lt;kettle&gt;"))
        #expect(page.text.contains("Beans &lt;&amp;&gt; Co"))
        #expect(page.text.contains("<svg"), "native: the QR code inline")
        #expect(!page.text.contains(try emulator.secrets().mchid), "the mchid is never shown")
        let zh = try server.send("GET", path, headers: [("Accept-Language", "zh-CN,zh;q=0.9")])
        #expect(zh.text.contains("确认付款"))

        // Wrong, missing, foreign tokens and an unknown intent: one 404 body.
        let token = String(url.split(separator: "=", maxSplits: 1)[1])
        let base = "/pay/" + intentID
        let misses = try [
            server.send("GET", base + "?t=" + token.dropLast() + "x"),
            server.send("GET", base),
            server.send("GET", "/pay/ai000000000000000000000000-1?t=" + token),
            server.send("GET", base + "/status?t=x.y"),
            server.send("GET", "/pay/" + intentID.dropLast() + "2?t=" + token),
        ]
        #expect(misses.map(\.status) == [404, 404, 404, 404, 404])
        #expect(Set(misses.map(\.text)).count == 1)

        // The status endpoint, then its limit.
        let status = try server.send("GET", base + "/status?t=" + token)
        #expect(status.status == 200)
        #expect(status.json?["status"] == "requires_confirmation")
        #expect(status.json?["amount"] == 1250)
        var limited: HTTPResponse? = nil
        for _ in 0..<20 where limited == nil {
            let answer = try server.send("GET", base + "/status?t=" + token)
            if answer.status == 429 { limited = answer }
        }
        let refused = try #require(limited, "20 quick status requests never met the limit")
        #expect(refused.json?["error"]?["code"] == "RATE_LIMITED")
        #expect(Int(refused.header("retry-after") ?? "") ?? 0 >= 1)

        // Against the emulator (a loopback api_base) the stand-in bridge is served.
        #expect(try server.send("GET", "/pay/_sandbox/bridge.js").status == 200)
        #expect(try server.send("DELETE", path).status == 405)
        #expect(try server.send("GET", base + "/bridge.js?t=" + token).status == 404)
        #expect(try server.send("GET", base + "/other?t=" + token).status == 404)
        #expect(try server.send("GET", base + "/status/more?t=" + token).status == 404)

        // Paid in the emulator: the page says so, and offers no QR code any more.
        #expect(try emulator.control("POST", "/_emulator/orders/\(intentID)/pay", [:]).status == 200)
        let paid = try server.send("GET", path)
        #expect(paid.text.contains("data-state=\"succeeded\"") && !paid.text.contains("<svg"))

        // Without page_key (and public_url) every page is the 404 page; create-intent answers the code_url again.
        try emulator.rewriteSecrets {
            $0["public_url"] = nil
            $0["page_key"] = nil
        }
        #expect(try server.send("GET", path).status == 404)
        let plain = try server.post("/create-intent", json: #"{"amount":100,"description":"x","idempotency_key":"pp-srv-2","channel":"native"}"#,
                                    token: Self.token)
        #expect(plain.json?["confirmation_url"]?.stringValue?.hasPrefix("weixin://") == true, "\(plain.text)")
    }
}
