@testable import WxPayRisk

/// A payment or refund at `minute` minutes (and `second` seconds) after 2026-11-23T10:00:00+08:00.
func tx(
    _ id: String, payer: String = "oPayer", amount: Int = 1999, minute: Int = 0, second: Int = 0,
    description: String = "咖啡", type: RiskTransactionType = .payment, device: String? = nil, ip: String? = nil,
    attach: String? = nil, category: String? = nil
) -> RiskTransaction {
    let h = 10 + minute / 60
    let m = minute % 60
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return RiskTransaction(
        id: id, amount: amount, description: description, userOpenid: payer,
        createdAt: "2026-11-23T\(two(h)):\(two(m)):\(two(second))+08:00", type: type, clientIp: ip, deviceId: device,
        merchantCategory: category, attach: attach)
}

/// The rules that fired.
func rules(_ d: RiskDecision) -> [String] { d.reasons.map(\.rule) }

/// Runs bytes through a stream processor in chunks of `chunk` bytes; returns the output lines.
func process(
    _ input: String, chunk: Int = 7, engine: RiskEngine = RiskEngine(),
    maxRecordBytes: Int = RiskInputSplitter.defaultMaxRecordBytes
) -> (lines: [String], processor: RiskStreamProcessor) {
    let processor = RiskStreamProcessor(scorer: RiskBatchScorer(engine: engine), maxRecordBytes: maxRecordBytes)
    var output: [UInt8] = []
    let bytes = Array(input.utf8)
    var i = 0
    while i < bytes.count {
        let end = min(i + chunk, bytes.count)
        bytes[i..<end].withUnsafeBufferPointer { processor.feed($0, output: &output) }
        i = end
    }
    processor.finish(output: &output)
    let text = String(decoding: output, as: UTF8.self)
    return (text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), processor)
}

/// Parses a JSON text (test helper over the library's strict parser).
func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .int(let v) = self { v } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
}
