// The risk engine: scores transactions one by one, keeping bounded per-payer, per-device and per-IP state.

import WxPayTime

/// Scores transactions against ``RiskRules``. Stateful: each call sees the payers, devices and IPs of the calls
/// before it (velocity, history, refund patterns), measured in stream time (each transaction's `created_at`),
/// never wall-clock time, so the same stream always gets the same decisions. Not thread-safe: use one engine per
/// stream (or per task).
public final class RiskEngine {
    /// The rules in force.
    public let rules: RiskRules
    /// The compiled prohibited terms.
    public let matcher: ProhibitedTermMatcher
    /// All mutable state, in one value: scoring is one access to it (no per-field exclusivity checks).
    private var core: EngineCore

    /// Creates an engine with empty state.
    /// - Parameter rules: The rules; ``RiskRules/defaults`` unless given. The default prohibited terms' matcher is
    ///   shared process-wide; other terms are compiled here.
    public init(rules: RiskRules = .defaults) {
        self.rules = rules
        let matcher = ProhibitedTermMatcher(rules: rules)
        self.matcher = matcher
        core = EngineCore(rules: rules, matcher: matcher)
    }

    /// How many payers, devices and IPs the engine is tracking now (each at most `rules.state.maxTrackedKeys`).
    public var trackedKeys: (payers: Int, devices: Int, ips: Int) {
        (core.payers.count, core.devices.count, core.ips.count)
    }

    /// Scores one transaction and records it in the engine's state.
    /// - Parameter tx: The transaction. A `created_at` that is not RFC 3339 fires `created_at_invalid` and places
    ///   the transaction at the latest stream time seen.
    /// - Returns: The score, action and reasons.
    public func score(_ tx: RiskTransaction) -> RiskDecision {
        let time = RFC3339.unixSeconds(tx.createdAt)
        return withUTF8(tx.userOpenid) { payer in
            withUTF8(tx.deviceId ?? "") { device in
                withUTF8(tx.clientIp ?? "") { ip in
                    withUTF8(tx.description) { description in
                        withUTF8(tx.attach ?? "") { attach in
                            withUTF8(tx.merchantCategory ?? "") { category in
                                score(
                                    ScoringInput(
                                        amount: tx.amount, isRefund: tx.type == .refund, time: time,
                                        payer: payer, device: device, ip: ip,
                                        description: description, attach: attach, merchantCategory: category))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The engine's view of a transaction: byte buffers borrowed for the duration of one call.
    struct ScoringInput {
        var amount: Int
        var isRefund: Bool
        var time: Int64?
        var payer: UnsafeBufferPointer<UInt8>
        var device: UnsafeBufferPointer<UInt8>
        var ip: UnsafeBufferPointer<UInt8>
        var description: UnsafeBufferPointer<UInt8>
        var attach: UnsafeBufferPointer<UInt8>
        var merchantCategory: UnsafeBufferPointer<UInt8>
    }

    func score(_ input: ScoringInput) -> RiskDecision {
        core.score(input)
    }
}

/// A payer's history, kept in one record per payer slot.
struct PayerRecord {
    var historyMean: Double
    var lastPaymentTime: Int64
    var historyCount: Int32
    var paymentCount: Int32
    var refundCount: Int32

    static let empty = PayerRecord(
        historyMean: 0, lastPaymentTime: Int64.min, historyCount: 0, paymentCount: 0, refundCount: 0)
}

/// The rules, the matcher and the bounded per-key state of one engine, scored as one value (non-copyable: it owns
/// its tables).
struct EngineCore: ~Copyable {
    let rules: RiskRules
    let matcher: ProhibitedTermMatcher
    private(set) var payers: KeyTable
    private(set) var devices: KeyTable
    private(set) var ips: KeyTable
    private var payerRecords: PlainTable<PayerRecord>
    /// The latest `created_at` seen: where a transaction with an unreadable `created_at` is placed.
    private var latestTime: Int64 = 0

    init(rules: RiskRules, matcher: ProhibitedTermMatcher) {
        self.rules = rules
        self.matcher = matcher
        let capacity = rules.state.maxTrackedKeys
        let ttl = Int64(rules.state.historyTTLSeconds)
        let v = rules.velocity
        payers = KeyTable(capacity: capacity, ttl: ttl, width: v.payer.maxCount)
        devices = KeyTable(capacity: capacity, ttl: ttl, width: max(v.device.maxCount, v.device.maxDistinctPayers))
        ips = KeyTable(capacity: capacity, ttl: ttl, width: max(v.ip.maxCount, v.ip.maxDistinctPayers))
        payerRecords = PlainTable(capacity: min(capacity, KeyTable.initialSlots))
    }

    /// The rules fired so far for one transaction and the sum of their weights.
    struct Fired {
        var reasons: [RiskReason] = []
        var total = 0

        @inline(__always)
        mutating func fire(_ rule: String, _ weight: Int, _ detail: @autoclosure () -> String) {
            total += weight
            reasons.append(RiskReason(rule: rule, detail: detail()))
        }
    }

    /// First hit per prohibited category: (pattern, field, matched text).
    typealias Hits = [(pattern: Int, field: String, text: String)?]

    /// Screens one text field, recording the first hit of each category not hit yet.
    @inline(__always)
    private func screen(_ field: String, _ bytes: UnsafeBufferPointer<UInt8>, into hits: inout Hits) {
        if bytes.isEmpty { return }
        let matcher = self.matcher
        matcher.scan(bytes) { pattern, start, end in
            let category = matcher.patterns[pattern].category
            if hits.isEmpty { hits = Array(repeating: nil, count: matcher.categories.count) }
            if hits[category] == nil {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                hits[category] = (pattern, field, text)
            }
            return true
        }
    }

    mutating func score(_ input: RiskEngine.ScoringInput) -> RiskDecision {
        var fired = Fired()
        var prohibited = false

        // Prohibited categories: first hit per category, across the text fields.
        var hits: Hits = []
        screen("description", input.description, into: &hits)
        screen("attach", input.attach, into: &hits)
        screen("merchant_category", input.merchantCategory, into: &hits)
        if !hits.isEmpty {
            for case let (pattern, field, text)? in hits {
                let p = matcher.patterns[pattern]
                let category = matcher.categories[p.category]
                let what = input.isRefund && field == "description" ? "refund reason" : field
                let form = text == p.term ? "" : " (written \"\(text)\")"
                fired.fire("prohibited_\(category)", rules.prohibited.weight,
                    "the \(what) contains the \(category) term \"\(p.term)\"\(form)")
                prohibited = true
            }
        }

        let now: Int64
        if let time = input.time {
            now = time
            if time > latestTime { latestTime = time }
        } else {
            now = latestTime
            fired.fire("created_at_invalid", rules.invalidTimestampWeight, "created_at is not an RFC 3339 date-time")
        }

        let payerKey = keyHash(input.payer)
        let (payerSlot, payerFresh) = payers.slot(for: payerKey, now: now)
        if payerFresh {
            payerRecords.reserve(payers.count, used: payers.count - 1)
            payerRecords[payerSlot] = .empty
        }
        let record = payerRecords.base + payerSlot
        let payerTag = UInt32(truncatingIfNeeded: payerKey >> 32)

        if input.isRefund {
            scoreRefund(record, now: now, fired: &fired)
        } else {
            let v = rules.velocity
            let own = payers.stats(
                payerSlot, now: now, window: v.payer.windowSeconds, excludingPayer: 0, tracksPayers: false)
            Self.checkVelocity("payer", "this payer", v.payer, own, amount: input.amount, distinctPayers: nil,
                               fired: &fired)
            payers.push(payerSlot, time: now, amount: input.amount, payer: 0)
            Self.checkSharedKey(&devices, input.device, "device", "this device", v.device, amount: input.amount,
                                payerTag: payerTag, now: now, fired: &fired)
            Self.checkSharedKey(&ips, input.ip, "ip", "this IP", v.ip, amount: input.amount,
                                payerTag: payerTag, now: now, fired: &fired)
            scoreAmount(record, amount: input.amount, fired: &fired)
            record.pointee.paymentCount &+= 1
            record.pointee.lastPaymentTime = max(record.pointee.lastPaymentTime, now)
        }

        let score = min(fired.total, 100)
        let t = rules.thresholds
        let action: RiskAction
        if prohibited || score >= t.block {
            action = .block
        } else if score >= t.review {
            action = .review
        } else {
            action = .approve
        }
        return RiskDecision(score: prohibited ? max(score, t.block) : score, action: action, reasons: fired.reasons)
    }

    /// A key that payers may share (device, IP): its velocity, distinct payers included, then the payment is recorded
    /// under it. An empty key (not given) is not tracked.
    @inline(__always)
    private static func checkSharedKey(
        _ table: inout KeyTable, _ bytes: UnsafeBufferPointer<UInt8>, _ key: String, _ subject: String,
        _ limit: RiskRules.VelocityLimit, amount: Int, payerTag: UInt32, now: Int64, fired: inout Fired
    ) {
        if bytes.isEmpty { return }
        let (slot, _) = table.slot(for: keyHash(bytes), now: now)
        let s = table.stats(slot, now: now, window: limit.windowSeconds, excludingPayer: payerTag, tracksPayers: true)
        checkVelocity(key, subject, limit, s, amount: amount, distinctPayers: s.distinctPayers + 1, fired: &fired)
        table.push(slot, time: now, amount: amount, payer: payerTag)
    }

    @inline(__always)
    private static func checkVelocity(
        _ key: String, _ subject: String, _ limit: RiskRules.VelocityLimit, _ prior: KeyTable.WindowStats,
        amount: Int, distinctPayers: Int?, fired: inout Fired
    ) {
        let count = prior.count + 1
        if count > limit.maxCount {
            fired.fire("velocity_\(key)_count", limit.countWeight,
                "\(count) payments from \(subject) within \(limit.windowSeconds) s (limit \(limit.maxCount))")
        }
        let sum = prior.amount + amount
        if sum > limit.maxAmount {
            fired.fire("velocity_\(key)_amount", limit.amountWeight,
                "\(fen(sum)) paid from \(subject) within \(limit.windowSeconds) s (limit \(fen(limit.maxAmount)))")
        }
        if let distinct = distinctPayers, limit.maxDistinctPayers > 0, distinct > limit.maxDistinctPayers {
            fired.fire("\(key)_shared_by_payers", limit.distinctPayersWeight,
                "\(distinct) different payers used \(subject) within \(limit.windowSeconds) s "
                    + "(limit \(limit.maxDistinctPayers))")
        }
    }

    @inline(__always)
    private func scoreAmount(
        _ record: UnsafeMutablePointer<PayerRecord>, amount: Int, fired: inout Fired
    ) {
        let a = rules.amount
        let n = Int(record.pointee.historyCount)
        let mean = record.pointee.historyMean
        if n >= a.historyMinCount, amount >= a.spikeMinAmount, Double(amount) >= Double(a.spikeMultiplier) * mean {
            fired.fire("amount_spike", a.spikeWeight,
                "\(fen(amount)) is at least \(a.spikeMultiplier)x this payer's mean of \(fen(Int(mean.rounded()))) "
                    + "over \(n) payments")
        }
        // A running mean that keeps adapting: the weight of the past is capped at 1,000 payments.
        let weight = Double(min(n, 999))
        record.pointee.historyMean = (mean * weight + Double(amount)) / (weight + 1)
        record.pointee.historyCount = Int32(min(n + 1, Int(Int32.max)))
        if amount >= a.roundMinAmount && amount % a.roundUnit == 0 {
            fired.fire("amount_round_large", a.roundWeight,
                "\(fen(amount)) is a round sum (a multiple of \(fen(a.roundUnit))) of at least \(fen(a.roundMinAmount))")
        }
        for limit in a.limits where amount < limit && amount >= limit - a.belowLimitMargin {
            fired.fire("amount_just_below_limit", a.belowLimitWeight,
                "\(fen(amount)) is just below the \(fen(limit)) limit")
            break
        }
    }

    @inline(__always)
    private func scoreRefund(
        _ record: UnsafeMutablePointer<PayerRecord>, now: Int64, fired: inout Fired
    ) {
        let r = rules.refund
        let last = record.pointee.lastPaymentTime
        if last != Int64.min, now - last <= Int64(r.soonSeconds), now >= last {
            fired.fire("refund_soon_after_payment", r.soonWeight,
                "refund \(now - last) s after this payer's last payment (within \(r.soonSeconds) s)")
        }
        let refunds = Int(record.pointee.refundCount) + 1
        record.pointee.refundCount = Int32(clamping: refunds)
        let payments = Int(record.pointee.paymentCount)
        if payments >= r.ratioMinPayments && refunds * 100 >= payments * r.ratioPercent {
            fired.fire("refund_ratio_high", r.ratioWeight,
                "\(refunds) refunds for \(payments) payments by this payer (limit \(r.ratioPercent)%)")
        }
    }
}

/// `¥1,234.56` for 123456 fen.
func fen(_ amount: Int) -> String {
    // Digits written backwards into a small stack buffer: no intermediate strings.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
        var i = 40
        @inline(__always) func put(_ byte: UInt8) {
            i -= 1
            buffer[i] = byte
        }
        let magnitude = amount.magnitude
        var yuan = magnitude / 100
        let cents = magnitude % 100
        put(UInt8(0x30 + cents % 10))
        put(UInt8(0x30 + cents / 10))
        put(UInt8(ascii: "."))
        var digits = 0
        repeat {
            if digits > 0 && digits % 3 == 0 { put(UInt8(ascii: ",")) }
            put(UInt8(0x30 + yuan % 10))
            yuan /= 10
            digits += 1
        } while yuan > 0
        put(0xA5)  // ¥ (U+00A5) in UTF-8: C2 A5
        put(0xC2)
        if amount < 0 { put(UInt8(ascii: "-")) }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<40]), as: UTF8.self)
    }
}

@inline(__always)
func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var copy = text
    return copy.withUTF8(body)
}
