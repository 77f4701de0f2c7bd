// The risk rules: thresholds, weights, windows and term lists. Defaults ship in the binary as a Swift literal;
// WXPAY_RISK_RULES names a JSON file that replaces them (all of them: no merging).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a rules file could not be used. Loading never crashes: every problem ends up here.
public struct RiskRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `RISK_RULES_NOT_FOUND` (the file is missing or unreadable) or `RISK_RULES_INVALID` (not JSON,
    /// a missing, unknown or out-of-range field). Configuration errors: a CLI exits 78 (EX_CONFIG) on either.
    public let code: String
    /// A human sentence naming the file and, for invalid content, the offending field path (e.g.
    /// `velocity.payer.window_seconds`).
    public let message: String

    /// `RISK_RULES_NOT_FOUND`
    public static let notFoundCode = "RISK_RULES_NOT_FOUND"
    /// `RISK_RULES_INVALID`
    public static let invalidCode = "RISK_RULES_INVALID"

    /// Creates an error.
    /// - Parameters:
    ///   - code: A stable upper-snake code.
    ///   - message: A human sentence.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    static func invalid(_ message: String) -> RiskRulesError { RiskRulesError(code: invalidCode, message: message) }

    /// `CODE: message`.
    public var description: String { "\(code): \(message)" }
}

/// Every tunable of the risk engine. `Codable` with snake_case keys (the rules-file format); see
/// ``RiskRules/defaults`` for the shipped values and ``RiskRules/load(environment:)`` for the file.
public struct RiskRules: Codable, Sendable, Equatable {
    /// Score thresholds that turn a score into an action.
    public struct Thresholds: Codable, Sendable, Equatable {
        /// A score at or above this (and below `block`) is `review`. 1 ... 100.
        public var review: Int
        /// A score at or above this is `block`. Greater than `review`, at most 100.
        public var block: Int
        /// Creates thresholds.
        public init(review: Int, block: Int) {
            self.review = review
            self.block = block
        }
    }

    /// One prohibited category: its terms, and the lists that make detection generalize (all optional: a rules file
    /// that gives only `name` and `terms` means what it always meant).
    public struct ProhibitedCategory: Codable, Sendable, Equatable {
        /// The category name (`[a-z][a-z0-9_]*`); the rules that fire are `prohibited_<name>` (a term),
        /// `prohibited_<name>_operator`, `prohibited_<name>_combo` and `prohibited_<name>_benign_context`.
        public var name: String
        /// Terms in any script and width (Chinese simplified or traditional, English, pinyin); they are
        /// normalized like the scanned text, so `賭博`, `赌博` and `ＤＵＢＯ` each stand for their normalized form.
        /// A term blocks, unless a benign-context word (``benign``) is present and no context word is near it.
        public var terms: [String]
        /// Operator and brand names (`bet365`, `币安`, `onlyfans`): a hit blocks, whatever the context
        /// (`prohibited_<name>_operator`). Screened out of refund reasons like terms.
        public var operators: [String]
        /// Words that are harmless alone (`poker`, `成人`, `sexy`) but block within ``Prohibited/comboWindow``
        /// characters of a context word (`prohibited_<name>_combo`).
        public var cues: [String]
        /// Context words (`buy-in`, `real money`, `打赏`, `充值`): they make a cue (or a term) a transaction
        /// of the category; alone they do nothing.
        public var contexts: [String]
        /// Benign-context words (`book`, `课程`, `news`): a term hit with one of them in the same transaction and
        /// no context word near the term is lowered by ``Prohibited/benignMaxReduction``
        /// (`prohibited_<name>_benign_context`). They never lower an operator or a combination.
        public var benign: [String]
        /// Exceptions: phrases whose cues and terms do not count (`成人教育`, `adult education`): a cue or term
        /// of this category lying inside an exception's match is ignored.
        public var exceptions: [String]

        enum CodingKeys: String, CodingKey {
            case name, terms, operators, cues, contexts, benign, exceptions
        }

        /// Creates a category.
        public init(
            name: String, terms: [String], operators: [String] = [], cues: [String] = [], contexts: [String] = [],
            benign: [String] = [], exceptions: [String] = []
        ) {
            self.name = name
            self.terms = terms
            self.operators = operators
            self.cues = cues
            self.contexts = contexts
            self.benign = benign
            self.exceptions = exceptions
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try c.decode(String.self, forKey: .name), terms: try c.decode([String].self, forKey: .terms),
                operators: try c.decodeIfPresent([String].self, forKey: .operators) ?? [],
                cues: try c.decodeIfPresent([String].self, forKey: .cues) ?? [],
                contexts: try c.decodeIfPresent([String].self, forKey: .contexts) ?? [],
                benign: try c.decodeIfPresent([String].self, forKey: .benign) ?? [],
                exceptions: try c.decodeIfPresent([String].self, forKey: .exceptions) ?? [])
        }

        /// The optional lists with their rules-file names, for validation and parsing.
        var lists: [(key: String, words: [String])] {
            [("operators", operators), ("cues", cues), ("contexts", contexts), ("benign", benign),
             ("exceptions", exceptions)]
        }
    }

    /// Prohibited-category screening of descriptions, refund reasons, attach data and merchant categories.
    public struct Prohibited: Codable, Sendable, Equatable {
        /// The weight added to the score per category hit. A hit blocks, whatever the weight (a lone hit the text model does not confirm is held for review).
        public var weight: Int
        /// Latin (ASCII letter) terms of at most this many letters (after normalization) must stand as a word:
        /// `usdt` matches `buy USDT now` and `100usdt` but not `trusdtee`. Longer terms match anywhere.
        public var latinWordBoundaryMaxLength: Int
        /// The categories, each with its terms.
        public var categories: [ProhibitedCategory]
        /// A cue (or term) and a context word combine when at most this many characters separate them, ASCII
        /// spaces and punctuation not counted (0 ... 256; default 16).
        public var comboWindow: Int
        /// What a benign-context word may subtract from a term hit's weight (0 ... 100; default 70). With the
        /// default weight of 100 a lone term next to `book` scores 30: below review.
        public var benignMaxReduction: Int
        /// The weight of a text-model hit (`prohibited_<name>_model`, for the categories the shipped model knows:
        /// gambling, crypto, adult) on a description in which the word lists found nothing of the category
        /// (0 ... 100; default 40, review; 0 turns the model off). A model hit never blocks by itself.
        public var modelWeight: Int
        /// Whether each term, operator and exception of Chinese characters (GB 2312, no `*`) also matches as its
        /// toneless pinyin, as a whole Latin word in the same role, when the pinyin has at least 6 letters: `百家乐`
        /// matches `baijiale` and `bai jia le`, not `xbaijiale` (optional, default false; the defaults: true). One
        /// reading per character, the most common (行 `xing`): list other readings yourself.
        public var pinyin: Bool

        public static let defaultComboWindow = 16
        public static let defaultBenignMaxReduction = 70
        public static let defaultModelWeight = 40

        enum CodingKeys: String, CodingKey {
            case weight
            case latinWordBoundaryMaxLength = "latin_word_boundary_max_length"
            case categories
            case comboWindow = "combo_window"
            case benignMaxReduction = "benign_max_reduction"
            case modelWeight = "model_weight"
            case pinyin
        }

        /// Creates the prohibited-category rules.
        public init(
            weight: Int, latinWordBoundaryMaxLength: Int, categories: [ProhibitedCategory],
            comboWindow: Int = defaultComboWindow, benignMaxReduction: Int = defaultBenignMaxReduction,
            modelWeight: Int = defaultModelWeight, pinyin: Bool = false
        ) {
            self.weight = weight
            self.latinWordBoundaryMaxLength = latinWordBoundaryMaxLength
            self.categories = categories
            self.comboWindow = comboWindow
            self.benignMaxReduction = benignMaxReduction
            self.modelWeight = modelWeight
            self.pinyin = pinyin
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                weight: try c.decode(Int.self, forKey: .weight),
                latinWordBoundaryMaxLength: try c.decode(Int.self, forKey: .latinWordBoundaryMaxLength),
                categories: try c.decode([ProhibitedCategory].self, forKey: .categories),
                comboWindow: try c.decodeIfPresent(Int.self, forKey: .comboWindow) ?? Self.defaultComboWindow,
                benignMaxReduction: try c.decodeIfPresent(Int.self, forKey: .benignMaxReduction)
                    ?? Self.defaultBenignMaxReduction,
                modelWeight: try c.decodeIfPresent(Int.self, forKey: .modelWeight) ?? Self.defaultModelWeight,
                pinyin: try c.decodeIfPresent(Bool.self, forKey: .pinyin) ?? false)
        }
    }

    /// A sliding-window velocity limit for one key (payer, device or IP). Only payments count.
    public struct VelocityLimit: Codable, Sendable, Equatable {
        /// The window length in seconds of stream time.
        public var windowSeconds: Int
        /// At most this many payments per key in the window; one more fires `velocity_<key>_count`. 1 ... 64.
        public var maxCount: Int
        /// Weight of `velocity_<key>_count`.
        public var countWeight: Int
        /// At most this many fen per key in the window; more fires `velocity_<key>_amount`.
        public var maxAmount: Int
        /// Weight of `velocity_<key>_amount`.
        public var amountWeight: Int
        /// For devices and IPs: at most this many distinct payers in the window; one more fires
        /// `<key>_shared_by_payers`. 0 turns the rule off (it is always off for the payer key). 0 ... 64.
        public var maxDistinctPayers: Int
        /// Weight of `<key>_shared_by_payers`.
        public var distinctPayersWeight: Int

        enum CodingKeys: String, CodingKey {
            case windowSeconds = "window_seconds"
            case maxCount = "max_count"
            case countWeight = "count_weight"
            case maxAmount = "max_amount"
            case amountWeight = "amount_weight"
            case maxDistinctPayers = "max_distinct_payers"
            case distinctPayersWeight = "distinct_payers_weight"
        }

        /// Creates a velocity limit.
        public init(
            windowSeconds: Int, maxCount: Int, countWeight: Int, maxAmount: Int, amountWeight: Int,
            maxDistinctPayers: Int = 0, distinctPayersWeight: Int = 0
        ) {
            self.windowSeconds = windowSeconds
            self.maxCount = maxCount
            self.countWeight = countWeight
            self.maxAmount = maxAmount
            self.amountWeight = amountWeight
            self.maxDistinctPayers = maxDistinctPayers
            self.distinctPayersWeight = distinctPayersWeight
        }
    }

    /// Velocity limits per key.
    public struct Velocity: Codable, Sendable, Equatable {
        /// Per payer openid.
        public var payer: VelocityLimit
        /// Per device id.
        public var device: VelocityLimit
        /// Per client IP.
        public var ip: VelocityLimit
        /// Creates the velocity limits.
        public init(payer: VelocityLimit, device: VelocityLimit, ip: VelocityLimit) {
            self.payer = payer
            self.device = device
            self.ip = ip
        }
    }

    /// Amount anomalies.
    public struct Amount: Codable, Sendable, Equatable {
        /// `amount_spike`: needs at least this many earlier payments by the payer in the stream.
        public var historyMinCount: Int
        /// `amount_spike`: fires when a payment is at least this many times the payer's mean payment...
        public var spikeMultiplier: Int
        /// ... and at least this many fen.
        public var spikeMinAmount: Int
        /// Weight of `amount_spike`.
        public var spikeWeight: Int
        /// `amount_round_large`: fires for amounts of at least this many fen...
        public var roundMinAmount: Int
        /// ... that are a whole multiple of this many fen.
        public var roundUnit: Int
        /// Weight of `amount_round_large`.
        public var roundWeight: Int
        /// `amount_just_below_limit`: limits in fen (e.g. 500000 = ¥5,000) that splitting or structuring tends to
        /// stay just under.
        public var limits: [Int]
        /// `amount_just_below_limit` fires for `limit - margin <= amount < limit`.
        public var belowLimitMargin: Int
        /// Weight of `amount_just_below_limit`.
        public var belowLimitWeight: Int

        enum CodingKeys: String, CodingKey {
            case historyMinCount = "history_min_count"
            case spikeMultiplier = "spike_multiplier"
            case spikeMinAmount = "spike_min_amount"
            case spikeWeight = "spike_weight"
            case roundMinAmount = "round_min_amount"
            case roundUnit = "round_unit"
            case roundWeight = "round_weight"
            case limits
            case belowLimitMargin = "below_limit_margin"
            case belowLimitWeight = "below_limit_weight"
        }

        /// Creates the amount rules.
        public init(
            historyMinCount: Int, spikeMultiplier: Int, spikeMinAmount: Int, spikeWeight: Int,
            roundMinAmount: Int, roundUnit: Int, roundWeight: Int,
            limits: [Int], belowLimitMargin: Int, belowLimitWeight: Int
        ) {
            self.historyMinCount = historyMinCount
            self.spikeMultiplier = spikeMultiplier
            self.spikeMinAmount = spikeMinAmount
            self.spikeWeight = spikeWeight
            self.roundMinAmount = roundMinAmount
            self.roundUnit = roundUnit
            self.roundWeight = roundWeight
            self.limits = limits
            self.belowLimitMargin = belowLimitMargin
            self.belowLimitWeight = belowLimitWeight
        }
    }

    /// Refund patterns.
    public struct Refund: Codable, Sendable, Equatable {
        /// `refund_soon_after_payment`: a refund within this many seconds of the payer's last payment.
        public var soonSeconds: Int
        /// Weight of `refund_soon_after_payment`.
        public var soonWeight: Int
        /// `refund_ratio_high`: needs at least this many payments by the payer in the stream...
        public var ratioMinPayments: Int
        /// ... and fires when refunds (this one included) reach this percentage of the payer's payments.
        public var ratioPercent: Int
        /// Weight of `refund_ratio_high`.
        public var ratioWeight: Int

        enum CodingKeys: String, CodingKey {
            case soonSeconds = "soon_seconds"
            case soonWeight = "soon_weight"
            case ratioMinPayments = "ratio_min_payments"
            case ratioPercent = "ratio_percent"
            case ratioWeight = "ratio_weight"
        }

        /// Creates the refund rules.
        public init(soonSeconds: Int, soonWeight: Int, ratioMinPayments: Int, ratioPercent: Int, ratioWeight: Int) {
            self.soonSeconds = soonSeconds
            self.soonWeight = soonWeight
            self.ratioMinPayments = ratioMinPayments
            self.ratioPercent = ratioPercent
            self.ratioWeight = ratioWeight
        }
    }

    /// Bounds on the engine's memory.
    public struct State: Codable, Sendable, Equatable {
        /// At most this many payers, devices and IPs (each) are tracked; beyond it the least recently used key is
        /// forgotten (CLOCK eviction). 16 ... 10,000,000.
        public var maxTrackedKeys: Int
        /// A key unseen for this many seconds of stream time is forgotten (its history starts over).
        public var historyTTLSeconds: Int

        enum CodingKeys: String, CodingKey {
            case maxTrackedKeys = "max_tracked_keys"
            case historyTTLSeconds = "history_ttl_seconds"
        }

        /// Creates the state bounds.
        public init(maxTrackedKeys: Int, historyTTLSeconds: Int) {
            self.maxTrackedKeys = maxTrackedKeys
            self.historyTTLSeconds = historyTTLSeconds
        }
    }

    /// Score thresholds.
    public var thresholds: Thresholds
    /// Prohibited categories.
    public var prohibited: Prohibited
    /// Velocity limits.
    public var velocity: Velocity
    /// Amount anomalies.
    public var amount: Amount
    /// Refund patterns.
    public var refund: Refund
    /// Weight of `created_at_invalid`, which fires when ``RiskEngine/score(_:)`` gets a `created_at` that is not
    /// RFC 3339 (the transaction is then placed at the latest stream time seen).
    public var invalidTimestampWeight: Int
    /// Memory bounds.
    public var state: State

    enum CodingKeys: String, CodingKey {
        case thresholds, prohibited, velocity, amount, refund
        case invalidTimestampWeight = "invalid_timestamp_weight"
        case state
    }

    /// Creates rules. Call ``validate()`` before use when the values come from outside.
    public init(
        thresholds: Thresholds, prohibited: Prohibited, velocity: Velocity, amount: Amount, refund: Refund,
        invalidTimestampWeight: Int, state: State
    ) {
        self.thresholds = thresholds
        self.prohibited = prohibited
        self.velocity = velocity
        self.amount = amount
        self.refund = refund
        self.invalidTimestampWeight = invalidTimestampWeight
        self.state = state
    }

    /// The environment variable that names a rules file replacing the defaults.
    public static let environmentKey = "WXPAY_RISK_RULES"

    /// Returns the rules named by `WXPAY_RISK_RULES` in `environment` (the whole file replaces the defaults; every
    /// field is required), or ``defaults`` when the variable is unset or empty.
    /// - Parameter environment: The process environment (or a test's).
    /// - Throws: ``RiskRulesError`` with `RISK_RULES_NOT_FOUND` or `RISK_RULES_INVALID`.
    public static func load(environment: [String: String]) throws(RiskRulesError) -> RiskRules {
        guard let path = environment[environmentKey], !path.isEmpty else { return defaults }
        let bytes = try readFile(path)
        return try parse(json: bytes, source: path)
    }

    /// Parses and validates a rules document.
    /// - Parameters:
    ///   - json: The document's UTF-8 bytes.
    ///   - source: A name for the document in error messages (e.g. its path).
    /// - Throws: ``RiskRulesError`` with `RISK_RULES_INVALID`, naming the offending field.
    public static func parse(json: [UInt8], source: String = "rules") throws(RiskRulesError) -> RiskRules {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try json.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
                try JSONParser.parse(buffer)
            }
        } catch {
            throw .invalid("\(source) is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        let rules = try RulesDocumentReader(source: source).rules(from: value)
        try rules.validate(source: source)
        return rules
    }

    /// Checks every value's range and the relations between them.
    /// - Throws: ``RiskRulesError`` with `RISK_RULES_INVALID`, naming the offending field.
    public func validate() throws(RiskRulesError) { try validate(source: "rules") }

    func validate(source: String) throws(RiskRulesError) {
        func check(_ ok: Bool, _ field: String, _ requirement: String) throws(RiskRulesError) {
            if !ok { throw .invalid("\(source): \(field) \(requirement)") }
        }
        try check((1...100).contains(thresholds.review), "thresholds.review", "must be 1 ... 100")
        try check(
            thresholds.block > thresholds.review && thresholds.block <= 100, "thresholds.block",
            "must be greater than thresholds.review and at most 100")
        try check((0...100).contains(prohibited.weight), "prohibited.weight", "must be 0 ... 100")
        try check(
            (0...64).contains(prohibited.latinWordBoundaryMaxLength), "prohibited.latin_word_boundary_max_length",
            "must be 0 ... 64")
        try check(!prohibited.categories.isEmpty, "prohibited.categories", "must not be empty")
        try check((0...256).contains(prohibited.comboWindow), "prohibited.combo_window", "must be 0 ... 256")
        try check(
            (0...100).contains(prohibited.benignMaxReduction), "prohibited.benign_max_reduction", "must be 0 ... 100")
        try check((0...100).contains(prohibited.modelWeight), "prohibited.model_weight", "must be 0 ... 100")
        var names = Set<String>()
        for (index, category) in prohibited.categories.enumerated() {
            let field = "prohibited.categories[\(index)]"
            try check(isRuleNameFragment(category.name), "\(field).name", "must match [a-z][a-z0-9_]* (at most 32)")
            try check(names.insert(category.name).inserted, "\(field).name", "repeats \"\(category.name)\"")
            try check(!category.terms.isEmpty, "\(field).terms", "must not be empty")
            for (key, words) in [("terms", category.terms)] + category.lists {
                for (termIndex, term) in words.enumerated() {
                    let length = TextNormalizer.normalizedLength(of: term)
                    try check(
                        length >= 2 && length <= ProhibitedTermMatcher.maxTermLength,
                        "\(field).\(key)[\(termIndex)]",
                        "(\"\(term)\") must have 2 ... \(ProhibitedTermMatcher.maxTermLength) letters after normalization")
                }
            }
            try check(category.cues.isEmpty || !category.contexts.isEmpty, "\(field).cues",
                "need contexts: a cue only counts next to a context word")
        }
        for (key, limit) in [("payer", velocity.payer), ("device", velocity.device), ("ip", velocity.ip)] {
            let field = "velocity.\(key)"
            try check(limit.windowSeconds >= 1 && limit.windowSeconds <= 31_536_000, "\(field).window_seconds",
                "must be 1 ... 31536000")
            try check((1...64).contains(limit.maxCount), "\(field).max_count", "must be 1 ... 64")
            try check(limit.maxAmount >= 1, "\(field).max_amount", "must be at least 1 fen")
            try check((0...64).contains(limit.maxDistinctPayers), "\(field).max_distinct_payers", "must be 0 ... 64")
            if key == "payer" {
                try check(limit.maxDistinctPayers == 0, "\(field).max_distinct_payers", "must be 0 for the payer key")
            }
            for (name, weight) in [
                ("count_weight", limit.countWeight), ("amount_weight", limit.amountWeight),
                ("distinct_payers_weight", limit.distinctPayersWeight),
            ] {
                try check((0...100).contains(weight), "\(field).\(name)", "must be 0 ... 100")
            }
        }
        try check(amount.historyMinCount >= 1, "amount.history_min_count", "must be at least 1")
        try check(amount.spikeMultiplier >= 2, "amount.spike_multiplier", "must be at least 2")
        try check(amount.spikeMinAmount >= 1, "amount.spike_min_amount", "must be at least 1 fen")
        try check(amount.roundMinAmount >= 1, "amount.round_min_amount", "must be at least 1 fen")
        try check(amount.roundUnit >= 1, "amount.round_unit", "must be at least 1 fen")
        try check(amount.belowLimitMargin >= 1, "amount.below_limit_margin", "must be at least 1 fen")
        for (index, limit) in amount.limits.enumerated() {
            try check(limit > amount.belowLimitMargin, "amount.limits[\(index)]", "must exceed amount.below_limit_margin")
        }
        try check(refund.soonSeconds >= 1, "refund.soon_seconds", "must be at least 1")
        try check(refund.ratioMinPayments >= 1, "refund.ratio_min_payments", "must be at least 1")
        try check((1...1000).contains(refund.ratioPercent), "refund.ratio_percent", "must be 1 ... 1000")
        for (name, weight) in [
            ("amount.spike_weight", amount.spikeWeight), ("amount.round_weight", amount.roundWeight),
            ("amount.below_limit_weight", amount.belowLimitWeight), ("refund.soon_weight", refund.soonWeight),
            ("refund.ratio_weight", refund.ratioWeight), ("invalid_timestamp_weight", invalidTimestampWeight),
        ] {
            try check((0...100).contains(weight), name, "must be 0 ... 100")
        }
        try check((16...10_000_000).contains(state.maxTrackedKeys), "state.max_tracked_keys", "must be 16 ... 10000000")
        try check(
            state.historyTTLSeconds >= 1 && state.historyTTLSeconds <= 31_536_000 * 10, "state.history_ttl_seconds",
            "must be 1 ... 315360000")
    }

    private static func readFile(_ path: String) throws(RiskRulesError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw RiskRulesError(
                code: RiskRulesError.notFoundCode,
                message: "cannot open the risk rules file \(path) (\(environmentKey)): errno \(errno)")
        }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RiskRulesError(
                    code: RiskRulesError.notFoundCode, message: "cannot read the risk rules file \(path): errno \(errno)")
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > 16 << 20 { throw .invalid("\(path) is larger than 16 MiB") }
        }
        return result
    }
}

private func isRuleNameFragment(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard let first = bytes.first, first >= 0x61 && first <= 0x7A, bytes.count <= 32 else { return false }
    return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || isDigit($0) || $0 == 0x5F }
}

/// Reads a rules document field by field so that every error names its path. Unknown fields are errors (a typo
/// in a rules file must not silently fall back to nothing).
private struct RulesDocumentReader {
    let source: String

    func rules(from value: JSONValue) throws(RiskRulesError) -> RiskRules {
        var root = try object(value, "(root)")
        let rules = RiskRules(
            thresholds: try thresholds(root.take("thresholds")),
            prohibited: try prohibited(root.take("prohibited")),
            velocity: try velocity(root.take("velocity")),
            amount: try amount(root.take("amount")),
            refund: try refund(root.take("refund")),
            invalidTimestampWeight: try int(root.take("invalid_timestamp_weight")),
            state: try state(root.take("state"))
        )
        try root.finish()
        return rules
    }

    struct Field {
        var path: String
        var value: JSONValue?
    }

    struct Object {
        let source: String
        let path: String
        var members: [(key: String, value: JSONValue)]
        var taken = Set<String>()

        mutating func take(_ key: String) -> Field {
            taken.insert(key)
            let path = self.path == "(root)" ? key : "\(self.path).\(key)"
            return Field(path: path, value: members.first(where: { $0.key == key })?.value)
        }

        func finish() throws(RiskRulesError) {
            if let unknown = members.first(where: { !taken.contains($0.key) }) {
                let path = self.path == "(root)" ? unknown.key : "\(self.path).\(unknown.key)"
                throw .invalid("\(source): \(path) is not a known field")
            }
        }
    }

    func object(_ value: JSONValue, _ path: String) throws(RiskRulesError) -> Object {
        guard case .object(let members) = value else {
            throw .invalid("\(source): \(path) must be an object, not \(value.typeName)")
        }
        return Object(source: source, path: path, members: members)
    }

    func object(_ field: Field) throws(RiskRulesError) -> Object {
        try object(try present(field), field.path)
    }

    func present(_ field: Field) throws(RiskRulesError) -> JSONValue {
        guard let value = field.value else { throw .invalid("\(source): \(field.path) is missing") }
        return value
    }

    func int(_ field: Field) throws(RiskRulesError) -> Int {
        let value = try present(field)
        guard case .int(let number) = value else {
            throw .invalid("\(source): \(field.path) must be an integer, not \(value.typeName)")
        }
        return number
    }

    func bool(_ field: Field) throws(RiskRulesError) -> Bool {
        let value = try present(field)
        guard case .bool(let flag) = value else {
            throw .invalid("\(source): \(field.path) must be true or false, not \(value.typeName)")
        }
        return flag
    }

    func string(_ value: JSONValue, _ path: String) throws(RiskRulesError) -> String {
        guard case .string(let text) = value else {
            throw .invalid("\(source): \(path) must be a string, not \(value.typeName)")
        }
        return text
    }

    func array(_ field: Field) throws(RiskRulesError) -> [JSONValue] {
        let value = try present(field)
        guard case .array(let items) = value else {
            throw .invalid("\(source): \(field.path) must be an array, not \(value.typeName)")
        }
        return items
    }

    func thresholds(_ field: Field) throws(RiskRulesError) -> RiskRules.Thresholds {
        var o = try object(field)
        let result = RiskRules.Thresholds(review: try int(o.take("review")), block: try int(o.take("block")))
        try o.finish()
        return result
    }

    func prohibited(_ field: Field) throws(RiskRulesError) -> RiskRules.Prohibited {
        var o = try object(field)
        let weight = try int(o.take("weight"))
        let boundary = try int(o.take("latin_word_boundary_max_length"))
        let categoriesField = o.take("categories")
        var categories: [RiskRules.ProhibitedCategory] = []
        for (index, item) in try array(categoriesField).enumerated() {
            var c = try object(item, "\(categoriesField.path)[\(index)]")
            let name = try string(try present(c.take("name")), "\(c.path).name")
            let termsField = c.take("terms")
            var terms: [String] = []
            for (termIndex, term) in try array(termsField).enumerated() {
                terms.append(try string(term, "\(termsField.path)[\(termIndex)]"))
            }
            var lists: [[String]] = []
            for key in ["operators", "cues", "contexts", "benign", "exceptions"] {
                let listField = c.take(key)
                var words: [String] = []
                if listField.value != nil {
                    for (k, word) in try array(listField).enumerated() {
                        words.append(try string(word, "\(listField.path)[\(k)]"))
                    }
                }
                lists.append(words)
            }
            try c.finish()
            categories.append(
                .init(
                    name: name, terms: terms, operators: lists[0], cues: lists[1], contexts: lists[2],
                    benign: lists[3], exceptions: lists[4]))
        }
        let windowField = o.take("combo_window")
        let window = windowField.value == nil ? RiskRules.Prohibited.defaultComboWindow : try int(windowField)
        let reductionField = o.take("benign_max_reduction")
        let reduction =
            reductionField.value == nil ? RiskRules.Prohibited.defaultBenignMaxReduction : try int(reductionField)
        let modelField = o.take("model_weight")
        let modelWeight = modelField.value == nil ? RiskRules.Prohibited.defaultModelWeight : try int(modelField)
        let pinyinField = o.take("pinyin")
        let pinyin = pinyinField.value == nil ? false : try bool(pinyinField)
        try o.finish()
        return .init(
            weight: weight, latinWordBoundaryMaxLength: boundary, categories: categories, comboWindow: window,
            benignMaxReduction: reduction, modelWeight: modelWeight, pinyin: pinyin)
    }

    func limit(_ field: Field) throws(RiskRulesError) -> RiskRules.VelocityLimit {
        var o = try object(field)
        let result = RiskRules.VelocityLimit(
            windowSeconds: try int(o.take("window_seconds")),
            maxCount: try int(o.take("max_count")),
            countWeight: try int(o.take("count_weight")),
            maxAmount: try int(o.take("max_amount")),
            amountWeight: try int(o.take("amount_weight")),
            maxDistinctPayers: try int(o.take("max_distinct_payers")),
            distinctPayersWeight: try int(o.take("distinct_payers_weight"))
        )
        try o.finish()
        return result
    }

    func velocity(_ field: Field) throws(RiskRulesError) -> RiskRules.Velocity {
        var o = try object(field)
        let result = RiskRules.Velocity(
            payer: try limit(o.take("payer")), device: try limit(o.take("device")), ip: try limit(o.take("ip")))
        try o.finish()
        return result
    }

    func amount(_ field: Field) throws(RiskRulesError) -> RiskRules.Amount {
        var o = try object(field)
        let historyMinCount = try int(o.take("history_min_count"))
        let spikeMultiplier = try int(o.take("spike_multiplier"))
        let spikeMinAmount = try int(o.take("spike_min_amount"))
        let spikeWeight = try int(o.take("spike_weight"))
        let roundMinAmount = try int(o.take("round_min_amount"))
        let roundUnit = try int(o.take("round_unit"))
        let roundWeight = try int(o.take("round_weight"))
        let limitsField = o.take("limits")
        var limits: [Int] = []
        for (index, item) in try array(limitsField).enumerated() {
            limits.append(try int(Field(path: "\(limitsField.path)[\(index)]", value: item)))
        }
        let result = RiskRules.Amount(
            historyMinCount: historyMinCount, spikeMultiplier: spikeMultiplier, spikeMinAmount: spikeMinAmount,
            spikeWeight: spikeWeight, roundMinAmount: roundMinAmount, roundUnit: roundUnit, roundWeight: roundWeight,
            limits: limits, belowLimitMargin: try int(o.take("below_limit_margin")),
            belowLimitWeight: try int(o.take("below_limit_weight")))
        try o.finish()
        return result
    }

    func refund(_ field: Field) throws(RiskRulesError) -> RiskRules.Refund {
        var o = try object(field)
        let result = RiskRules.Refund(
            soonSeconds: try int(o.take("soon_seconds")), soonWeight: try int(o.take("soon_weight")),
            ratioMinPayments: try int(o.take("ratio_min_payments")), ratioPercent: try int(o.take("ratio_percent")),
            ratioWeight: try int(o.take("ratio_weight")))
        try o.finish()
        return result
    }

    func state(_ field: Field) throws(RiskRulesError) -> RiskRules.State {
        var o = try object(field)
        let result = RiskRules.State(
            maxTrackedKeys: try int(o.take("max_tracked_keys")),
            historyTTLSeconds: try int(o.take("history_ttl_seconds")))
        try o.finish()
        return result
    }
}
