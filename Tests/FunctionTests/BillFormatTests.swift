import KitCore
import Testing
import WxPayBills
import WxPayZlib

/// WeChat Pay's bill format as `download-bill` reads it (the layouts of docs/functions.md#the-file-format), yuan to
/// fen without floating point, and the gzip wrapper over zlib.
@Suite("Bill files")
struct BillFormatTests {
    @Test("Yuan to fen, exactly", arguments: [
        ("1.00", Int64(100)), ("0.01", 1), ("1999.99", 199_999), ("-0.27000", -27), ("7.79000", 779), ("0", 0),
        ("12", 1200), ("0.1", 10), ("+3.50", 350), ("123456789012345.67", 12_345_678_901_234_567),
    ])
    func fen(_ text: String, _ value: Int64) {
        #expect(Fen.parse(text) == value)
    }

    @Test("Not an amount in whole fen", arguments: ["", "-", ".5", "1.", "1.001", "0.00006", "1e2", "1,00", "¥1.00",
                                                    "1234567890123456.00", " 1.00"])
    func notFen(_ text: String) {
        #expect(Fen.parse(text) == nil)
    }

    @Test("Counts: digits, or digits and .0")
    func counts() {
        #expect(Fen.count("48") == 48 && Fen.count("20.0") == 20 && Fen.count("3.00") == 3)
        #expect(Fen.count("2.5") == nil && Fen.count("") == nil && Fen.count("-1") == nil && Fen.count("3.") == nil)
    }

    static func parse(_ text: String, kind: BillKind) throws(FunctionError) -> ([JSONValue], [String: JSONValue]) {
        let parser = BillParser(kind: kind)
        var rows: [JSONValue] = []
        var splitter = LineSplitter()
        let bytes = Array(text.utf8)
        var failure: FunctionError? = nil
        bytes.withUnsafeBufferPointer { buffer in
            do throws(FunctionError) {
                _ = try splitter.feed(buffer) { (line) throws(FunctionError) in
                    if let row = try parser.line(line) { rows.append(row) }
                }
                try splitter.finish { (line) throws(FunctionError) in
                    if let row = try parser.line(line) { rows.append(row) }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return (rows, try parser.finish())
    }

    @Test("The REFUND layout (29 columns, the two refund times), a BOM, CRLF, commas inside values")
    func refundLayout() throws {
        let text = "\u{FEFF}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
            + "货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,"
            + "退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n"
            + "`2026-11-30 20:53:36,`wx0000000000000001,`1900000109,`0,`,`4200000000202611300000000001,`order-1,"
            + "`oUser,`JSAPI,`REFUND,`CFT,`CNY,`0.00,`0.00,`2026-11-30 20:53:36,`2026-11-30 20:53:40,"
            + "`50300000000000000000000000001,`rf-1,`0.01,`0.00,`ORIGINAL,`SUCCESS,`Tea, green,`{\"a\":1,\"b\":2},"
            + "`0.00000,`0.60%,`0.00,`0.01,`\r\n"
            + "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
            + "`1,`0.00,`0.01,`0.00,`-0.02000,`0.00,`0.01\r\n"
        let (rows, summary) = try Self.parse(text, kind: .trade)
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["record"] == "refund" && row["out_refund_no"] == "rf-1" && row["refund_amount"] == 1)
        #expect(row["refund_requested_time"] == "2026-11-30 20:53:36" && row["refund_success_time"] == "2026-11-30 20:53:40")
        #expect(row["description"] == "Tea, green" && row["attach"] == "{\"a\":1,\"b\":2}")
        #expect(row["sub_mchid"] == .null && row["device_info"] == .null && row["fee"] == 0)
        #expect(summary["total_count"] == 1 && summary["refund_total"] == 1 && summary["fee_total"] == -2)
        #expect(summary["rows"] == 1 && summary["kind"] == "trade")
    }

    @Test("The fund-flow layout (full-width parentheses, counts written 20.0); an unknown column goes to extra")
    func fundflowLayout() throws {
        let text = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,"
            + "业务凭证号,新列\n"
            + "`2026-11-30 04:21:23,`50000000000000000000000000001,`1900000000000000000001,`退款,`退款,`支出,`0.02,`0.17,"
            + "`system,`缺货,`REF1,`x\n"
            + "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\n`1.0,`0.0,`0.00,`1.0,`0.02\n"
        let (rows, summary) = try Self.parse(text, kind: .fundflow)
        let row = try #require(rows.first)
        #expect(row["record"] == "fund_flow" && row["direction"] == "expense" && row["amount"] == 2 && row["balance"] == 17)
        #expect(row["extra"]?["新列"] == "x")
        #expect(summary["total_count"] == 1 && summary["expense_total"] == 2 && summary["income_count"] == 0)
    }

    @Test("Malformed bills are BILL_MALFORMED with the line", arguments: [
        ("", 1), ("交易时间,商户订单号\n`a,`b\n", 3),                                  // no summary line
        ("交易时间,商户订单号\n`a\n总交易单数\n`1\n", 2),                                // a value missing
        ("交易时间,商户订单号,订单金额\n`a,`b,`1.005\n总交易单数\n`1\n", 2),              // sub-fen amount
        ("交易时间,商户订单号\n总交易单数\n`x\n", 3),                                   // a count that is not one
        ("交易时间,商户订单号\n总交易单数\n`1\nmore\n", 4),                              // text after the summary
        ("记账时间,收支金额(元)\n", 1),                                               // a fund-flow header for a trade bill
    ])
    func malformed(_ text: String, _ line: Int64) {
        do throws(FunctionError) {
            _ = try Self.parse(text, kind: .trade)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.code == "BILL_MALFORMED", "\(error)")
            #expect(error.details["line"]?.intValue == line, "\(text): \(error)")
        }
    }

    @Test("gzip round trip through the dlopen'ed zlib, concatenated members, and a cut stream")
    func gzip() throws {
        let text = Array(String(repeating: "`2026-11-30,`账单,`1.00\r\n", count: 5000).utf8)
        let packed = try Gzip.compress(text)
        #expect(packed.count < text.count / 10 && packed.prefix(2) == [0x1F, 0x8B])
        #expect(try Gzip.decompress(packed, limit: 1 << 20) == text)
        #expect(try Gzip.decompress(packed + (try Gzip.compress(Array("tail".utf8))), limit: 1 << 20)
            == text + Array("tail".utf8))
        #expect(throws: ZlibError.self) { try Gzip.decompress(Array(packed.dropLast(8)), limit: 1 << 20) }
        #expect(throws: ZlibError.self) { try Gzip.decompress(text, limit: 1 << 20) }
        #expect(throws: ZlibError.self) { try Gzip.decompress(packed, limit: 1000) }
    }

    @Test("China dates of RFC 3339 times")
    func chinaDates() {
        #expect(Reconciler.chinaDate("2026-12-02T23:59:59+08:00") == "2026-12-02")
        #expect(Reconciler.chinaDate("2026-12-02T16:00:00Z") == "2026-12-03")
        #expect(Reconciler.chinaDate("2026-12-02T15:59:59Z") == "2026-12-02")
        #expect(Reconciler.chinaDate("not a time") == nil && Reconciler.chinaDate(nil) == nil)
    }
}
