#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import WxPayRisk

@Suite("Rules: shipped defaults, WXPAY_RISK_RULES replacement, validation")
struct RiskRulesTests {
    func write(_ text: String) -> String {
        let path = "/tmp/wxpay-risk-rules-\(UInt64.random(in: 0...UInt64.max)).json"
        let file = fopen(path, "w")!
        _ = text.withCString { fputs($0, file) }
        fclose(file)
        return path
    }

    /// The defaults as a rules document, through the public Codable conformance's key names.
    func defaultsDocument(replacing: (String, String)? = nil) -> String {
        var text = rulesJSON(.defaults)
        if let (a, b) = replacing { text = text.replacingOccurrences(a, b) }
        return text
    }

    @Test("Without WXPAY_RISK_RULES the defaults apply; they validate")
    func defaults() throws {
        #expect(try RiskRules.load(environment: [:]) == .defaults)
        #expect(try RiskRules.load(environment: ["WXPAY_RISK_RULES": ""]) == .defaults)
        try RiskRules.defaults.validate()
    }

    @Test("docs/risk-rules.md's defaults, loaded as a rules file, are exactly the shipped defaults")
    func documentedDefaults() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/WxPayRiskTests/RiskRulesTests.swift
        let doc = try CorpusTests.readFile((parts + ["docs", "risk-rules.md"]).joined(separator: "/"))
        let afterHeading = try #require(doc.firstRange(of: "## The defaults")).upperBound
        let open = try #require(doc[afterHeading...].firstRange(of: "```json\n"))
        let close = try #require(doc[open.upperBound...].firstRange(of: "\n```"))
        let rules = try RiskRules.load(environment: ["WXPAY_RISK_RULES": write(String(doc[open.upperBound..<close.lowerBound]))])
        #expect(rules == .defaults)
    }

    @Test("A rules file replaces the defaults entirely")
    func replaces() throws {
        let path = write(defaultsDocument(replacing: (#""review":40"#, #""review":30"#)))
        let rules = try RiskRules.load(environment: ["WXPAY_RISK_RULES": path])
        #expect(rules.thresholds.review == 30)
        var expected = RiskRules.defaults
        expected.thresholds.review = 30
        #expect(rules == expected)
    }

    @Test(
        "Bad files fail with RISK_RULES_INVALID naming the field",
        arguments: [
            (#""review":40"#, #""review":"40""#, "thresholds.review must be an integer"),
            (#""block":80"#, #""block":30"#, "thresholds.block must be greater than thresholds.review"),
            (#""window_seconds":600,"max_count":5"#, #""max_count":5"#, "velocity.payer.window_seconds is missing"),
            (#""state":{"#, #""state":{"sweep":1,"#, "state.sweep is not a known field"),
            (#""name":"crypto""#, #""name":"Crypto!""#, "prohibited.categories[1].name must match"),
            (#""usdt","#, #""u","#, "prohibited.categories[1].terms[30]"),
            (#""limits":[500000,"#, #""limits":[5.5,"#, "amount.limits[0] must be an integer"),
            (#""max_tracked_keys":50000"#, #""max_tracked_keys":1"#, "state.max_tracked_keys must be 16"),
            (#""pinyin":true"#, #""pinyin":"yes""#, "prohibited.pinyin must be true or false"),
            (#"{"thresholds""#, #"{,"thresholds""#, "is not valid JSON"),
        ])
    func invalid(find: String, replace: String, message: String) throws {
        let document = defaultsDocument()
        #expect(document.contains(find), "fixture out of date: \(find)")
        let path = write(document.replacingOccurrences(find, replace))
        let error = #expect(throws: RiskRulesError.self) {
            _ = try RiskRules.load(environment: ["WXPAY_RISK_RULES": path])
        }
        #expect(error?.code == "RISK_RULES_INVALID")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(path) == true)
    }

    @Test("A rules file in the earlier format (categories with name and terms only) still loads, and every term blocks")
    func earlierFormat() throws {
        var old = RiskRules.defaults
        old.prohibited = RiskRules.Prohibited(
            weight: 100, latinWordBoundaryMaxLength: 5,
            categories: [.init(name: "crypto", terms: ["bitcoin", "比特币"])])
        var text = rulesJSON(old)
        text = text.replacingOccurrences(#","combo_window":16,"benign_max_reduction":70,"pinyin":false"#, "")
        text = text.replacingOccurrences(
            #","operators":[],"cues":[],"contexts":[],"benign":[],"exceptions":[]"#, "")
        #expect(!text.contains("combo_window") && !text.contains("operators") && !text.contains("pinyin"))
        let rules = try RiskRules.load(environment: ["WXPAY_RISK_RULES": write(text)])
        #expect(rules == old)
        let decision = RiskEngine(rules: rules).score(tx("t1", description: "A book about Bitcoin"))
        #expect(decision.action == .block)
        #expect(decision.reasons.map(\.rule) == ["prohibited_crypto"])
    }

    @Test("A missing file is RISK_RULES_NOT_FOUND")
    func missing() {
        let error = #expect(throws: RiskRulesError.self) {
            _ = try RiskRules.load(environment: ["WXPAY_RISK_RULES": "/nonexistent/rules.json"])
        }
        #expect(error?.code == "RISK_RULES_NOT_FOUND")
        #expect(error?.description.hasPrefix("RISK_RULES_NOT_FOUND: ") == true)
    }

    @Test("Custom rules change the engine's behaviour")
    func customBehaviour() throws {
        let path = write(defaultsDocument(replacing: (#""max_count":5,"#, #""max_count":2,"#)))
        let engine = RiskEngine(rules: try RiskRules.load(environment: ["WXPAY_RISK_RULES": path]))
        _ = engine.score(tx("a", minute: 0))
        _ = engine.score(tx("b", minute: 1))
        #expect(rules(engine.score(tx("c", minute: 2))) == ["velocity_payer_count"])
    }
}

/// Serializes rules to the rules-file format by hand (the library has no JSON encoder; tests check the field
/// names the reader expects against the Codable keys).
func rulesJSON(_ r: RiskRules) -> String {
    func limit(_ l: RiskRules.VelocityLimit) -> String {
        #"{"window_seconds":\#(l.windowSeconds),"max_count":\#(l.maxCount),"count_weight":\#(l.countWeight),"max_amount":\#(l.maxAmount),"amount_weight":\#(l.amountWeight),"max_distinct_payers":\#(l.maxDistinctPayers),"distinct_payers_weight":\#(l.distinctPayersWeight)}"#
    }
    func str(_ s: String) -> String {
        var out: [UInt8] = []
        appendJSONString(Array(s.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
    let categories = r.prohibited.categories.map { c in
        #"{"name":\#(str(c.name)),"terms":[\#(c.terms.map(str).joined(separator: ","))]"#
            + c.lists.map { #","\#($0.key)":[\#($0.words.map(str).joined(separator: ","))]"# }.joined() + "}"
    }.joined(separator: ",")
    let a = r.amount
    return """
        {"thresholds":{"review":\(r.thresholds.review),"block":\(r.thresholds.block)},\
        "prohibited":{"weight":\(r.prohibited.weight),"latin_word_boundary_max_length":\(r.prohibited.latinWordBoundaryMaxLength),"combo_window":\(r.prohibited.comboWindow),"benign_max_reduction":\(r.prohibited.benignMaxReduction),"pinyin":\(r.prohibited.pinyin),"categories":[\(categories)]},\
        "velocity":{"payer":\(limit(r.velocity.payer)),"device":\(limit(r.velocity.device)),"ip":\(limit(r.velocity.ip))},\
        "amount":{"history_min_count":\(a.historyMinCount),"spike_multiplier":\(a.spikeMultiplier),"spike_min_amount":\(a.spikeMinAmount),"spike_weight":\(a.spikeWeight),"round_min_amount":\(a.roundMinAmount),"round_unit":\(a.roundUnit),"round_weight":\(a.roundWeight),"limits":[\(a.limits.map(String.init).joined(separator: ","))],"below_limit_margin":\(a.belowLimitMargin),"below_limit_weight":\(a.belowLimitWeight)},\
        "refund":{"soon_seconds":\(r.refund.soonSeconds),"soon_weight":\(r.refund.soonWeight),"ratio_min_payments":\(r.refund.ratioMinPayments),"ratio_percent":\(r.refund.ratioPercent),"ratio_weight":\(r.refund.ratioWeight)},\
        "invalid_timestamp_weight":\(r.invalidTimestampWeight),\
        "state":{"max_tracked_keys":\(r.state.maxTrackedKeys),"history_ttl_seconds":\(r.state.historyTTLSeconds)}}
        """
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
