import Foundation
import KitCore
import Synchronization
import Testing
import WxPayCore
import WxPayHTTP

/// Prepay on every channel, WeChat's validation, and `out_trade_no` semantics, over loopback with signed requests.
@Suite("Prepay endpoints")
struct PrepayTests {
    @Test("every channel answers 200 with its own field, signed with the platform key")
    func channels() throws {
        let emu = try RunningEmulator()
        let base = try #require(emu.nativeOrder("ignored").objectValue, "nativeOrder made no object")
        var jsapi = base
        jsapi["payer"] = ["openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"]
        var h5 = base
        h5["scene_info"] = ["payer_client_ip": "127.0.0.1", "h5_info": ["type": "Wap"]]
        let cases: [(String, [String: JSONValue], String, String)] = [
            ("jsapi", jsapi, "prepay_id", "wx"), ("app", base, "prepay_id", "wx"),
            ("native", base, "code_url", "weixin://wxpay/bizpayurl?pr="),
            ("h5", h5, "h5_url", "https://wx.tenpay.com/"),
        ]
        for (channel, body, field, prefix) in cases {
            var b = body
            let no = uniqueTradeNo()
            b["out_trade_no"] = .string(no)
            let response = try emu.call("POST", "/v3/pay/transactions/\(channel)", json: .object(b))
            #expect(response.status == 200, "\(channel): \(String(decoding: response.body, as: UTF8.self))")
            let answer = try emu.verifiedJSON(response)
            #expect(answer[field]?.stringValue?.hasPrefix(prefix) == true, "\(channel) answered \(answer)")
            #expect(response.header("Request-ID") != nil)
            let order = try emu.control("GET", "/_emulator/orders/\(no)").json
            let tradeType = ["jsapi": "JSAPI", "app": "APP", "native": "NATIVE", "h5": "MWEB"][channel]
            #expect(order["trade_type"]?.stringValue == tradeType)
            #expect(order["trade_state"]?.stringValue == "NOTPAY")
        }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"]?.intValue == 4)
    }

    @Test("the same out_trade_no with identical parameters returns the same prepay_id and creates no order")
    func idempotentReorder() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        var order = try #require(emu.nativeOrder(no).objectValue, "nativeOrder made no object")
        order["payer"] = ["openid": "oUser1"]
        let body = JSONValue.object(order)
        let first = try emu.verifiedJSON(try emu.call("POST", "/v3/pay/transactions/jsapi", json: body))
        let second = try emu.call("POST", "/v3/pay/transactions/jsapi", json: body)
        #expect(second.status == 200)
        #expect(try emu.verifiedJSON(second)["prepay_id"] == first["prepay_id"])
        let stats = try emu.control("GET", "/_emulator/stats").json
        #expect(stats["orders_created"]?.intValue == 1)
        #expect(stats["prepay_requests"]?.intValue == 2)
    }

    @Test("the same out_trade_no with other parameters is 400 INVALID_REQUEST naming the field")
    func conflictingReorder() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, total: 100))
        let other = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, total: 101))
        #expect(other.status == 400)
        let error = try emu.verifiedJSON(other)
        #expect(error["code"] == "INVALID_REQUEST")
        #expect(error["detail"]?["field"] == "amount")
        let otherChannel = try emu.call("POST", "/v3/pay/transactions/app", json: emu.nativeOrder(no, total: 100))
        #expect(try json(otherChannel)["code"] == "INVALID_REQUEST")
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"]?.intValue == 1)
    }

    @Test("20 concurrent identical prepay calls create exactly one order and all get its prepay_id")
    func concurrentIdenticalPrepay() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        let body = emu.nativeOrder(no)
        // Each caller's outcome: the status and the verified answer, or why there is none (a failed call or an
        // answer whose signature does not verify is reported, never dropped).
        let answers = Mutex<[Int: Result<(Int, JSONValue), CallFailure>]>([:])
        let group = DispatchGroup()
        for i in 0..<20 {
            group.enter()
            Thread {
                defer { group.leave() }
                let outcome: Result<(Int, JSONValue), CallFailure>
                do {
                    let r = try emu.call("POST", "/v3/pay/transactions/native", json: body)
                    outcome = .success((r.status, try emu.verifiedJSON(r)))
                } catch {
                    outcome = .failure(CallFailure(description: "caller \(i): \(error)"))
                }
                answers.withLock { $0[i] = outcome }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let all = answers.withLock { $0 }
        #expect(all.count == 20)
        var codeURLs: [String] = []
        for (_, outcome) in all.sorted(by: { $0.key < $1.key }) {
            switch outcome {
            case .failure(let failure): Issue.record("\(failure)")
            case .success(let (status, answer)):
                #expect(status == 200, "\(answer)")
                codeURLs.append(try #require(answer["code_url"]?.stringValue, "no code_url in \(answer)"))
            }
        }
        #expect(codeURLs.count == 20)
        #expect(Set(codeURLs).count == 1)
        let stats = try emu.control("GET", "/_emulator/stats").json
        #expect(stats["orders_created"]?.intValue == 1)
        #expect(stats["prepay_requests"]?.intValue == 20)
    }

    static let invalidFields: [(String, JSONValue, String)] = [
        ("description", JSONValue.null, "description"),
        ("description", JSONValue.string(String(repeating: "字", count: 128)), "description"),
        ("out_trade_no", "short", "out_trade_no"),
        ("out_trade_no", "has space 123", "out_trade_no"),
        ("out_trade_no", .string(String(repeating: "A", count: 33)), "out_trade_no"),
        ("amount", ["total": 0, "currency": "CNY"], "amount.total"),
        ("amount", ["total": 100, "currency": "USD"], "amount.currency"),
        ("amount", ["total": "100"], "amount.total"),
        ("notify_url", "http://example.com/notify", "notify_url"),
        ("notify_url", "https://example.com/notify?x=1", "notify_url"),
        ("time_expire", "tomorrow", "time_expire"),
        ("time_expire", "2001-01-01T00:00:00+08:00", "time_expire"),
        ("mchid", "1230000000", "mchid"),
    ]

    @Test("bodies are validated like WeChat: 400 PARAM_ERROR with detail.field, and no order is created")
    func validation() throws {
        let emu = try RunningEmulator()
        for (field, value, reported) in Self.invalidFields {
            var body = try #require(emu.nativeOrder(uniqueTradeNo()).objectValue, "nativeOrder made no object")
            body[field] = value.isNull ? nil : value
            let response = try emu.call("POST", "/v3/pay/transactions/native", json: .object(body))
            #expect(response.status == 400, "\(field) = \(value)")
            let error = try emu.verifiedJSON(response)
            #expect(error["code"] == "PARAM_ERROR", "\(field) = \(value)")
            #expect(error["detail"]?["field"]?.stringValue == reported, "\(field) = \(value): \(error)")
        }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"]?.intValue == 0)
    }

    @Test("channel-specific fields: payer.openid for JSAPI, scene_info.h5_info.type for H5; another appid is refused")
    func channelRequirements() throws {
        let emu = try RunningEmulator()
        let jsapi = try emu.call("POST", "/v3/pay/transactions/jsapi", json: emu.nativeOrder(uniqueTradeNo()))
        #expect(try json(jsapi)["detail"]?["field"] == "payer")
        var h5 = try #require(emu.nativeOrder(uniqueTradeNo()).objectValue, "nativeOrder made no object")
        h5["scene_info"] = ["payer_client_ip": "1.2.3.4"]
        let h5Answer = try emu.call("POST", "/v3/pay/transactions/h5", json: .object(h5))
        #expect(try json(h5Answer)["detail"]?["field"] == "scene_info.h5_info")
        var other = try #require(emu.nativeOrder(uniqueTradeNo()).objectValue, "nativeOrder made no object")
        other["appid"] = "wx0000000000000000"
        let mismatch = try emu.call("POST", "/v3/pay/transactions/native", json: .object(other))
        #expect(mismatch.status == 400)
        #expect(try emu.verifiedJSON(mismatch)["code"] == "APPID_MCHID_NOT_MATCH")
        let notJSON = try emu.call("POST", "/v3/pay/transactions/native", rawBody: Array("{nope".utf8))
        #expect(try json(notJSON)["code"] == "PARAM_ERROR")
    }

}

/// Why a concurrent caller has no answer.
struct CallFailure: Error, CustomStringConvertible {
    var description: String
}
