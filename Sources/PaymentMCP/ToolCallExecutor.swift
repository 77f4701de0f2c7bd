import Dispatch
import KitCore
import Logging
import MCP
import WxPayCore
import WxPayHTTP
import WxPayOperations

/// Runs one `tools/call` on the shared core, exactly as the function executables do: a fresh invocation context
/// (environment read now, a fresh deadline, the secrets file read anew inside ``PaymentTool/run(arguments:context:)``),
/// the same validation before any call, the same idempotency. Only the rendering differs: the result or error object
/// becomes an MCP tool result.
public struct ToolCallExecutor: Sendable {
    /// Seconds one call may take (`WXPAY_TIME_BUDGET_MS`, default 10 s); a `get_payment_status` with `wait` gets
    /// the wait on top.
    public var defaultBudget: Double = 10
    /// The JSON-lines logger on stderr.
    public var logger: Logger

    /// An executor that logs through `logger`.
    public init(logger: Logger, defaultBudget: Double = 10) {
        self.logger = logger
        self.defaultBudget = defaultBudget
    }

    /// Runs `tool` on `arguments` on a thread of its own (the core's HTTP client blocks), so that a long
    /// `wait` never stalls the server's other requests.
    public func call(_ tool: PaymentTool, arguments: [String: Value]?) async -> CallTool.Result {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.callBlocking(tool, arguments: arguments))
            }
        }
    }

    /// The blocking body of ``call(_:arguments:)``.
    public func callBlocking(_ tool: PaymentTool, arguments: [String: Value]?) -> CallTool.Result {
        let environment = System.environment()
        let started = Deadline.now()
        var log = logger
        log[metadataKey: "tool"] = .string(tool.rawValue)
        do throws(WxPayError) {
            let input = try ValueBridge.json(.object(arguments ?? [:]))
            let result = try tool.run(arguments: input, environment: environment,
                                      deadline: .after(seconds: budget(tool, input, environment)), logger: log)
            log.info("tool call done", metadata: ["ms": .stringConvertible(Int((Deadline.now() - started) * 1000))])
            guard tool == .createIntent else { return ToolCallExecutor.result(result, isError: false) }
            // A native intent's QR code goes beside the text as a PNG image (in place of the SVG in the JSON).
            let (object, image) = QRImage.split(result, logger: log)
            return ToolCallExecutor.result(object, isError: false, image: image)
        } catch {
            var meta: Logger.Metadata = ["code": .string(error.code), "ms": .stringConvertible(Int((Deadline.now() - started) * 1000))]
            if let field = error.details["field"]?.stringValue { meta["field"] = .string(field) }
            log.log(level: error.exitStatus == ExitStatus.software ? .error : .warning, "\(error.message)", metadata: meta)
            return ToolCallExecutor.result(error.jsonObject, isError: true)
        }
    }

    /// The call's time budget: the functions' budget, plus `wait` for a status poll (as `intent-status` does).
    func budget(_ tool: PaymentTool, _ input: JSONValue, _ environment: [String: String]) -> Double {
        var seconds = defaultBudget
        if let ms = environment["WXPAY_TIME_BUDGET_MS"].flatMap({ Untrusted.integer($0, in: 1...900_000) }) {
            seconds = Double(ms) / 1000
        }
        if tool == .getStatus, let wait = input["wait"]?.intValue, wait > 0 {
            seconds += Double(min(wait, GetIntentStatus.maxWait))
        }
        return seconds
    }

    /// An MCP tool result: the JSON object as text (for hosts that read `content`) and as `structuredContent`, and
    /// `image` (a native intent's QR code) after the text.
    static func result(_ object: JSONValue, isError: Bool, image: Tool.Content? = nil) -> CallTool.Result {
        let text = (try? JSONCoding.string(object)) ?? #"{"error":{"code":"INTERNAL","message":"cannot encode the result","retryable":false}}"#
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)] + (image.map { [$0] } ?? []),
                               structuredContent: try? ValueBridge.value(object), isError: isError)
    }
}
