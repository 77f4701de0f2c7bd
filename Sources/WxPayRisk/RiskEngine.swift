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
    /// - Parameters:
    ///   - rules: The rules; ``RiskRules/defaults`` unless given. The default prohibited terms' matcher is shared
    ///     process-wide; other terms are compiled here.
    ///   - expectedKeys: How many payers, devices and IPs to make room for up front (the tables grow by doubling up
    ///     to `rules.state.maxTrackedKeys` either way, so this changes no score). A stream of many transactions
    ///     keeps the default; an engine that scores one event (the webhook) passes 1 and allocates kilobytes
    ///     instead of megabytes.
    public init(rules: RiskRules = .defaults, expectedKeys: Int = 4096) {
        self.rules = rules
        let matcher = ProhibitedTermMatcher(rules: rules)
        self.matcher = matcher
        core = EngineCore(rules: rules, matcher: matcher, expectedKeys: expectedKeys)
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
    /// The words found in the transaction being scored, kept between calls for its capacity.
    private var scratch: [WordHit] = []
    /// The text model when `prohibited.model_weight` is above 0 (``RiskTextModel/shipped``, expanded on first use:
    /// a `webhook` scoring a notification, which has no description, never pays for it), and for each of the
    /// matcher's categories its index in the model (-1: the model does not know the category).
    private let modelEnabled: Bool
    private let modelCategory: [Int]
    private var modelScratch = RiskTextModel.Scratch()

    init(rules: RiskRules, matcher: ProhibitedTermMatcher, expectedKeys: Int) {
        self.rules = rules
        self.matcher = matcher
        modelEnabled = rules.prohibited.modelWeight > 0
        modelCategory = matcher.categories.map { name in ShippedRiskTextModel.categories.firstIndex(of: name) ?? -1 }
        let capacity = rules.state.maxTrackedKeys
        let initial = min(max(expectedKeys, 1), capacity)
        let ttl = Int64(rules.state.historyTTLSeconds)
        let v = rules.velocity
        payers = KeyTable(capacity: capacity, ttl: ttl, width: v.payer.maxCount, initial: initial)
        devices = KeyTable(capacity: capacity, ttl: ttl, width: max(v.device.maxCount, v.device.maxDistinctPayers),
                           initial: initial)
        ips = KeyTable(capacity: capacity, ttl: ttl, width: max(v.ip.maxCount, v.ip.maxDistinctPayers), initial: initial)
        payerRecords = PlainTable(capacity: initial)
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

    /// One word found in a field: its pattern (a specific member of a chain), byte range and field index.
    struct WordHit {
        var pattern: Int32
        var start: Int32
        var end: Int32
        var field: Int32
    }

    /// The evidence for one category over the whole transaction, as indices into the hit list (-1: none).
    struct CategoryEvidence {
        var term = -1
        var `operator` = -1
        /// A context word near the operator.
        var operatorContext = -1
        var benign = -1
        /// The cue or term and the context word that combined.
        var comboWord = -1
        var comboContext = -1
    }

    static let fieldNames = ["description", "attach", "merchant_category"]

    /// Collects every word of every field (each chain member once) into `hits`. No allocation once `hits` has
    /// grown to its working size.
    @inline(__always)
    private func collect(_ field: Int, _ bytes: UnsafeBufferPointer<UInt8>, into hits: inout [WordHit]) {
        if bytes.isEmpty { return }
        let matcher = self.matcher
        matcher.scan(bytes) { head, start, end in
            var p = head
            while p >= 0 {
                hits.append(WordHit(pattern: Int32(p), start: Int32(start), end: Int32(end), field: Int32(field)))
                p = Int(matcher.patterns[p].next)
            }
            return hits.count < 4096  // a pathological text: what was found so far decides
        }
    }

    /// How many characters lie between two byte ranges of one field (0 when they touch or overlap), not counting
    /// ASCII spaces and punctuation: a window means the same in English (words, spaces) and in Chinese.
    @inline(__always)
    /// The index in `hits` of the first context word of `h`'s category standing apart from `h` (`娱乐` in `娱乐城` is
    /// not context) in its field, within `window` characters of it; nil when there is none.
    private static func context(
        near h: WordHit, category c: Int, in hits: [WordHit], patterns: [ProhibitedTermMatcher.Pattern],
        fields: [UnsafeBufferPointer<UInt8>], window: Int
    ) -> Int? {
        for (j, x) in hits.enumerated() where x.field == h.field {
            let q = patterns[Int(x.pattern)]
            if q.kind == .context && q.category == c && (x.end <= h.start || x.start >= h.end)
                && characters(between: h, x, in: fields[Int(h.field)]) <= window
                && !insideException(x, category: c, in: hits, patterns: patterns)
            {
                return j
            }
        }
        return nil
    }

    /// Whether `h` lies inside a longer exception of category `c` (`体育` in `体育馆`, `投注` in `投注站`).
    private static func insideException(
        _ h: WordHit, category c: Int, in hits: [WordHit], patterns: [ProhibitedTermMatcher.Pattern]
    ) -> Bool {
        for e in hits where e.field == h.field && e.start <= h.start && e.end >= h.end {
            let q = patterns[Int(e.pattern)]
            if q.kind == .exception && q.category == c && (e.start != h.start || e.end != h.end) { return true }
        }
        return false
    }

    private static func characters(between a: WordHit, _ b: WordHit, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let (from, to) = a.end <= b.start ? (Int(a.end), Int(b.start)) : (Int(b.end), Int(a.start))
        if from >= to { return 0 }
        var n = 0
        for i in from..<to {
            let byte = bytes[i]
            if byte >= 0x80 {
                if byte & 0xC0 != 0x80 { n += 1 }
            } else if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x30 && byte <= 0x39 {
                n += 1
            }
        }
        return n
    }

    /// The prohibited-category decision of one transaction: fires at most one rule per category.
    /// - Operator (`prohibited_<c>_operator`), else term (`prohibited_<c>`), else cue + context within the window
    ///   (`prohibited_<c>_combo`): each blocks.
    /// - A payment description's lone operator or lone term (no context word near it) or lone cue + context that the
    ///   text model does not read as the category fires `prohibited_<c>_model_doubt` (review) instead.
    /// - A term with a benign-context word anywhere in the transaction and no context word within the window of it
    ///   fires `prohibited_<c>_benign_context` with the weight lowered by at most `benign_max_reduction`; with a
    ///   context word near it as well, a payment description's term the model does not confirm is a model doubt.
    /// - A cue, term, operator or context word inside an exception of its category does not count.
    /// - Returns: Whether a blocking rule fired.
    /// The prohibited-category decision: the word lists' rules (blocking), then the text model (review) for each
    /// category the lists found nothing of, benign context included.
    private mutating func scoreProhibited(_ input: RiskEngine.ScoringInput, fired: inout Fired) -> Bool {
        var judged = [Bool](repeating: false, count: matcher.categories.count)
        let prohibited = scoreProhibitedRules(input, fired: &fired, judged: &judged)
        // Payments' descriptions only: a refund reason is a short summary of a conversation ("Changed my mind"),
        // text the model was not trained on; the lists screen it.
        if modelEnabled, !input.isRefund, judged.contains(false), !input.description.isEmpty {
            let verdicts = RiskTextModel.shipped.judge(input.description, scratch: &modelScratch)
            // The model's readings count once, however many categories it reads: the text model alone never blocks.
            var counted = false
            for verdict in verdicts {
                guard let c = matcher.categories.firstIndex(of: verdict.category), !judged[c], modelCategory[c] >= 0
                else { continue }
                let field = "description"
                let quoted = verdict.evidence.map { "\"\($0)\"" }.joined(separator: ", ")
                let odds = Double(Int((Double(verdict.logOdds) * 100).rounded())) / 100
                let bar = Double(Int((Double(verdict.threshold) * 100).rounded())) / 100
                fired.fire("prohibited_\(verdict.category)_model", counted ? 0 : rules.prohibited.modelWeight,
                    "the \(field) reads as \(verdict.category) to the text model (log-odds \(odds), review from "
                        + "\(bar)); it weighs most: \(quoted)" + (counted ? " (counted once with the reading above)" : ""))
                counted = true
            }
        }
        return prohibited
    }

    /// The word lists' rules; `judged[c]` is set for each category a rule fired for.
    private mutating func scoreProhibitedRules(
        _ input: RiskEngine.ScoringInput, fired: inout Fired, judged: inout [Bool]
    ) -> Bool {
        var hits = scratch
        scratch = []
        defer {
            hits.removeAll(keepingCapacity: true)
            scratch = hits
        }
        collect(0, input.description, into: &hits)
        collect(1, input.attach, into: &hits)
        collect(2, input.merchantCategory, into: &hits)
        if hits.isEmpty { return false }
        let patterns = matcher.patterns
        // Fast exit: only context or benign words (ordinary text mentioning "充值" or "book").
        if !hits.contains(where: { patterns[Int($0.pattern)].kind.isEvidence }) { return false }
        let fields = [input.description, input.attach, input.merchantCategory]
        let p = rules.prohibited
        var evidence = [CategoryEvidence](repeating: CategoryEvidence(), count: matcher.categories.count)
        for (i, h) in hits.enumerated() {
            let pattern = patterns[Int(h.pattern)]
            let c = pattern.category
            // Inside an exception of the category: not counted.
            if pattern.kind.isEvidence,
                Self.insideException(h, category: c, in: hits, patterns: patterns)
            {
                continue
            }
            switch pattern.kind {
            case .operator:
                if evidence[c].operator < 0 { evidence[c].operator = i }
                if evidence[c].operatorContext < 0,
                    let j = Self.context(near: h, category: c, in: hits, patterns: patterns, fields: fields,
                                         window: p.comboWindow)
                {
                    evidence[c].operator = i
                    evidence[c].operatorContext = j
                }
            case .benign:
                // A benign word inside a prohibited word (`book` in `b.o.o.k.m.a.k.e.r`) is not context.
                var inside = false
                for x in hits where x.field == h.field && x.start < h.end && h.start < x.end {
                    let q = patterns[Int(x.pattern)]
                    if q.kind != .benign && q.kind != .context && q.kind != .exception {
                        inside = true
                        break
                    }
                }
                if !inside && evidence[c].benign < 0 { evidence[c].benign = i }
            case .term, .cue:
                if pattern.kind == .term && evidence[c].term < 0 { evidence[c].term = i }
                if evidence[c].comboWord < 0 || pattern.kind == .term && evidence[c].comboContext < 0,
                    let j = Self.context(near: h, category: c, in: hits, patterns: patterns, fields: fields,
                                         window: p.comboWindow)
                {
                    evidence[c].comboWord = i
                    evidence[c].comboContext = j
                }
            default:
                break
            }
        }
        func text(_ i: Int) -> (term: String, written: String, field: String) {
            let h = hits[i]
            let bytes = fields[Int(h.field)]
            let written = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[Int(h.start)..<Int(h.end)]), as: UTF8.self)
            let term = patterns[Int(h.pattern)].term
            let field = input.isRefund && h.field == 0 ? "refund reason" : Self.fieldNames[Int(h.field)]
            return (term, written == term ? "\"\(term)\"" : "\"\(term)\" (written \"\(written)\")", field)
        }
        /// For a payment's description with the model on and a category with context words: nil when the text
        /// model reads the description as `category` (or does not know the category), else the n-gram evidence and
        /// the bar it fell short of, as prose. A category without context words (a rules file of the earlier format)
        /// has no "lone" hit: its terms block, as its lists say. Asked at most once per category (a doubted operator
        /// name and a term of the same category share the answer).
        var verdicts = [String??](repeating: nil, count: evidence.count)
        func unconfirmed(_ c: Int, _ category: String) -> String? {
            if let known = verdicts[c] { return known }
            let verdict = modelVerdict(c, category)
            verdicts[c] = .some(verdict)
            return verdict
        }
        func modelVerdict(_ c: Int, _ category: String) -> String? {
            guard modelEnabled, !p.categories[c].contexts.isEmpty else { return nil }
            // Another category's words neither confirm nor deny this one: the model reads the description with them
            // blanked (a boundary), so that adding a word of another category (`赌博` + ` USDT`, whose n-grams weigh
            // against gambling) never turns this category's block into a review.
            var masked: [UInt8] = []
            for h in hits where h.field == 0 {
                let q = patterns[Int(h.pattern)]
                guard q.category != c, q.kind.isEvidence else { continue }
                if masked.isEmpty { masked = Array(input.description) }
                for k in Int(h.start)..<Int(h.end) { masked[k] = 0x0A }
            }
            let read = masked.isEmpty
                ? RiskTextModel.shipped.confirms(category, in: input.description, scratch: &modelScratch)
                : masked.withUnsafeBufferPointer {
                    RiskTextModel.shipped.confirms(category, in: $0, scratch: &modelScratch)
                }
            guard let verdict = read, !verdict.confirmed else { return nil }
            let evidence = Double(Int((Double(verdict.evidence) * 100).rounded())) / 100
            let bar = Double(Int((Double(verdict.bar) * 100).rounded())) / 100
            return "n-gram evidence \(evidence), below \(bar)"
        }
        var prohibited = false
        for (c, e) in evidence.enumerated() {
            let category = matcher.categories[c]
            if e.operator >= 0 || e.term >= 0 || e.comboWord >= 0 { judged[c] = true }
            // A lone operator name (no context word near it) in a description the text model does not read as the
            // category: `申博` is also "applying for a PhD" (考研申博), `必发` "sure to ship" (48小时必发).
            let operatorDoubt = e.operator >= 0 && e.operatorContext < 0 && hits[e.operator].field == 0
                && !input.isRefund ? unconfirmed(c, category) : nil
            if e.operator >= 0 && operatorDoubt == nil {
                let t = text(e.operator)
                fired.fire("prohibited_\(category)_operator", p.weight,
                    "the \(t.field) names the \(category) operator \(t.written)")
                prohibited = true
            } else if e.term >= 0 && e.benign < 0 && e.comboContext < 0 && hits[e.term].field == 0, !input.isRefund,
                let doubt = unconfirmed(c, category)
            {
                // A lone term (no context word near it, no operator) in a description the text model does not read
                // as the category: held for review, not blocked. Review is the floor: the model cannot approve a term.
                let t = text(e.term)
                fired.fire("prohibited_\(category)_model_doubt", max(p.modelWeight, rules.thresholds.review),
                    "the \(t.field) contains the \(category) term \(t.written) with no \(category) context word near "
                        + "it, and the text model does not read the \(t.field) as \(category) (\(doubt)): held for "
                        + "review instead of blocked")
            } else if e.term >= 0 && e.benign >= 0 && e.comboContext >= 0 && hits[e.term].field == 0, !input.isRefund,
                let doubt = unconfirmed(c, category)
            {
                // Evidence both ways: a context word near the term, and a benign word ("德州扑克 策略 课程 会员"). The
                // model decides between block and review; it cannot approve.
                let t = text(e.term)
                fired.fire("prohibited_\(category)_model_doubt", max(p.modelWeight, rules.thresholds.review),
                    "the \(t.field) contains the \(category) term \(t.written) with the context "
                        + "\(text(e.comboContext).written) near it and the benign context \(text(e.benign).written), and "
                        + "the text model does not read the \(t.field) as \(category) (\(doubt)): held for review "
                        + "instead of blocked")
            } else if e.term >= 0 && (e.benign < 0 || e.comboContext >= 0) {
                let t = text(e.term)
                var detail = "the \(t.field) contains the \(category) term \(t.written)"
                if e.benign >= 0 {
                    detail += "; the benign context \(text(e.benign).written) does not count: the context "
                        + "\(text(e.comboContext).written) is within \(p.comboWindow) characters"
                }
                fired.fire("prohibited_\(category)", p.weight, detail)
                prohibited = true
            } else if e.term >= 0 {
                let t = text(e.term)
                let lowered = max(p.weight - p.benignMaxReduction, 0)
                fired.fire("prohibited_\(category)_benign_context", lowered,
                    "the \(t.field) contains the \(category) term \(t.written) in the benign context "
                        + "\(text(e.benign).written) (no \(category) context word within \(p.comboWindow) "
                        + "characters): weight \(p.weight) lowered to \(lowered)")
            } else if e.comboWord >= 0, hits[e.comboWord].field == 0, !input.isRefund, let doubt = unconfirmed(c, category) {
                // A cue and a context word, alone, in a description the text model does not read as the category
                // ("poker chips set", "dice-shaped USB drive online"): held for review, not blocked.
                let w = text(e.comboWord)
                let x = text(e.comboContext)
                fired.fire("prohibited_\(category)_model_doubt", max(p.modelWeight, rules.thresholds.review),
                    "the \(w.field) has the \(category) cue \(w.written) within \(p.comboWindow) characters of the "
                        + "context \(x.written), and the text model does not read the \(w.field) as \(category) "
                        + "(\(doubt)): held for review instead of blocked")
            } else if e.comboWord >= 0 {
                let w = text(e.comboWord)
                let x = text(e.comboContext)
                fired.fire("prohibited_\(category)_combo", p.weight,
                    "the \(w.field) has the \(category) cue \(w.written) within \(p.comboWindow) characters of the "
                        + "context \(x.written)")
                prohibited = true
            } else if let doubt = operatorDoubt {
                let t = text(e.operator)
                fired.fire("prohibited_\(category)_model_doubt", max(p.modelWeight, rules.thresholds.review),
                    "the \(t.field) names the \(category) operator \(t.written) with no \(category) context word "
                        + "near it, and the text model does not read the \(t.field) as \(category) (\(doubt)): held "
                        + "for review instead of blocked")
            }
        }
        return prohibited
    }

    mutating func score(_ input: RiskEngine.ScoringInput) -> RiskDecision {
        var fired = Fired()

        // Prohibited categories: operators, terms, combinations and benign context, across the text fields.
        let prohibited = scoreProhibited(input, fired: &fired)

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
