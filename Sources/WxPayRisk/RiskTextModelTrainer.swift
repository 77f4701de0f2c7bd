// Training of the text model (`wxpay-risk-model train`): one-vs-rest logistic regression over hashed character
// n-grams, by plain stochastic gradient descent in a fixed order, so the same corpus always gives the same weights.
// Weights are learned on the `tune` part only; each category's threshold is chosen on the `dev` part; the
// `heldout` part is never read.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Trains a ``RiskTextModel`` from labelled descriptions and writes it as Swift source.
public enum RiskTextModelTrainer {
    /// One labelled description.
    public struct Example: Sendable {
        /// The text.
        public var text: String
        /// Its category: one of the model's categories, or anything else (ordinary).
        public var category: String
        /// `tune` (learn weights) or `dev` (choose thresholds); other parts are ignored.
        public var split: String
        /// The corpus line's `id` (empty when it has none): what a report names it by.
        public var id: String
        /// The corpus line's `group` (empty when it has none): the base item it was derived from, which its variants
        /// share, and by which a round is left out.
        public var group: String

        /// Creates an example.
        public init(text: String, category: String, split: String, id: String = "", group: String = "") {
            self.text = text
            self.category = category
            self.split = split
            self.id = id
            self.group = group
        }
    }

    /// The training settings.
    public struct Settings: Sendable {
        /// Passes over the tuning part.
        public var epochs = 40
        /// The learning rate.
        public var learningRate: Float = 0.2
        /// L2 regularization per step.
        public var l2: Float = 1e-4
        /// The largest share of `dev` ordinary items a category's threshold may flag.
        public var maxOrdinaryFlagged: Double = 0.02
        /// Quantized weights of at most this magnitude (in units of the category's largest weight / 127) are
        /// dropped: each costs two bytes in every binary that scores, and they barely move a sum (pruning at 2 left the
        /// model's answers on other authors' rounds as they were, with a third fewer weights).
        public var prune = 2
        /// The lowest threshold (log-odds) a category may get, whatever `dev` allows: 1 is odds of about 2.7 to 1.
        /// (It was 2 while `dev` held a few hundred ordinary items; with the everyday orders it holds over a thousand,
        /// and 1 flagged 2.3% of them for review, against 1.0% at 2, for 7 more points of recall on the tenth
        /// round's gambling with that round left out.)
        public var minThreshold: Float = 1
        /// Creates the default settings.
        public init() {}
    }

    /// What training produced, with the `dev` figures that chose the thresholds.
    public struct Outcome: Sendable {
        /// The trained model (quantized weights: what is shipped).
        public var model: RiskTextModel
        /// Per category: `dev` items of the category flagged / all, and `dev` ordinary items flagged / all.
        public var dev: [(category: String, flagged: Int, items: Int, ordinaryFlagged: Int, ordinary: Int)]
        /// Non-zero weights kept.
        public var entries: Int
    }

    /// Parses the labelled corpus: NDJSON objects with `description`, `category` and `split` (and `id`, `group`
    /// when present).
    public static func examples(fromNDJSON text: String) throws -> [Example] {
        var out: [Example] = []
        for line in text.split(separator: "\n") where !line.allSatisfy({ $0 == " " }) {
            let value = try JSONParser.parse(String(line))
            guard case .object(let fields) = value else { throw TrainingError("a corpus line is not an object") }
            func string(_ key: String) throws -> String {
                guard let v = fields.first(where: { $0.key == key })?.value, case .string(let s) = v else {
                    throw TrainingError("a corpus line lacks the string \(key)")
                }
                return s
            }
            func optional(_ key: String) -> String {
                if case .string(let s)? = fields.first(where: { $0.key == key })?.value { return s }
                return ""
            }
            out.append(Example(text: try string("description"), category: try string("category"),
                               split: try string("split"), id: optional("id"), group: optional("group")))
        }
        return out
    }

    /// `examples` without those whose group starts with one of `groupPrefixes`: a round of another author left out
    /// of weights and thresholds alike, to judge the model on text it never saw (``scores(_:model:)``).
    public static func leavingOut(_ examples: [Example], groupPrefixes: [String]) -> [Example] {
        examples.filter { example in !groupPrefixes.contains { example.group.hasPrefix($0) } }
    }

    /// A training input that cannot be used.
    public struct TrainingError: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// A text's log-odds per category under `model`, its n-gram evidence (the log-odds without the bias, what
    /// ``RiskTextModel/confirms(_:in:scratch:)`` compares with its bar), and whether the model flags it.
    public static func scores(
        _ text: String, model: RiskTextModel
    ) -> [(logOdds: Float, evidence: Float, flagged: Bool)] {
        let buckets = features(text)
        return model.categories.indices.map { c in
            let odds = model.logOdds(c, buckets: buckets)
            return (odds, odds - model.bias[c], odds >= model.threshold[c])
        }
    }

    /// The distinct n-gram buckets of a text.
    static func features(_ text: String) -> [Int] {
        var chars: [RiskTextModel.Character] = []
        var grams: [RiskTextModel.Gram] = []
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { RiskTextModel.characters(UnsafeBufferPointer($0), into: &chars) }
        RiskTextModel.grams(chars, into: &grams)
        return RiskTextModel.distinctBuckets(grams)
    }

    /// Trains one model for `categories` from `examples`.
    public static func train(
        _ examples: [Example], categories: [String], settings: Settings = Settings()
    ) -> Outcome {
        let tune = examples.filter { $0.split == "tune" }
        let dev = examples.filter { $0.split == "dev" }
        let tuneFeatures = tune.map { features($0.text) }
        let devFeatures = dev.map { features($0.text) }
        let buckets = RiskTextModel.buckets

        // A fixed permutation per epoch (a linear congruential generator): reproducible.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var order = Array(tune.indices)

        var quantized = [Int8](repeating: 0, count: categories.count * buckets)
        var scales: [Float] = []
        var biases: [Float] = []
        for (c, category) in categories.enumerated() {
            var w = [Float](repeating: 0, count: buckets)
            var bias: Float = 0
            for _ in 0..<settings.epochs {
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, next() % (i + 1)) }
                for i in order {
                    let x = tuneFeatures[i]
                    let y: Float = tune[i].category == category ? 1 : 0
                    var z = bias
                    for b in x { z += w[b] }
                    let p = 1 / (1 + exp(-z))
                    let g = (p - y) * settings.learningRate
                    bias -= g
                    for b in x { w[b] -= g + settings.l2 * w[b] }
                }
            }
            let largest = w.reduce(0) { max($0, abs($1)) }
            let scale = largest > 0 ? largest / 127 : 1
            for b in 0..<buckets {
                let q = Int8(max(-127, min(127, (w[b] / scale).rounded())))
                quantized[c * buckets + b] = abs(Int(q)) <= settings.prune ? 0 : q
            }
            scales.append(scale)
            biases.append(bias)
        }
        var model = RiskTextModel(
            categories: categories, weights: quantized, scale: scales, bias: biases,
            threshold: [Float](repeating: 0, count: categories.count))

        // Thresholds on dev: the lowest log-odds that flags at most maxOrdinaryFlagged of dev's ordinary items.
        var thresholds: [Float] = []
        var devFigures: [(category: String, flagged: Int, items: Int, ordinaryFlagged: Int, ordinary: Int)] = []
        let ordinaryIndices = dev.indices.filter { !categories.contains(dev[$0].category) }
        for (c, category) in categories.enumerated() {
            let ordinaryScores = ordinaryIndices.map { model.logOdds(c, buckets: devFeatures[$0]) }.sorted(by: >)
            let allowed = Int(Double(ordinaryScores.count) * settings.maxOrdinaryFlagged)
            // Strictly above the (allowed + 1)-th highest ordinary score, and never below minThreshold.
            let bar = allowed < ordinaryScores.count ? ordinaryScores[allowed] : -Float.infinity
            let threshold = max(bar + 1e-3, settings.minThreshold)
            thresholds.append(threshold)
            let own = dev.indices.filter { dev[$0].category == category }
            devFigures.append((
                category,
                own.filter { model.logOdds(c, buckets: devFeatures[$0]) >= threshold }.count, own.count,
                ordinaryScores.filter { $0 >= threshold }.count, ordinaryScores.count))
        }
        model = RiskTextModel(
            categories: categories, weights: quantized, scale: scales, bias: biases, threshold: thresholds)
        return Outcome(model: model, dev: devFigures, entries: quantized.filter { $0 != 0 }.count)
    }

    /// Category-major weights (`category * buckets + bucket`) in the packed form of ``RiskTextModel/shipped``.
    static func packed(_ weights: [Int8], categories: Int) -> [UInt8] {
        var out: [UInt8] = []
        for c in 0..<categories {
            var previous = -1
            for b in 0..<RiskTextModel.buckets {
                let w = weights[c * RiskTextModel.buckets + b]
                if w == 0 { continue }
                var gap = b - previous - 1
                while gap >= 254 {
                    out.append(254)
                    gap -= 254
                }
                out.append(UInt8(gap))
                out.append(UInt8(bitPattern: w))
                previous = b
            }
            out.append(255)
        }
        return out
    }

    /// The model as the Swift source of `RiskTextModel+Weights.swift`.
    public static func source(of model: RiskTextModel, header: String) -> String {
        func float(_ f: Float) -> String { "Float(bitPattern: 0x\(String(f.bitPattern, radix: 16)))" }
        var lines = [
            "// GENERATED by `wxpay-risk-model train` (scripts/train-risk-model.sh): do not edit.",
        ]
        lines += header.split(separator: "\n", omittingEmptySubsequences: false).map { "// " + $0 }
        lines += [
            "",
            "/// The shipped text model's parameters (see ``RiskTextModel``).",
            "enum ShippedRiskTextModel {",
            "    static let categories = [\(model.categories.map { "\"\($0)\"" }.joined(separator: ", "))]",
            "    static let scale: [Float] = [\(model.scale.map(float).joined(separator: ", "))]",
            "    static let bias: [Float] = [\(model.bias.map(float).joined(separator: ", "))]",
            "    static let threshold: [Float] = [\(model.threshold.map(float).joined(separator: ", "))]",
            "    /// Non-zero weights as gap and weight byte pairs per category (the format: ``RiskTextModel/shipped``).",
            "    static let packed: [UInt8] = [",
        ]
        var row: [String] = []
        for byte in packed(model.weights, categories: model.categories.count) {
            row.append("0x" + String(byte, radix: 16, uppercase: true))
            if row.count == 16 {
                lines.append("        " + row.joined(separator: ", ") + ",")
                row = []
            }
        }
        if !row.isEmpty { lines.append("        " + row.joined(separator: ", ") + ",") }
        lines += ["    ]", "}", ""]
        return lines.joined(separator: "\n")
    }
}
