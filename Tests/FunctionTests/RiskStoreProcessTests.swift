import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayRisk
import WxPayRiskStore
import WxPaySandbox
import WxPayTestSupport

/// `webhook` as separate processes sharing a risk store (docs/risk-store.md): history across invocations with SQLite
/// and with a Redis server of the test's own, and degradation to stateless scoring when the store fails.
@Suite("risk store across webhook processes", .serialized)
struct RiskStoreProcessTests {
    typealias World = WebhookProcessTests.World
    static let keys = WebhookProcessTests.keys

    /// A signed TRANSACTION.SUCCESS of `openid` for `outTradeNo`, paid `paidAt`.
    static func payment(_ outTradeNo: String, openid: String, amount: Int64 = 1999, paidAt: Int64 = System.unixTime())
        throws -> JSONValue
    {
        let builder = NotificationBuilder(side: keys.wechatSide(mode: .publicKey))
        let resource = builder.transaction(outTradeNo: outTradeNo, amount: amount, openid: openid,
                                           transactionID: "4200" + String(abs(outTradeNo.hashValue) % 1_000_000_000_000),
                                           successTime: paidAt)
        let n = try builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource)
        return NotificationBuilder.envelope(headers: n.headers, body: n.body, style: "plain")
    }

    /// A signed REFUND.SUCCESS of `outTradeNo` (a refund notification names the order, not the payer).
    static func refund(_ outTradeNo: String, amount: Int64 = 1999, at time: Int64 = System.unixTime()) throws -> JSONValue {
        let builder = NotificationBuilder(side: keys.wechatSide(mode: .publicKey))
        let resource = builder.refund(outTradeNo: outTradeNo, transactionID: "4200000000000000000001",
                                      outRefundNo: "rf-" + outTradeNo, refundID: "5030000000000000000001",
                                      status: "SUCCESS", refund: amount, total: amount, time: time)
        let n = try builder.notification(eventType: "REFUND.SUCCESS", resource: resource)
        return NotificationBuilder.envelope(headers: n.headers, body: n.body, style: "plain")
    }

    /// Runs webhook on `notification` and returns the event's risk reasons' rules (and the whole answer).
    static func deliver(_ world: World, _ notification: JSONValue, store: String, timeoutMs: Int? = 2000,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> (rules: [String], risk: JSONValue, result: ProcessResult)
    {
        var extra = ["WXPAY_RISK_STORE": store]
        if let timeoutMs { extra["WXPAY_RISK_STORE_TIMEOUT_MS"] = String(timeoutMs) }
        let result = try world.webhook(notification, environment: world.environment(events: false, extra: extra),
                                       sourceLocation: sourceLocation)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        let answer = try result.json()
        #expect(answer["statusCode"] == 200, "\(answer)", sourceLocation: sourceLocation)
        let risk = try #require(answer["event"]?["risk"], "no risk in \(answer)", sourceLocation: sourceLocation)
        let rules = (risk["reasons"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
        return (rules, risk, result)
    }

    /// Runs `body` against a SQLite store and a Redis store (a server of the test's own).
    static func withStores(_ body: (String, String) throws -> Void) throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-riskstore")
        defer { dir.remove() }
        try body("sqlite", "sqlite:" + dir.path + "/risk.db")
        guard RedisServer.executable != nil else {
            print("SKIPPED (Redis half): redis-server is not installed; `make deps` installs it")
            return
        }
        let redis = try RedisServer()
        defer { redis.stop() }
        try body("redis", redis.url(db: 2))
    }

    @Test("the 30th payment of one payer in ten minutes, each a separate webhook process, is flagged (SQLite, Redis)")
    func thirtiethPayment() throws {
        try Self.withStores { name, store in
            let world = try World(WebhookProcessTests.secrets())
            defer { world.dir.remove() }
            let openid = "oRiskStore_\(name)_payer_0000001"
            let start = System.unixTime() - 540
            var last: (rules: [String], risk: JSONValue, result: ProcessResult)? = nil
            for i in 1...30 {
                // 30 payments over 9 minutes of transaction time, another payer's in between.
                let paid = start + Int64(i - 1) * 18
                let outcome = try Self.deliver(world, try Self.payment("AK-\(name)-\(i)", openid: openid, paidAt: paid),
                                               store: store)
                #expect(!outcome.rules.contains("history_unavailable"), "\(name) #\(i): \(outcome.risk)")
                if i <= 5 { #expect(!outcome.rules.contains("velocity_payer_count"), "\(name) #\(i): \(outcome.risk)") }
                _ = try Self.deliver(world, try Self.payment("AK-\(name)-other-\(i)", openid: "oOther_\(name)_\(i)",
                                                              paidAt: paid), store: store)
                last = outcome
            }
            let thirtieth = try #require(last)
            #expect(thirtieth.rules.contains("velocity_payer_count"), "\(name): \(thirtieth.risk)")
            let detail = thirtieth.risk["reasons"]?.arrayValue?.first { $0["rule"] == "velocity_payer_count" }?["detail"]
            #expect(detail?.stringValue?.hasPrefix("30 payments from this payer within 600 s") == true, "\(name): \(String(describing: detail))")
            #expect(thirtieth.risk["action"] != "approve", "\(name): \(thirtieth.risk)")
            // A retried notification (same transaction) is kept once: the same payment again is still the 30th.
            let again = try Self.deliver(world, try Self.payment("AK-\(name)-30", openid: openid, paidAt: start + 29 * 18),
                                         store: store)
            let againDetail = again.risk["reasons"]?.arrayValue?.first { $0["rule"] == "velocity_payer_count" }?["detail"]
            #expect(againDetail?.stringValue?.hasPrefix("30 payments") == true, "\(name): \(again.risk)")
            if name == "sqlite" { try Self.expectBoundedWAL(store) }
        }
    }

    /// After the 61 processes above (each leaves its frames in the log and exits without a checkpoint, as a function
    /// does), the write-ahead log holds at most ~64 pages: the first connection of every later process reads the
    /// whole log to rebuild its index, so an unbounded log (SQLite's default: 1,000 pages, 4 MB) costs every
    /// notification milliseconds. Each process writes at least three pages, so without the bound the log would hold
    /// ~180 frames here.
    static func expectBoundedWAL(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let wal = String(store.dropFirst("sqlite:".count)) + "-wal"
        let size = try #require(try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int,
                                "no \(wal): the processes closed the database", sourceLocation: sourceLocation)
        let frame = 24 + 4096
        #expect(size > 32, "an empty log: nothing was written", sourceLocation: sourceLocation)
        #expect(size <= 32 + 96 * frame, "the log holds \((size - 32) / frame) frames", sourceLocation: sourceLocation)
    }

    @Test("a refund minutes after the payment, in another webhook process, fires refund_soon_after_payment")
    func refundSoonAfterPayment() throws {
        try Self.withStores { name, store in
            let world = try World(WebhookProcessTests.secrets())
            defer { world.dir.remove() }
            let now = System.unixTime()
            let paid = try Self.deliver(world, try Self.payment("AK-rf-\(name)", openid: "oRefund_\(name)", paidAt: now - 120),
                                        store: store)
            #expect(!paid.rules.contains("history_unavailable"), "\(paid.risk)")
            let refunded = try Self.deliver(world, try Self.refund("AK-rf-\(name)", at: now), store: store)
            #expect(refunded.rules.contains("refund_soon_after_payment"), "\(name): \(refunded.risk)")
            let detail = refunded.risk["reasons"]?.arrayValue?.first { $0["rule"] == "refund_soon_after_payment" }?["detail"]
            #expect(detail?.stringValue?.hasPrefix("refund 120 s after") == true, "\(name): \(String(describing: detail))")
            // Without a store the same refund is scored alone: nothing to relate it to.
            let world2 = try World(WebhookProcessTests.secrets())
            defer { world2.dir.remove() }
            let alone = try world2.webhook(try Self.refund("AK-rf-\(name)", at: now),
                                           environment: world2.environment(events: false))
            let aloneRules = (try alone.json()["event"]?["risk"]?["reasons"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
            #expect(!aloneRules.contains("refund_soon_after_payment"))
        }
    }

    @Test("12 webhook processes at once on one SQLite file: every payment is kept, none is lost or refused")
    func concurrentProcesses() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-riskstore")
        defer { dir.remove() }
        let store = "sqlite:" + dir.path + "/risk.db"
        let world = try World(WebhookProcessTests.secrets())
        defer { world.dir.remove() }
        let env = world.environment(events: false, extra: ["WXPAY_RISK_STORE": store,
                                                           "WXPAY_RISK_STORE_TIMEOUT_MS": "5000"])
        let now = System.unixTime()
        let events = try (1...12).map { i in
            try JSONCoding.encode(try Self.payment("AK-conc-\(i)", openid: "oConcurrent", paidAt: now - 60))
        }
        let children = try events.map { try ChildProcess(Executables.path("webhook"), stdin: $0, environment: env) }
        for child in children {
            let result = child.wait()
            #expect(result.status == 0, "\(result)")
            #expect(!result.stdoutText.contains("history_unavailable"), "\(result.stdoutText)")
        }
        let last = try Self.deliver(world, try Self.payment("AK-conc-13", openid: "oConcurrent", paidAt: now - 30),
                                    store: store)
        let detail = last.risk["reasons"]?.arrayValue?.first { $0["rule"] == "velocity_payer_count" }?["detail"]
        #expect(detail?.stringValue?.hasPrefix("13 payments from this payer") == true, "\(last.risk)")
    }

    // MARK: The store never costs a notification

    /// webhook with a failing store: 200 on time, `history_unavailable` in the reasons, the stateless decision kept.
    static func expectDegraded(_ store: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let world = try World(WebhookProcessTests.secrets())
        defer { world.dir.remove() }
        // The default timeout (5 ms): no WXPAY_RISK_STORE_TIMEOUT_MS.
        let outcome = try Self.deliver(world, try Self.payment("AK-down-1", openid: "oDown"), store: store, timeoutMs: nil,
                                       sourceLocation: sourceLocation)
        #expect(outcome.rules.contains("history_unavailable"), "\(what): \(outcome.risk)", sourceLocation: sourceLocation)
        #expect(outcome.result.stderr.contains("risk store unavailable"), "\(what): no warning logged",
                sourceLocation: sourceLocation)
        #expect(outcome.risk["action"] == "approve", "\(what): \(outcome.risk)", sourceLocation: sourceLocation)
        // webhook's time budget is 0.45 s; the whole process (start, verify, decrypt, score, answer) stays well under.
        if outcome.result.seconds >= 0.45 {
            // A loaded machine can make any debug process slow: then the store may add no more than 0.1 s to the
            // same work done without it (a store that hung would add seconds).
            let baseline = try world.webhook(try Self.payment("AK-down-2", openid: "oDown"),
                                             environment: world.environment(events: false))
            #expect(outcome.result.seconds < baseline.seconds + 0.1,
                    "\(what): took \(outcome.result.seconds) s, \(baseline.seconds) s without a store",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("Redis down (port closed): 200, history_unavailable")
    func redisDown() throws {
        try Self.expectDegraded("redis://127.0.0.1:\(try RecordingHTTPServer.closedPort())/0", "port closed")
    }

    @Test("a Redis that accepts and never answers: 200 within budget, history_unavailable")
    func redisSilent() throws {
        let server = try SilentServer()
        defer { server.stop() }
        try Self.expectDegraded("redis://127.0.0.1:\(server.port)/0", "silent server")
        #expect(server.accepted >= 1, "the webhook never connected")
    }

    @Test("a corrupt SQLite file: 200, history_unavailable")
    func sqliteCorrupt() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-riskstore")
        defer { dir.remove() }
        try dir.write("risk.db", String(repeating: "this is not a database\n", count: 400))
        try Self.expectDegraded("sqlite:" + dir.path + "/risk.db", "corrupt file")
    }

    @Test("a SQLite database locked by another process: 200 within budget, history_unavailable")
    func sqliteLocked() throws {
        let dir = try TemporaryDirectory(prefix: "wxpay-riskstore")
        defer { dir.remove() }
        let path = dir.path + "/risk.db"
        // Create the store (schema, WAL) with one payment, then hold an exclusive lock from this process while the
        // webhook process runs.
        let world = try World(WebhookProcessTests.secrets())
        defer { world.dir.remove() }
        _ = try Self.deliver(world, try Self.payment("AK-lock-0", openid: "oLock"), store: "sqlite:" + path)
        let holder = try SQLiteDatabase(path: path)
        try holder.execute("BEGIN EXCLUSIVE")
        defer { try? holder.execute("ROLLBACK") }
        try Self.expectDegraded("sqlite:" + path, "locked database")
    }

    @Test("an unusable WXPAY_RISK_STORE degrades too (and says why)")
    func invalidSetting() throws {
        let world = try World(WebhookProcessTests.secrets())
        defer { world.dir.remove() }
        let outcome = try Self.deliver(world, try Self.payment("AK-bad-1", openid: "oBad"), store: "memcached://x")
        let detail = outcome.risk["reasons"]?.arrayValue?.first { $0["rule"] == "history_unavailable" }?["detail"]
        #expect(detail?.stringValue?.contains("sqlite:PATH or redis://") == true, "\(outcome.risk)")
    }

    // MARK: risk-batch

    static func batchLines(payer: String, from first: Int, count: Int, start: String) -> String {
        (first..<(first + count)).map { i in
            #"{"id":"b\#(i)","amount":1000,"currency":"CNY","description":"coffee","user_openid":"\#(payer)","#
                + #""created_at":"\#(start)\#(String(format: "%02d", i))+08:00","type":"payment"}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test("risk-batch: a second run sees the first run's payments through the store (SQLite, Redis)")
    func riskBatchAcrossRuns() throws {
        try Self.withStores { name, store in
            let env = ["PATH": "/usr/bin:/bin", "WXPAY_RISK_STORE": store, "WXPAY_RISK_STORE_TIMEOUT_MS": "2000"]
            let first = try runProcess(Executables.path("risk-batch"), stdin: Array(
                Self.batchLines(payer: "oBatch_\(name)", from: 0, count: 3, start: "2026-11-23T18:25:").utf8),
                environment: env)
            #expect(first.status == 0, "\(first)")
            #expect(!first.stdoutText.contains("velocity_payer_count"), "\(name): \(first.stdoutText)")
            #expect(!first.stdoutText.contains("history_unavailable"), "\(name): \(first.stdoutText)")
            // Three more payments a minute later, in a new process: the engine alone sees three, the store six.
            let second = try runProcess(Executables.path("risk-batch"), stdin: Array(
                Self.batchLines(payer: "oBatch_\(name)", from: 10, count: 3, start: "2026-11-23T18:26:").utf8),
                environment: env)
            #expect(second.status == 0, "\(second)")
            let last = try JSONCoding.value(from: Array(try #require(second.stdoutText.split(separator: "\n").last).utf8))
            let reasons = last["reasons"]?.arrayValue ?? []
            let velocity = reasons.first { $0["rule"] == "velocity_payer_count" }
            #expect(velocity?["detail"]?.stringValue?.hasPrefix("6 payments from this payer") == true, "\(name): \(last)")
            // Without the store, the same second run is clean.
            let alone = try runProcess(Executables.path("risk-batch"), stdin: Array(
                Self.batchLines(payer: "oBatch_\(name)", from: 10, count: 3, start: "2026-11-23T18:26:").utf8),
                environment: ["PATH": "/usr/bin:/bin"])
            #expect(!alone.stdoutText.contains("velocity_payer_count"), "\(alone.stdoutText)")
        }
    }

    @Test("risk-batch: an invalid WXPAY_RISK_STORE exits 78 with RISK_STORE_INVALID")
    func riskBatchInvalidStore() throws {
        let result = try runProcess(Executables.path("risk-batch"), stdin: Array(RiskBatchProcessTests.good.utf8),
                                    environment: ["PATH": "/usr/bin:/bin", "WXPAY_RISK_STORE": "sqlite:"])
        #expect(result.status == 78, "\(result)")
        #expect(try result.json()["error"]?["code"] == "RISK_STORE_INVALID", "\(result)")
    }
}
