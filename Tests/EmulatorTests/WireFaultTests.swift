#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayTestSupport

/// The faults that break an answer on the wire (`timeout`, `reset-mid-answer`, `drip`, `truncated`) and the ones that
/// make a well-formed answer unusable (`unknown-serial`, `other-order`), plus the rule filters. The wire faults are
/// read with a raw socket, so the tests see exactly which bytes came and how the connection ended.
@Suite("Fault injection: broken answers")
struct WireFaultTests {
    /// What came back on one connection.
    struct Exchange {
        var bytes: [UInt8] = []
        /// `errno` of the read that ended the exchange (0: the peer closed, FIN), or `EAGAIN` when the read window
        /// passed with the connection still open.
        var ending: Int32 = 0
        /// Seconds from the request to each chunk of bytes.
        var arrivals: [(seconds: Double, count: Int)] = []

        var text: String { String(decoding: bytes, as: UTF8.self) }
        var head: String? { text.range(of: "\r\n\r\n").map { String(text[..<$0.lowerBound]) } }
        var body: [UInt8] {
            let separator: [UInt8] = [13, 10, 13, 10]
            guard bytes.count >= 4 else { return [] }
            for i in 0...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == separator {
                return Array(bytes[(i + 4)...])
            }
            return []
        }
        var contentLength: Int? {
            head?.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        }
        func header(_ name: String) -> String? {
            head?.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Sends one signed request over a fresh loopback connection and reads for at most `window` seconds.
    static func exchange(_ emu: RunningEmulator, _ method: String, _ path: String, json body: JSONValue? = nil,
                         window: Double) throws -> Exchange
    {
        let bytes = try body.map { try JSONCoding.encode($0) } ?? []
        let authorization = try emu.signer.authorization(method: method, canonicalURL: path, body: bytes,
                                                         timestamp: System.unixTime(),
                                                         nonce: SecureRandom.alphanumeric(32))
        let port = UInt16(emu.baseURL.split(separator: ":").last.flatMap { Int($0) } ?? 0)
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(authorization)\r\n"
            + "Accept: application/json\r\nContent-Length: \(bytes.count)\r\n"
        if !bytes.isEmpty { request += "Content-Type: application/json\r\n" }
        let wire = Array((request + "\r\n").utf8) + bytes

        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SetupFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SetupFailure("connect failed: \(errno)") }
        guard wire.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == wire.count else {
            throw SetupFailure("short send")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var result = Exchange()
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date().timeIntervalSince(start) < window {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                result.bytes += buffer[0..<n]
                result.arrivals.append((Date().timeIntervalSince(start), n))
                if let length = result.contentLength, result.body.count >= length { return result }
            } else if n == 0 {
                result.ending = 0
                return result
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                continue
            } else {
                result.ending = errno
                return result
            }
        }
        result.ending = EAGAIN
        return result
    }

    @Test("truncated: Content-Length announces the whole signed body, half of it comes, then the connection closes")
    func truncated() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "truncated", "when": "after"])
        let no = uniqueTradeNo()
        let x = try Self.exchange(emu, "POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no), window: 5)
        #expect(x.head?.hasPrefix("HTTP/1.1 200") == true, "\(x.text)")
        let length = try #require(x.contentLength)
        #expect(x.body.count >= 1 && x.body.count < length, "got \(x.body.count) of \(length) bytes")
        #expect(x.ending == 0, "closed (FIN), not reset: errno \(x.ending)")
        #expect(x.header("Wechatpay-Signature") != nil)
        // when=after: the order was made; only its answer was cut.
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
        // libcurl reports a lost connection.
        try emu.control("POST", "/_emulator/faults", ["kind": "truncated"])
        let lost = #expect(throws: HTTPError.self) {
            try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()))
        }
        #expect(lost?.code == .connectionLost, "\(String(describing: lost))")
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1, "when=before: nothing made")
    }

    @Test("reset-mid-answer: the head and part of the body come, then a TCP RST")
    func resetMidAnswer() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)).status == 200)
        try emu.control("POST", "/_emulator/faults", ["kind": "reset-mid-answer", "when": "after"])
        let x = try Self.exchange(emu, "GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)",
                                  window: 5)
        #expect(x.head?.hasPrefix("HTTP/1.1 200") == true, "\(x.text)")
        let length = try #require(x.contentLength)
        #expect(x.body.count >= 1 && x.body.count < length, "got \(x.body.count) of \(length) bytes")
        #expect(x.ending == ECONNRESET, "errno \(x.ending)")
    }

    @Test("drip: the body comes one byte per delay_ms after the head, for as long as the client waits")
    func drip() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "drip", "delay_ms": 200, "when": "after"])
        let x = try Self.exchange(emu, "POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()),
                                  window: 1.1)
        #expect(x.head?.hasPrefix("HTTP/1.1 200") == true, "\(x.text)")
        let length = try #require(x.contentLength)
        #expect(x.ending == EAGAIN, "still open when the client stopped reading")
        #expect((3...8).contains(x.body.count), "about 5 of \(length) bytes in 1.1 s at 200 ms a byte: \(x.body.count)")
        // A default drip (1 s a byte) outlasts a client's timeout.
        try emu.control("POST", "/_emulator/faults", ["kind": "drip"])
        let started = Date()
        let late = #expect(throws: HTTPError.self) {
            try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()), timeout: 1)
        }
        #expect(late?.code == .timedOut, "\(String(describing: late))")
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test("drip on a close (204): a small body stands in, so there are bytes to drip")
    func dripNoContent() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)).status == 200)
        try emu.control("POST", "/_emulator/faults", ["kind": "drip", "delay_ms": 10, "when": "after"])
        let x = try Self.exchange(emu, "POST", "/v3/pay/transactions/out-trade-no/\(no)/close",
                                  json: ["mchid": .string(emu.secrets.mchid)], window: 5)
        #expect(x.head?.hasPrefix("HTTP/1.1 200") == true, "\(x.text)")
        #expect(x.body.count == x.contentLength && x.body.count > 10, "the whole stand-in body, slowly")
        #expect(try emu.control("GET", "/_emulator/orders/\(no)").json["trade_state"] == "CLOSED")
    }

    @Test("timeout: not a byte comes; with when=after the call took effect; the hold ends when the client leaves")
    func timeout() throws {
        let emu = try RunningEmulator(requestLog: true)
        try emu.control("POST", "/_emulator/faults", ["kind": "timeout", "delay_ms": 1500, "when": "after"])
        let x = try Self.exchange(emu, "POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()),
                                  window: 0.8)
        #expect(x.bytes.isEmpty && x.ending == EAGAIN, "\(x.text)")
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
        // After delay_ms the connection is dropped without an answer.
        try emu.control("POST", "/_emulator/faults", ["kind": "timeout", "delay_ms": 300])
        let y = try Self.exchange(emu, "POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()),
                                  window: 3)
        #expect(y.bytes.isEmpty && (y.ending == ECONNRESET || y.ending == 0), "errno \(y.ending)")
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1, "when=before: nothing made")
        let log = try emu.emulator.requests()
        #expect(log.map(\.status) == [0, 0], "no status line went out")
    }

    @Test("unknown-serial: a correctly signed answer naming a key the merchant does not hold")
    func unknownSerial() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "unknown-serial", "when": "after"])
        let r = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()))
        #expect(r.status == 200)
        #expect(r.header("Wechatpay-Serial") == "PUB_KEY_ID_0119000000000000000000000000")
        let refused = #expect(throws: WxPayError.self) { try emu.verify(r) }
        #expect(refused?.code == "UNKNOWN_SERIAL")
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
        // before: the answer is a SYSTEM_ERROR and nothing was made
        try emu.control("POST", "/_emulator/faults", ["kind": "unknown-serial"])
        let before = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(uniqueTradeNo()))
        #expect(before.status == 500)
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"] == 1)
    }

    @Test("other-order: a verified answer about another order (query, prepay) or refund; close answers 204 undone")
    func otherOrder() throws {
        let emu = try RunningEmulator(extra: ["--manual-refunds"])
        let a = uniqueTradeNo("A"), b = uniqueTradeNo("B")
        for no in [a, b] {
            #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)).status == 200)
        }
        let query = "/v3/pay/transactions/out-trade-no/\(a)?mchid=\(emu.secrets.mchid)"
        try emu.control("POST", "/_emulator/faults", ["kind": "other-order"])
        let foreign = try emu.verifiedJSON(try emu.call("GET", query))
        #expect(foreign["out_trade_no"] == .string(b), "another order the emulator holds")
        #expect(try emu.verifiedJSON(try emu.call("GET", query))["out_trade_no"] == .string(a), "one call only")

        // prepay, before: another order's prepay answer, and no order made for the request
        let c = uniqueTradeNo("C")
        try emu.control("POST", "/_emulator/faults", ["kind": "other-order", "when": "before"])
        let prepay = try emu.verifiedJSON(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(c)))
        let bOrder = try emu.control("GET", "/_emulator/orders/\(b)").json
        #expect(prepay["code_url"]?.stringValue?.hasSuffix(String(bOrder["prepay_id"]?.stringValue?.suffix(9) ?? "-"))
                == true)
        #expect(try emu.control("GET", "/_emulator/orders/\(c)").status == 404)

        // close, before: the signed 204 of another close, and the order stays open
        try emu.control("POST", "/_emulator/faults", ["kind": "other-order", "when": "before"])
        let close = try emu.call("POST", "/v3/pay/transactions/out-trade-no/\(a)/close",
                                 json: ["mchid": .string(emu.secrets.mchid)])
        #expect(close.status == 204)
        try emu.verify(close)
        #expect(try emu.control("GET", "/_emulator/orders/\(a)").json["trade_state"] == "NOTPAY")

        // refund, after: the refund is made, the answer is about another refund (a made-up one when there is none)
        try emu.control("POST", "/_emulator/orders/\(a)/pay", [:])
        try emu.control("POST", "/_emulator/faults", ["kind": "other-order", "when": "after",
                                                      "path_prefix": "/v3/refund/"])
        let refund: JSONValue = ["out_trade_no": .string(a), "out_refund_no": .string("R1-\(a)"),
                                 "amount": ["refund": 100, "total": 1999, "currency": "CNY"]]
        let answer = try emu.verifiedJSON(try emu.call("POST", "/v3/refund/domestic/refunds", json: refund))
        #expect(answer["out_refund_no"] != nil && answer["out_refund_no"] != .string("R1-\(a)"))
        #expect(answer["out_trade_no"] != .string(a))
        #expect(try emu.control("GET", "/_emulator/refunds").json["refunds"]?.arrayValue?.count == 1)
    }

    @Test("rules filter by method; DELETE /_emulator/faults drops what is pending and keeps the counts")
    func methodAndClear() throws {
        let emu = try RunningEmulator()
        try emu.control("POST", "/_emulator/faults", ["kind": "500", "method": "GET", "count": 5])
        let no = uniqueTradeNo()
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)).status == 200)
        #expect(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)").status == 500)
        let cleared = try emu.control("DELETE", "/_emulator/faults").json
        #expect(cleared["pending"]?.arrayValue?.isEmpty == true)
        #expect(cleared["fired"]?["500"] == 1)
        #expect(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)").status == 200)
        #expect(try emu.control("POST", "/_emulator/faults", ["kind": "500", "method": "PUT"]).status == 400)
    }
}
