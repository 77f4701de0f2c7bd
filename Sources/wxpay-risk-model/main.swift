// wxpay-risk-model: trains the prohibited-category text model from the labelled detection corpus and writes it as
// Swift source. Weights come from the corpus's `tune` part, thresholds from its `dev` part; `heldout` is never read.
//
//   wxpay-risk-model train --corpus Tests/WxPayRiskTests/Fixtures/detection-corpus.ndjson \
//       --out Sources/WxPayRisk/RiskTextModel+Weights.swift

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

    @Option(help: "Where to write the generated Swift source.")
    var out: String

    @Option(help: "Passes over the tune part.")
    var epochs = 40

    @Option(help: "The largest share of dev's ordinary items a category's threshold may flag.")
    var maxOrdinaryFlagged = 0.02

    func run() throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: corpus)), as: UTF8.self)
        let examples = try RiskTextModelTrainer.examples(fromNDJSON: text)
        var settings = RiskTextModelTrainer.Settings()
        settings.epochs = epochs
        settings.maxOrdinaryFlagged = maxOrdinaryFlagged
        let outcome = RiskTextModelTrainer.train(examples, categories: ["gambling", "crypto", "adult"],
                                                 settings: settings)
        var header = [
            "Trained on the `tune` part of \(URL(fileURLWithPath: corpus).lastPathComponent) "
                + "(\(examples.filter { $0.split == "tune" }.count) items), \(epochs) epochs; thresholds chosen on "
                + "the `dev` part (at most \(maxOrdinaryFlagged * 100)% of its ordinary items flagged per category).",
            "dev figures (items of the category flagged; ordinary items flagged):",
        ]
        for d in outcome.dev {
            header.append("  \(d.category): \(d.flagged)/\(d.items); ordinary \(d.ordinaryFlagged)/\(d.ordinary)")
        }
        header.append("\(outcome.entries) non-zero weights.")
        for line in header { print(line) }
        let source = RiskTextModelTrainer.source(of: outcome.model, header: header.joined(separator: "\n"))
        try Data(source.utf8).write(to: URL(fileURLWithPath: out))
    }
}
