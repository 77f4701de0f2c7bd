import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    /// download-bill and reconcile as processes against the emulator: the events file is made by the `webhook`
    /// executable from the emulator's real signed notifications.
    @Suite("download-bill and reconcile")
    struct Bills {
        /// Two paid intents (1999 and 500 fen), 300 fen refunded of the first (succeeded), the events file the
        /// webhook wrote from every notification the emulator sent.
        struct Day {
            let emulator: Emulator
            let first: String
            let second: String
            let outRefundNo: String
            let events: String
            let directory: TemporaryDirectory
            /// The China-time day the payments were made (from the emulator's books, not the clock: a test that runs
            /// across midnight in China still asks for the right day).
            let billDate: String
        }

        static func day() throws -> Day {
            let emulator = try Emulator(extra: ["--manual-refunds"])
            let first = try Refunds.paidIntent(emulator, amount: 1999)
            let second = try Refunds.paidIntent(emulator, amount: 500)
            let made = try emulator.run("refund", ["intent_id": .string(first), "amount": 300, "idempotency_key": "r-1",
                                                   "reason": "The item arrived damaged"])
            #expect(made.status == 0, "\(made)")
            let outRefundNo = try #require(try made.result()["out_refund_no"]?.stringValue)
            try emulator.control("POST", "/_emulator/refunds/\(outRefundNo)/succeed", [:])
            let directory = try TemporaryDirectory(prefix: "wxpay-bills")
            let events = directory.file("events.ndjson")
            let sent = try emulator.control("GET", "/_emulator/notifications")["notifications"]?.arrayValue ?? []
            #expect(sent.count == 3, "two payments and one refund notified: \(sent)")
            for n in sent {
                let request = try #require(n["request"])
                let envelope: JSONValue = ["httpMethod": "POST", "headers": request["headers"] ?? [:],
                                           "body": request["body"] ?? "", "isBase64Encoded": false]
                let run = try ChildProcess(try Executables.require("webhook"), stdin: try JSONCoding.encode(envelope),
                                           environment: emulator.environment(["WXPAY_EVENTS_FILE": events])).wait()
                #expect(run.status == 0, "\(run)")
            }
            let paid = try #require(try emulator.order(first)["success_time"]?.stringValue)
            return Day(emulator: emulator, first: first, second: second, outRefundNo: outRefundNo, events: events,
                       directory: directory, billDate: String(paid.prefix(10)))
        }

        static func lines(_ result: ProcessResult) throws -> [JSONValue] {
            try result.stdoutText.split(separator: "\n").map { try JSONCoding.value(from: Array($0.utf8)) }
        }

        static func download(_ day: Day, _ arguments: [String]? = nil, stdin: [UInt8] = [],
                             env: [String: String] = [:]) throws -> ProcessResult
        {
            try ChildProcess(try Executables.require("download-bill"), arguments ?? ["--bill-date", day.billDate],
                             stdin: stdin,
                             environment: day.emulator.environment(env)).wait()
        }

        static func reconcile(_ bill: [UInt8], events: String) throws -> ProcessResult {
            try ChildProcess(try Executables.require("reconcile"), ["--events", events], stdin: bill,
                             environment: ["LOG_LEVEL": "info"]).wait()
        }

        @Test("Today's gzip trade bill: rows in fen, WeChat's totals, SHA-1 checked; reconcile against the events is clean")
        func cleanDay() throws {
            let day = try Self.day()
            let run = try Self.download(day)
            #expect(run.status == 0, "\(run)")
            let lines = try Self.lines(run)
            let rows = lines.filter { $0["summary"] == nil }
            let summary = try #require(lines.last?["summary"], "\(run)")
            #expect(rows.count == 3)
            let payment = try #require(rows.first { $0["out_trade_no"]?.stringValue == day.first && $0["record"] == "payment" })
            #expect(payment["order_amount"] == 1999 && payment["settlement_amount"] == 1999)
            #expect(payment["fee"] == 12, "0.6% of 19.99 rounded: 0.12 yuan")
            #expect(payment["trade_state"] == "SUCCESS" && payment["refund_id"] == .null && payment["sub_mchid"] == .null)
            #expect(payment["attach"]?.stringValue?.contains(",") == true, "the kit's JSON attach keeps its commas")
            let refund = try #require(rows.first { $0["record"] == "refund" })
            #expect(refund["out_refund_no"]?.stringValue == day.outRefundNo)
            #expect(refund["refund_amount"] == 300 && refund["refund_requested_amount"] == 300)
            #expect(refund["refund_status"] == "SUCCESS" && refund["fee"] == -2)
            #expect(summary["rows"] == 3 && summary["total_count"] == 3)
            #expect(summary["order_total"] == 2499 && summary["refund_total"] == 300 && summary["fee_total"] == 13)
            #expect(summary["gzip"] == true && summary["hash_type"] == "SHA1", "\(summary)")
            let calls = try day.emulator.requests().map(\.target)
            #expect(calls.contains { $0.hasPrefix("/v3/bill/tradebill?") && $0.contains("tar_type=GZIP") }, "\(calls)")
            #expect(calls.contains { $0.hasPrefix("/v3/billdownload/file?token=") }, "\(calls)")
            #expect(try SchemaCheck.errors(lines.map {
                .init(schema: "functions/download-bill/output.schema.json", instance: $0, label: "bill line")
            }) == [])

            let clean = try Self.reconcile(run.stdout, events: day.events)
            #expect(clean.status == 0, "\(clean)")
            let out = try Self.lines(clean)
            #expect(out.count == 1, "no mismatch line: \(clean)")
            #expect(out.last?["summary"]?["clean"] == true && out.last?["summary"]?["matched"] == 3, "\(clean)")
            #expect(try SchemaCheck.errors(out.map {
                .init(schema: "functions/reconcile/output.schema.json", instance: $0, label: "reconcile line")
            }) == [])

            // The plain file and the event on stdin give the same rows.
            let plain = try Self.download(day, [], stdin: Array("{\"bill_date\":\"\(day.billDate)\",\"gzip\":false}".utf8))
            #expect(plain.status == 0, "\(plain)")
            #expect(try Self.lines(plain).filter { $0["summary"] == nil } == rows)
            #expect(try Self.lines(plain).last?["summary"]?["gzip"] == false)
        }

        @Test("A dropped event is missing_event, a changed amount amount_mismatch; exit 1")
        func mismatches() throws {
            let day = try Self.day()
            let run = try Self.download(day)
            #expect(run.status == 0, "\(run)")
            let eventLines = try String(contentsOfFile: day.events, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(eventLines.count == 3)

            // Drop the second payment's event: a lost notification.
            let dropped = day.directory.file("dropped.ndjson")
            try (eventLines.filter { !$0.contains(day.second) }.joined(separator: "\n") + "\n")
                .write(toFile: dropped, atomically: true, encoding: .utf8)
            let lost = try Self.reconcile(run.stdout, events: dropped)
            #expect(lost.status == 1, "\(lost)")
            let lostLines = try Self.lines(lost)
            let missing = lostLines.filter { $0["mismatch"] != nil }
            #expect(missing.count == 1, "\(lost)")
            #expect(missing.first?["mismatch"] == "missing_event" && missing.first?["out_trade_no"]?.stringValue == day.second)
            #expect(missing.first?["bill_amount"] == 500)
            #expect(lostLines.last?["summary"]?["clean"] == false)

            // Change the first payment's amount in its event.
            let changed = day.directory.file("changed.ndjson")
            let edited = try eventLines.map { line -> String in
                var o = try JSONCoding.value(from: Array(line.utf8)).objectValue ?? [:]
                if o["type"] == "payment.success", o["out_trade_no"]?.stringValue == day.first { o["amount"] = 1998 }
                return try JSONCoding.string(JSONValue.object(o))
            }
            try (edited.joined(separator: "\n") + "\n").write(toFile: changed, atomically: true, encoding: .utf8)
            let differ = try Self.reconcile(run.stdout, events: changed)
            #expect(differ.status == 1, "\(differ)")
            let d = try Self.lines(differ).filter { $0["mismatch"] != nil }
            #expect(d.count == 1, "\(differ)")
            #expect(d.first?["mismatch"] == "amount_mismatch" && d.first?["bill_amount"] == 1999
                && d.first?["event_amount"] == 1998, "\(differ)")

            // A duplicate delivery is not a difference; an event the bill lacks is missing_in_bill.
            let extra = day.directory.file("extra.ndjson")
            var o = try JSONCoding.value(from: Array(eventLines[0].utf8)).objectValue ?? [:]
            let duplicate = try JSONCoding.string(JSONValue.object(o))
            o["id"] = "EV-not-in-bill"
            o["out_trade_no"] = "ai_not_in_the_bill-1"
            try ((eventLines + [duplicate, try JSONCoding.string(JSONValue.object(o)), "{\"trunc"]).joined(separator: "\n")
                + "\n").write(toFile: extra, atomically: true, encoding: .utf8)
            let more = try Self.reconcile(run.stdout, events: extra)
            let m = try Self.lines(more)
            if o["type"] == "payment.success" {
                #expect(more.status == 1, "\(more)")
                #expect(m.filter { $0["mismatch"] != nil }.map { $0["mismatch"] } == ["missing_in_bill"], "\(more)")
            }
            #expect(m.last?["summary"]?["events_duplicate"] == 1 && m.last?["summary"]?["events_skipped"] == 1, "\(more)")
        }

        @Test("A bill whose SHA-1 does not match (on the query or the download) is BILL_HASH_MISMATCH, exit 77, no row")
        func hashMismatch() throws {
            let day = try Self.day()
            for prefix in ["/v3/bill/", "/v3/billdownload/"] {
                try day.emulator.inject(["kind": "bill-hash-mismatch", "path_prefix": .string(prefix)])
                let run = try Self.download(day)
                #expect(run.status == 77, "\(prefix): \(run)")
                let lines = try Self.lines(run)
                #expect(lines.count == 1, "only the error line: \(run)")
                #expect(run.errorCode == "BILL_HASH_MISMATCH", "\(run)")
                // Piped on, reconcile refuses the failed bill.
                let piped = try Self.reconcile(run.stdout, events: day.events)
                #expect(piped.status == 65 && piped.errorCode == "BILL_INCOMPLETE", "\(piped)")
            }
            #expect(try day.emulator.faultsFired("bill-hash-mismatch") == 2)
        }

        @Test("Fund-flow bill; bad input is INVALID_FIELD or USAGE before any call")
        func fundflowAndBadInput() throws {
            let day = try Self.day()
            let run = try Self.download(day, ["--bill-date", day.billDate, "--kind", "fundflow"])
            #expect(run.status == 0, "\(run)")
            let lines = try Self.lines(run)
            let rows = lines.filter { $0["summary"] == nil }
            #expect(rows.count == 5, "two payments, two fees, one refund: \(run)")
            let summary = try #require(lines.last?["summary"])
            #expect(summary["income_total"]?.intValue == 2499 && summary["expense_total"]?.intValue == 300 + 12 + 3,
                    "\(summary)")
            let balance: Int64 = rows.last?["balance"]?.intValue ?? -1
            #expect(balance == 2184, "the running balance ends at income less expenses (2499 - 315)")

            try day.emulator.armTripwire()
            for (args, code, status) in [(["--bill-date", "2026-02-30"], "INVALID_FIELD", Int32(65)),
                                         (["--bill-date", "today", "--bill-type", "EVERYTHING"], "INVALID_FIELD", 65),
                                         (["--bill-date", "today", "--event", "x.json"], "USAGE", 64),
                                         (["--bill-date", "today", "--kind", "fundflow", "--bill-type", "ALL"],
                                          "INVALID_FIELD", 65),
                                         (["--bogus"], "USAGE", 64)]
            {
                let bad = try Self.download(day, args)
                #expect(bad.status == status && bad.errorCode == code, "\(args): \(bad)")
            }
            let capped = try Self.download(day, ["--bill-date", "today"], env: ["WXPAY_BILL_MAX_BYTES": "1"])
            #expect(capped.status == 78 && capped.errorCode == "CONFIG_INVALID", "\(capped)")
            #expect(try day.emulator.callsSeen() == 0, "nothing reached WeChat Pay")
        }

        @Test("reconcile refuses what it cannot reconcile: no summary, a foreign line, a sealed events file, no --events")
        func badReconcileInput() throws {
            let directory = try TemporaryDirectory(prefix: "wxpay-reconcile")
            let plain = directory.file("events.ndjson")
            let sealed = directory.file("sealed.ndjson")
            try "{\"id\":\"EV-1\",\"type\":\"payment.success\",\"out_trade_no\":\"ai-1\",\"amount\":1}\n"
                .write(toFile: plain, atomically: true, encoding: .utf8)
            try "{\"sealed\":\"wxs1.AAAA\"}\n".write(toFile: sealed, atomically: true, encoding: .utf8)
            let summary = #"{"summary":{"kind":"trade","bill_date":"2026-12-01","bill_type":"ALL","rows":0}}"#
            let cases: [(String, [String], String, Int32, String?)] = [
                (#"{"record":"payment","out_trade_no":"ai-1","order_amount":1,"trade_state":"SUCCESS"}"#, ["--events", plain],
                 "no summary", 65, "BILL_INCOMPLETE"),
                ("not json\n" + summary, ["--events", plain], "a line that is not JSON", 65, "RECONCILE_INPUT_INVALID"),
                (#"{"summary":{"kind":"fundflow","bill_date":"2026-12-01","rows":0}}"#, ["--events", plain],
                 "a fund-flow bill", 65, "RECONCILE_INPUT_INVALID"),
                (summary, ["--events", sealed], "a sealed events file", 65, "RECONCILE_INPUT_INVALID"),
                (summary, [], "no --events", 64, "USAGE"),
                (summary, ["--events", directory.file("absent.ndjson")], "an events file that is not there", 64, "USAGE"),
            ]
            for (bill, args, label, status, code) in cases {
                let run = try ChildProcess(try Executables.require("reconcile"), args, stdin: Array((bill + "\n").utf8),
                                           environment: [:]).wait()
                #expect(run.status == status && run.errorCode == code, "\(label): \(run)")
                #expect(run.stdoutText.split(separator: "\n").count == 1, "\(label): only the error line")
            }
            // An empty bill against events of another day: clean (the event is not of the bill's day).
            let clean = try ChildProcess(try Executables.require("reconcile"), ["--events", plain],
                                         stdin: Array((summary + "\n").utf8), environment: [:]).wait()
            #expect(clean.status == 0, "\(clean)")
        }
    }
}
