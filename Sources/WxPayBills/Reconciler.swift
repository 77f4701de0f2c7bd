import KitCore
import WxPayTime

/// Joins a trade bill (download-bill's NDJSON) with the events webhook handed off (docs/handoff.md) and names every
/// difference (docs/functions.md#reconcile). The bill is held as one small record per row; the events as one
/// small record per payment or refund (deduplicated by event `id`).
public final class Reconciler {
    struct BillRecord {
        var key: String
        var outTradeNo: String?
        var transactionID: String?
        var refundID: String?
        var amount: Int64?
        var status: String
        var time: String?
    }

    struct EventRecord {
        var id: String
        var amount: Int64?
        var status: String
        /// The China date (`yyyy-MM-dd`) the bill files it under: the payment's success time, the refund's
        /// acceptance (`create_time`, else success) time.
        var date: String?
        var outTradeNo: String?
    }

    private var payments: [String: BillRecord] = [:]
    private var refunds: [String: BillRecord] = [:]
    private var paymentOrder: [String] = []
    private var refundOrder: [String] = []
    private var billSummary: [String: JSONValue]?
    private var billLine = 0
    private var eventLine = 0

    private var paymentEvents: [String: EventRecord] = [:]
    private var refundEvents: [String: EventRecord] = [:]
    private var paymentEventOrder: [String] = []
    private var refundEventOrder: [String] = []
    private var seenEventIDs: Set<String> = []
    private var eventsRead: Int64 = 0
    private var eventsDuplicate: Int64 = 0
    private var eventsSkipped: Int64 = 0
    private var eventsOther: Int64 = 0

    public init() {}

    /// `RECONCILE_INPUT_INVALID` (exit 65): a line of the bill or of the events file cannot be used.
    public static func invalid(_ message: String, field: String) -> FunctionError {
        FunctionError(code: "RECONCILE_INPUT_INVALID", message: message, retryable: false,
                      exitStatus: ExitStatus.dataError, httpStatus: 400, details: ["field": .string(field)])
    }

    /// `BILL_INCOMPLETE` (exit 65): the bill input carries an error line (download-bill failed) or ends without
    /// its summary line: nothing is reconciled against a partial bill.
    public static func incomplete(_ message: String, upstream: JSONValue? = nil) -> FunctionError {
        var details: [String: JSONValue] = [:]
        if let upstream { details["upstream_code"] = upstream }
        return FunctionError(code: "BILL_INCOMPLETE", message: message, retryable: false,
                             exitStatus: ExitStatus.dataError, httpStatus: 400, details: details)
    }

    // MARK: The bill

    /// One line of download-bill's output (blank lines are skipped).
    public func addBillLine(_ bytes: ArraySlice<UInt8>) throws(FunctionError) {
        billLine += 1
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        guard let value = try? JSONCoding.value(from: bytes), case .object(let o) = value else {
            throw Reconciler.invalid("bill line \(billLine) is not a JSON object", field: "bill")
        }
        if billSummary != nil {
            throw Reconciler.invalid("bill line \(billLine) follows the summary line", field: "bill")
        }
        if let error = o["error"] {
            throw Reconciler.incomplete("the bill input carries an error (\(error["code"]?.stringValue ?? "?")): "
                + (error["message"]?.stringValue ?? "download-bill failed"), upstream: error["code"])
        }
        if let summary = o["summary"] {
            guard let s = summary.objectValue else {
                throw Reconciler.invalid("bill line \(billLine): summary is not an object", field: "bill")
            }
            guard s["kind"]?.stringValue == BillKind.trade.rawValue else {
                throw Reconciler.invalid("reconcile needs a trade bill (kind trade), not \(s["kind"]?.stringValue ?? "?")",
                                         field: "bill")
            }
            billSummary = s
            return
        }
        func text(_ k: String) -> String? { o[k]?.stringValue }
        switch text("record") {
        case "payment":
            guard let no = text("out_trade_no") else {
                throw Reconciler.invalid("bill line \(billLine): a payment row without out_trade_no", field: "bill")
            }
            if payments[no] == nil { paymentOrder.append(no) }
            payments[no] = BillRecord(key: no, outTradeNo: no, transactionID: text("transaction_id"),
                                      amount: o["order_amount"]?.intValue ?? o["settlement_amount"]?.intValue,
                                      status: text("trade_state") ?? "", time: text("trade_time"))
        case "refund":
            guard let no = text("out_refund_no") else {
                throw Reconciler.invalid("bill line \(billLine): a refund row without out_refund_no", field: "bill")
            }
            if refunds[no] == nil { refundOrder.append(no) }
            refunds[no] = BillRecord(key: no, outTradeNo: text("out_trade_no"), transactionID: text("transaction_id"),
                                     refundID: text("refund_id"),
                                     amount: o["refund_requested_amount"]?.intValue ?? o["refund_amount"]?.intValue,
                                     status: text("refund_status") ?? "", time: text("trade_time"))
        default:
            throw Reconciler.invalid("bill line \(billLine): record must be payment or refund (a trade bill row)",
                                     field: "bill")
        }
    }

    /// Checks that the bill ended with its summary.
    public func finishBill() throws(FunctionError) {
        guard billSummary != nil else {
            throw Reconciler.incomplete("the bill input ends without download-bill's summary line")
        }
    }

    // MARK: The events

    /// One line of the events file. Lines that are not JSON objects are skipped (a writer killed mid-append leaves
    /// one; docs/handoff.md); a sealed line is refused.
    public func addEventLine(_ bytes: ArraySlice<UInt8>) throws(FunctionError) {
        eventLine += 1
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        guard let value = try? JSONCoding.value(from: bytes), case .object(let o) = value else {
            eventsSkipped += 1
            return
        }
        if o["sealed"] != nil {
            throw Reconciler.invalid("events line \(eventLine) is sealed (WXPAY_EVENTS_SEAL=sm4): reconcile reads "
                + "plain events", field: "events")
        }
        guard let id = o["id"]?.stringValue, let type = o["type"]?.stringValue else {
            eventsSkipped += 1
            return
        }
        eventsRead += 1
        guard seenEventIDs.insert(id).inserted else {
            eventsDuplicate += 1
            return
        }
        let resource = o["resource"]
        if type.hasPrefix("payment.") {
            guard let no = o["out_trade_no"]?.stringValue else { eventsSkipped += 1; return }
            let status = o["trade_state"]?.stringValue ?? (type == "payment.success" ? "SUCCESS" : "PAYERROR")
            let record = EventRecord(id: id, amount: o["amount"]?.intValue, status: status,
                                     date: Reconciler.chinaDate(o["success_time"]?.stringValue), outTradeNo: no)
            // A success outranks a failure for the same order (the failure came first, or was a duplicate of it).
            if let existing = paymentEvents[no], existing.status == "SUCCESS", status != "SUCCESS" { return }
            if paymentEvents[no] == nil { paymentEventOrder.append(no) }
            paymentEvents[no] = record
        } else if type.hasPrefix("refund.") {
            guard let no = o["out_refund_no"]?.stringValue else { eventsSkipped += 1; return }
            let status = o["refund_status"]?.stringValue ?? String(type.dropFirst("refund.".count)).uppercased()
            let accepted = resource?["create_time"]?.stringValue ?? o["success_time"]?.stringValue
                ?? o["created_at"]?.stringValue
            if refundEvents[no] == nil { refundEventOrder.append(no) }
            refundEvents[no] = EventRecord(id: id, amount: o["amount"]?.intValue, status: status,
                                           date: Reconciler.chinaDate(accepted),
                                           outTradeNo: o["out_trade_no"]?.stringValue)
        } else {
            eventsOther += 1
        }
    }

    // MARK: The join

    /// Refund states compared by meaning: the bill writes `FAIL`/`CHANGE` where the API and notifications say
    /// `CLOSED`/`ABNORMAL`.
    static func refundState(_ s: String) -> String {
        switch s.uppercased() {
        case "SUCCESS": "SUCCESS"
        case "FAIL", "CLOSED": "CLOSED"
        case "CHANGE", "ABNORMAL": "ABNORMAL"
        case "PROCESSING", "": "PROCESSING"
        default: s.uppercased()
        }
    }

    /// Every difference (one JSON object each, bill order, then events order) and the summary object.
    public func run() -> (mismatches: [JSONValue], summary: JSONValue) {
        let summary = billSummary ?? [:]
        let billDate = summary["bill_date"]?.stringValue
        let billType = summary["bill_type"]?.stringValue ?? "ALL"
        let checkPayments = billType != "REFUND"
        let checkRefunds = billType != "SUCCESS"
        var out: [JSONValue] = []
        var counts: [String: Int64] = ["missing_event": 0, "missing_in_bill": 0, "amount_mismatch": 0,
                                       "status_mismatch": 0]
        var matched: Int64 = 0
        var refundsProcessing: Int64 = 0
        func emit(_ kind: String, _ fields: [String: JSONValue]) {
            var o = fields
            o["mismatch"] = .string(kind)
            counts[kind, default: 0] += 1
            out.append(.object(o))
        }
        func opt(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        func opt(_ n: Int64?) -> JSONValue { n.map { .int($0) } ?? .null }
        /// Compares one record found in both the bill and the events: emits its status and amount mismatches and
        /// counts it matched when there are none.
        func compare(_ base: [String: JSONValue], eventID: String, statusDiffers: Bool, billStatus: String,
                     eventStatus: String, billAmount: Int64?, eventAmount: Int64?) {
            var ok = true
            if statusDiffers {
                ok = false
                emit("status_mismatch", base.merging(["event_id": .string(eventID), "bill_status": .string(billStatus),
                                                      "event_status": .string(eventStatus)]) { $1 })
            }
            if eventAmount != billAmount {
                ok = false
                emit("amount_mismatch", base.merging(["event_id": .string(eventID), "bill_amount": opt(billAmount),
                                                      "event_amount": opt(eventAmount)]) { $1 })
            }
            if ok { matched += 1 }
        }

        if checkPayments {
            for no in paymentOrder {
                guard let row = payments[no] else { continue }
                let base: [String: JSONValue] = ["record": "payment", "out_trade_no": .string(no),
                                                 "transaction_id": opt(row.transactionID), "trade_time": opt(row.time)]
                guard let event = paymentEvents[no] else {
                    emit("missing_event", base.merging(["bill_amount": opt(row.amount),
                                                        "bill_status": .string(row.status)]) { $1 })
                    continue
                }
                compare(base, eventID: event.id, statusDiffers: event.status != row.status, billStatus: row.status,
                        eventStatus: event.status, billAmount: row.amount, eventAmount: event.amount)
            }
            for no in paymentEventOrder {
                guard let event = paymentEvents[no], payments[no] == nil, event.status == "SUCCESS",
                      billDate == nil || event.date == billDate else { continue }
                emit("missing_in_bill", ["record": "payment", "out_trade_no": .string(no), "event_id": .string(event.id),
                                         "event_amount": opt(event.amount), "event_status": .string(event.status)])
            }
        }
        if checkRefunds {
            for no in refundOrder {
                guard let row = refunds[no] else { continue }
                let billState = Reconciler.refundState(row.status)
                let base: [String: JSONValue] = ["record": "refund", "out_refund_no": .string(no),
                                                 "out_trade_no": opt(row.outTradeNo), "refund_id": opt(row.refundID),
                                                 "trade_time": opt(row.time)]
                guard let event = refundEvents[no] else {
                    // A refund still processing when the bill was made has no notification yet: not a loss.
                    if billState == "PROCESSING" {
                        refundsProcessing += 1
                    } else {
                        emit("missing_event", base.merging(["bill_amount": opt(row.amount),
                                                            "bill_status": .string(row.status)]) { $1 })
                    }
                    continue
                }
                // The bill is a snapshot: PROCESSING there and final in the notification is the normal order.
                let statusDiffers = billState != "PROCESSING" && billState != Reconciler.refundState(event.status)
                compare(base, eventID: event.id, statusDiffers: statusDiffers, billStatus: row.status,
                        eventStatus: event.status, billAmount: row.amount, eventAmount: event.amount)
            }
            for no in refundEventOrder {
                guard let event = refundEvents[no], refunds[no] == nil,
                      billDate == nil || event.date == billDate else { continue }
                emit("missing_in_bill", ["record": "refund", "out_refund_no": .string(no),
                                         "out_trade_no": opt(event.outTradeNo), "event_id": .string(event.id),
                                         "event_amount": opt(event.amount), "event_status": .string(event.status)])
            }
        }
        let total = counts.values.reduce(0, +)
        var mismatchCounts: [String: JSONValue] = [:]
        for (k, v) in counts { mismatchCounts[k] = .int(v) }
        let result: JSONValue = [
            "clean": .bool(total == 0), "bill_date": opt(billDate), "bill_type": .string(billType),
            "bill_payments": .int(Int64(payments.count)), "bill_refunds": .int(Int64(refunds.count)),
            "events_read": .int(eventsRead), "events_duplicate": .int(eventsDuplicate),
            "events_skipped": .int(eventsSkipped), "events_other": .int(eventsOther), "matched": .int(matched),
            "refunds_processing": .int(refundsProcessing), "mismatches": .int(total),
            "by_kind": .object(mismatchCounts),
        ]
        return (out, result)
    }

    /// The China-time date (`yyyy-MM-dd`, UTC+8) of an RFC 3339 time; `nil` when it does not parse.
    public static func chinaDate(_ text: String?) -> String? {
        guard let text, let unix = RFC3339.unixSeconds(text) else { return nil }
        let shifted = unix + 8 * 3600
        let days = shifted >= 0 ? shifted / 86400 : (shifted - 86399) / 86400
        let (y, m, d) = RFC3339.civilFromDays(days)
        func pad(_ v: Int64, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))"
    }
}
