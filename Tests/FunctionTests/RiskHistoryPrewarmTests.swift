// RiskHistory.prewarm(): a one-shot process connects to its risk store on a thread of its own while it does its own
// work, and a background failure is reported by the next scoring, never thrown and never waited out twice.

import Foundation
import KitCore
import Testing
import WxPayRisk
@testable import WxPayRiskStore

@Suite("risk store: connecting in the background")
struct RiskHistoryPrewarmTests {
    static let approve = RiskDecision(score: 0, action: .approve, reasons: [])

    static func payment(_ id: String, payer: String = "oPrewarmPayer") -> RiskHistoryInput {
        RiskHistoryInput(id: id, amount: 1999, isRefund: false, time: Int64(Date().timeIntervalSince1970), payer: payer)
    }

    /// Waits (at most 5 s) until the background connection has finished, one way or the other.
    static func settled(_ history: RiskHistory) -> (open: Bool, warming: Bool, failed: Bool) {
        let limit = Date().addingTimeInterval(5)
        var state = history.connection
        while (state.warming || !(state.open || state.failed)) && Date() < limit {
            usleep(1000)
            state = history.connection
        }
        return state
    }

    static func rules(_ decision: RiskDecision) -> [String] { decision.reasons.map(\.rule) }

    @Test("prewarm opens the SQLite store without being asked to score, and scoring then uses that connection")
    func opensInBackground() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prewarm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("risk.db").path
        let history = RiskHistory(config: RiskStoreConfig(backend: .sqlite(path: path), timeoutMs: 2000))
        #expect(history.connection.open == false)
        #expect(history.prewarm(), "a cold store: the connection is started")
        let state = Self.settled(history)
        #expect(state.open && !state.failed && !state.warming)
        #expect(FileManager.default.fileExists(atPath: path), "the background connection created the file")
        #expect(!history.prewarm())  // connected: nothing to do
        #expect(history.connection.warming == false)
        for i in 0..<3 {
            let decision = history.amend(Self.approve, Self.payment("pw-\(i)"), rules: .defaults)
            #expect(!Self.rules(decision).contains(RiskHistory.unavailableRule), "\(decision.reasons)")
        }
    }

    @Test("a background failure is reported once by the next scoring (history_unavailable); the one after connects again")
    func failureReportedOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prewarm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("risk.db").path  // its directory does not exist yet
        let history = RiskHistory(config: RiskStoreConfig(backend: .sqlite(path: path), timeoutMs: 2000))
        history.prewarm()
        let state = Self.settled(history)
        #expect(state.failed && !state.open)
        history.prewarm()  // a failure not yet reported is not tried again
        #expect(history.connection.warming == false && history.connection.failed)

        let first = history.amend(Self.approve, Self.payment("pw-fail"), rules: .defaults)
        let reason = try #require(first.reasons.first { $0.rule == RiskHistory.unavailableRule })
        #expect(reason.detail.contains("cannot open the SQLite file"), "\(reason.detail)")
        #expect(first.action == .approve, "a store failure never changes the decision by itself")
        #expect(history.connection.failed == false, "reported once")

        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let second = history.amend(Self.approve, Self.payment("pw-ok"), rules: .defaults)
        #expect(!Self.rules(second).contains(RiskHistory.unavailableRule), "\(second.reasons)")
        #expect(history.connection.open)
    }

    @Test("start(concurrently:) finds what amend finds: the 6th payment of a payer within 10 minutes, on a thread of its own or not")
    func lookupBesideScoring() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prewarm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = RiskHistory(config: RiskStoreConfig(
            backend: .sqlite(path: dir.appendingPathComponent("risk.db").path), timeoutMs: 2000))
        history.prewarm()  // the lookups below race the background connection: either may connect
        var decisions: [RiskDecision] = []
        for i in 0..<6 {
            let lookup = history.start(Self.payment("lk-\(i)", payer: "oLookup"), rules: .defaults,
                                       concurrently: i % 2 == 0)
            decisions.append(history.amend(Self.approve, with: lookup, rules: .defaults))
        }
        #expect(decisions.prefix(5).allSatisfy { $0.reasons.isEmpty }, "\(decisions)")
        #expect(Self.rules(decisions[5]) == ["velocity_payer_count"] && decisions[5].action == .review)
        // A rule the engine fired already is not added twice, and a block stays a block.
        let block = RiskDecision(score: 100, action: .block, reasons: [RiskReason(rule: "velocity_payer_count", detail: "x")])
        let again = history.amend(block, with: history.start(Self.payment("lk-6", payer: "oLookup"), rules: .defaults,
                                                             concurrently: true), rules: .defaults)
        #expect(Self.rules(again) == ["velocity_payer_count"] && again.action == .block)
    }

    @Test("start(concurrently:) on a store that cannot open: history_unavailable, never a hang")
    func lookupFailure() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString)/risk.db").path
        let history = RiskHistory(config: RiskStoreConfig(backend: .sqlite(path: path), timeoutMs: 50))
        let decision = history.amend(Self.approve, with: history.start(Self.payment("lk-f"), rules: .defaults,
                                                                       concurrently: true), rules: .defaults)
        #expect(Self.rules(decision) == [RiskHistory.unavailableRule] && decision.action == .approve)
    }
}
