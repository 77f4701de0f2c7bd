import KitCore
import WxPayBills

/// `download-bill`'s parser: the bill file is the one answer of WeChat Pay that is not signed (only its SHA-1, from
/// the signed query, vouches for it), so its bytes are fed straight to the CSV parser here.
enum BillTargets {
    static let bill = FuzzTarget(name: "bill", summary: "download-bill's bill parser (trade or fund-flow CSV), chunked") {
        bytes in
        // The first byte chooses the kind (high bit) and the chunk size; the rest is the file.
        let selector = Int(bytes.first ?? 0)
        let kind: BillKind = selector & 0x80 != 0 ? .fundflow : .trade
        let chunk = (selector & 0x7F) % 61 + 1
        let input = Array(bytes.dropFirst())
        let parser = BillParser(kind: kind)
        var splitter = LineSplitter(maxLineBytes: 4096)
        var rows = 0
        func take(_ line: ArraySlice<UInt8>) throws(FunctionError) {
            guard let row = try parser.line(line) else { return }
            rows += 1
            guard case .object(let fields) = row else { FuzzEnvironment.fail("bill: a row is not an object") }
            // Amounts are integers (fen), never floating point.
            for (key, value) in fields where key.hasSuffix("_fen") || key.hasSuffix("amount") {
                if case .double = value { FuzzEnvironment.fail("bill: \(key) is not an integer") }
            }
            // Every row can be written as JSON (what download-bill prints).
            Invariant.require((try? JSONCoding.string(row)) != nil, "bill: a row cannot be written as JSON")
        }
        do throws(FunctionError) {
            var offset = 0
            var fine = true
            try input.withUnsafeBufferPointer { (all: UnsafeBufferPointer<UInt8>) throws(FunctionError) in
                while offset < all.count && fine {
                    let end = min(all.count, offset + chunk)
                    fine = try splitter.feed(UnsafeBufferPointer(rebasing: all[offset..<end]), take)
                    offset = end
                }
            }
            if fine { try splitter.finish(take) }
            let summary = try parser.finish()
            Invariant.require(summary["rows"]?.intValue.map { $0 == rows } ?? true,
                              "bill: the summary counts \(summary["rows"].map { "\($0)" } ?? "?") rows, \(rows) seen")
        } catch {
            Invariant.check(error, "bill")
        }
    }
}
