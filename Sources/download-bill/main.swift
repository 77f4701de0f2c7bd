// download-bill: a day's trade or fund-flow bill from WeChat Pay, verified, as NDJSON (docs/functions.md#download-bill).
// The signed bill query (its answer verified like every answer) names the file and its SHA-1; the file is fetched
// with a signed GET (its answer is not signed, per WeChat Pay), inflated when gzip, checked against the SHA-1 over
// the decompressed bytes, and only then printed: one row object a line, then one summary line.

import ArgumentParser
import FunctionKit
import KitCore
import Logging
import WxPayBills
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let summaryText = "download a day's trade or fund-flow bill from WeChat Pay, verified, as NDJSON."

let discussion = """
    INPUT   flags (--bill-date YYYY-MM-DD|today|yesterday [--kind trade|fundflow] [--bill-type ALL|SUCCESS|REFUND]
            [--account-type BASIC|OPERATION|FEES] [--no-gzip]), or, without --bill-date, one JSON event on stdin
            (or --event FILE; direct, HTTP envelope or download_bill tool call):
            {"bill_date": "2026-12-01", "kind": "trade", "bill_type": "ALL", "gzip": true}.
    OUTPUT  one JSON object per bill row (trade: "record": "payment"|"refund", amounts in fen; fund flow:
            "record": "fund_flow"), then {"summary": {...}} (WeChat's totals, rows, bill_date, hash). Nothing but
            an {"error": {...}} line when anything fails: no row is printed before the file's SHA-1 matched and
            the whole file parsed.
    ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_TIME_BUDGET_MS (default 60000), WXPAY_MAX_ATTEMPTS,
            WXPAY_BILL_MAX_BYTES (largest download and decompressed bill, default 268435456), TMPDIR, LOG_LEVEL.
    EXIT    0 printed; 1 WeChat Pay refused (e.g. NO_STATEMENT_EXIST); 64 bad command line; 65 bad event or
            BILL_MALFORMED; 69 unavailable or BILL_TOO_LARGE; 70 stdout closed; 75 timed out or rate-limited;
            77 BILL_HASH_MISMATCH or an answer that fails verification; 78 secrets.
    """

struct DownloadBillOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the event from FILE instead of stdin.", valueName: "FILE"))
    var event: String?

    @Option(name: .long, help: ArgumentHelp("The bill's day: YYYY-MM-DD, today or yesterday (China time).",
                                            valueName: "DATE"))
    var billDate: String?

    @Option(name: .long, help: "trade (default) or fundflow.")
    var kind: String?

    @Option(name: .long, help: "Trade bills: ALL (default), SUCCESS or REFUND.")
    var billType: String?

    @Option(name: .long, help: "Fund-flow bills: BASIC (default), OPERATION or FEES.")
    var accountType: String?

    @Flag(name: .customLong("no-gzip"), help: "Ask for the plain file instead of a gzip file.")
    var noGzip = false

    @Flag(name: .long, help: "Print the version and exit.")
    var version = false
}

let environment = System.environment()
let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
let logger = Logger(label: "download-bill") { JSONLogHandler(label: $0, level: level) }

func fail(_ error: WxPayError) -> Never {
    var meta: Logger.Metadata = ["code": .string(error.code), "exit": .stringConvertible(error.exitStatus)]
    if let field = error.details["field"]?.stringValue { meta["field"] = .string(field) }
    logger.log(level: error.exitStatus == ExitStatus.software ? .error : .warning, "\(error.message)", metadata: meta)
    var line = (try? JSONCoding.encode(error.jsonObject)) ?? Array(#"{"error":{"code":"INTERNAL"}}"#.utf8)
    line.append(0x0A)
    _ = System.writeAll(fd: 1, line)
    terminate(error.exitStatus)
}

func usage(_ message: String) -> Never {
    fail(WxPayError(code: "USAGE", message: message, retryable: false, exitStatus: ExitStatus.usage, httpStatus: 400))
}

// MARK: The request: flags, or one event

var parsedOptions: DownloadBillOptions? = nil
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    parsedOptions = try DownloadBillOptions.parse(arguments)
    if parsedOptions?.version == true {
        _ = System.writeAll(fd: 1, Array("download-bill \(wxpayKitVersion)\n".utf8))
        terminate(ExitStatus.ok)
    }
} catch {
    if DownloadBillOptions.exitCode(for: error) == .success {
        let text = DownloadBillOptions.helpMessage()
            .replacing("USAGE: download_bill", with: "USAGE: download-bill", maxReplacements: 1)
        _ = System.writeAll(fd: 1, Array("download-bill: \(summaryText)\n\n\(text)\n\n\(discussion)\n".utf8))
        terminate(ExitStatus.ok)
    }
    usage("\(DownloadBillOptions.message(for: error)) (see --help)")
}
guard let options = parsedOptions else { usage("cannot read the command line") }

let flagsGiven = options.billDate != nil || options.kind != nil || options.billType != nil
    || options.accountType != nil || options.noGzip
let input: JSONValue
if flagsGiven {
    if options.event != nil { usage("give the bill either as flags or as an event (--event), not both") }
    var o: [String: JSONValue] = ["gzip": .bool(!options.noGzip)]
    if let v = options.billDate { o["bill_date"] = .string(v) }
    if let v = options.kind { o["kind"] = .string(v) }
    if let v = options.billType { o["bill_type"] = .string(v) }
    if let v = options.accountType { o["account_type"] = .string(v) }
    input = .object(o)
} else {
    let bytes: [UInt8]
    do throws(System.FileError) {
        if let path = options.event {
            bytes = try System.readFile(path, limit: FunctionRunner.maxEventBytes)
        } else {
            bytes = try System.readAll(fd: 0, limit: FunctionRunner.maxEventBytes)
        }
    } catch {
        if error.errno == 27 { fail(.tooLarge(limit: FunctionRunner.maxEventBytes)) }
        fail(WxPayError(code: "EVENT_UNREADABLE", message: "cannot read the event: \(error.reason)", retryable: false,
                        exitStatus: options.event == nil ? ExitStatus.dataError : ExitStatus.usage, httpStatus: 400))
    }
    let parsed: FunctionRequest
    do throws(EnvelopeError) {
        parsed = try FunctionRequest.parse(bytes, tools: [BillRequest.toolName])
    } catch {
        fail(error.error)
    }
    do throws(FunctionError) { input = try parsed.input() } catch { fail(error) }
}

let request: BillRequest
do throws(WxPayError) {
    request = try BillRequest(input, today: System.unixTime())
} catch {
    fail(error)
}

// MARK: Secrets, client, caps

let maxBytes: Int = {
    guard let text = environment["WXPAY_BILL_MAX_BYTES"], !text.isEmpty else { return 256 << 20 }
    guard let n = Untrusted.integer(text, in: (1 << 16)...(1 << 34)) else {
        fail(WxPayError(code: "CONFIG_INVALID", message: "WXPAY_BILL_MAX_BYTES must be 65536 to 17179869184",
                        retryable: false, exitStatus: ExitStatus.config, httpStatus: 500,
                        details: ["field": "WXPAY_BILL_MAX_BYTES"]))
    }
    return n
}()

let budget = environment["WXPAY_TIME_BUDGET_MS"].flatMap { Untrusted.integer($0, in: 1...900_000) }
    .map { Double($0) / 1000 } ?? 60
let secrets: Secrets
do throws(WxPayError) { secrets = try Secrets.load(environment: environment) } catch { fail(error) }
let attempts = environment["WXPAY_MAX_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 10)) } ?? 3
let deadline = Deadline.after(seconds: budget)
let observe: @Sendable (String, String, Int?, Int) -> Void = { method, path, status, ms in
    logger.info("wechat call", metadata: [
        "method": .string(method), "endpoint": .string(String(path.prefix { $0 != "?" })),
        "status": .string(status.map(String.init) ?? "transport-error"), "ms": .stringConvertible(ms),
    ])
}
let client = WxPayClient(secrets: secrets, deadline: deadline, retry: RetryPolicy(maxAttempts: attempts),
                         observe: observe)
let download = UnsignedDownload(secrets: secrets, deadline: deadline, retry: RetryPolicy(maxAttempts: attempts),
                                observe: observe)

// MARK: Query, download, verify, parse, print

let file: BillFile
do throws(WxPayError) {
    file = try BillFile.fetch(request, client: client, download: download, maxBytes: maxBytes)
} catch {
    fail(error)
}
logger.info("bill verified", metadata: ["kind": .string(request.kind.rawValue), "bytes": .stringConvertible(file.size),
                                        "gzip": .stringConvertible(request.gzip)])

// Pass 1 parses the whole file without printing (a malformed line prints nothing); pass 2 prints.
var summary: [String: JSONValue] = [:]
do throws(WxPayError) {
    summary = try file.parse(kind: request.kind) { _ in }
} catch {
    fail(error)
}
/// Pass 2: every row, then the summary line, flushed every 256 KiB.
func printBill(_ file: BillFile, kind: BillKind, summary: [String: JSONValue]) -> Int64 {
    var output: [UInt8] = []
    output.reserveCapacity(1 << 18)
    func flush() {
        if output.isEmpty { return }
        if !System.writeAll(fd: 1, output) { terminate(ExitStatus.software) }  // stdout closed
        output.removeAll(keepingCapacity: true)
    }
    var summary = summary
    do throws(WxPayError) {
        _ = try file.parse(kind: kind) { row in
            output += (try? JSONCoding.encode(row)) ?? []
            output.append(0x0A)
            if output.count >= 1 << 18 { flush() }
        }
    } catch {
        flush()
        fail(error)
    }
    summary.merge(request.summaryFields) { $1 }
    summary["hash_type"] = "SHA1"
    summary["hash_value"] = .string(file.sha1)
    summary["bytes"] = .int(Int64(file.size))
    output += (try? JSONCoding.encode(JSONValue.object(["summary": .object(summary)]))) ?? []
    output.append(0x0A)
    flush()
    return summary["rows"]?.intValue ?? 0
}
let printed = printBill(file, kind: request.kind, summary: summary)
logger.info("bill printed", metadata: ["rows": "\(printed)"])
terminate(ExitStatus.ok)
