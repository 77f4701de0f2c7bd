import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

/// Injected faults on the next N merchant calls: 500, 429, delay, connection reset, bad answer signature.
@Suite("Fault injection")
struct FaultTests {
    @Test("500 SYSTEM_ERROR and 429 FREQUENCY_LIMITED are signed answers, consumed one call each")
    func serverErrors() throws {
        let emu = try RunningEmulator()
        #expect(try emu.control("POST", "/_emulator/faults", ["kind": "500", "count": 2]).status == 200)
        try emu.control("POST", "/_emulator/faults", ["kind": "frequency-limited"])
        let no = uniqueTradeNo()
        let body = emu.nativeOrder(no)
        for expected in [(500, "SYSTEM_ERROR"), (500, "SYSTEM_ERROR"), (429, "FREQUENCY_LIMITED")] {
            let r = try emu.call("POST", "/v3/pay/transactions/native", json: body)
            #expect(r.status == expected.0)
            #expect(try emu.verifiedJSON(r)["code"]?.stringValue == expected.1)
        }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 0)  // nothing took effect
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: body).status == 200)
        #expect(try emu.control("GET", "/_emulator/faults").json["pending"]?.arrayValue?.isEmpty == true)
    }

    @Test("bad-signature: the answer is normal but its signature does not verify")
    func badSignature() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "bad-signature"])
        let r = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()))
        #expect(r.status == 200)
        #expect(throws: WxPayError.self) { try emu.verify(r) }
        let next = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()))
        try emu.verify(next)
    }

    @Test("delay holds the answer for delay_ms, only on the matching path prefix")
    func delay() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "delay", "delay_ms": 600, "path_prefix": "/v3/refund/"])
        try emu.control("POST", "/_emulator/faults", ["kind": "delay", "delay_ms": 600, "path_prefix": "/v3/pay/"])
        let start = Date()
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo())).status == 200)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.6)
        let pending = try emu.control("GET", "/_emulator/faults").json["pending"]?.arrayValue ?? []
        #expect(pending.count == 1)
        #expect(pending.first?["path_prefix"] == "/v3/refund/")
    }

    @Test("reset drops the connection; with when=after the order exists and an identical retry gets it back")
    func reset() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "reset"])
        let no = uniqueTradeNo()
        #expect(throws: HTTPError.self) { try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)) }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 0)

        try emu.control("POST", "/_emulator/faults", ["kind": "reset", "when": "after"])
        #expect(throws: HTTPError.self) { try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)) }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
        let retry = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        #expect(retry.status == 200)
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
    }

    @Test("--request-log: every merchant request as it arrived (a reset one and an unsigned one too) and its answer")
    func requestLog() throws {
        let emu = try RunningEmulator(requestLog: true)
        let no = uniqueTradeNo()
        let body = emu.nativeOrder(no)
        try emu.control("POST", "/_emulator/faults", ["kind": "reset"])
        #expect(throws: HTTPError.self) { try emu.call("POST", "/v3/pay/transactions/native", json: body) }
        let unsigned = try emu.call("POST", "/v3/pay/transactions/native", json: body, authorization: .some(nil))
        #expect(unsigned.status == 401)
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: body).status == 200)
        #expect(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)").status == 200)

        let log = try emu.emulator.requests()
        #expect(log.map(\.seq) == [1, 2, 3, 4])
        #expect(log.map(\.method) == ["POST", "POST", "POST", "GET"])
        #expect(log.map(\.target) == Array(repeating: "/v3/pay/transactions/native", count: 3)
                + ["/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"])
        #expect(log.prefix(3).allSatisfy { $0.json == body }, "the bodies as sent")
        #expect(log.map(\.status) == [0, 401, 200, 200], "answers: 0 for the reset connection")
        #expect(log[1].code != nil && log[2].code == nil)
        // The emulator's own books saw one order; the wire saw three attempts at it. Control calls are not logged.
        #expect(try emu.control("GET", "/_emulator/stats").json["prepay_requests"] == 1)
    }

    @Test("a bad fault request is refused with PARAM_ERROR")
    func badRule() throws {
        let emu = try RunningEmulator()
        let r = try emu.control("POST", "/_emulator/faults", ["kind": "meteor"])
        #expect(r.status == 400)
        #expect(r.json["detail"]?["field"] == "kind")
    }
}
