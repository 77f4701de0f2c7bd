// History across invocations: velocity per payer, device and IP, amount against the payer's history, refund soon
// after payment and refund ratio, from the risk store; every operation bounded by a deadline, every failure
// degraded to stateless scoring with the reason `history_unavailable` (docs/risk-store.md).

import KitCore
import WxPayCrypto
import WxPayRisk

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The risk store of a process, as a second opinion on the engine's decisions. One per configuration per process
/// (``configured(environment:)``): the connection is kept between invocations (Lambda, a server) and reopened after
/// a failure. Thread-safe: operations are serialized.
public final class RiskHistory: @unchecked Sendable {
    /// The configuration; nil when `WXPAY_RISK_STORE` was invalid.
    public let config: RiskStoreConfig?
    /// Why the configuration was refused, when it was.
    public let configurationError: RiskStoreError?
    private var backend: (any RiskStoreBackend)?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// A background connection (``prewarm()``) is started and has not yet taken the mutex.
    private var warming = false
    /// Why the background connection failed: reported by the next ``amend(_:_:rules:)``, which does not retry.
    private var warmFailure: RiskStoreError?

    /// The rule of the reason added when the store could not be used.
    public static let unavailableRule = "history_unavailable"

    init(config: RiskStoreConfig?, error: RiskStoreError?) {
        self.config = config
        configurationError = error
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    /// A store for `config` (not shared; tests and benchmarks).
    public convenience init(config: RiskStoreConfig) { self.init(config: config, error: nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    nonisolated(unsafe) private static var cache: [String: RiskHistory] = [:]
    nonisolated(unsafe) private static let cacheMutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()

    /// The process's store for the `WXPAY_RISK_STORE*` settings in `environment`, or nil when `WXPAY_RISK_STORE` is
    /// unset or empty (stateless scoring, nothing loaded). An invalid setting gives a store whose every use
    /// degrades with `history_unavailable` (its ``configurationError`` says why).
    public static func configured(environment: [String: String]) -> RiskHistory? {
        guard let spec = environment[RiskStoreConfig.environmentKey], !spec.isEmpty else { return nil }
        let key = [spec, environment["WXPAY_RISK_STORE_TIMEOUT_MS"] ?? "", environment["WXPAY_RISK_STORE_RETENTION_S"] ?? "",
                   environment["WXPAY_RISK_STORE_MAX_ENTRIES"] ?? ""].joined(separator: "\n")
        pthread_mutex_lock(cacheMutex)
        defer { pthread_mutex_unlock(cacheMutex) }
        if let history = cache[key] { return history }
        let history: RiskHistory
        do throws(RiskStoreError) {
            history = RiskHistory(config: try RiskStoreConfig.from(environment: environment), error: nil)
        } catch {
            history = RiskHistory(config: nil, error: error)
        }
        cache[key] = history
        return history
    }

    /// Starts loading the store's library and connecting on a thread of its own, so that a one-shot process (a
    /// `webhook` or `refund` invocation) does both while it reads its secrets and checks a signature or asks WeChat
    /// Pay, instead of when it scores. Does nothing (and never waits) when unconfigured, connected, already
    /// connecting or in use by another thread. The connection has the store's deadline, counted from when the
    /// thread starts it; a failure is reported by the next ``amend(_:_:rules:)`` (`history_unavailable`), which
    /// does not try again within that invocation.
    /// - Returns: Whether it started connecting: the process is a cold one, whose store operation is worth running
    ///   beside its scoring (``start(_:rules:concurrently:)``).
    @discardableResult
    public func prewarm() -> Bool {
        // Never waits: a mutex held means another thread is scoring or connecting (a warm server's requests).
        guard config != nil, pthread_mutex_trylock(mutex) == 0 else { return false }
        let start = backend == nil && !warming && warmFailure == nil
        if start { warming = true }
        pthread_mutex_unlock(mutex)
        guard start else { return false }
        if !Self.detach({ [self] in warm() }) {
            pthread_mutex_lock(mutex)
            warming = false  // no thread: `amend` connects as it always did
            pthread_mutex_unlock(mutex)
            return false
        }
        return true
    }

    /// The store's findings for one transaction, being looked up (``start(_:rules:concurrently:)``).
    public final class Lookup: @unchecked Sendable {
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private let condition: UnsafeMutablePointer<pthread_cond_t>
        private var found: [(RiskReason, Int)]?

        init() {
            mutex = .allocate(capacity: 1)
            condition = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            pthread_mutex_destroy(mutex)
            condition.deallocate()
            mutex.deallocate()
        }

        func fulfil(_ value: [(RiskReason, Int)]) {
            pthread_mutex_lock(mutex)
            found = value
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }

        /// The findings, once there. Bounded: the lookup is the store's timeout (plus the one-time library load).
        func wait() -> [(RiskReason, Int)] {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            while found == nil { pthread_cond_wait(condition, mutex) }
            return found ?? []
        }
    }

    /// Starts the store's part of scoring `input`: records it and reads its history, as ``amend(_:_:rules:)`` does.
    /// With `concurrently` (a cold process: ``prewarm()`` said so), on a thread of its own, so that the store's round
    /// trip runs while the engine scores (a one-shot `webhook` compiles its word lists meanwhile); otherwise here
    /// (a warm process: no thread per request). ``amend(_:with:rules:)`` takes the findings.
    public func start(_ input: RiskHistoryInput, rules: RiskRules, concurrently: Bool) -> Lookup {
        let lookup = Lookup()
        if !concurrently || !Self.detach({ [self] in lookup.fulfil(findings(input, rules: rules)) }) {
            lookup.fulfil(findings(input, rules: rules))
        }
        return lookup
    }

    /// Amends `decision` with the findings of `lookup` (see ``amend(_:_:rules:)``), waiting for them if need be.
    public func amend(_ decision: RiskDecision, with lookup: Lookup, rules: RiskRules) -> RiskDecision {
        Self.merge(decision, lookup.wait(), rules: rules)
    }

    private func warm() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        warming = false
        guard backend == nil else { return }  // `amend` took the mutex first and connected
        do throws(RiskStoreError) { backend = try connect().store } catch { warmFailure = error }
    }

    /// Where the connection stands (tests): open, being opened in the background, or failed in the background.
    var connection: (open: Bool, warming: Bool, failed: Bool) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return (backend != nil, warming, warmFailure != nil)
    }

    /// Runs `body` on a new detached thread; false when no thread could be made.
    private static func detach(_ body: @escaping () -> Void) -> Bool {
        final class Box {
            let body: () -> Void
            init(_ body: @escaping () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(&thread, nil, { raw in
            #if canImport(Darwin)
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            #else
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            #endif
            box.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return false
        }
        #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
        #else
        pthread_detach(thread)
        #endif
        return true
    }

    /// Loads the library (once per process, outside the deadline: it is local and bounded) and opens a connection
    /// within the store's timeout, counted from after the load. Returns the connection and that deadline, which the
    /// first operation on it shares.
    private func connect() throws(RiskStoreError) -> (store: any RiskStoreBackend, deadline: Double) {
        guard let config else { throw configurationError ?? RiskStoreError(.invalid, "no configuration") }
        switch config.backend {
        case .sqlite: _ = try SQLiteLibrary.shared.get()
        case .redis: _ = try HiredisLibrary.shared.get()
        }
        let deadline = monotonicSeconds() + Double(config.timeoutMs) / 1000
        switch config.backend {
        case .sqlite(let path): return (try SQLiteRiskStore(path: path, config: config, deadline: deadline), deadline)
        case .redis(let host, let port, let db):
            return (try RedisRiskStore(host: host, port: port, db: db, config: config, deadline: deadline), deadline)
        }
    }

    /// Amends `decision` (the engine's, for this transaction alone) with the store's history, and records the
    /// transaction. Rules the engine already fired are not added twice. Never throws and never takes longer than
    /// the store's timeout (plus the one-time library load): on any failure the decision comes back with the reason
    /// `history_unavailable` (weight 0) added.
    public func amend(_ decision: RiskDecision, _ input: RiskHistoryInput, rules: RiskRules) -> RiskDecision {
        Self.merge(decision, findings(input, rules: rules), rules: rules)
    }

    /// The history rules' reasons (with their weights) for `input`, after recording it; on any failure, the reason
    /// `history_unavailable` (weight 0).
    private func findings(_ input: RiskHistoryInput, rules: RiskRules) -> [(RiskReason, Int)] {
        guard let time = input.time else { return [] }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        do throws(RiskStoreError) {
            return try consult(input, time: time, rules: rules)
        } catch {
            backend = nil  // reconnect next time
            let label = config?.label ?? "WXPAY_RISK_STORE"
            let reason = RiskReason(rule: Self.unavailableRule,
                                    detail: "the risk store \(label) could not be used (\(error.message)); scored without history")
            return [(reason, 0)]
        }
    }

    private func consult(_ input: RiskHistoryInput, time: Int64, rules: RiskRules) throws(RiskStoreError)
        -> [(RiskReason, Int)]
    {
        guard let config else { throw configurationError ?? RiskStoreError(.invalid, "no configuration") }
        if let failure = warmFailure {
            warmFailure = nil  // reported once; the next invocation of a warm process connects again
            throw failure
        }
        let store: any RiskStoreBackend
        let deadline: Double
        if let backend {
            store = backend
            deadline = monotonicSeconds() + Double(config.timeoutMs) / 1000
        } else {
            (store, deadline) = try connect()  // connecting and this operation share one deadline
            backend = store
        }
        let order = input.order.flatMap { $0.isEmpty ? nil : Self.digest("order", $0) }
        var payer = input.payer.isEmpty ? nil : Self.digest("payer", input.payer)
        if payer == nil, input.isRefund, let order { payer = try store.payer(ofOrder: order, deadline: deadline) }
        guard let payer else { return [] }  // a refund of an order the store never saw: nothing to relate it to
        let id = Self.digest(input.isRefund ? "refund" : "payment", input.id)
        let event = StoredEvent(id: id, time: time, amount: Int64(input.amount), isRefund: input.isRefund, payer: payer)
        var write = StoreWrite(events: [("p:" + payer, event)], link: nil)
        var device = false, ip = false
        if !input.isRefund {
            if !input.device.isEmpty {
                write.events.append(("d:" + Self.digest("device", input.device), event))
                device = true
            }
            if !input.ip.isEmpty {
                write.events.append(("i:" + Self.digest("ip", input.ip), event))
                ip = true
            }
            if let order { write.link = (order, payer, time) }
        }
        if monotonicSeconds() > deadline { throw RiskStoreError(.timedOut, "the deadline passed while connecting") }
        let histories = try store.apply(write, deadline: deadline)
        // Prior events only: not this transaction (or its retries), nothing after it.
        let prior = histories.map { $0.filter { $0.id != id && $0.time <= time } }
        let features = HistoryFeatures(rules: rules, amount: Int64(input.amount), time: time, payer: payer)
        if input.isRefund { return features.refund(prior[0]) }
        var found = features.velocity("payer", "this payer", rules.velocity.payer, prior[0], shared: false)
        var next = 1
        if device {
            found += features.velocity("device", "this device", rules.velocity.device, prior[next], shared: true)
            next += 1
        }
        if ip { found += features.velocity("ip", "this IP", rules.velocity.ip, prior[next], shared: true) }
        found += features.spike(prior[0])
        return found
    }

    /// The store's name for an identifier: 96 bits of SHA-256, in hex (the store never holds an openid, device id,
    /// IP or order number as such).
    static func digest(_ kind: String, _ value: String) -> String {
        let hash = Digest.sha256(Array("wxpay-risk-store/v1\n\(kind)\n\(value)".utf8))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        for b in hash.prefix(12) {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Adds reasons (with their weights) the decision does not have yet, and recomputes score and action.
    public static func merge(_ decision: RiskDecision, _ found: [(RiskReason, Int)], rules: RiskRules) -> RiskDecision {
        var result = decision
        var score = decision.score
        for (reason, weight) in found where !result.reasons.contains(where: { $0.rule == reason.rule }) {
            result.reasons.append(reason)
            score += weight
        }
        result.score = min(score, 100)
        let t = rules.thresholds
        if decision.action == .block || result.score >= t.block {
            result.action = .block
        } else if result.score >= t.review {
            result.action = .review
        } else {
            result.action = .approve
        }
        return result
    }
}

/// The history rules, over prior events of one key. Same names, weights and limits as the engine's in-stream rules
/// (docs/risk-rules.md); the detail says the history is the store's.
struct HistoryFeatures {
    let rules: RiskRules
    let amount: Int64
    let time: Int64
    let payer: String

    static let across = " (history across invocations: risk store)"

    func velocity(_ key: String, _ subject: String, _ limit: RiskRules.VelocityLimit, _ prior: [StoredEvent],
                  shared: Bool) -> [(RiskReason, Int)]
    {
        var count = 1, sum = amount
        var payers = Set<String>()
        for e in prior where !e.isRefund && e.time > time - Int64(limit.windowSeconds) {
            count += 1
            sum += e.amount
            if shared && e.payer != payer { payers.insert(e.payer) }
        }
        var found: [(RiskReason, Int)] = []
        if count > limit.maxCount {
            found.append((RiskReason(rule: "velocity_\(key)_count", detail: "\(count) payments from \(subject) within "
                + "\(limit.windowSeconds) s (limit \(limit.maxCount))" + Self.across), limit.countWeight))
        }
        if sum > Int64(limit.maxAmount) {
            found.append((RiskReason(rule: "velocity_\(key)_amount", detail: "\(yuan(sum)) paid from \(subject) within "
                + "\(limit.windowSeconds) s (limit \(yuan(Int64(limit.maxAmount))))" + Self.across), limit.amountWeight))
        }
        if shared, limit.maxDistinctPayers > 0, payers.count + 1 > limit.maxDistinctPayers {
            found.append((RiskReason(rule: "\(key)_shared_by_payers", detail: "\(payers.count + 1) different payers "
                + "used \(subject) within \(limit.windowSeconds) s (limit \(limit.maxDistinctPayers))" + Self.across),
                limit.distinctPayersWeight))
        }
        return found
    }

    func spike(_ prior: [StoredEvent]) -> [(RiskReason, Int)] {
        let a = rules.amount
        var n: Int64 = 0, total: Int64 = 0
        for e in prior where !e.isRefund {
            n += 1
            total += e.amount
        }
        guard n >= Int64(a.historyMinCount), amount >= Int64(a.spikeMinAmount) else { return [] }
        let mean = Double(total) / Double(n)
        guard Double(amount) >= Double(a.spikeMultiplier) * mean else { return [] }
        return [(RiskReason(rule: "amount_spike", detail: "\(yuan(amount)) is at least \(a.spikeMultiplier)x this "
            + "payer's mean of \(yuan(Int64(mean.rounded()))) over \(n) payments" + Self.across), a.spikeWeight)]
    }

    func refund(_ prior: [StoredEvent]) -> [(RiskReason, Int)] {
        let r = rules.refund
        var found: [(RiskReason, Int)] = []
        var last = Int64.min, payments = 0, refunds = 1
        for e in prior {
            if e.isRefund { refunds += 1 } else {
                payments += 1
                last = max(last, e.time)
            }
        }
        if last != Int64.min, time - last <= Int64(r.soonSeconds) {
            found.append((RiskReason(rule: "refund_soon_after_payment", detail: "refund \(time - last) s after this "
                + "payer's last payment (within \(r.soonSeconds) s)" + Self.across), r.soonWeight))
        }
        if payments >= r.ratioMinPayments && refunds * 100 >= payments * r.ratioPercent {
            found.append((RiskReason(rule: "refund_ratio_high", detail: "\(refunds) refunds for \(payments) payments "
                + "by this payer (limit \(r.ratioPercent)%)" + Self.across), r.ratioWeight))
        }
        return found
    }
}

/// `¥1,234.56` for 123456 fen.
func yuan(_ fen: Int64) -> String {
    let sign = fen < 0 ? "-" : ""
    let m = fen.magnitude
    var whole = String(m / 100)
    var i = whole.count - 3
    while i > 0 {
        whole.insert(",", at: whole.index(whole.startIndex, offsetBy: i))
        i -= 3
    }
    let cents = m % 100
    return "\(sign)¥\(whole).\(cents < 10 ? "0" : "")\(cents)"
}
