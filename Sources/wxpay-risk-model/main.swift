// wxpay-risk-model: trains the prohibited-category text model from the labelled detection corpus and writes it as
// Swift source. Weights come from the corpus's `tune` part, thresholds from its `dev` part; `heldout` is never read.
//
//   wxpay-risk-model train --corpus Tests/WxPayRiskTests/Fixtures/detection-corpus.ndjson \
//       --out Sources/WxPayRisk/RiskTextModel+Weights.swift
//
// To judge the model on an author it never saw, leave that author's round out and score it:
//
//   wxpay-risk-model train --corpus ... --leave-out tune9- --predict /tmp/scores.ndjson

import ArgumentParser
import FoundationEssentials
import WxPayRisk

@main
struct RiskModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-risk-model",
        abstract: "Train the prohibited-category text model (character n-grams, one-vs-rest logistic regression).",
        subcommands: [Train.self])
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learn weights on the corpus's tune part, thresholds on its dev part, and write Swift source.")

    @Option(help: "The labelled corpus (NDJSON: description, category, split).")
    var corpus: String

    @Option(help: "Where to write the generated Swift source (none: train and report only).")
    var out: String?

    @Option(help: "Passes over the tune part.")
    var epochs = 40

    @Option(help: "The largest share of dev's ordinary items a category's threshold may flag.")
    var maxOrdinaryFlagged = RiskTextModelTrainer.Settings().maxOrdinaryFlagged

    @Option(help: "The lowest threshold (log-odds) a category may get, whatever dev allows.")
    var minThreshold = RiskTextModelTrainer.Settings().minThreshold

    @Option(help: "L2 regularization per step.")
    var l2 = RiskTextModelTrainer.Settings().l2

    @Option(help: "The learning rate.")
    var learningRate = RiskTextModelTrainer.Settings().learningRate

    @Option(help: "Drop quantized weights of at most this magnitude (of 127): a smaller model.")
    var prune = RiskTextModelTrainer.Settings().prune

    @Option(name: .customLong("leave-out"), help: ArgumentHelp(
        "Leave the lines whose group starts with this prefix out of training and thresholds (repeatable): a round "
            + "of another author to judge the model on, with --predict.", valueName: "prefix"))
    var leaveOut: [String] = []

    @Option(help: ArgumentHelp(
        "Write every corpus line's scores as NDJSON (id, group, split, category, and per category log_odds, "
            + "evidence, flagged), left-out and held-out lines included.", valueName: "file"))
    var predict: String?

    func run() throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: corpus)), as: UTF8.self)
        let all = try RiskTextModelTrainer.examples(fromNDJSON: text)
        let examples = RiskTextModelTrainer.leavingOut(all, groupPrefixes: leaveOut)
        var settings = RiskTextModelTrainer.Settings()
        settings.epochs = epochs
        settings.maxOrdinaryFlagged = maxOrdinaryFlagged
        settings.l2 = l2
        settings.learningRate = learningRate
        settings.prune = prune
        settings.minThreshold = minThreshold
        let outcome = RiskTextModelTrainer.train(examples, categories: ["gambling", "crypto", "adult"],
                                                 settings: settings)
        var header = [
            "Trained on the `tune` part of \(URL(fileURLWithPath: corpus).lastPathComponent) "
                + "(\(examples.filter { $0.split == "tune" }.count) items), \(epochs) epochs; thresholds chosen on "
                + "the `dev` part (at most \(maxOrdinaryFlagged * 100)% of its ordinary items flagged per category); "
                + "threshold floor \(minThreshold); weights of magnitude \(prune) or less (of 127) dropped"
                + (leaveOut.isEmpty ? "." : "; groups left out: \(leaveOut.joined(separator: ", "))."),
            "dev figures (items of the category flagged; ordinary items flagged):",
        ]
        for d in outcome.dev {
            header.append("  \(d.category): \(d.flagged)/\(d.items); ordinary \(d.ordinaryFlagged)/\(d.ordinary)")
        }
        header.append("\(outcome.entries) non-zero weights.")
        for line in header { print(line) }
        if let predict {
            var lines = ""
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            for example in all {
                var categories: [String: Prediction.Score] = [:]
                for (c, score) in RiskTextModelTrainer.scores(example.text, model: outcome.model).enumerated() {
                    categories[outcome.model.categories[c]] = Prediction.Score(
                        logOdds: score.logOdds, evidence: score.evidence, flagged: score.flagged)
                }
                let line = Prediction(id: example.id, group: example.group, split: example.split,
                                      category: example.category, scores: categories)
                lines += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
            }
            try Data(lines.utf8).write(to: URL(fileURLWithPath: predict))
        }
        if let out {
            let source = RiskTextModelTrainer.source(of: outcome.model, header: header.joined(separator: "\n"))
            try Data(source.utf8).write(to: URL(fileURLWithPath: out))
        }
    }
}

/// One line of `--predict`: a corpus line and the model's scores for it.
struct Prediction: Encodable {
    struct Score: Encodable {
        var logOdds: Float
        var evidence: Float
        var flagged: Bool
        enum CodingKeys: String, CodingKey {
            case logOdds = "log_odds"
            case evidence, flagged
        }
    }
    var id: String
    var group: String
    var split: String
    var category: String
    var scores: [String: Score]
}
