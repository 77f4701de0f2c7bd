import HTTPTypes
import Hummingbird
import KitCore
import NIOCore
import WxPayCore
import WxPayCrypto
import WxPaySandbox
import WxPayZlib

/// WeChat Pay's bill API on the emulator (docs/functions.md#wxpay-emulator): `GET /v3/bill/tradebill` and
/// `GET /v3/bill/fundflowbill` make a bill of the emulator's own orders and refunds for a China-time day and answer
/// (signed) its `download_url`, `hash_type` `SHA1` and `hash_value` (over the decompressed bytes);
/// `GET /v3/billdownload/file?token=…` serves the file (gzip when `tar_type=GZIP` was asked) to a signed request,
/// unsigned like WeChat Pay's. The fault `bill-hash-mismatch` breaks the pair: on the query, a wrong `hash_value`;
/// on the download, one changed byte.
struct BillRoutes: Sendable {
    let emulator: Emulator

    func register(on router: Router<EmulatorContext>) {
        let merchant = MerchantRoutes(emulator: emulator)
        router.get("/v3/bill/tradebill") { request, context in
            await merchant.handle(request, context, operation: "bill.trade") { call throws(WeChatAPIError) in
                let date = try BillRoutes.date(call)
                let type = call.query("bill_type") ?? "ALL"
                guard ["ALL", "SUCCESS", "REFUND"].contains(type) else {
                    throw .paramError("bill_type", "must be ALL, SUCCESS or REFUND", location: "query")
                }
                let text = BillWriter.trade(date: date, type: type, orders: await emulator.ledger.allOrders(),
                                            refunds: await emulator.ledger.allRefunds(), merchant: emulator.side)
                return try await BillRoutes.answer(text, call: call)
            }
        }
        router.get("/v3/bill/fundflowbill") { request, context in
            await merchant.handle(request, context, operation: "bill.fundflow") { call throws(WeChatAPIError) in
                let date = try BillRoutes.date(call)
                let account = call.query("account_type") ?? "BASIC"
                guard ["BASIC", "OPERATION", "FEES"].contains(account) else {
                    throw .paramError("account_type", "must be BASIC, OPERATION or FEES", location: "query")
                }
                let text = BillWriter.fundflow(date: date, account: account, orders: await emulator.ledger.allOrders(),
                                               refunds: await emulator.ledger.allRefunds())
                return try await BillRoutes.answer(text, call: call)
            }
        }
        router.get("/v3/billdownload/file") { request, context in
            await download(request, context)
        }
    }

    /// `bill_date`: `yyyy-MM-dd`, not after the emulator's today (China time).
    static func date(_ call: MerchantCall) throws(WeChatAPIError) -> String {
        guard let date = call.query("bill_date"), date.utf8.count == 10,
              ChinaTime.parse(date + "T00:00:00+08:00") != nil
        else { throw .paramError("bill_date", "must be yyyy-MM-dd", location: "query") }
        if let tar = call.query("tar_type"), tar != "GZIP" {
            throw .paramError("tar_type", "must be GZIP or absent", location: "query")
        }
        return date
    }

    /// Stores the file (gzip when asked) under a fresh token and answers where it is and its SHA-1.
    static func answer(_ text: [UInt8], call: MerchantCall) async throws(WeChatAPIError) -> APIAnswer {
        let gzip = call.query("tar_type") == "GZIP"
        var hash = Digest.sha1Hex { update in text.withUnsafeBytes { update($0) } }
        if call.fault?.kind == .billHashMismatch {
            // A wrong digest of the same length: the last hex digit changed.
            hash = String(hash.dropLast()) + (hash.last == "0" ? "1" : "0")
        }
        let token = SecureRandom.alphanumeric(48)
        await BillStore.shared.put(token: token, file: BillStore.File(text: text, gzip: gzip))
        let authority = call.request.head.authority ?? "127.0.0.1"
        return .ok([
            "hash_type": "SHA1", "hash_value": .string(hash),
            "download_url": .string("http://\(authority)/v3/billdownload/file?token=\(token)"),
        ])
    }

    /// The file: the request must be signed by the merchant (the answer is not signed, as WeChat Pay's is not).
    func download(_ request: Request, _ context: EmulatorContext) async -> Response {
        let path = request.uri.path
        let fault = await emulator.faults.take(path: path, method: request.method.rawValue)
        let logged = await emulator.configuration.requestLog?.append(
            method: request.method.rawValue, target: request.head.path ?? path, body: [])
        let outcome = await serveFile(request, context, fault: fault)
        if let logged {
            await emulator.configuration.requestLog?.answered(
                seq: logged, status: Int(outcome.response.status.code), code: outcome.code, fault: fault?.kind.rawValue)
        }
        return outcome.response
    }

    /// The answer, and the WeChat-style code of an error answer (for the request log).
    func serveFile(_ request: Request, _ context: EmulatorContext, fault: FaultRule?) async
        -> (response: Response, code: String?)
    {
        let path = request.uri.path
        func json(_ status: Int, _ error: WeChatAPIError) -> (response: Response, code: String?) {
            let body = (try? JSONCoding.encode(error.body)) ?? []
            var fields = HTTPFields()
            fields[.contentType] = "application/json; charset=utf-8"
            return (Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body))),
                    error.body["code"]?.stringValue)
        }
        if let fault {
            switch fault.kind {
            case .delay: try? await Task.sleep(nanoseconds: UInt64(fault.delayMs) * 1_000_000)
            case .reset:
                await context.resetConnection()
                return json(500, .systemError)
            case .billHashMismatch: break
            default: return json(500, .systemError)
            }
        }
        do throws(WeChatAPIError) {
            _ = try emulator.authenticator.verify(method: "GET", target: request.head.path ?? path, body: [],
                                                  authorization: request.headers[.authorization],
                                                  now: System.unixTime())
        } catch {
            return json(error.status, error)
        }
        guard let token = request.uri.queryParameters.get("token").map({ String($0) }),
              let file = await BillStore.shared.get(token: token)
        else { return json(404, WeChatAPIError(status: 404, code: "RESOURCE_NOT_EXISTS", message: "账单文件不存在或已过期")) }
        var text = file.text
        if fault?.kind == .billHashMismatch, !text.isEmpty {
            let i = text.count - 3
            text[i] = text[i] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        }
        let body: [UInt8]
        if file.gzip {
            guard let packed = try? Gzip.compress(text) else { return json(500, .systemError) }
            body = packed
        } else {
            body = text
        }
        var fields = HTTPFields()
        fields[.contentType] = file.gzip ? "application/octet-stream" : "text/plain; charset=utf-8"
        fields[HTTPField.Name("Request-ID")!] = UUIDText.random()
        return (Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body))), nil)
    }
}

/// The bill files handed out, each for 5 minutes (WeChat Pay's download URLs are short-lived too).
actor BillStore {
    struct File: Sendable {
        var text: [UInt8]
        var gzip: Bool
    }

    static let shared = BillStore()
    private var files: [String: (file: File, until: Int64)] = [:]

    func put(token: String, file: File) {
        let now = System.unixTime()
        files = files.filter { $0.value.until > now }
        files[token] = (file, now + 300)
    }

    func get(token: String) -> File? {
        guard let entry = files[token], entry.until > System.unixTime() else { return nil }
        return entry.file
    }
}

/// Writes WeChat Pay's bill files from the emulator's books: the header, detail lines whose every value starts
/// with a backtick, the summary header and the summary line, `\r\n` line ends, a UTF-8 byte-order mark first.
/// Fees are 0.6% of the amount rounded half up to the fen (refunds: negative), written with 5 decimals.
enum BillWriter {
    static let allColumns = ["交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
                             "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号",
                             "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
                             "手续费", "费率", "订单金额", "申请退款金额", "费率备注"]
    static let successColumns = ["交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
                                 "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
                                 "商品名称", "商户数据包", "手续费", "费率", "订单金额", "费率备注"]
    static let refundColumns = ["交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
                                "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额",
                                "退款申请时间", "退款成功时间", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额",
                                "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额",
                                "费率备注"]
    static let tradeSummary = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    static let fundflowColumns = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号"
    static let fundflowSummary = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"

    /// `yyyy-MM-dd HH:mm:ss`, China time.
    static func time(_ unix: Int64) -> String {
        let t = ChinaTime.format(unix: unix)
        return String(t.prefix(10)) + " " + String(t.dropFirst(11).prefix(8))
    }

    static func onDate(_ unix: Int64?, _ date: String) -> Bool {
        guard let unix else { return false }
        return ChinaTime.format(unix: unix).hasPrefix(date)
    }

    /// Fen as yuan with 2 decimals (`-` for negatives).
    static func yuan(_ fen: Int64) -> String {
        let a = fen.magnitude
        let cents = a % 100
        return (fen < 0 ? "-" : "") + "\(a / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// Fen as yuan with 5 decimals, as WeChat writes fees.
    static func fee(_ fen: Int64) -> String { yuan(fen) + "000" }

    /// 0.6% of `amount`, rounded half up to the fen.
    static func feeOf(_ amount: Int64) -> Int64 { (amount * 6 + 500) / 1000 }

    static func line(_ values: [String]) -> String { values.map { "`" + $0 }.joined(separator: ",") }

    static func trade(date: String, type: String, orders: [OrderRecord], refunds: [RefundRecord],
                      merchant: WeChatSide) -> [UInt8]
    {
        let columns = type == "SUCCESS" ? successColumns : type == "REFUND" ? refundColumns : allColumns
        var rows: [(Int64, [String: String])] = []
        var (settlement, refundTotal, feeTotal, orderTotal) = (Int64(0), Int64(0), Int64(0), Int64(0))
        let byNo = Dictionary(orders.map { ($0.request.outTradeNo, $0) }, uniquingKeysWith: { a, _ in a })
        if type != "REFUND" {
            for o in orders where o.state.isPaid && onDate(o.successTime, date) {
                let cut = feeOf(o.request.total)
                settlement += o.request.total
                orderTotal += o.request.total
                feeTotal += cut
                rows.append((o.successTime ?? 0, [
                    "交易时间": time(o.successTime ?? 0), "公众账号ID": o.request.appid, "商户号": o.request.mchid,
                    "特约商户号": "0", "设备号": "", "微信订单号": o.transactionID ?? "", "商户订单号": o.request.outTradeNo,
                    "用户标识": o.payerOpenID ?? "", "交易类型": o.request.tradeType.wechatName, "交易状态": "SUCCESS",
                    "付款银行": "OTHERS", "货币种类": o.request.currency, "应结订单金额": yuan(o.request.total),
                    "代金券金额": "0.00", "微信退款单号": "0", "商户退款单号": "0", "退款金额": "0.00", "充值券退款金额": "0.00",
                    "退款类型": "", "退款状态": "", "退款申请时间": "", "退款成功时间": "",
                    "商品名称": o.request.description, "商户数据包": o.request.attach ?? "", "手续费": fee(cut),
                    "费率": "0.60%", "订单金额": yuan(o.request.total), "申请退款金额": "0.00", "费率备注": "",
                ]))
            }
        }
        if type != "SUCCESS" {
            for r in refunds where onDate(r.createdAt, date) {
                let order = byNo[r.outTradeNo]
                let cut = -feeOf(r.request.refund)
                refundTotal += r.request.refund
                feeTotal += cut
                rows.append((r.createdAt, [
                    "交易时间": time(r.createdAt), "公众账号ID": order?.request.appid ?? merchant.appid,
                    "商户号": merchant.mchid, "特约商户号": "0", "设备号": "", "微信订单号": r.transactionID,
                    "商户订单号": r.outTradeNo, "用户标识": order?.payerOpenID ?? "",
                    "交易类型": order?.request.tradeType.wechatName ?? "", "交易状态": "REFUND", "付款银行": "OTHERS",
                    "货币种类": r.request.currency, "应结订单金额": "0.00", "代金券金额": "0.00",
                    "退款申请时间": time(r.createdAt), "退款成功时间": r.successTime.map(time) ?? "",
                    "微信退款单号": r.refundID, "商户退款单号": r.request.outRefundNo, "退款金额": yuan(r.request.refund),
                    "充值券退款金额": "0.00", "退款类型": "ORIGINAL", "退款状态": r.status,
                    "商品名称": order?.request.description ?? "", "商户数据包": order?.request.attach ?? "",
                    "手续费": fee(cut), "费率": "0.60%", "订单金额": "0.00", "申请退款金额": yuan(r.request.refund),
                    "费率备注": "",
                ]))
            }
        }
        rows.sort { $0.0 < $1.0 }
        var text = "\u{FEFF}" + columns.joined(separator: ",") + "\r\n"
        for (_, values) in rows { text += line(columns.map { values[$0] ?? "" }) + "\r\n" }
        text += tradeSummary + "\r\n"
        text += line(["\(rows.count)", yuan(settlement), yuan(refundTotal), "0.00", fee(feeTotal), yuan(orderTotal),
                      yuan(refundTotal)]) + "\r\n"
        return Array(text.utf8)
    }

    /// The fund flow of the basic account: each payment's income, its fee, each refund (the operation and fees
    /// accounts have no movements in the emulator).
    static func fundflow(date: String, account: String, orders: [OrderRecord], refunds: [RefundRecord]) -> [UInt8] {
        var moves: [(Int64, String, String, String, Bool, Int64, String)] = []  // time, no, name, type, income, fen, voucher
        if account == "BASIC" {
            for o in orders where o.state.isPaid && onDate(o.successTime, date) {
                let t = o.successTime ?? 0
                moves.append((t, o.transactionID ?? "", "交易", "交易", true, o.request.total, o.request.outTradeNo))
                moves.append((t, o.transactionID ?? "", "交易", "扣除交易手续费", false, feeOf(o.request.total),
                              o.request.outTradeNo))
            }
            for r in refunds where onDate(r.createdAt, date) {
                moves.append((r.createdAt, r.refundID, "退款", "退款", false, r.request.refund, r.request.outRefundNo))
            }
        }
        moves.sort { $0.0 < $1.0 }
        var balance: Int64 = 0
        var (incomeCount, incomeTotal, expenseCount, expenseTotal) = (0, Int64(0), 0, Int64(0))
        var text = "\u{FEFF}" + fundflowColumns + "\r\n"
        for (i, m) in moves.enumerated() {
            balance += m.4 ? m.5 : -m.5
            if m.4 { incomeCount += 1; incomeTotal += m.5 } else { expenseCount += 1; expenseTotal += m.5 }
            text += line([time(m.0), m.1, "\(date.filter(\.isNumber))\(String(1_000_000 + i).dropFirst())", m.2, m.3,
                          m.4 ? "收入" : "支出", yuan(m.5), yuan(balance), "system", "", m.6]) + "\r\n"
        }
        text += fundflowSummary + "\r\n"
        text += line(["\(moves.count)", "\(incomeCount)", yuan(incomeTotal), "\(expenseCount)", yuan(expenseTotal)])
            + "\r\n"
        return Array(text.utf8)
    }
}
