import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("create-intent: channels")
    struct Channels {
        /// Whether `signature` (base64) is the merchant key's RSA-SHA256 signature of `message`.
        static func merchantSigned(_ signature: String?, _ message: String, _ secrets: Secrets) -> Bool {
            guard let signature, let bytes = Base64.decode(signature) else { return false }
            guard let key = try? secrets.merchantPrivateKey.publicKey else { return false }
            return key.verifySHA256(signature: bytes, message: Array(message.utf8))
        }

        @Test("jsapi (chosen from in_wechat): WeixinJSBridge parameters whose paySign verifies with the merchant public key")
        func jsapi() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let run = try emulator.run("create-intent", Event.intent(key: key, [
                "user_openid": .string(sampleOpenID), "client": ["in_wechat": true, "mobile": true],
            ]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["channel"] == "jsapi")
            #expect(intent["status"] == "requires_confirmation")
            #expect(intent["replayed"] == false)
            let no = try #require(intent["intent_id"]?.stringValue)
            #expect(no == IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1))

            let order = try emulator.order(no)
            #expect(order["trade_type"] == "JSAPI")
            #expect(order["payer"]?["openid"]?.stringValue == sampleOpenID)
            #expect(order["amount"]?["total"] == 1999)

            let c = try #require(intent["confirmation"])
            #expect(c["appId"]?.stringValue == emulator.secrets.appid)
            #expect(c["signType"] == "RSA")
            #expect(c["package"]?.stringValue == "prepay_id=" + (order["prepay_id"]?.stringValue ?? "?"))
            let message = "\(c["appId"]?.stringValue ?? "")\n\(c["timeStamp"]?.stringValue ?? "")\n"
                + "\(c["nonceStr"]?.stringValue ?? "")\n\(c["package"]?.stringValue ?? "")\n"
            #expect(Self.merchantSigned(c["paySign"]?.stringValue, message, emulator.secrets))
            // A signature over anything else does not verify: the check above can fail.
            #expect(!Self.merchantSigned(c["paySign"]?.stringValue, message + "x", emulator.secrets))
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "jsapi")]) == [])
        }

        @Test("miniprogram (chosen from mini_program): wx.requestPayment parameters over the JSAPI endpoint")
        func miniprogram() throws {
            let emulator = try Emulator()
            let run = try emulator.run("create-intent", Event.intent(key: freshKey(), [
                "user_openid": .string(sampleOpenID), "client": ["mini_program": true, "in_wechat": true],
            ]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["channel"] == "miniprogram")
            let order = try emulator.order(try #require(intent["intent_id"]?.stringValue))
            #expect(order["trade_type"] == "JSAPI")
            let c = try #require(intent["confirmation"])
            #expect(c["package"]?.stringValue == "prepay_id=" + (order["prepay_id"]?.stringValue ?? "?"))
            let message = "\(emulator.secrets.appid)\n\(c["timeStamp"]?.stringValue ?? "")\n"
                + "\(c["nonceStr"]?.stringValue ?? "")\n\(c["package"]?.stringValue ?? "")\n"
            #expect(Self.merchantSigned(c["paySign"]?.stringValue, message, emulator.secrets))
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "miniprogram")]) == [])
        }

        @Test("app: the app SDK's PayReq, its sign over appid, timestamp, noncestr, prepayid")
        func app() throws {
            let emulator = try Emulator()
            let run = try emulator.run("create-intent", Event.intent(key: freshKey(), ["channel": "app"]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["channel"] == "app")
            let order = try emulator.order(try #require(intent["intent_id"]?.stringValue))
            #expect(order["trade_type"] == "APP")
            let c = try #require(intent["confirmation"])
            let prepayID = try #require(order["prepay_id"], "\(order)")
            #expect(c["prepayid"] == prepayID)
            #expect(c["partnerid"]?.stringValue == emulator.secrets.mchid)
            #expect(c["package"] == "Sign=WXPay")
            let message = "\(emulator.secrets.appid)\n\(c["timestamp"]?.stringValue ?? "")\n"
                + "\(c["noncestr"]?.stringValue ?? "")\n\(c["prepayid"]?.stringValue ?? "")\n"
            #expect(Self.merchantSigned(c["sign"]?.stringValue, message, emulator.secrets))
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "app")]) == [])
        }

        @Test("h5 (chosen from mobile outside WeChat): the h5_url, and the payer IP sent as scene_info")
        func h5() throws {
            let emulator = try Emulator()
            let run = try emulator.run("create-intent", Event.intent(key: freshKey(), [
                "client": ["mobile": true, "ip": "203.0.113.7"],
            ]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["channel"] == "h5")
            #expect(intent["confirmation"] == nil)
            let order = try emulator.order(try #require(intent["intent_id"]?.stringValue))
            #expect(order["trade_type"] == "MWEB")
            let url = try #require(intent["confirmation_url"]?.stringValue)
            #expect(url.hasPrefix("https://wx.tenpay.com/"))
            #expect(url.contains(order["prepay_id"]?.stringValue ?? "?"))
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "h5")]) == [])
        }

        @Test("native (no client hints: a desktop): the code_url to show as a QR code")
        func native() throws {
            let emulator = try Emulator()
            let run = try emulator.run("create-intent", Event.intent(key: freshKey(), ["expires_in": 600]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["channel"] == "native")
            let order = try emulator.order(try #require(intent["intent_id"]?.stringValue))
            #expect(order["trade_type"] == "NATIVE")
            #expect(intent["confirmation_url"]?.stringValue?.hasPrefix("weixin://wxpay/bizpayurl?pr=") == true)
            // time_expire went to WeChat as creation + expires_in, in China time, and is the intent's expires_at.
            #expect(order["time_expire"] == intent["expires_at"])
            #expect(order["time_expire"]?.stringValue?.hasSuffix("+08:00") == true)
            // The attach carries the idempotency key (so the notification names the conversation).
            let attach = try #require(order["attach"]?.stringValue.flatMap(AttachCodec.decode))
            #expect(attach.idempotencyKey == intent["idempotency_key"]?.stringValue)
            #expect(attach.expiresIn == 600)
        }

        @Test("native: qr_svg is one compact <path> that zbarimg (after rsvg-convert) reads back to the exact code_url")
        func nativeQRCode() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let run = try emulator.run("create-intent", Event.intent(key: key, ["channel": "native"]))
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            let codeURL = try #require(intent["confirmation_url"]?.stringValue)
            #expect(codeURL.hasPrefix("weixin://wxpay/bizpayurl?pr="), "the emulator's code_url, passed through")
            let svg = try #require(intent["qr_svg"]?.stringValue)
            #expect(svg.components(separatedBy: "<path").count == 2, "one path")
            #expect(svg.contains("d='M4 4h7v1H4z"), "a 4-module quiet zone before the finder pattern")
            #expect(try QRDecoder.decode(svg: svg) == codeURL)
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "native")]) == [])

            // The replay draws the same code again; other channels draw none.
            let again = try emulator.run("create-intent", Event.intent(key: key, ["channel": "native"])).result()
            #expect(again["replayed"] == true)
            #expect(again["qr_svg"] == intent["qr_svg"])
            let h5 = try emulator.run("create-intent", Event.intent(key: freshKey(), [
                "client": ["mobile": true, "ip": "203.0.113.7"],
            ])).result()
            #expect(h5["channel"] == "h5")
            #expect(h5["qr_svg"] == nil)
        }

        @Test("native without libqrencode: the intent is still created (exit 0, no qr_svg) and a warning is logged")
        func nativeWithoutQRLibrary() throws {
            let emulator = try Emulator()
            let run = try emulator.run("create-intent", Event.intent(key: freshKey(), ["channel": "native"]),
                                       env: ["WXPAY_QRENCODE_LIBRARY": "/nonexistent/libqrencode.so.4"])
            #expect(run.status == 0, "\(run)")
            let intent = try run.result()
            #expect(intent["status"] == "requires_confirmation")
            #expect(intent["confirmation_url"]?.stringValue?.hasPrefix("weixin://wxpay/bizpayurl?pr=") == true)
            #expect(intent["qr_svg"] == nil)
            let warning = run.stderrLines.compactMap { try? JSONCoding.value(from: Array($0.utf8)) }
                .first { $0["level"] == "warning" && $0["msg"]?.stringValue?.contains("QR code") == true }
            #expect(warning != nil, "a warning names the missing QR code: \(run.stderr)")
            #expect(warning?["reason"]?.stringValue?.contains("libqrencode could not be loaded") == true)
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: intent, label: "native without QR")]) == [])
        }
    }
}
