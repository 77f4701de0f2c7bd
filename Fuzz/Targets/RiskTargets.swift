import KitCore
import WxPayCore
import WxPayRisk

/// `risk-batch` input: NDJSON lines and JSON arrays, streamed in chunks of fuzzer-chosen sizes.
enum RiskTargets {
    static let ndjson = FuzzTarget(name: "risk-ndjson", summary: "risk-batch NDJSON stream, chunked") { bytes in
        stream(bytes, target: "risk-ndjson")
    }

    static let array = FuzzTarget(name: "risk-array", summary: "risk-batch JSON-array stream, chunked") { bytes in
        stream(Array("[".utf8) + bytes, target: "risk-array")
    }

    /// Feeds `bytes` in chunks whose sizes come from the first byte (its high bit sets the smallest record cap,
    /// 1 KiB, so the fuzzer reaches the over-cap path), then checks every answer line is JSON.
    static func stream(_ bytes: [UInt8], target: String) {
        let selector = Int(bytes.first ?? 0)
        let chunk = (selector & 0x7F) % 61 + 1
        let input = Array(bytes.dropFirst())
        let processor = selector & 0x80 != 0 ? RiskStreamProcessor(maxRecordBytes: 1024) : RiskStreamProcessor()
        var output: [UInt8] = []
        var offset = 0
        input.withUnsafeBufferPointer { all in
            while offset < all.count {
                let end = min(all.count, offset + chunk)
                processor.feed(UnsafeBufferPointer(rebasing: all[offset..<end]), output: &output)
                offset = end
            }
        }
        processor.finish(output: &output)
        for line in output.split(separator: 0x0A) {
            guard let value = try? JSONCoding.value(from: line), value.objectValue != nil else {
                FuzzEnvironment.fail("\(target): an answer line is not a JSON object")
            }
            if let code = value["error"]?["code"]?.stringValue { Invariant.check(code: code, target) }
            if let action = value["action"]?.stringValue {
                Invariant.require(["approve", "review", "block"].contains(action), "\(target): unknown action")
            }
        }
    }
}
