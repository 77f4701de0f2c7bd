import KitCore
import WxPayCore
import WxPayRisk

/// Builds the refund reason sent to WeChat Pay (at most 80 characters, shown to the payer): a short factual summary
/// (amount, order reference, the user's stated problem), never free text carrying an identifier or a sensitive
/// keyword. Deterministic: the same conversation always yields the same reason, so a retried refund is identical.
public struct RefundReason: Sendable {
    /// WeChat Pay's limit on `reason`.
    public static let maxCharacters = 80

    /// What was sent, and what was screened out on the way.
    public struct Result: Sendable {
        /// The reason sent to WeChat Pay.
        public var text: String
        /// The `reason_screening` output object.
        public var screening: JSONValue
    }

    let matcher: ProhibitedTermMatcher

    /// A builder screening with `matcher`'s prohibited terms.
    public init(matcher: ProhibitedTermMatcher) { self.matcher = matcher }

    /// The reason from free `reason` text or from a `conversation`.
    public func build(reason: String?, conversation: [Message]?, amount: Int64, outTradeNo: String) -> Result {
        let source: String
        var problem: String
        if let reason, !reason.allSatisfy(\.isWhitespace) {
            source = "reason"
            problem = reason
        } else {
            source = "conversation"
            problem = RefundReason.statedProblem(in: conversation ?? [])
        }
        let (noIDs, identifiers) = RefundReason.stripIdentifiers(problem)
        let screened = matcher.screen(noIDs)
        problem = screened.clean.trimmingSpaces()
        let chinese = problem.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
        let yuan = "¥\(amount / 100).\(amount % 100 < 10 ? "0" : "")\(amount % 100)"
        let reference = String(outTradeNo.suffix(6))
        let head = chinese ? "退款\(yuan)，订单尾号\(reference)" : "Refund \(yuan), order …\(reference)"
        var text = problem.isEmpty ? head : head + (chinese ? "：" : ": ") + problem
        let truncated = text.count > RefundReason.maxCharacters
        if truncated { text = String(text.prefix(RefundReason.maxCharacters - 1)) + "…" }
        var screening: [String: JSONValue] = [
            "source": .string(source),
            "removed_terms": .array(screened.removed.map { .string($0) }),
            "removed_categories": .array(screened.categories.map { .string($0) }),
            "removed_identifiers": .int(Int64(identifiers)),
            "truncated": .bool(truncated),
        ]
        if !screened.removed.isEmpty || identifiers > 0 { screening["screened"] = true } else { screening["screened"] = false }
        return Result(text: text, screening: .object(screening))
    }

    /// One conversation turn.
    public struct Message: Decodable, Sendable {
        public var role: String
        public var content: String
    }

    /// Cues that a user message states the problem.
    static let problemCues = [
        "broken", "damaged", "defective", "wrong", "not received", "never arrived", "didn't arrive", "did not arrive",
        "missing", "late", "doesn't work", "does not work", "not working", "charged twice", "double charged", "cancel",
        "refund", "return", "faulty", "expired", "quality",
        "坏", "破", "损", "错", "没收到", "未收到", "没到", "不想要", "取消", "退款", "退货", "质量", "少了", "重复扣款", "过期",
        "不能用", "用不了", "不好",
    ]

    /// The user's stated problem: the first sentence of the first user turn that states one (else the last user
    /// turn), lower-noise and without greetings.
    static func statedProblem(in conversation: [Message]) -> String {
        let users = conversation.filter { $0.role == "user" }.map(\.content)
        let chosen = users.first { text in
            let lower = text.lowercased()
            return problemCues.contains { lower.contains($0) }
        } ?? users.last ?? ""
        // The clause holding the cue, not the whole message.
        let sentences = chosen.split(whereSeparator: { ".!?;,。！？；，\n".contains($0) }).map { String($0).trimmingSpaces() }
        let lower = sentences.map { $0.lowercased() }
        if let i = lower.firstIndex(where: { s in problemCues.contains { s.contains($0) } }) { return sentences[i] }
        return sentences.first ?? ""
    }

    /// Removes identifiers: runs of 7+ digits (phones, ids, cards, transaction ids), e-mail addresses, openids and
    /// long alphanumeric tokens (order numbers). Returns the text and how many were removed.
    static func stripIdentifiers(_ text: String) -> (String, Int) {
        var count = 0
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let w = String(word)
            let digits = w.filter(\.isNumber).count
            let alnum = w.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.count
            // Whole words that are identifiers; digit runs inside other text are cut below, character-wise, so
            // "充值卡坏了，请打13812345678" keeps its words.
            let looksID = w.contains("@") && w.contains(".")
                || (digits >= 7 && w.allSatisfy { $0.isASCII && !$0.isLetter })
                || (alnum >= 16 && w.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-|*".contains($0)) })
            if looksID {
                count += 1
            } else {
                words.append(w)
            }
        }
        // Digit runs glued to CJK text (no spaces) are cut out character-wise.
        var out = ""
        var run = ""
        for ch in words.joined(separator: " ") {
            if ch.isASCII && ch.isNumber {
                run.append(ch)
            } else {
                if run.count >= 7 { count += 1 } else { out += run }
                run = ""
                out.append(ch)
            }
        }
        if run.count >= 7 { count += 1 } else { out += run }
        return (out, count)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace || f == "," || f == "，" { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace || l == "," || l == "，" { s = s.dropLast() }
        return String(s)
    }
}
