#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import WxPayRisk

@Suite("Labeled corpus (Fixtures/corpus.ndjson)")
struct CorpusTests {
    static let corpusPath: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return (parts + ["Fixtures", "corpus.ndjson"]).joined(separator: "/")
    }()

    static func readCorpus(named name: String = "corpus.ndjson") throws -> String {
        var parts = corpusPath.split(separator: "/", omittingEmptySubsequences: false)
        parts[parts.count - 1] = Substring(name)
        return try readFile(parts.joined(separator: "/"))
    }

    /// The whole text of the file at `path`.
    static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw CorpusError(message: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    struct CorpusError: Error { var message: String }

    @Test("Every labeled transaction gets its expected action from the word lists; the text model only adds review")
    func corpus() throws {
        let text = try Self.readCorpus()
        let inputs = text.split(separator: "\n").map(String.init)
        #expect(inputs.count >= 300)
        // The word lists alone (the text model off): every item gets exactly its expected action.
        var listsOnly = RiskRules.defaults
        listsOnly.prohibited.modelWeight = 0
        // The batch path ignores the extra "expected" and "why" members.
        let (lines, processor) = process(text, chunk: 4096, engine: RiskEngine(rules: listsOnly))
        try #require(lines.count == inputs.count)
        var mismatches: [String] = []
        var counts: [String: Int] = [:]
        for (input, output) in zip(inputs, lines) {
            let tx = try json(input)
            let answer = try json(output)
            let expected = tx["expected"]!.string!
            let actual = answer["action"]?.string ?? "error"
            counts["\(expected)->\(actual)", default: 0] += 1
            if expected != actual {
                mismatches.append("\(tx["id"]!.string!) \(tx["description"]!.string!): expected \(expected), got \(output)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))\n\(counts)")
        #expect(processor.scorer.summary.errors == 0)
        #expect(counts["approve->approve", default: 0] >= 200)
        #expect(counts["block->block", default: 0] >= 100)

        // With the text model (the default): it may only add review, never block and never approve. An approve item
        // may go to review on a model hit (`prohibited_<c>_model`): at most 2% of them. A block item may go to
        // review on a model doubt (`prohibited_<c>_model_doubt`): at most 10% of the block items. (The doubt bar was
        // raised to 3.6 with the model retrained on every round, so that no ordinary item of `dev` is blocked; bare
        // words such as `卖淫` and `p0rn`, whose n-grams the model weighs less than that, are held for a person now.)
        let (modelLines, _) = process(text, chunk: 4096)
        var changed: [String] = []
        var reviewed = 0
        var doubted = 0
        for (input, output) in zip(inputs, modelLines) {
            let tx = try json(input)
            let answer = try json(output)
            let expected = tx["expected"]!.string!
            let actual = answer["action"]?.string ?? "error"
            if expected == actual { continue }
            changed.append("\(tx["id"]!.string!) \(tx["description"]!.string!): \(output)")
            let rules = answer["reasons"]?.array?.compactMap { $0["rule"]?.string } ?? []
            #expect(actual == "review", "\(output)")
            if expected == "approve" {
                reviewed += 1
                #expect(rules.allSatisfy { $0.hasPrefix("prohibited_") && $0.hasSuffix("_model") }, "\(output)")
            } else {
                doubted += 1
                #expect(rules.contains { $0.hasSuffix("_model_doubt") }, "\(output)")
            }
        }
        let listing = changed.joined(separator: "\n")
        #expect(Double(reviewed) <= Double(counts["approve->approve", default: 0]) * 0.02, "\(listing)")
        #expect(Double(doubted) <= Double(counts["block->block", default: 0]) * 0.10, "\(listing)")
    }
}
