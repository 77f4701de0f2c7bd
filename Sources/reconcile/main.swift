// reconcile: a trade bill (download-bill's NDJSON) against the events webhook handed off (docs/functions.md#reconcile).
// One NDJSON line per difference, then a summary line; exit 0 when clean, 1 when not.

import ArgumentParser
import FunctionKit
import KitCore
import WxPayBills

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let summaryText = "reconcile a trade bill against the events webhook handed off."

let discussion = """
    INPUT   the bill: download-bill's NDJSON (row lines, then its summary line) on stdin or --bill FILE; the events:
            --events FILE, the NDJSON file webhook appends to (WXPAY_EVENTS_FILE; plain, not sealed). Events are
            deduplicated by id; lines that are not JSON objects are skipped.
    OUTPUT  one line per difference, {"mismatch": "missing_event"|"missing_in_bill"|"amount_mismatch"|
            "status_mismatch", "record": "payment"|"refund", ...}, then {"summary": {"clean", "mismatches",
            "by_kind", "matched", ...}}.
            missing_event: in the bill, no event (a lost notification); missing_in_bill: an event of the bill's day
            the bill does not hold; amount_mismatch, status_mismatch: both have it, and they differ.
    EXIT    0 clean; 1 differences found; 64 bad command line or unreadable file; 65 bad input
            (RECONCILE_INPUT_INVALID, BILL_INCOMPLETE: the bill carries download-bill's error or lacks its summary).
    """

struct ReconcileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the bill from FILE instead of stdin.", valueName: "FILE"))
    var bill: String?

    @Option(name: .long, help: ArgumentHelp("The events file (NDJSON, as webhook appends it).", valueName: "FILE"))
    var events: String?

    @Flag(name: .long, help: "Print the version and exit.")
    var version = false
}

func fail(_ error: FunctionError) -> Never {
    var line = (try? JSONCoding.encode(error.jsonObject)) ?? Array(#"{"error":{"code":"INTERNAL"}}"#.utf8)
    line.append(0x0A)
    _ = System.writeAll(fd: 1, line)
    let log = #"{"ts":\#(System.unixTimeMillis()),"level":"warning","fn":"reconcile","msg":"\#(error.code)","code":"\#(error.code)","exit":\#(error.exitStatus)}"#
    _ = System.writeAll(fd: 2, Array((log + "\n").utf8))
    terminate(error.exitStatus)
}

func usage(_ message: String) -> Never {
    fail(FunctionError(code: "USAGE", message: message, retryable: false, exitStatus: ExitStatus.usage, httpStatus: 400))
}

var options = ReconcileOptions()
do {
    options = try ReconcileOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    if ReconcileOptions.exitCode(for: error) == .success {
        let text = ReconcileOptions.helpMessage()
            .replacing("USAGE: reconcile-options", with: "USAGE: reconcile", maxReplacements: 1)
        _ = System.writeAll(fd: 1, Array("reconcile: \(summaryText)\n\n\(text)\n\n\(discussion)\n".utf8))
        terminate(ExitStatus.ok)
    }
    usage("\(ReconcileOptions.message(for: error)) (see --help)")
}
if options.version {
    _ = System.writeAll(fd: 1, Array("reconcile \(wxpayKitVersion)\n".utf8))
    terminate(ExitStatus.ok)
}
guard let eventsPath = options.events else { usage("--events FILE is required (the events file webhook appends to)") }

/// Streams `fd` line by line into `take`.
func readLines(_ fd: Int32, what: String, _ take: (ArraySlice<UInt8>) throws(FunctionError) -> Void) {
    var splitter = LineSplitter(maxLineBytes: 16 << 20)
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    do throws(FunctionError) {
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                usage("cannot read \(what): errno \(errno)")
            }
            if n == 0 { break }
            var failure: FunctionError? = nil
            let fine = chunk.withUnsafeBufferPointer { b -> Bool in
                do throws(FunctionError) { return try splitter.feed(UnsafeBufferPointer(rebasing: b[0..<n]), take) } catch {
                    failure = error
                    return true
                }
            }
            if let failure { throw failure }
            if !fine {
                throw Reconciler.invalid("\(what) has a line longer than 16 MiB", field: what)
            }
        }
        try splitter.finish(take)
    } catch {
        fail(error)
    }
}

func openFile(_ path: String, _ what: String) -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { usage("cannot open the \(what) file \(path): \(String(cString: strerror(errno)))") }
    return fd
}

let reconciler = Reconciler()
let billFD = options.bill.map { openFile($0, "bill") } ?? 0
readLines(billFD, what: "bill") { line throws(FunctionError) in try reconciler.addBillLine(line) }
do throws(FunctionError) { try reconciler.finishBill() } catch { fail(error) }
let eventsFD = openFile(eventsPath, "events")
readLines(eventsFD, what: "events") { line throws(FunctionError) in try reconciler.addEventLine(line) }

let (mismatches, summary) = reconciler.run()
var output: [UInt8] = []
for m in mismatches {
    output += (try? JSONCoding.encode(m)) ?? []
    output.append(0x0A)
}
output += (try? JSONCoding.encode(JSONValue.object(["summary": summary]))) ?? []
output.append(0x0A)
if !System.writeAll(fd: 1, output) { terminate(ExitStatus.software) }
terminate(mismatches.isEmpty ? ExitStatus.ok : ExitStatus.businessError)
