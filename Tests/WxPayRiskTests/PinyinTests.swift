import Testing
@testable import WxPayRisk

@Suite("Pinyin: the table, and the Chinese words of the lists matched as their pinyin")
struct PinyinTests {
    @Test("The table holds GB 2312's 6,763 characters, sorted, each with a Latin reading; its block index is right")
    func table() {
        let characters = PinyinTable.characters
        #expect(characters.count == 6_763)
        #expect(zip(characters, characters.dropFirst()).allSatisfy { $0 < $1 })
        #expect(characters.first! >= 0x4E00 && characters.last! <= 0x9FA5)
        for (k, c) in characters.enumerated() {
            let block = Int(c - 0x4E00) >> 7
            #expect((Int(PinyinTable.blockStarts[block])..<Int(PinyinTable.blockStarts[block + 1])).contains(k))
        }
        let text = Array(PinyinTable.syllableText.utf8)
        #expect(PinyinTable.syllableStarts.last.map(Int.init) == text.count)
        #expect(text.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") })
        #expect(PinyinTable.readings.allSatisfy { Int($0) + 1 < PinyinTable.syllableStarts.count })
        #expect(PinyinTable.reading(of: 0x4DFF) == nil && PinyinTable.reading(of: 0x9FA6) == nil)
        #expect(PinyinTable.reading(of: 0x20000) == nil)
    }

    @Test(
        "Readings are the dictionary's (a standard Mandarin dictionary as the oracle), ü written v",
        arguments: [("赌场", "duchang"), ("百家乐", "baijiale"), ("比特币", "bitebi"), ("外围女", "waiweinv"),
                    ("绿色", "lvse"), ("色情", "seqing"), ("中国银", "zhongguoyin"), ("真人荷官", "zhenrenheguan")])
    func readings(word: String, expected: String) {
        var spelled: [UInt8] = []
        let hasV = PinyinTable.spell(word.unicodeScalars.map(\.value), into: &spelled)
        #expect(hasV == expected.contains("v"))  // nil (no pinyin) fails
        #expect(String(decoding: spelled, as: UTF8.self) == expected)
    }

    @Test("A word with a character the table lacks, or a Latin letter, has no pinyin")
    func notSpelled() {
        var spelled: [UInt8] = []
        #expect(PinyinTable.spell("𠀀赌".unicodeScalars.map(\.value), into: &spelled) == nil)
        #expect(PinyinTable.spell("du博".unicodeScalars.map(\.value), into: &spelled) == nil)
        #expect(PinyinTable.spell("赌bo".unicodeScalars.map(\.value), into: &spelled) == nil)
    }

    @Test(
        "The default lists' Chinese terms match their pinyin as a whole word, in any case and spacing",
        arguments: [("xing yun fei ting 计划", "幸运飞艇", "xing yun fei ting"), ("XingYunFeiTing", "幸运飞艇", "XingYunFeiTing"),
                    ("hongbao saolei qun", "红包扫雷", "hongbao saolei"), ("waiweinu", "外围女", "waiweinu"),
                    ("wai wei nv yuyue", "外围女", "wai wei nv")])
    func matchesDefaults(text: String, term: String, written: String) throws {
        let found = ProhibitedTermMatcher.defaults.matches(in: text)
        let match = try #require(found.first { $0.term == term })
        #expect(match.matchedText == written)
    }

    @Test("Not inside a longer Latin word, not when shorter than 6 letters, not with the option off")
    func notMatched() {
        let matcher = ProhibitedTermMatcher.defaults
        #expect(matcher.matches(in: "xingyunfeiting").contains { $0.term == "幸运飞艇" })
        #expect(!matcher.matches(in: "axingyunfeiting").contains { $0.term == "幸运飞艇" })
        #expect(!matcher.matches(in: "xingyunfeitings").contains { $0.term == "幸运飞艇" })
        var rules = RiskRules.defaults.prohibited
        rules.pinyin = false
        #expect(ProhibitedTermMatcher(compiling: rules).matches(in: "xingyunfeiting").isEmpty)
        // A pinyin the lists hold as well (`baijiale`, after `百家乐`) is one word: reported as the first.
        #expect(matcher.matches(in: "baijiale").map(\.term) == ["百家乐"])
        // `libo` (立博, Ladbrokes) is a place (荔波) and a name: 4 letters are not derived.
        #expect(!matcher.matches(in: "libo").contains { $0.term == "立博" })
        let custom = RiskRules.Prohibited(
            weight: 100, latinWordBoundaryMaxLength: 5,
            categories: [.init(name: "x", terms: ["麻将馆"])], pinyin: false)
        #expect(ProhibitedTermMatcher(compiling: custom).matches(in: "majiangguan").isEmpty)
        var on = custom
        on.pinyin = true
        #expect(ProhibitedTermMatcher(compiling: on).matches(in: "ma jiang guan").map(\.term) == ["麻将馆"])
    }

    @Test("A reason names the Chinese term and the pinyin as written")
    func reason() throws {
        let d = RiskEngine().score(tx("p", description: "xing yun fei ting chongzhi"))
        let reason = try #require(d.reasons.first { $0.rule.hasPrefix("prohibited_gambling") })
        #expect(reason.detail.contains("\"幸运飞艇\" (written \"xing yun fei ting\")"))
        #expect(d.action != .approve)
    }
}

@Suite("Block policy: operator names in ordinary words, lone names, evidence both ways")
struct BlockPolicyTests {
    @Test("A term with a context word near it and a benign word: the model decides between block and review")
    func bothWays() throws {
        let engine = RiskEngine()
        let course = engine.score(tx("b1", payer: "b1", description: "德州扑克 策略 课程 会员"))
        #expect(course.action == .review && rules(course) == ["prohibited_gambling_model_doubt"], "\(course)")
        let reason = try #require(course.reasons.first)
        #expect(reason.detail.contains("\"德州扑克\"") && reason.detail.contains("\"课程\"")
            && reason.detail.contains("\"会员\""))
        // The lists alone decide a refund reason: there the context keeps the block.
        let refund = engine.score(tx("b2", payer: "b2", description: "德州扑克 策略 课程 会员", type: .refund))
        #expect(refund.action == .block && rules(refund).first == "prohibited_gambling")
    }

    @Test(
        "An operator name inside an ordinary word is no operator (申博 \"applying for a PhD\", 必发 \"sure to ship\")",
        arguments: ["考研申博 辅导课程", "申博材料 润色", "包邮 48小时必发 现货", "成立博物馆 门票", "华体会议中心 停车",
                    "九游会员 月卡", "数字货币安全 讲座"])
    func excepted(description: String) {
        let d = RiskEngine().score(tx("o", description: description))
        #expect(!rules(d).contains { $0.hasSuffix("_operator") }, "\(d)")
        #expect(d.action != .block)
    }

    @Test("An operator name with a context word near it blocks")
    func withContext() {
        let d = RiskEngine().score(tx("o", description: "申博 充值 上分"))
        #expect(rules(d) == ["prohibited_gambling_operator"] && d.action == .block)
    }

    @Test("A lone operator name the model does not confirm is held for review, and its detail says why")
    func lone() throws {
        #expect(RiskEngine().score(tx("o", description: "成立博览会 门票")).action == .approve)
        // The shipped model does not read a bare brand as gambling: a person decides.
        let held = RiskEngine().score(tx("p", description: "pokerstars"))
        #expect(rules(held) == ["prohibited_gambling_model_doubt"] && held.action == .review)
        let reason = try #require(held.reasons.first)
        #expect(reason.detail.contains("operator \"pokerstars\"") && reason.detail.contains("held for review"))
        // The lists alone decide the merchant category: an operator there blocks.
        let category = RiskEngine().score(tx("q", description: "门票", category: "华体会"))
        #expect(rules(category) == ["prohibited_gambling_operator"] && category.action == .block)
    }
}
