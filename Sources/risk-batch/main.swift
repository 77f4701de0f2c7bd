// risk-batch: score a stream of transactions (docs/functions.md). NDJSON or a JSON array on stdin, streamed; one NDJSON
// answer per record on stdout, in order; a summary JSON line on stderr. A batch event {"transactions": [...]}
// is answered with one {"results": [...], "summary": {...}} object.

import ArgumentParser
import FunctionKit
import KitCore
import Logging
import WxPayCore
import WxPayRisk
import WxPayRiskStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let summary = "score a stream of transactions for prohibited categories, velocity, amount anomalies and refund patterns."

let discussion = """
    Reads NDJSON (one transaction a line) or a JSON array from stdin (or FILE), streamed, and writes one line per
    transaction, in order: {"id","score","action","reasons"}. A malformed line is answered with
    {"id": <id or null>, "error": {"code": "BAD_TRANSACTION", ...}} and the stream goes on. A line (or array
    element) longer than --max-record-bytes is skipped without being buffered and answered with
    {"id": null, "error": {"code": "RECORD_TOO_LARGE", ...}}; the stream goes on. A batch event
    {"transactions": [...]} is answered with one {"results": [...], "summary": {...}} object (held whole, up to
    64 MiB). A summary line (counts per action and per rule, throughput) goes to stderr.

    LAMBDA, SCF: with AWS_LAMBDA_RUNTIME_API set (or --lambda) it serves the Lambda Runtime API loop instead, with
    SCF_RUNTIME_API set (or --scf) Tencent Cloud SCF's custom-runtime loop: each invocation's
    event is a batch ({"transactions": [...]}, directly or as an HTTP body) scored by a fresh engine, answered with
    {"results": [...], "summary": {...}}; the rules file is read anew for each invocation.

    ENVIRONMENT:
      WXPAY_RISK_RULES             a JSON rules file that replaces the built-in rules (invalid: exit 78,
                                   RISK_RULES_INVALID)
      WXPAY_RISK_MAX_RECORD_BYTES  the record limit when --max-record-bytes is not given (default 1048576;
                                   1024 to 67108864; otherwise exit 64, USAGE)
      WXPAY_RISK_STORE             sqlite:PATH or redis://HOST:PORT/DB: each transaction is also scored against
                                   and recorded in the history kept across runs and functions (velocity, amount
                                   history, refunds; docs/risk-store.md); unset: the stream's own history only.
                                   Invalid: exit 78, RISK_STORE_INVALID. A store that fails adds the reason
                                   history_unavailable to the transaction and the stream goes on.
      WXPAY_RISK_STORE_TIMEOUT_MS  the deadline of each store operation (default 5)

    EXIT STATUS: 0 done (malformed and oversized lines are answered, not fatal); 64 bad command line or record
    limit; 65 bad batch event; 70 internal error; 78 bad rules file.
    """

/// The command line: the functions' shared `--event FILE`, `--lambda`, `--scf`, `--version` (and `--help`), plus the
/// record limit.
struct RiskBatchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the input from FILE instead of stdin.", valueName: "FILE"))
    var event: String?

    @Flag(name: .long, help: "Run the AWS Lambda Runtime API loop (also when AWS_LAMBDA_RUNTIME_API is set).")
    var lambda = false

    @Flag(name: .long, help: "Run the Tencent Cloud SCF custom-runtime loop (also when SCF_RUNTIME_API is set).")
    var scf = false

    @Flag(name: .long, help: "Print the version and exit.")
    var version = false

    @Option(name: .long, help: ArgumentHelp(
        "The longest line or array element read, in bytes (1024 to 67108864; default 1048576, or "
            + "WXPAY_RISK_MAX_RECORD_BYTES). A longer one is skipped and answered with RECORD_TOO_LARGE.",
        valueName: "BYTES"))
    var maxRecordBytes: String?
}

func fail(_ error: WxPayError) -> Never {
    var line = (try? JSONCoding.encode(error.jsonObject)) ?? Array(#"{"error":{"code":"INTERNAL"}}"#.utf8)
    line.append(0x0A)
    _ = System.writeAll(fd: 1, line)
    terminate(error.exitStatus)
}

func usage(_ message: String) -> Never {
    fail(WxPayError(code: "USAGE", message: message, retryable: false, exitStatus: ExitStatus.usage, httpStatus: 400))
}

let environment = System.environment()
var eventPath: String? = nil
var lambdaFlag = false
var scfFlag = false
var maxRecordBytesFlag: String? = nil
let arguments = Array(CommandLine.arguments.dropFirst())
if !arguments.isEmpty {  // the common case (no arguments) skips the parser, as FunctionRunner does
    do {
        let options = try RiskBatchOptions.parse(arguments)
        if options.version {
            _ = System.writeAll(fd: 1, Array("risk-batch \(wxpayKitVersion)\n".utf8))
            terminate(ExitStatus.ok)
        }
        eventPath = options.event
        lambdaFlag = options.lambda
        scfFlag = options.scf
        maxRecordBytesFlag = options.maxRecordBytes
    } catch {
        if RiskBatchOptions.exitCode(for: error) == .success {
            let text = RiskBatchOptions.helpMessage()
            _ = System.writeAll(fd: 1, Array("risk-batch: \(summary)\n\n\(text)\n\n\(discussion)\n".utf8))
            terminate(ExitStatus.ok)
        }
        usage("\(RiskBatchOptions.message(for: error)) (see --help)")
    }
}

/// The record limit: `--max-record-bytes`, else `WXPAY_RISK_MAX_RECORD_BYTES`, else 1 MiB.
let maxRecordBytes: Int = {
    let range = RiskInputSplitter.maxRecordBytesRange
    if let text = maxRecordBytesFlag {
        guard let value = RiskInputSplitter.parseMaxRecordBytes(text) else {
            usage("--max-record-bytes must be a whole number of bytes from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
    if let text = environment["WXPAY_RISK_MAX_RECORD_BYTES"], !text.isEmpty {
        guard let value = RiskInputSplitter.parseMaxRecordBytes(text) else {
            usage("WXPAY_RISK_MAX_RECORD_BYTES must be a whole number of bytes from \(range.lowerBound) to "
                + "\(range.upperBound)")
        }
        return value
    }
    return RiskInputSplitter.defaultMaxRecordBytes
}()

/// The risk store's amendment of each decision (`WXPAY_RISK_STORE`), or nil (the stream's own history only).
func historyHook(_ environment: [String: String], _ rules: RiskRules) throws(WxPayError) -> RiskHistoryHook? {
    guard let history = RiskHistory.configured(environment: environment) else { return nil }
    if let error = history.configurationError {
        throw WxPayError(code: RiskStoreConfig.invalidCode, message: error.message, retryable: false,
                         exitStatus: ExitStatus.config, httpStatus: 500)
    }
    return { input, decision in history.amend(decision, input, rules: rules) }
}

/// One Lambda invocation: a batch event scored by a fresh engine (batches are independent of each other).
func scoreBatch(_ request: FunctionRequest, _ context: InvocationContext) throws(WxPayError) -> FunctionResult {
    let rules: RiskRules
    do throws(RiskRulesError) { rules = try RiskRules.load(environment: context.environment) } catch {
        throw WxPayError(code: error.code, message: error.message, retryable: false, exitStatus: ExitStatus.config,
                         httpStatus: 500)
    }
    let input = try request.input()
    guard let transactions = input["transactions"], transactions.arrayValue != nil else {
        throw .invalidField("transactions", "a batch event holds an array of transactions")
    }
    // Re-encoded with `transactions` as the only (so the first) member: the splitter knows it for a batch event
    // however long the line is.
    let bytes: [UInt8]
    do { bytes = try JSONCoding.encode(JSONValue.object(["transactions": transactions])) } catch {
        throw .internalError("cannot re-encode the batch")
    }
    let scorer = RiskBatchScorer(engine: RiskEngine(rules: rules))
    scorer.history = try historyHook(context.environment, rules)
    let processor = RiskStreamProcessor(scorer: scorer, maxRecordBytes: maxRecordBytes)
    var output: [UInt8] = []
    bytes.withUnsafeBufferPointer { processor.feed($0, output: &output) }
    processor.finish(output: &output)
    if let message = processor.invalidEvent { throw .badEvent(message) }
    guard let answer = try? JSONCoding.value(from: output) else { throw .internalError("the batch answer is not JSON") }
    return FunctionResult(body: answer)
}

let lambdaDescriptor = FunctionDescriptor(name: "risk-batch", summary: "Score a batch of transactions.",
                                          discussion: discussion, timeBudget: 60)
if let platform = RuntimePlatform.detect(environment, lambdaFlag: lambdaFlag, scfFlag: scfFlag) {
    let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    platform.run(descriptor: lambdaDescriptor, environment: environment,
                 logger: Logger(label: "risk-batch") { JSONLogHandler(label: $0, level: level) }, handler: scoreBatch)
}

var inputFD: Int32 = 0
if let path = eventPath {
    inputFD = open(path, O_RDONLY)
    if inputFD < 0 { usage("cannot open \(path): errno \(errno)") }
}

let rules: RiskRules
do throws(RiskRulesError) {
    rules = try RiskRules.load(environment: environment)
} catch {
    fail(WxPayError(code: error.code, message: error.message, retryable: false, exitStatus: ExitStatus.config,
                    httpStatus: 500))
}

let clock = ContinuousClock()
let started = clock.now
let scorer = RiskBatchScorer(engine: RiskEngine(rules: rules))
do throws(WxPayError) { scorer.history = try historyHook(environment, rules) } catch { fail(error) }
let processor = RiskStreamProcessor(scorer: scorer, maxRecordBytes: maxRecordBytes)
let chunkSize = 1 << 20
let flushAt = 1 << 18
var output: [UInt8] = []
output.reserveCapacity(flushAt + 65_536)
let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkSize)

@MainActor func flush() {
    if output.isEmpty { return }
    if !System.writeAll(fd: 1, output) {
        // stdout closed (e.g. `| head`): nothing more can be answered.
        terminate(ExitStatus.software)
    }
    output.removeAll(keepingCapacity: true)
}

while true {
    let n = read(inputFD, chunk.baseAddress, chunkSize)
    if n < 0 {
        if errno == EINTR { continue }
        flush()
        fail(WxPayError(code: "EVENT_UNREADABLE", message: "cannot read the input: errno \(errno)", retryable: false,
                        exitStatus: ExitStatus.dataError, httpStatus: 400))
    }
    if n == 0 { break }
    processor.feed(UnsafeBufferPointer(rebasing: chunk[0..<n]), output: &output)
    if output.count >= flushAt { flush() }
}
processor.finish(output: &output)
flush()

let elapsed = started.duration(to: clock.now)
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let counts = processor.scorer.summary.json(elapsedSeconds: seconds)
_ = System.writeAll(fd: 2, Array("{\"summary\":\(counts)}\n".utf8))

if let message = processor.invalidEvent {
    fail(WxPayError(code: "BAD_EVENT", message: message, retryable: false, exitStatus: ExitStatus.dataError,
                    httpStatus: 400))
}
terminate(ExitStatus.ok)
