import Testing
@testable import WxPayRisk

/// The prohibited-category text model (RiskTextModel): what it adds to the word lists, what it may never do, and that
/// the shipped weights are exactly what the trainer makes from the corpus's tuning parts.
@Suite("Text model (character n-grams, trained on the tuning parts)")
struct TextModelTests {
    static let weightsPath: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/WxPayRiskTests/TextModelTests.swift
        return (parts + ["Sources", "WxPayRisk", "RiskTextModel+Weights.swift"]).joined(separator: "/")
    }()

    @Test("The shipped weights are what `wxpay-risk-model train` makes from the corpus (retrain: scripts/train-risk-model.sh)")
    func shippedWeightsAreReproducible() throws {
        let corpus = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        let examples = try RiskTextModelTrainer.examples(fromNDJSON: corpus)
        var settings = RiskTextModelTrainer.Settings()
        settings.epochs = 80
        let outcome = RiskTextModelTrainer.train(examples, categories: ["gambling", "crypto", "adult"], settings: settings)
        let shipped = RiskTextModel.shipped
        #expect(outcome.model.categories == shipped.categories)
        #expect(outcome.model.bias == shipped.bias)
        #expect(outcome.model.threshold == shipped.threshold)
        #expect(outcome.model.weights == shipped.weights, "stale: run scripts/train-risk-model.sh")
        // The generated file's header records the same dev figures.
        let source = try CorpusTests.readFile(Self.weightsPath)
        for d in outcome.dev {
            #expect(source.contains("//   \(d.category): \(d.flagged)/\(d.items); ordinary \(d.ordinaryFlagged)/\(d.ordinary)"))
        }
    }

    @Test("The one-pass sums agree with the n-gram list on every tuning description and on hostile text")
    func fastPathAgrees() throws {
        let corpus = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        // Every tuning line: the model reads their descriptions at run time.
        var texts = try corpus.split(separator: "\n").map { try json(String($0)) }
            .filter { $0["split"]?.string != "heldout" }.map { $0["description"]!.string! }
        texts += ["", " ", "\u{0}", "a", "赌", "\u{FFFD}\u{FFFD}", String(repeating: "赌博 casino ", count: 100),
                  "line\nbreak。sentence！end？", "\u{1F3B0}\u{200B}b.e.t", String(repeating: "x", count: 5000)]
        let model = RiskTextModel.shipped
        var scratch = RiskTextModel.Scratch()
        for text in texts {
            var bytes = Array(text.utf8)
            bytes.withUnsafeMutableBufferPointer { buffer in
                let b = UnsafeBufferPointer(buffer)
                let fast = model.sums(b, scratch: scratch.fast)
                model.read(b, scratch: &scratch)
                for c in model.categories.indices {
                    var slow: Int32 = 0
                    for k in scratch.distinct {
                        slow += Int32(model.weight(c, scratch.grams[k].bucket))
                    }
                    #expect(fast[c] == slow, "\(text)")
                }
            }
        }
    }

    @Test("Training never reads the held-out part: changing every held-out item changes no weight")
    func heldOutIsNeverRead() throws {
        let corpus = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        var examples = try RiskTextModelTrainer.examples(fromNDJSON: corpus)
        #expect(examples.contains { $0.split == "heldout" })
        var settings = RiskTextModelTrainer.Settings()
        settings.epochs = 3
        let before = RiskTextModelTrainer.train(examples, categories: ["gambling", "crypto", "adult"], settings: settings)
        for i in examples.indices where examples[i].split == "heldout" {
            examples[i].text = "赌博 casino bitcoin porn " + examples[i].text
            examples[i].category = "ordinary"
        }
        let after = RiskTextModelTrainer.train(examples, categories: ["gambling", "crypto", "adult"], settings: settings)
        #expect(before.model.weights == after.model.weights)
        #expect(before.model.threshold == after.model.threshold)
    }

    @Test("A round left out (--leave-out) weighs nothing: changing every one of its lines changes no weight")
    func leftOutRoundIsNeverRead() throws {
        let corpus = try CorpusTests.readCorpus(named: "detection-corpus.ndjson")
        var examples = try RiskTextModelTrainer.examples(fromNDJSON: corpus)
        let round = examples.indices.filter { examples[$0].group.hasPrefix("tune9-") }
        #expect(round.count > 2000 && round.contains { examples[$0].split == "dev" })
        var settings = RiskTextModelTrainer.Settings()
        settings.epochs = 2
        let categories = ["gambling", "crypto", "adult"]
        let before = RiskTextModelTrainer.train(
            RiskTextModelTrainer.leavingOut(examples, groupPrefixes: ["tune9-"]), categories: categories,
            settings: settings)
        for i in round {
            examples[i].text = "赌博 casino bitcoin porn " + examples[i].text
            examples[i].category = examples[i].category == "ordinary" ? "gambling" : "ordinary"
        }
        let after = RiskTextModelTrainer.train(
            RiskTextModelTrainer.leavingOut(examples, groupPrefixes: ["tune9-"]), categories: categories,
            settings: settings)
        #expect(before.model.weights == after.model.weights)
        #expect(before.model.threshold == after.model.threshold)
        // And the round does weigh when it is not left out.
        let with = RiskTextModelTrainer.train(examples, categories: categories, settings: settings)
        #expect(with.model.weights != after.model.weights)
    }

    @Test("A description the lists miss but that reads like gambling goes to review, quoting what weighed most")
    func modelHitReviews() {
        // (Before the TUNE5 round the example was "老虎 会员 上分"; the model retrained on it reads 会员 as more
        // ordinary, and that text now stays below the threshold.)
        let decision = RiskEngine().score(tx("m1", description: "金蟾 上分 秒提"))
        #expect(decision.action == .review)
        #expect(rules(decision) == ["prohibited_gambling_model"])
        let detail = decision.reasons.first?.detail ?? ""
        #expect(detail.contains("text model") && detail.contains("\"上分\""), "\(detail)")
    }

    @Test("The model never blocks and never lowers a list hit; model_weight 0 turns it off")
    func modelBounds() throws {
        let engine = RiskEngine()
        // A list hit with context still blocks, whatever the model says.
        #expect(engine.score(tx("b1", payer: "o1", description: "casino deposit")).action == .block)
        // Benign context is the lists' judgement and stands (approve), the model is not asked.
        let book = engine.score(tx("b2", payer: "o2", description: "A book about Bitcoin"))
        #expect(book.action == .approve)
        #expect(rules(book) == ["prohibited_crypto_benign_context"])
        // Ordinary text: nothing.
        #expect(engine.score(tx("b3", payer: "o3", description: "苹果 手机 壳")).action == .approve)
        var rules = RiskRules.defaults
        rules.prohibited.modelWeight = 0
        let off = RiskEngine(rules: rules).score(tx("b4", description: "老虎 会员 上分"))
        #expect(off.action == .approve && off.reasons.isEmpty)
    }

    @Test("A lone list term or cue + context in text the model does not read as the category is held for review, never approved")
    func doubtHoldsForReview() {
        let engine = RiskEngine()
        let spinner = engine.score(tx("d1", payer: "o1", description: "roulette wheel garden spinner decoration"))
        #expect(spinner.action == .review)
        #expect(rules(spinner) == ["prohibited_gambling_model_doubt"])
        #expect(spinner.reasons.first?.detail.contains("\"roulette\"") == true)
        // A context word near the term: the lists decide, and block.
        let deposit = engine.score(tx("d2", payer: "o2", description: "roulette deposit, garden spinner decoration"))
        #expect(deposit.action == .block)
        // A lone operator name is doubted like a lone term (in Chinese it can be an ordinary word: 申博, 必发)...
        let brand = engine.score(tx("d3", payer: "o3", description: "PokerStars garden spinner decoration"))
        #expect(brand.action == .review && rules(brand) == ["prohibited_gambling_model_doubt"], "\(brand)")
        // ...and with a context word near it, blocks.
        #expect(engine.score(tx("d4", payer: "o4", description: "PokerStars deposit")).action == .block)
        // A cue next to a context word, alone, in text the model does not read as gambling: review as well...
        let dice = engine.score(tx("d5", payer: "o5", description: "Dice-shaped USB drive online"))
        #expect(dice.action == .review && rules(dice) == ["prohibited_gambling_model_doubt"], "\(dice)")
        #expect(dice.reasons.first?.detail.contains("\"dice\"") == true)
        // ...and a block when the model reads the text as gambling.
        let game = engine.score(tx("d6", payer: "o6", description: "dice game online real money deposit"))
        #expect(game.action == .block && rules(game) == ["prohibited_gambling_combo"], "\(game)")
        // A refund reason is judged by the lists alone: the model was not trained on such text.
        let refund = engine.score(tx("d7", payer: "o7", description: "Dice-shaped USB drive online", type: .refund))
        #expect(rules(refund).contains("prohibited_gambling_combo"), "\(refund)")
        // With the model off the lone term blocks, as the lists say.
        var rules = RiskRules.defaults
        rules.prohibited.modelWeight = 0
        let off = RiskEngine(rules: rules).score(tx("d4", description: "roulette wheel garden spinner decoration"))
        #expect(off.action == .block)
    }

    @Test("Rules files: model_weight is read, range-checked and defaults to 40")
    func ruleField() throws {
        #expect(RiskRules.defaults.prohibited.modelWeight == 40)
        var rules = RiskRules.defaults
        rules.prohibited.modelWeight = 101
        #expect(throws: RiskRulesError.self) { try rules.validate() }
    }
}
