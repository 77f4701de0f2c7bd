// risk-batch: score a stream of transactions (docs/functions.md). NDJSON or a JSON array on stdin, streamed; one NDJSON
// answer per record on stdout, in order; a summary JSON line on stderr. A batch event {"transactions": [...]}
// is answered with one {"results": [...], "summary": {...}} object.

import FunctionKit
import Logging
import WxPayCore
import WxPayRisk

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let help = """
    risk-batch: score a stream of transactions for prohibited categories, velocity, amount anomalies and refund
    patterns.

    USAGE: risk-batch [--event FILE] [--lambda] [--help] [--version]

    Reads NDJSON (one transaction a line) or a JSON array from stdin (or FILE), streamed, and writes one line per
    transaction, in order: {"id","score","action","reasons"}. A malformed line is answered with
    {"id": <id or null>, "error": {"code": "BAD_TRANSACTION", ...}} and the stream goes on. A batch event
    {"transactions": [...]} is answered with one {"results": [...], "summary": {...}} object. A summary line
    (counts per action and per rule, throughput) goes to stderr.

    LAMBDA: with AWS_LAMBDA_RUNTIME_API set (or --lambda) it serves the Runtime API loop instead: each invocation's
    event is a batch ({"transactions": [...]}, directly or as an HTTP body) scored by a fresh engine, answered with
    {"results": [...], "summary": {...}}; the rules file is read anew for each invocation.

    ENVIRONMENT:
      WXPAY_RISK_RULES   a JSON rules file that replaces the built-in rules (invalid: exit 78, RISK_RULES_INVALID)

    EXIT STATUS: 0 done (malformed lines are answered, not fatal); 64 bad command line; 65 bad batch event;
    70 internal error; 78 bad rules file.

    """

func fail(_ error: WxPayError) -> Never {
    var line = (try? JSONCoding.encode(error.jsonObject)) ?? Array(#"{"error":{"code":"INTERNAL"}}"#.utf8)
    line.append(0x0A)
    _ = System.writeAll(fd: 1, line)
    terminate(error.exitStatus)
}

/// One Lambda invocation: a batch event scored by a fresh engine (batches are independent of each other).
func scoreBatch(_ request: FunctionRequest, _ context: InvocationContext) throws(WxPayError) -> FunctionResult {
    let rules: RiskRules
    do throws(RiskRulesError) { rules = try RiskRules.load(environment: context.environment) } catch {
        throw WxPayError(code: error.code, message: error.message, retryable: false, exitStatus: ExitStatus.config,
                         httpStatus: 500)
    }
    let input = try request.input()
    guard input["transactions"]?.arrayValue != nil else {
        throw .invalidField("transactions", "a batch event holds an array of transactions")
    }
    let bytes: [UInt8]
    do { bytes = try JSONCoding.encode(input) } catch { throw .internalError("cannot re-encode the batch") }
    let processor = RiskStreamProcessor(scorer: RiskBatchScorer(engine: RiskEngine(rules: rules)))
    var output: [UInt8] = []
    bytes.withUnsafeBufferPointer { processor.feed($0, output: &output) }
    processor.finish(output: &output)
    if let message = processor.invalidEvent { throw .badEvent(message) }
    guard let answer = try? JSONCoding.value(from: output) else { throw .internalError("the batch answer is not JSON") }
    return FunctionResult(body: answer)
}

let lambdaDescriptor = FunctionDescriptor(name: "risk-batch", summary: "Score a batch of transactions.",
                                          discussion: help, timeBudget: 60)
let environment = System.environment()
if CommandLine.arguments.contains("--lambda") || !(environment["AWS_LAMBDA_RUNTIME_API"] ?? "").isEmpty {
    let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    LambdaRuntimeLoop.run(descriptor: lambdaDescriptor, environment: environment,
                          logger: Logger(label: "risk-batch") { JSONLogHandler(label: $0, level: level) },
                          handler: scoreBatch)
}

var inputFD: Int32 = 0
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--help", "-h":
        _ = System.writeAll(fd: 1, Array(help.utf8))
        terminate(ExitStatus.ok)
    case "--version":
        _ = System.writeAll(fd: 1, Array("risk-batch \(wxpayKitVersion)\n".utf8))
        terminate(ExitStatus.ok)
    case "--event":
        guard let path = arguments.popFirst() else {
            fail(WxPayError(code: "USAGE", message: "--event needs a FILE", retryable: false,
                            exitStatus: ExitStatus.usage, httpStatus: 400))
        }
        inputFD = open(path, O_RDONLY)
        if inputFD < 0 {
            fail(WxPayError(code: "USAGE", message: "cannot open \(path): errno \(errno)", retryable: false,
                            exitStatus: ExitStatus.usage, httpStatus: 400))
        }
    default:
        fail(WxPayError(code: "USAGE", message: "unknown argument \(argument) (see --help)", retryable: false,
                        exitStatus: ExitStatus.usage, httpStatus: 400))
    }
}

let rules: RiskRules
do throws(RiskRulesError) {
    rules = try RiskRules.load(environment: System.environment())
} catch {
    fail(WxPayError(code: error.code, message: error.message, retryable: false, exitStatus: ExitStatus.config,
                    httpStatus: 500))
}

let clock = ContinuousClock()
let started = clock.now
let processor = RiskStreamProcessor(scorer: RiskBatchScorer(engine: RiskEngine(rules: rules)))
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
let summary = processor.scorer.summary.json(elapsedSeconds: seconds)
_ = System.writeAll(fd: 2, Array("{\"summary\":\(summary)}\n".utf8))

if let message = processor.invalidEvent {
    fail(WxPayError(code: "BAD_EVENT", message: message, retryable: false, exitStatus: ExitStatus.dataError,
                    httpStatus: 400))
}
terminate(ExitStatus.ok)
