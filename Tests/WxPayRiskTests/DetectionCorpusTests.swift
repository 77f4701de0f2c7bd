#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import WxPayRisk

/// Prohibited-category detection on Fixtures/detection-corpus.ndjson (written by make_detection_corpus.py): recall per
/// prohibited category and the share of ordinary items blocked, on the tuning part and on the held-out part.
///
/// The held-out part is for measuring only: its test reports counts, never the items it got wrong, so that nobody
/// tunes the lists against it. `scripts/detection-report.py --split tune --misses` (or `--split dev`) lists the
/// tuning parts' misses. (`dev` was the first held-out part: see make_detection_corpus.py.)
@Suite("Detection corpus (Fixtures/detection-corpus.ndjson)")
struct DetectionCorpusTests {
    struct Item {
        var id: String
        var category: String
        var split: String
        var description: String
        var action: String
        var rules: [String]
    }

    struct Tally: CustomStringConvertible {
        var items: [String: Int] = [:]
        var detected: [String: Int] = [:]
        var ordinaryBlocked = 0

        func recall(_ category: String) -> Double {
            Double(detected[category, default: 0]) / Double(max(items[category, default: 0], 1))
        }
        var ordinaryBlockedRate: Double { Double(ordinaryBlocked) / Double(max(items["ordinary", default: 0], 1)) }

        var description: String {
            ["gambling", "crypto", "adult"].map { "\($0) \(detected[$0, default: 0])/\(items[$0, default: 0])" }
                .joined(separator: ", ") + ", ordinary blocked \(ordinaryBlocked)/\(items["ordinary", default: 0])"
        }
    }

    /// Every corpus item of `split`, scored through the batch path.
    static func score(split: String) throws -> [Item] {
        let text = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        let inputs = try text.split(separator: "\n").map { try json(String($0)) }.filter {
            $0["split"]?.string == split
        }
        let joined = text.split(separator: "\n").filter { $0.contains("\"split\": \"\(split)\"") }
            .joined(separator: "\n") + "\n"
        let (lines, processor) = process(joined, chunk: 65_536)
        try #require(lines.count == inputs.count)
        #expect(processor.scorer.summary.errors == 0)
        return try zip(inputs, lines).map { input, line in
            let answer = try json(line)
            return Item(
                id: input["id"]!.string!, category: input["category"]!.string!, split: split,
                description: input["description"]!.string!, action: answer["action"]?.string ?? "error",
                rules: answer["reasons"]?.array?.compactMap { $0["rule"]?.string } ?? [])
        }
    }

    /// Detected: review or block with a rule of the item's own category.
    static func tally(_ items: [Item]) -> Tally {
        var t = Tally()
        for item in items {
            t.items[item.category, default: 0] += 1
            if item.category == "ordinary" {
                if item.action == "block" { t.ordinaryBlocked += 1 }
            } else if item.action != "approve" && item.rules.contains(where: { $0.hasPrefix("prohibited_\(item.category)") }) {
                t.detected[item.category, default: 0] += 1
            }
        }
        return t
    }

    @Test("The corpus: at least 1,000 items, both languages, every category in both parts")
    func shape() throws {
        let text = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        let lines = text.split(separator: "\n")
        #expect(lines.count >= 1_000)
        var seen = Set<String>()
        for line in lines {
            let item = try json(String(line))
            seen.insert("\(item["split"]!.string!)/\(item["category"]!.string!)/\(item["lang"]!.string!)")
        }
        for split in ["tune", "dev", "heldout"] {
            for category in ["gambling", "crypto", "adult", "ordinary"] {
                for lang in ["zh", "en"] { #expect(seen.contains("\(split)/\(category)/\(lang)")) }
            }
        }
    }

    /// The targets of issue 13 item 3, on the fresh held-out part (base items whose words the lists were not written
    /// for). Met since the twenty-first look (below); gambling recall had been short of 95% at every earlier one.
    /// Looks in aggregate, never at items:
    /// five before the text model (last: gambling 123/182, crypto 166/178, adult 161/164, ordinary blocked 12/243);
    /// then three while the model was built (the first model: 140, 173, 163, blocked 12; after the TUNE3_* round with
    /// a model that also flagged "Gym membership" and "Hotel booking": 162, 173, 162, blocked 6; the shipped model,
    /// whose threshold and doubt bar were set on the original labelled corpus rather than on either of those
    /// numbers: 146, 169, 162, blocked 10); one after the TUNE4_* round (written from the market's vocabulary, tuned on
    /// tune and dev only: 169, 174, 157, blocked 10: gambling and crypto up, adult down by five, which no change then
    /// went back on); one after everyday descriptions joined the tune part (the model had sent "Language course" to
    /// review as gambling): 168, 174, 157, blocked 10; one after the TUNE5_* round and the block policy of strong
    /// evidence (a lone list hit the text model does not confirm goes to review; tuned on tune and dev only, its
    /// fresh items scored before tuning: gambling 91.5%, ordinary blocked 3.7%): 167, 174, 157, blocked 2 (met).
    /// Then two after the TUNE6_* round (gambling vocabulary no list had, caught at 53.3% before tuning): one by the
    /// test suite midway (169, 174, 157, blocked 4), after which contexts were dropped for blocking tuning-side probes,
    /// and one on the merged result, the floor below: gambling 167 -> 169, ordinary blocked 2 -> 4 (1.6%: the 1% target
    /// missed again; no tuning part shows it: 0 of 3,008 ordinary tuning items blocked), which nothing was changed to
    /// win back. Then two by the test suite after changes made from the lists and fresh probes, not from held-out items:
    /// pinyin derived from the Chinese terms, operator names and exceptions; a lone operator name the model does not
    /// confirm held for review (申博 is also "applying for a PhD"), and exceptions for operator names inside ordinary
    /// words: 169, 174, 158, blocked 4; then a term with both a context word and a benign word held for review when
    /// the model does not confirm it (evidence both ways): 169, 174, 158, blocked 2 (0.8%, met), the floor below.
    /// Then two by the test suite during the TUNE7_* round (another author's gambling vocabulary, 77.4% before
    /// tuning): with the model retrained on the round, 172, 173, 158, blocked 4 (the retrain was dropped: it also sent
    /// "Tuition deposit" to review); with the round's list changes alone, 169, 174, 158, blocked 2, unchanged.
    /// Then two during the TUNE8_* round (a third author, 75.7% before tuning), after its words and the full
    /// traditional → simplified folding: with the old weights, then with the model retrained for the new folding:
    /// 169, 174, 158, blocked 2 both times.
    /// Then eight during the TUNE9_* and TUNE10* rounds (five more authors; their text, with the lists and model of
    /// the time, was caught at 53 to 83% before any change), which changed the model and the block policy, not the
    /// lists: trained on every round and 1,150 everyday orders, its settings judged on rounds left out of training and
    /// on the `dev` parts. In order: 171, 178, 158, blocked 2 (trained through round 9, confirm bar 2); 178, 178, 164,
    /// blocked 0 (through round 10, threshold floor 1, confirm bar 3.6, each chosen on `dev`: what ships), the same by
    /// the test suite; 176, 178, 164, blocked 0, gambling precision 77% (each category against ordinary items only:
    /// dropped); 178, 178, 164, blocked 0 with the two engine fixes (model readings count once, other categories'
    /// words blanked); 178, 178, 164, blocked 4 (confirm bar 1: dropped); then twice on what ships: the floor below.
    /// Held-out shares its author with the lists: README also reports the rounds left out of training.
    @Test("Held-out part: recall at least 95% per prohibited category, at most 1% of ordinary items blocked")
    func heldOut() throws {
        let t = Self.tally(try Self.score(split: "heldout"))
        // Counts only: the held-out items are never listed (see the suite's documentation).
        for category in ["gambling", "crypto", "adult"] {
            #expect(t.recall(category) >= 0.95, "held-out recall of \(category): \(t)")
        }
        #expect(t.ordinaryBlockedRate <= 0.01, "held-out ordinary items blocked: \(t)")
        // What was measured is the floor: a change that lowers it is a regression.
        #expect(t.detected["gambling", default: 0] >= 178, "\(t)")
        #expect(t.detected["crypto", default: 0] >= 178, "\(t)")
        #expect(t.detected["adult", default: 0] >= 164, "\(t)")
        #expect(t.ordinaryBlocked <= 0, "\(t)")
    }

    @Test("Tuning parts (tune and dev): recall at least 95% per prohibited category, at most 1% of ordinary items blocked")
    func tuning() throws {
        let items = try Self.score(split: "tune") + Self.score(split: "dev")
        let t = Self.tally(items)
        let misses = items.filter { item in
            item.category == "ordinary"
                ? item.action == "block"
                : item.action == "approve" || !item.rules.contains(where: { $0.hasPrefix("prohibited_\(item.category)") })
        }
        let listing = misses.map { "\($0.id) [\($0.category)] \($0.description) -> \($0.action) \($0.rules)" }
            .joined(separator: "\n")
        for category in ["gambling", "crypto", "adult"] {
            #expect(t.recall(category) >= 0.95, "tuning recall of \(category): \(t)\n\(listing)")
        }
        #expect(t.ordinaryBlockedRate <= 0.01, "tuning ordinary items blocked: \(t)\n\(listing)")
    }

    @Test("Every detection decision names its rule and the matched words")
    func explainable() throws {
        for item in try Self.score(split: "tune") where item.action != "approve" {
            #expect(!item.rules.isEmpty, "\(item.id) has no reason")
        }
        let engine = RiskEngine()
        let combo = engine.score(tx("c1", description: "poker buy-in with real money"))
        #expect(combo.action == .block)
        #expect(combo.reasons.first?.rule == "prohibited_gambling_combo")
        #expect(combo.reasons.first?.detail.contains("\"poker\"") == true)
        let book = engine.score(tx("c2", payer: "o2", description: "A book about Bitcoin"))
        #expect(book.action == .approve)
        #expect(rules(book) == ["prohibited_crypto_benign_context"])
        #expect(book.reasons.first?.detail.contains("\"book\"") == true)
        // Benign context is no hole: a context word near the term keeps the block.
        let cover = engine.score(tx("c3", payer: "o3", description: "bitcoin book + buy 1 BTC"))
        #expect(cover.action == .block)
        #expect(rules(cover) == ["prohibited_crypto"])
        let brand = engine.score(tx("c4", payer: "o4", description: "PokerStars chips top up"))
        #expect(rules(brand) == ["prohibited_gambling_operator"])
        let live = engine.score(tx("c5", payer: "o5", description: "成人直播 打赏"))
        #expect(rules(live) == ["prohibited_adult_combo"])
        // An exception masks the cue inside it.
        let education = engine.score(tx("c6", payer: "o6", description: "成人教育 直播课 会员"))
        #expect(education.action == .approve)
        // ... and the context word inside it: a lottery shop's sign is no bet, a lottery bet near the same cue is.
        let shop = engine.score(tx("c8", payer: "o8", description: "体彩 投注站 招牌 制作"))
        #expect(shop.action != .block)
        #expect(rules(shop).allSatisfy { $0.hasSuffix("_model") }, "no list rule: \(rules(shop))")
        let bet = engine.score(tx("c9", payer: "o9", description: "体彩 投注 平台 代购"))
        #expect(bet.action == .block)
        #expect(rules(bet) == ["prohibited_gambling_combo"])
        // A benign word inside a prohibited word is not context.
        let spaced = engine.score(tx("c7", payer: "o7", description: "b o o k m a k e r payment"))
        #expect(spaced.action == .block)
    }
}
