// Batch scoring (risk-batch): NDJSON or JSON-array streams, and `{"transactions": [...]}` batch events.

/// Counts for the summary of a batch or stream.
public struct RiskBatchSummary: Sendable, Equatable {
    /// Records read (scored and malformed).
    public var records = 0
    /// Records answered with an error object (`BAD_TRANSACTION`, `RECORD_TOO_LARGE`).
    public var errors = 0
    /// Scored records per action (actions with no record are absent).
    public var actions: [RiskAction: Int] {
        var result: [RiskAction: Int] = [:]
        if approved > 0 { result[.approve] = approved }
        if reviewed > 0 { result[.review] = reviewed }
        if blocked > 0 { result[.block] = blocked }
        return result
    }
    private var approved = 0
    private var reviewed = 0
    private var blocked = 0

    @inline(__always)
    mutating func count(_ action: RiskAction) {
        switch action {
        case .approve: approved += 1
        case .review: reviewed += 1
        case .block: blocked += 1
        }
    }

    /// Scored records per fired rule.
    public var rules: [String: Int] = [:]

    /// An empty summary.
    public init() {}

    /// The summary as one JSON object: `{"records", "errors", "actions": {...}, "rules": {...}}`, plus
    /// `elapsed_ms` and `throughput_per_s` when `elapsedSeconds` is given. Keys are in a stable order.
    /// - Parameter elapsedSeconds: Wall-clock seconds the batch took, if measured.
    public func json(elapsedSeconds: Double? = nil) -> String {
        var out: [UInt8] = []
        out += Array("{\"records\":\(records),\"errors\":\(errors),\"actions\":{".utf8)
        for (k, action) in RiskAction.allCases.enumerated() {
            out += Array("\(k == 0 ? "" : ",")\"\(action.rawValue)\":\(actions[action, default: 0])".utf8)
        }
        out += Array("},\"rules\":{".utf8)
        for (k, rule) in rules.keys.sorted().enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            appendJSONString(Array(rule.utf8), to: &out)
            out += Array(":\(rules[rule]!)".utf8)
        }
        out.append(UInt8(ascii: "}"))
        if let elapsedSeconds {
            let ms = Int((elapsedSeconds * 1000).rounded())
            let rate = elapsedSeconds > 0 ? Int((Double(records) / elapsedSeconds).rounded()) : 0
            out += Array(",\"elapsed_ms\":\(ms),\"throughput_per_s\":\(rate)".utf8)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}

/// Scores transactions given as JSON bytes and writes the answers as JSON bytes: the fast path of `risk-batch`
/// (no `Codable`, no `String` per field, no allocation for a transaction that fires no rule).
public final class RiskBatchScorer {
    /// The engine (and its state) the records are scored with.
    public let engine: RiskEngine
    /// What has been scored so far.
    public private(set) var summary = RiskBatchSummary()
    /// Amends each decision with history kept outside the process (`WXPAY_RISK_STORE`); nil costs nothing.
    public var history: RiskHistoryHook?
    private var scanner = TransactionScanner()
    private var partial = ScannedTransaction()

    /// Creates a scorer.
    /// - Parameter engine: The engine to score with; a fresh engine with the default rules unless given.
    public init(engine: RiskEngine = RiskEngine()) {
        self.engine = engine
    }

    /// Scores one transaction object and appends one JSON object (no newline) to `output`:
    /// `{"id","score","action","reasons"}`, or for a malformed record
    /// `{"id": <id or null>, "error": {"code": "BAD_TRANSACTION", "message", "retryable": false}}`.
    /// - Parameters:
    ///   - record: The transaction's JSON (one NDJSON line or one array element).
    ///   - output: Where the answer goes.
    public func scoreRecord(_ record: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        summary.records += 1
        do throws(BadTransaction) {
            try scanner.scan(record, partial: &partial)
        } catch {
            let id: [UInt8]? =
                if let r = partial.id { Array(scanner.buffer[r]) } else { scanner.salvageID(record) }
            appendError(id: id, message: error.message, into: &output)
            return
        }
        let t = partial
        let buf = scanner.buffer
        @inline(__always) func slice(_ r: Range<Int>?) -> UnsafeBufferPointer<UInt8> {
            guard let r else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(rebasing: buf[r])
        }
        var decision = engine.score(
            RiskEngine.ScoringInput(
                amount: t.amount, isRefund: t.isRefund, time: t.time,
                payer: slice(t.userOpenid), device: slice(t.deviceId), ip: slice(t.clientIp),
                description: slice(t.description), attach: slice(t.attach),
                merchantCategory: slice(t.merchantCategory)))
        if let history {
            func text(_ r: Range<Int>?) -> String { String(decoding: slice(r), as: UTF8.self) }
            decision = history(
                RiskHistoryInput(id: text(t.id), amount: t.amount, isRefund: t.isRefund, time: t.time,
                                 payer: text(t.userOpenid), device: text(t.deviceId), ip: text(t.clientIp)),
                decision)
        }
        summary.count(decision.action)
        if !decision.reasons.isEmpty {
            for reason in decision.reasons { summary.rules[reason.rule, default: 0] += 1 }
        }
        appendStatic(#"{"id":"#, to: &output)
        appendJSONString(slice(t.id), to: &output)
        appendStatic(#","score":"#, to: &output)
        appendInt(decision.score, to: &output)
        switch decision.action {
        case .approve: appendStatic(#","action":"approve","reasons":["#, to: &output)
        case .review: appendStatic(#","action":"review","reasons":["#, to: &output)
        case .block: appendStatic(#","action":"block","reasons":["#, to: &output)
        }
        for (k, reason) in decision.reasons.enumerated() {
            appendStatic(k == 0 ? #"{"rule":"# : #",{"rule":"#, to: &output)
            appendJSONString(reason.rule, to: &output)
            appendStatic(#","detail":"#, to: &output)
            appendJSONString(reason.detail, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        appendStatic("]}", to: &output)
    }

    /// Appends a `BAD_TRANSACTION` error object for a record that could not be read and counts it.
    /// - Parameters:
    ///   - id: The record's id when known (UTF-8), nil otherwise.
    ///   - message: What was wrong.
    ///   - output: Where the answer goes.
    public func appendError(id: [UInt8]?, message: String, into output: inout [UInt8]) {
        appendError(id: id, code: "BAD_TRANSACTION", message: message, into: &output)
    }

    /// Appends an error object `{"id", "error": {"code", "message", "retryable": false}}` and counts it.
    func appendError(id: [UInt8]?, code: StaticString, message: String, into output: inout [UInt8]) {
        summary.errors += 1
        output += #"{"id":"#.utf8
        if let id { appendJSONString(id, to: &output) } else { output += "null".utf8 }
        output += #","error":{"code":"#.utf8
        appendJSONString(UnsafeBufferPointer(start: code.utf8Start, count: code.utf8CodeUnitCount), to: &output)
        output += #","message":"#.utf8
        appendJSONString(Array(message.utf8), to: &output)
        output += #","retryable":false}}"#.utf8
    }

    /// Counts a record that could not even be delimited (see ``RiskInputSplitter``) and answers it.
    func malformed(_ message: String, into output: inout [UInt8]) {
        summary.records += 1
        appendError(id: nil, message: message, into: &output)
    }

    /// Counts a record longer than the splitter's limit (its bytes were skipped, not read) and answers it with
    /// `RECORD_TOO_LARGE`.
    func tooLarge(limit: Int, into output: inout [UInt8]) {
        summary.records += 1
        appendError(id: nil, code: "RECORD_TOO_LARGE",
                    message: "the record is longer than \(limit) bytes (--max-record-bytes); it was skipped",
                    into: &output)
    }
}

/// Splits a byte stream into records, whatever its shape:
/// - NDJSON: one transaction per line (blank lines are skipped);
/// - a JSON array of transactions, streamed element by element;
/// - a batch event `{"transactions": [...]}` (any layout; held in memory, up to ``maxDocumentBytes``), or a
///   single transaction object pretty-printed over several lines.
/// The first line decides: `[` starts an array; a first line ending in `{` or `[` starts a multi-line document;
/// anything else is NDJSON.
///
/// Memory is bounded by the record limit (``maxRecordBytes``): a line or array element longer than it is not
/// buffered but skipped to its end, and answered with one ``Record/tooLarge(limit:)``, after which the stream goes
/// on. A first line longer than the limit is a batch event only when its `transactions` member starts within the
/// first ``maxRecordBytes`` bytes; otherwise it is a record too large like any other line.
public struct RiskInputSplitter {
    /// One piece of input.
    public enum Record {
        /// One transaction's JSON (valid or not).
        case transaction(UnsafeBufferPointer<UInt8>)
        /// A whole batch event `{"transactions": [...]}` (its other members are ignored).
        case batch(UnsafeBufferPointer<UInt8>)
        /// Input that could not be delimited into a record (e.g. data after the end of an array).
        case malformed(String)
        /// A record (line or array element) longer than `limit` bytes: skipped to its end without being buffered.
        case tooLarge(limit: Int)
    }

    private enum Mode { case start, firstLine, lines, array, document, trailing }
    private var mode = Mode.start
    private var pending: [UInt8] = []
    private var array: ArraySplitter
    private var documentDepth = 0
    private var documentInString = false
    private var documentEscape = false
    /// The document is a single-line batch event longer than the record limit: after it, NDJSON lines go on (as
    /// they do after a short single-line batch event).
    private var documentThenLines = false
    private var reportedTrailing = false
    /// In NDJSON mode: the current line is over the limit and its bytes are being skipped up to its line feed.
    private var skippingLine = false
    /// The largest multi-line document (batch event) accepted.
    public static let maxDocumentBytes = 64 << 20
    /// The default limit of one record (an NDJSON line or an array element): 1 MiB.
    public static let defaultMaxRecordBytes = 1 << 20
    /// The limits a caller may choose for one record: 1 KiB to ``maxDocumentBytes``.
    public static let maxRecordBytesRange = 1024...maxDocumentBytes
    /// The longest record read (an NDJSON line without its line feed; an array element from its first non-blank
    /// byte up to its comma or `]`); a longer one is skipped and answered with ``Record/tooLarge(limit:)``.
    public let maxRecordBytes: Int

    /// Creates a splitter waiting for the first byte.
    /// - Parameter maxRecordBytes: The record limit, clamped to ``maxRecordBytesRange``.
    public init(maxRecordBytes: Int = RiskInputSplitter.defaultMaxRecordBytes) {
        let limit = min(max(maxRecordBytes, Self.maxRecordBytesRange.lowerBound), Self.maxRecordBytesRange.upperBound)
        self.maxRecordBytes = limit
        array = ArraySplitter(maxElementBytes: limit)
    }

    /// Reads a record limit given from outside (a command-line option or an environment variable): decimal digits
    /// only (no sign, no spaces, at most 10 digits, so the value never overflows), within ``maxRecordBytesRange``.
    /// - Returns: The limit, or nil when `text` is not such a number.
    public static func parseMaxRecordBytes(_ text: String) -> Int? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 10 else { return nil }
        var value = 0
        for c in utf8 {
            let d = c &- 0x30
            guard d <= 9 else { return nil }
            value = value * 10 + Int(d)  // at most 10 digits: < 10^10, no overflow in Int64
        }
        return maxRecordBytesRange.contains(value) ? value : nil
    }

    /// Feeds the next chunk; `emit` is called for every record completed by it. Record buffers are valid only
    /// during the call to `emit`.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ emit: (Record) -> Void) {
        var i = 0
        let n = chunk.count
        let limit = maxRecordBytes
        while i < n {
            switch mode {
            case .start:
                // Skip whitespace and a UTF-8 byte-order mark before the first record.
                let c = chunk[i]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0xEF || c == 0xBB || c == 0xBF {
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "[") {
                    mode = .array
                    i += 1
                    continue
                }
                mode = .firstLine
            case .firstLine:
                // Decide on the first line: look for its end.
                let j = firstNewline(chunk, from: i)
                if pending.count + (j - i) > limit {
                    // Too long to be held as a record: keep just over `limit` bytes to decide what it is.
                    let take = limit + 1 - pending.count
                    pending += UnsafeBufferPointer(rebasing: chunk[i..<(i + take)])
                    i += take
                    decideLongFirstLine()
                    continue
                }
                pending += UnsafeBufferPointer(rebasing: chunk[i..<j])
                if j == n { return }  // the first line continues in the next chunk
                i = j
                decideFirstLine(emit)
            case .lines:
                if skippingLine {
                    let j = firstNewline(chunk, from: i)
                    if j == n { return }  // still inside the long line: its bytes are dropped
                    skippingLine = false
                    emit(.tooLarge(limit: limit))
                    i = j + 1
                } else if pending.isEmpty {
                    // Fast path: emit whole lines straight from the chunk.
                    var start = i
                    while true {
                        i = firstNewline(chunk, from: i)
                        if i == n { break }
                        if i - start > limit {
                            emit(.tooLarge(limit: limit))
                        } else {
                            emitLine(UnsafeBufferPointer(rebasing: chunk[start..<i]), emit)
                        }
                        i += 1
                        start = i
                    }
                    if n - start > limit {
                        skippingLine = true
                    } else {
                        pending += UnsafeBufferPointer(rebasing: chunk[start..<n])
                    }
                } else {
                    let j = firstNewline(chunk, from: i)
                    if pending.count + (j - i) > limit {
                        pending.removeAll(keepingCapacity: true)
                        skippingLine = true
                        i = j
                        continue
                    }
                    pending += UnsafeBufferPointer(rebasing: chunk[i..<j])
                    if j == n { return }
                    pending.withUnsafeBufferPointer { emitLine($0, emit) }
                    pending.removeAll(keepingCapacity: true)
                    i = j + 1
                }
            case .array:
                let consumed = array.feed(UnsafeBufferPointer(rebasing: chunk[i..<n])) { element in
                    emit(element)
                }
                i += consumed
                if array.finished { mode = .trailing }
            case .document:
                while i < n {
                    let c = chunk[i]
                    i += 1
                    pending.append(c)
                    if documentInString {
                        if documentEscape {
                            documentEscape = false
                        } else if c == 0x5C {
                            documentEscape = true
                        } else if c == 0x22 {
                            documentInString = false
                        }
                        continue
                    }
                    switch c {
                    case 0x22: documentInString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): documentDepth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): documentDepth -= 1
                    default: break
                    }
                    if documentDepth == 0 {
                        emitDocument(emit)
                        mode = documentThenLines ? .lines : .trailing
                        break
                    }
                }
                if mode == .document && pending.count > Self.maxDocumentBytes {
                    emit(.malformed("the JSON document is larger than \(Self.maxDocumentBytes) bytes"))
                    pending = []
                    mode = .trailing
                    reportedTrailing = true
                    return
                }
            case .trailing:
                while i < n {
                    let c = chunk[i]
                    i += 1
                    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { continue }
                    if !reportedTrailing {
                        reportedTrailing = true
                        emit(.malformed("unexpected data after the end of the JSON value"))
                    }
                }
            }
        }
    }

    /// Ends the input: emits what is left (an unterminated last line, an unclosed array or document).
    public mutating func finish(_ emit: (Record) -> Void) {
        switch mode {
        case .start, .firstLine:
            if !pending.isEmpty { decideFirstLine(emit) }
            if mode == .document {
                // The input was one line that opens a document (`{"transactions": [`) and ends there.
                pending = []
                emit(.malformed("the JSON document ended before it was complete"))
            }
        case .lines:
            if skippingLine {
                skippingLine = false
                emit(.tooLarge(limit: maxRecordBytes))
            } else if !pending.isEmpty {
                pending.withUnsafeBufferPointer { emitLine($0, emit) }
                pending.removeAll()
            }
        case .array:
            array.finish(emit)
        case .document:
            emit(.malformed("the JSON document ended before it was complete"))
        case .trailing:
            break
        }
        mode = .trailing
    }

    private mutating func decideFirstLine(_ emit: (Record) -> Void) {
        var end = pending.count
        while end > 0, pending[end - 1] == 0x20 || pending[end - 1] == 0x09 || pending[end - 1] == 0x0D { end -= 1 }
        let last = end > 0 ? pending[end - 1] : 0
        if last == UInt8(ascii: "{") || last == UInt8(ascii: "[") {
            // A multi-line document: replay the first line through the depth tracker.
            startDocument()
            pending.append(0x0A)
            return
        }
        mode = .lines
        let line = pending
        pending = []
        line.withUnsafeBufferPointer { buffer in
            if isBatchEvent(buffer) { emit(.batch(buffer)) } else { emitLine(buffer, emit) }
        }
    }

    /// The first line is longer than the record limit (`pending` holds its first `maxRecordBytes + 1` bytes): a
    /// single-line batch event when its `transactions` member starts within them, else a record too large.
    private mutating func decideLongFirstLine() {
        let batch = pending.withUnsafeBufferPointer { topLevelMember("transactions", in: $0) != nil }
        if batch, startDocument() {
            documentThenLines = true
        } else {
            // Not a batch event, or one that closed within the first bytes while the line goes on: too large.
            documentDepth = 0
            documentInString = false
            documentEscape = false
            pending = []
            mode = .lines
            skippingLine = true
        }
    }

    /// Switches to document mode, replaying `pending` through the depth tracker.
    /// - Returns: false when the replayed bytes closed the document (its depth came back to 0) before their end.
    @discardableResult
    private mutating func startDocument() -> Bool {
        let first = pending
        pending = []
        mode = .document
        pending.reserveCapacity(first.count)
        return first.withUnsafeBufferPointer { feedDocumentPrefix($0) }
    }

    private mutating func feedDocumentPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var open = true
        for c in bytes {
            pending.append(c)
            if documentInString {
                if documentEscape { documentEscape = false } else if c == 0x5C { documentEscape = true } else if c == 0x22 { documentInString = false }
                continue
            }
            switch c {
            case 0x22: documentInString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): documentDepth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                documentDepth -= 1
                if documentDepth <= 0 { open = false }
            default: break
            }
        }
        return open
    }

    private mutating func emitDocument(_ emit: (Record) -> Void) {
        let document = pending
        pending = []
        document.withUnsafeBufferPointer { buffer in
            if isBatchEvent(buffer) {
                emit(.batch(buffer))
            } else if buffer.count > maxRecordBytes {
                emit(.tooLarge(limit: maxRecordBytes))  // a pretty-printed single transaction is one record
            } else {
                emit(.transaction(buffer))
            }
        }
    }

    @inline(__always)
    private func emitLine(_ line: UnsafeBufferPointer<UInt8>, _ emit: (Record) -> Void) {
        for c in line where !(c == 0x20 || c == 0x09 || c == 0x0D) {
            _ = c
            emit(.transaction(line))
            return
        }
    }
}

/// The index of the first line feed in `bytes` at or after `start`, or `bytes.count`: eight bytes at a time.
@inline(__always)
func firstNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    let n = bytes.count
    var i = start
    guard let base = bytes.baseAddress else { return n }
    let raw = UnsafeRawPointer(base)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let pattern: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    while i + 8 <= n {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ pattern
        // A zero byte of `word` is a line feed; the lowest flagged byte is always a true one.
        let found = (word &- ones) & ~word & highs
        if found != 0 { return i + found.trailingZeroBitCount / 8 }
        i += 8
    }
    while i < n, base[i] != 0x0A { i += 1 }
    return i
}

/// True when `bytes` is a JSON object with a top-level `transactions` member.
func isBatchEvent(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    topLevelMember("transactions", in: bytes) != nil
}

/// What to do after one member in ``walkTopLevelMembers(_:_:)``.
enum MemberStep<Result> {
    /// The value is skipped (the index is after it): go on to the next member.
    case next
    /// Stop the walk with this result.
    case stop(Result?)
}

/// Walks the members at the top level of the JSON object in `b`: `member` gets each key and the index of its value,
/// and either skips the value (`.next`) or ends the walk (`.stop`). Nil when `b` is not an object, or is malformed
/// or ends before a member stops the walk.
func walkTopLevelMembers<Result>(
    _ b: UnsafeBufferPointer<UInt8>, _ member: (_ key: [UInt8], _ i: inout Int) -> MemberStep<Result>
) -> Result? {
    var i = 0
    var key: [UInt8] = []
    JSONSkipper.skipWhitespace(b, &i)
    guard i < b.count, b[i] == UInt8(ascii: "{") else { return nil }
    i += 1
    while true {
        JSONSkipper.skipWhitespace(b, &i)
        guard i < b.count, b[i] == 0x22 else { return nil }
        key.removeAll(keepingCapacity: true)
        do throws(JSONStringError) { try JSONStringDecoder.decode(b, at: &i, into: &key) } catch { return nil }
        JSONSkipper.skipWhitespace(b, &i)
        guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        JSONSkipper.skipWhitespace(b, &i)
        if case .stop(let result) = member(key, &i) { return result }
        JSONSkipper.skipWhitespace(b, &i)
        guard i < b.count, b[i] == UInt8(ascii: ",") else { return nil }
        i += 1
    }
}

/// The byte range of the value of a top-level member of a JSON object, or nil (not an object, no such member,
/// or malformed before it).
func topLevelMember(_ name: String, in b: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
    var scratch: [UInt8] = []
    let wanted = Array(name.utf8)
    return walkTopLevelMembers(b) { key, i in
        let start = i
        do throws(BadTransaction) { try JSONSkipper.skipValue(b, &i, scratch: &scratch) } catch {
            return .stop(key == wanted ? start..<b.count : nil)
        }
        return key == wanted ? .stop(start..<i) : .next
    }
}

/// Streams the elements of a JSON array (the opening `[` already consumed) by tracking nesting and strings. An
/// element longer than `maxElementBytes` is not buffered: its bytes are only tracked (strings, nesting) to find
/// its end, and it is answered with one ``RiskInputSplitter/Record/tooLarge(limit:)``.
struct ArraySplitter {
    private var element: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escape = false
    private var sawComma = false
    /// The current element is over the limit: its bytes are dropped until it ends.
    private var skipping = false
    private let maxElementBytes: Int
    private(set) var finished = false

    init(maxElementBytes: Int = RiskInputSplitter.defaultMaxRecordBytes) {
        self.maxElementBytes = maxElementBytes
    }

    @inline(__always)
    private mutating func put(_ c: UInt8) {
        if skipping { return }
        if element.count >= maxElementBytes {
            skipping = true
            element = []  // give the memory back: the rest of the element is not buffered
            return
        }
        element.append(c)
    }

    /// Consumes bytes until the array ends (or the chunk does); returns how many were consumed.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ emit: (RiskInputSplitter.Record) -> Void
    ) -> Int {
        var i = 0
        while i < chunk.count {
            let c = chunk[i]
            i += 1
            if inString {
                put(c)
                if escape { escape = false } else if c == 0x5C { escape = true } else if c == 0x22 { inString = false }
                continue
            }
            if depth == 0 {
                if c == UInt8(ascii: ",") {
                    endElement(emit, closing: false)
                    continue
                }
                if c == UInt8(ascii: "]") {
                    endElement(emit, closing: true)
                    finished = true
                    return i
                }
                if element.isEmpty && !skipping && (c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D) { continue }
            }
            put(c)
            switch c {
            case 0x22: inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if depth > 0 { depth -= 1 }
            default: break
            }
        }
        return i
    }

    private mutating func endElement(_ emit: (RiskInputSplitter.Record) -> Void, closing: Bool) {
        if skipping {
            skipping = false
            emit(.tooLarge(limit: maxElementBytes))
        } else if element.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            // `[]` is fine; `[a,]`, `[,a]` and `[a,,b]` are not.
            if !closing || sawComma { emit(.malformed("empty element in the JSON array")) }
        } else {
            element.withUnsafeBufferPointer { emit(.transaction($0)) }
        }
        sawComma = !closing
        element.removeAll(keepingCapacity: true)
    }

    mutating func finish(_ emit: (RiskInputSplitter.Record) -> Void) {
        guard !finished else { return }
        if skipping {
            skipping = false
            emit(.tooLarge(limit: maxElementBytes))
        } else if !element.isEmpty {
            element.withUnsafeBufferPointer { emit(.transaction($0)) }
        }
        emit(.malformed("the JSON array ended without ']'"))
        finished = true
    }
}

/// Ties a splitter to a scorer: feed input chunks, get answers. NDJSON and array input answer one NDJSON line
/// per record, in input order; a batch event answers one `{"results": [...], "summary": {...}}` object.
public final class RiskStreamProcessor {
    /// The scorer (and through it the engine and the summary).
    public let scorer: RiskBatchScorer
    private var splitter: RiskInputSplitter
    /// The record limit (kept apart from `splitter`, which is being mutated while records are handled).
    private let maxRecordBytes: Int
    /// Set when the input held a batch event whose `transactions` member is not an array: the message to report.
    public private(set) var invalidEvent: String?
    /// True once a batch event was answered.
    public private(set) var answeredBatch = false

    /// Creates a processor.
    /// - Parameter scorer: The scorer to use; a fresh one with the default rules unless given.
    /// - Parameter maxRecordBytes: The longest record read (see ``RiskInputSplitter/maxRecordBytes``); a longer
    ///   one is answered with `RECORD_TOO_LARGE` and the stream goes on.
    public init(scorer: RiskBatchScorer = RiskBatchScorer(),
                maxRecordBytes: Int = RiskInputSplitter.defaultMaxRecordBytes)
    {
        self.scorer = scorer
        splitter = RiskInputSplitter(maxRecordBytes: maxRecordBytes)
        self.maxRecordBytes = splitter.maxRecordBytes
    }

    /// Feeds the next chunk of input, appending the answers it completes to `output`.
    public func feed(_ chunk: UnsafeBufferPointer<UInt8>, output: inout [UInt8]) {
        splitter.feed(chunk) { handle($0, &output) }
    }

    /// Ends the input, appending the last answers.
    public func finish(output: inout [UInt8]) {
        splitter.finish { handle($0, &output) }
    }

    private func handle(_ record: RiskInputSplitter.Record, _ output: inout [UInt8]) {
        switch record {
        case .transaction(let bytes):
            scorer.scoreRecord(bytes, into: &output)
            output.append(0x0A)
        case .malformed(let message):
            scorer.malformed(message, into: &output)
            output.append(0x0A)
        case .tooLarge(let limit):
            scorer.tooLarge(limit: limit, into: &output)
            output.append(0x0A)
        case .batch(let bytes):
            answerBatch(bytes, &output)
        }
    }

    private func answerBatch(_ bytes: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        guard let range = topLevelMember("transactions", in: bytes), range.upperBound <= bytes.count,
            bytes[range.lowerBound] == UInt8(ascii: "[")
        else {
            invalidEvent = "transactions must be an array of transaction objects"
            return
        }
        answeredBatch = true
        output += #"{"results":["#.utf8
        var first = true
        var splitter = ArraySplitter(maxElementBytes: maxRecordBytes)
        let body = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<range.upperBound])
        let emit: (RiskInputSplitter.Record) -> Void = { record in
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            switch record {
            case .transaction(let element): self.scorer.scoreRecord(element, into: &output)
            case .malformed(let message): self.scorer.malformed(message, into: &output)
            case .tooLarge(let limit): self.scorer.tooLarge(limit: limit, into: &output)
            case .batch(let element): self.scorer.scoreRecord(element, into: &output)
            }
        }
        _ = splitter.feed(body, emit)
        splitter.finish(emit)
        output += #"],"summary":"#.utf8
        output += scorer.summary.json().utf8
        output += "}\n".utf8
    }
}

// MARK: - JSON writing

/// Appends `bytes` (UTF-8) as a JSON string literal.
@inline(__always)
func appendJSONString<C: Collection<UInt8>>(_ bytes: C, to out: inout [UInt8]) {
    if let done: Void = bytes.withContiguousStorageIfAvailable({ appendJSONString($0, to: &out) }) {
        return done
    }
    appendJSONString(Array(bytes), to: &out)
}

/// Appends a string as a JSON string literal.
@inline(__always)
func appendJSONString(_ text: String, to out: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendJSONString($0, to: &out) }
}

/// Appends UTF-8 `bytes` as a JSON string literal: runs that need no escape are copied in one go.
func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(0x22)
    let n = bytes.count
    var i = 0
    while i < n {
        let runStart = i
        while i < n {
            let c = bytes[i]
            if c == 0x22 || c == 0x5C || c < 0x20 { break }
            i += 1
        }
        if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
        if i == n { break }
        let c = bytes[i]
        i += 1
        out.append(0x5C)
        switch c {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hex.utf8Start[Int(c >> 4)])
            out.append(hex.utf8Start[Int(c & 0xF)])
        }
    }
    out.append(0x22)
}

/// Appends the UTF-8 of a static string.
@inline(__always)
func appendStatic(_ text: StaticString, to out: inout [UInt8]) {
    out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
}

/// Appends a decimal integer.
@inline(__always)
func appendInt(_ value: Int, to out: inout [UInt8]) {
    if value >= 0 && value < 10 {
        out.append(UInt8(0x30 + value))
        return
    }
    if value < 0 {
        out.append(UInt8(ascii: "-"))
    }
    var magnitude = value.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
        var i = 20
        repeat {
            i -= 1
            digits[i] = UInt8(0x30 + magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
    }
}
