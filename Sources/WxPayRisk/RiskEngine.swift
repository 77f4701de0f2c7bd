// The risk engine: scores transactions one by one, keeping bounded per-payer, per-device and per-IP state.

/// Scores transactions against ``RiskRules``. Stateful: each call sees the payers, devices and IPs of the calls
/// before it (velocity, history, refund patterns), measured in stream time (each transaction's `created_at`),
/// never wall-clock time, so the same stream always gets the same decisions. Not thread-safe: use one engine per
/// stream (or per task).
public final class RiskEngine {
    /// The rules in force.
    public let rules: RiskRules
    /// The compiled prohibited terms.
    public let matcher: ProhibitedTermMatcher

    private var payers: SlotDirectory
    private var devices: SlotDirectory
    private var ips: SlotDirectory
    private var payerRings: EventRings
    private var deviceRings: EventRings
    private var ipRings: EventRings
    // Per payer slot.
    private var historyCount: [Int32] = []
    private var historyMean: [Double] = []
    private var paymentCount: [Int32] = []
    private var refundCount: [Int32] = []
    private var lastPaymentTime: [Int64] = []
    /// The latest `created_at` seen: where a transaction with an unreadable `created_at` is placed.
    private var latestTime: Int64 = 0

    /// Creates an engine with empty state.
    /// - Parameter rules: The rules; ``RiskRules/defaults`` unless given. The default rules' matcher is shared
    ///   process-wide; other rules are compiled here.
    public init(rules: RiskRules = .defaults) {
        self.rules = rules
        matcher = rules == .defaults ? .defaults : ProhibitedTermMatcher(rules: rules)
        let capacity = rules.state.maxTrackedKeys
        let ttl = Int64(rules.state.historyTTLSeconds)
        payers = SlotDirectory(capacity: capacity, ttl: ttl)
        devices = SlotDirectory(capacity: capacity, ttl: ttl)
        ips = SlotDirectory(capacity: capacity, ttl: ttl)
        let v = rules.velocity
        payerRings = EventRings(width: v.payer.maxCount, tracksPayers: false)
        deviceRings = EventRings(width: max(v.device.maxCount, v.device.maxDistinctPayers), tracksPayers: true)
        ipRings = EventRings(width: max(v.ip.maxCount, v.ip.maxDistinctPayers), tracksPayers: true)
    }

    /// How many payers, devices and IPs the engine is tracking now (each at most `rules.state.maxTrackedKeys`).
    public var trackedKeys: (payers: Int, devices: Int, ips: Int) { (payers.count, devices.count, ips.count) }

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
        var reasons: [RiskReason] = []
        var total = 0
        var prohibited = false
        @inline(__always) func fire(_ rule: String, _ weight: Int, _ detail: @autoclosure () -> String) {
            total += weight
            reasons.append(RiskReason(rule: rule, detail: detail()))
        }

        // Prohibited categories: first hit per category, across the text fields.
        var hits: [(pattern: Int, field: String, text: String)?] = []
        @inline(__always) func screen(_ field: String, _ bytes: UnsafeBufferPointer<UInt8>) {
            if bytes.isEmpty { return }
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
        screen("description", input.description)
        screen("attach", input.attach)
        screen("merchant_category", input.merchantCategory)
        if !hits.isEmpty {
            for case let (pattern, field, text)? in hits {
                let p = matcher.patterns[pattern]
                let category = matcher.categories[p.category]
                let what = input.isRefund && field == "description" ? "refund reason" : field
                let form = text == p.term ? "" : " (written \"\(text)\")"
                fire("prohibited_\(category)", rules.prohibited.weight,
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
            fire("created_at_invalid", rules.invalidTimestampWeight, "created_at is not an RFC 3339 date-time")
        }

        let payerKey = keyHash(input.payer)
        let (payerSlot, payerFresh) = payers.slot(for: payerKey, now: now)
        if payerFresh { resetPayer(payerSlot) }
        let payerTag = UInt32(truncatingIfNeeded: payerKey >> 32)

        if input.isRefund {
            scoreRefund(payerSlot, now: now, fire: fire)
        } else {
            let v = rules.velocity
            let own = payerRings.stats(payerSlot, now: now, window: v.payer.windowSeconds, excludingPayer: 0)
            checkVelocity("payer", "this payer", v.payer, own, amount: input.amount, distinctPayers: nil, fire: fire)
            payerRings.push(payerSlot, time: now, amount: input.amount, payer: 0)
            if !input.device.isEmpty {
                let (slot, fresh) = devices.slot(for: keyHash(input.device), now: now)
                if fresh { deviceRings.reset(slot) }
                let s = deviceRings.stats(slot, now: now, window: v.device.windowSeconds, excludingPayer: payerTag)
                checkVelocity("device", "this device", v.device, s, amount: input.amount,
                    distinctPayers: s.distinctPayers + 1, fire: fire)
                deviceRings.push(slot, time: now, amount: input.amount, payer: payerTag)
            }
            if !input.ip.isEmpty {
                let (slot, fresh) = ips.slot(for: keyHash(input.ip), now: now)
                if fresh { ipRings.reset(slot) }
                let s = ipRings.stats(slot, now: now, window: v.ip.windowSeconds, excludingPayer: payerTag)
                checkVelocity("ip", "this IP", v.ip, s, amount: input.amount,
                    distinctPayers: s.distinctPayers + 1, fire: fire)
                ipRings.push(slot, time: now, amount: input.amount, payer: payerTag)
            }
            scoreAmount(payerSlot, amount: input.amount, fire: fire)
            paymentCount[payerSlot] &+= 1
            lastPaymentTime[payerSlot] = max(lastPaymentTime[payerSlot], now)
        }

        let score = min(total, 100)
        let t = rules.thresholds
        let action: RiskAction
        if prohibited || score >= t.block {
            action = .block
        } else if score >= t.review {
            action = .review
        } else {
            action = .approve
        }
        return RiskDecision(score: prohibited ? max(score, t.block) : score, action: action, reasons: reasons)
    }

    private func resetPayer(_ slot: Int) {
        payerRings.reset(slot)
        if slot == historyCount.count {
            historyCount.append(0)
            historyMean.append(0)
            paymentCount.append(0)
            refundCount.append(0)
            lastPaymentTime.append(Int64.min)
        } else {
            historyCount[slot] = 0
            historyMean[slot] = 0
            paymentCount[slot] = 0
            refundCount[slot] = 0
            lastPaymentTime[slot] = Int64.min
        }
    }

    @inline(__always)
    private func checkVelocity(
        _ key: String, _ subject: String, _ limit: RiskRules.VelocityLimit, _ prior: EventRings.WindowStats,
        amount: Int, distinctPayers: Int?, fire: (String, Int, @autoclosure () -> String) -> Void
    ) {
        let count = prior.count + 1
        if count > limit.maxCount {
            fire("velocity_\(key)_count", limit.countWeight,
                "\(count) payments from \(subject) within \(limit.windowSeconds) s (limit \(limit.maxCount))")
        }
        let sum = prior.amount + amount
        if sum > limit.maxAmount {
            fire("velocity_\(key)_amount", limit.amountWeight,
                "\(fen(sum)) paid from \(subject) within \(limit.windowSeconds) s (limit \(fen(limit.maxAmount)))")
        }
        if let distinct = distinctPayers, limit.maxDistinctPayers > 0, distinct > limit.maxDistinctPayers {
            fire("\(key)_shared_by_payers", limit.distinctPayersWeight,
                "\(distinct) different payers used \(subject) within \(limit.windowSeconds) s "
                    + "(limit \(limit.maxDistinctPayers))")
        }
    }

    @inline(__always)
    private func scoreAmount(
        _ slot: Int, amount: Int, fire: (String, Int, @autoclosure () -> String) -> Void
    ) {
        let a = rules.amount
        let n = Int(historyCount[slot])
        let mean = historyMean[slot]
        if n >= a.historyMinCount, amount >= a.spikeMinAmount, Double(amount) >= Double(a.spikeMultiplier) * mean {
            fire("amount_spike", a.spikeWeight,
                "\(fen(amount)) is at least \(a.spikeMultiplier)x this payer's mean of \(fen(Int(mean.rounded()))) "
                    + "over \(n) payments")
        }
        // A running mean that keeps adapting: the weight of the past is capped at 1,000 payments.
        let weight = Double(min(n, 999))
        historyMean[slot] = (mean * weight + Double(amount)) / (weight + 1)
        historyCount[slot] = Int32(min(n + 1, Int(Int32.max)))
        if amount >= a.roundMinAmount && amount % a.roundUnit == 0 {
            fire("amount_round_large", a.roundWeight,
                "\(fen(amount)) is a round sum (a multiple of \(fen(a.roundUnit))) of at least \(fen(a.roundMinAmount))")
        }
        for limit in a.limits where amount < limit && amount >= limit - a.belowLimitMargin {
            fire("amount_just_below_limit", a.belowLimitWeight,
                "\(fen(amount)) is just below the \(fen(limit)) limit")
            break
        }
    }

    @inline(__always)
    private func scoreRefund(_ slot: Int, now: Int64, fire: (String, Int, @autoclosure () -> String) -> Void) {
        let r = rules.refund
        let last = lastPaymentTime[slot]
        if last != Int64.min, now - last <= Int64(r.soonSeconds), now >= last {
            fire("refund_soon_after_payment", r.soonWeight,
                "refund \(now - last) s after this payer's last payment (within \(r.soonSeconds) s)")
        }
        let refunds = Int(refundCount[slot]) + 1
        refundCount[slot] = Int32(clamping: refunds)
        let payments = Int(paymentCount[slot])
        if payments >= r.ratioMinPayments && refunds * 100 >= payments * r.ratioPercent {
            fire("refund_ratio_high", r.ratioWeight,
                "\(refunds) refunds for \(payments) payments by this payer (limit \(r.ratioPercent)%)")
        }
    }
}

/// `¥1,234.56` for 123456 fen.
func fen(_ amount: Int) -> String {
    let negative = amount < 0
    let magnitude = amount.magnitude
    let yuan = magnitude / 100
    let cents = magnitude % 100
    var digits = String(yuan)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits.removeLast(3)
    }
    grouped = digits + grouped
    let centsText = cents < 10 ? "0\(cents)" : "\(cents)"
    return (negative ? "-¥" : "¥") + grouped + "." + centsText
}

@inline(__always)
func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var copy = text
    return copy.withUTF8(body)
}
