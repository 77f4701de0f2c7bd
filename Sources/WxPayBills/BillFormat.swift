import KitCore

// WeChat Pay's bill files (docs/functions.md#download-bill): a header line, detail lines whose every value starts
// with a backtick, a summary header line and one summary line. Trade bills (交易账单) and fund-flow bills (资金账单).

/// Which bill.
public enum BillKind: String, Sendable, CaseIterable {
    /// `GET /v3/bill/tradebill`: payments and refunds.
    case trade
    /// `GET /v3/bill/fundflowbill`: the movements of one fund account.
    case fundflow
}

/// Amounts: WeChat's bills write yuan (`1.00`, fees `0.06000`); the kit speaks fen (integers). Converted exactly,
/// digit by digit, never through floating point.
public enum Fen {
    /// `text` (yuan: an optional `-`, digits, optionally `.` and digits) as fen. Digits past the second decimal
    /// must be zeros (WeChat writes fees with 5 decimals, all of them whole fen). `nil` otherwise, or past
    /// 10^15 yuan.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let whole = bytes.prefix { $0 != UInt8(ascii: ".") }
        let rest = bytes.dropFirst(whole.count)
        guard !whole.isEmpty, whole.count <= 15, whole.allSatisfy(isDigit) else { return nil }
        var fraction = rest.dropFirst()
        if !rest.isEmpty {
            guard !fraction.isEmpty, fraction.allSatisfy(isDigit) else { return nil }
        } else {
            fraction = []
        }
        var value: Int64 = 0
        for d in whole { value = value * 10 + Int64(d - 48) }
        let cents = Array(fraction.prefix(2)) + Array(repeating: UInt8(ascii: "0"), count: max(0, 2 - fraction.count))
        value = value * 100 + Int64(cents[0] - 48) * 10 + Int64(cents[1] - 48)
        guard fraction.dropFirst(2).allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
        return negative ? -value : value
    }

    /// A count as WeChat writes it: digits, sometimes followed by `.0` (older fund-flow summaries).
    public static func count(_ text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        let whole = bytes.prefix { $0 != UInt8(ascii: ".") }
        let rest = bytes.dropFirst(whole.count)
        guard !whole.isEmpty, whole.count <= 18, whole.allSatisfy(isDigit) else { return nil }
        if !rest.isEmpty { guard rest.count > 1, rest.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil } }
        return whole.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}

/// How a column's text becomes a JSON value.
enum ColumnType {
    /// Text; empty is `null`.
    case text
    /// An identifier WeChat writes as `0` when there is none (特约商户号, 微信退款单号, 商户退款单号); `0` and empty are `null`.
    case id
    /// Yuan, as fen.
    case fen
    /// A count.
    case count
    /// 收入 → `income`, 支出 → `expense`, anything else as written.
    case direction
}

/// The columns the kit names (the header's own order decides where each is; unknown columns go to `extra`).
enum BillColumns {
    /// Trade bill detail columns: the ALL layout (27 columns), SUCCESS (20) and REFUND (29, with the two refund
    /// times), and the names of the older layout (总金额, 代金券或立减优惠金额, 子商户号).
    static let trade: [String: (String, ColumnType)] = [
        "交易时间": ("trade_time", .text), "公众账号ID": ("appid", .text), "商户号": ("mchid", .text),
        "特约商户号": ("sub_mchid", .id), "子商户号": ("sub_mchid", .id), "设备号": ("device_info", .text),
        "微信订单号": ("transaction_id", .text), "商户订单号": ("out_trade_no", .text), "用户标识": ("openid", .text),
        "交易类型": ("trade_type", .text), "交易状态": ("trade_state", .text), "付款银行": ("bank_type", .text),
        "货币种类": ("currency", .text), "应结订单金额": ("settlement_amount", .fen), "代金券金额": ("coupon_amount", .fen),
        "代金券或立减优惠金额": ("coupon_amount", .fen), "退款申请时间": ("refund_requested_time", .text),
        "退款成功时间": ("refund_success_time", .text), "微信退款单号": ("refund_id", .id),
        "商户退款单号": ("out_refund_no", .id), "退款金额": ("refund_amount", .fen),
        "充值券退款金额": ("recharge_coupon_refund_amount", .fen),
        "代金券或立减优惠退款金额": ("coupon_refund_amount", .fen), "退款类型": ("refund_type", .text),
        "退款状态": ("refund_status", .text), "商品名称": ("description", .text), "商户数据包": ("attach", .text),
        "手续费": ("fee", .fen), "费率": ("fee_rate", .text), "订单金额": ("order_amount", .fen),
        "总金额": ("order_amount", .fen), "申请退款金额": ("refund_requested_amount", .fen),
        "费率备注": ("fee_remark", .text),
    ]
    static let tradeSummary: [String: (String, ColumnType)] = [
        "总交易单数": ("total_count", .count), "应结订单总金额": ("settlement_total", .fen),
        "退款总金额": ("refund_total", .fen), "充值券退款总金额": ("recharge_coupon_refund_total", .fen),
        "手续费总金额": ("fee_total", .fen), "订单总金额": ("order_total", .fen),
        "申请退款总金额": ("refund_requested_total", .fen),
    ]
    /// Fund-flow bill columns (`收支金额(元)`; older files write full-width parentheses, read the same).
    static let fundflow: [String: (String, ColumnType)] = [
        "记账时间": ("booked_time", .text), "微信支付业务单号": ("business_no", .text), "资金流水单号": ("flow_no", .text),
        "业务名称": ("business_name", .text), "业务类型": ("business_type", .text), "收支类型": ("direction", .direction),
        "收支金额(元)": ("amount", .fen), "账户结余(元)": ("balance", .fen), "资金变更提交申请人": ("applicant", .text),
        "备注": ("remark", .text), "业务凭证号": ("voucher_no", .text),
    ]
    static let fundflowSummary: [String: (String, ColumnType)] = [
        "资金流水总笔数": ("total_count", .count), "收入笔数": ("income_count", .count), "收入金额": ("income_total", .fen),
        "支出笔数": ("expense_count", .count), "支出金额": ("expense_total", .fen),
    ]

    /// A header cell as looked up: trimmed, full-width parentheses as ASCII.
    static func normalize(_ cell: String) -> String {
        var s = cell.replacing("（", with: "(").replacing("）", with: ")")
        while let f = s.first, f == " " || f == "\t" || f == "\u{FEFF}" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

/// Reads a bill line by line (the caller splits lines; ``LineSplitter`` does) and renders each detail line as one
/// JSON object, then the summary. Holds one line at a time.
public final class BillParser {
    enum State { case header, rows, summaryValues, done }

    public let kind: BillKind
    private var state = State.header
    private var header: [String] = []
    private var summaryHeader: [String] = []
    private var lineNumber = 0
    /// Detail lines read so far.
    public private(set) var rows: Int64 = 0
    private var summaryValues: [String: JSONValue] = [:]

    public init(kind: BillKind) { self.kind = kind }

    /// `BILL_MALFORMED` (exit 65): the file is not a bill of the documented shape; `line` says where.
    public static func malformed(_ message: String, line: Int) -> FunctionError {
        FunctionError(code: "BILL_MALFORMED", message: "the bill is malformed at line \(line): \(message)",
                      retryable: false, exitStatus: ExitStatus.dataError, httpStatus: 502,
                      details: ["line": .int(Int64(line))])
    }

    /// Reads one line (without its line break; a trailing `\r` is ignored).
    /// - Returns: the row object of a detail line; `nil` for the other lines.
    public func line(_ raw: ArraySlice<UInt8>) throws(FunctionError) -> JSONValue? {
        lineNumber += 1
        var bytes = raw
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            if state == .header { throw BillParser.malformed("the bill does not start with its header", line: lineNumber) }
            return nil
        }
        switch state {
        case .header:
            header = String(decoding: bytes, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
                .map { BillColumns.normalize(String($0)) }
            let needed = kind == .trade ? ["交易时间", "商户订单号"] : ["记账时间", "收支金额(元)"]
            for name in needed where !header.contains(name) {
                throw BillParser.malformed("the header has no \(name) column: not a \(kind.rawValue) bill",
                                           line: lineNumber)
            }
            state = .rows
            return nil
        case .rows:
            if bytes.first == UInt8(ascii: "`") {
                let cells = BillParser.cells(bytes)
                guard cells.count == header.count else {
                    throw BillParser.malformed("\(cells.count) values for \(header.count) columns", line: lineNumber)
                }
                rows += 1
                return try render(cells, columns: header,
                                  known: kind == .trade ? BillColumns.trade : BillColumns.fundflow, detail: true)
            }
            summaryHeader = String(decoding: bytes, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
                .map { BillColumns.normalize(String($0)) }
            state = .summaryValues
            return nil
        case .summaryValues:
            guard bytes.first == UInt8(ascii: "`") else {
                throw BillParser.malformed("the summary line must follow the summary header", line: lineNumber)
            }
            let cells = BillParser.cells(bytes)
            guard cells.count == summaryHeader.count else {
                throw BillParser.malformed("\(cells.count) summary values for \(summaryHeader.count) columns",
                                           line: lineNumber)
            }
            let summary = try render(cells, columns: summaryHeader,
                                     known: kind == .trade ? BillColumns.tradeSummary : BillColumns.fundflowSummary,
                                     detail: false)
            summaryValues = summary.objectValue ?? [:]
            state = .done
            return nil
        case .done:
            throw BillParser.malformed("text after the summary line", line: lineNumber)
        }
    }

    /// WeChat's totals as read from the summary line, plus `rows` (detail lines read).
    /// - Throws: `BILL_MALFORMED` when the file ended before its summary line.
    public func finish() throws(FunctionError) -> [String: JSONValue] {
        guard state == .done else {
            throw BillParser.malformed("the bill ends before its summary line", line: lineNumber + 1)
        }
        var o = summaryValues
        o["rows"] = .int(rows)
        o["kind"] = .string(kind.rawValue)
        return o
    }

    /// The values of a line whose every value starts with a backtick: split at each `,` + backtick, so a comma
    /// inside a value (a description, JSON merchant data) does not split it.
    static func cells(_ bytes: ArraySlice<UInt8>) -> [String] {
        var cells: [String] = []
        var start = bytes.startIndex + 1  // past the first backtick
        var i = start
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: ","), i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "`") {
                cells.append(String(decoding: bytes[start..<i], as: UTF8.self))
                start = i + 2
                i = start
            } else {
                i += 1
            }
        }
        cells.append(String(decoding: bytes[start..<bytes.endIndex], as: UTF8.self))
        return cells
    }

    private func render(_ cells: [String], columns: [String], known: [String: (String, ColumnType)], detail: Bool)
        throws(FunctionError) -> JSONValue
    {
        var o: [String: JSONValue] = [:]
        var extra: [String: JSONValue] = [:]
        for (name, raw) in zip(columns, cells) {
            let text = raw.trimmingSpaces
            guard let (key, type) = known[name] else {
                if !name.isEmpty { extra[name] = text.isEmpty ? .null : .string(text) }
                continue
            }
            switch type {
            case .text:
                o[key] = text.isEmpty ? .null : .string(text)
            case .id:
                o[key] = text.isEmpty || text == "0" ? .null : .string(text)
            case .fen:
                if text.isEmpty { o[key] = .null; continue }
                guard let fen = Fen.parse(text) else {
                    throw BillParser.malformed("\(name) is not an amount in yuan with whole fen", line: lineNumber)
                }
                o[key] = .int(fen)
            case .count:
                guard let n = Fen.count(text) else {
                    throw BillParser.malformed("\(name) is not a count", line: lineNumber)
                }
                o[key] = .int(n)
            case .direction:
                o[key] = text == "收入" ? "income" : text == "支出" ? "expense" : (text.isEmpty ? .null : .string(text))
            }
        }
        if !extra.isEmpty { o["extra"] = .object(extra) }
        if detail {
            switch kind {
            case .trade: o["record"] = o["trade_state"]?.stringValue == "REFUND" ? "refund" : "payment"
            case .fundflow: o["record"] = "fund_flow"
            }
        }
        return .object(o)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// Splits a byte stream into lines (at `\n`), holding at most one line; a line longer than `maxLineBytes` is
/// refused.
public struct LineSplitter {
    private var partial: [UInt8] = []
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 1 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds `chunk`; `line` gets each complete line (without `\n`).
    /// - Returns: `false` when a line passed `maxLineBytes` (nothing more should be fed).
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>,
                              _ line: (ArraySlice<UInt8>) throws(FunctionError) -> Void) throws(FunctionError) -> Bool
    {
        var start = 0
        for i in 0..<chunk.count where chunk[i] == 0x0A {
            if partial.isEmpty {
                try line(Array(UnsafeBufferPointer(rebasing: chunk[start..<i]))[...])
            } else {
                partial.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<i]))
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                try line(whole[...])
            }
            start = i + 1
        }
        partial.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<chunk.count]))
        return partial.count <= maxLineBytes
    }

    /// The last line when the stream does not end with `\n`.
    public mutating func finish(_ line: (ArraySlice<UInt8>) throws(FunctionError) -> Void) throws(FunctionError) {
        if !partial.isEmpty {
            let whole = partial
            partial = []
            try line(whole[...])
        }
    }
}
