import KitCore
import Logging
import WxPayCore
import WxPayHTTP
import WxPayRisk

/// The four payment tools, shared by the function executables and the MCP server: same core, same secrets reload
/// per call, same idempotency.
public enum PaymentTool: String, Sendable, CaseIterable {
    case createIntent = "create_payment_intent"
    case getStatus = "get_payment_status"
    case cancelIntent = "cancel_payment_intent"
    case refund = "refund_payment"

    /// What a tool may use besides its arguments: environment, deadline, logger, clock (a function executable or
    /// the MCP server supplies them).
    public struct Context: Sendable {
        /// Process environment at call time.
        public var environment: [String: String]
        /// No call to WeChat Pay may outlive this.
        public var deadline: Deadline
        /// Where the tool logs its calls to WeChat Pay.
        public var logger: Logger
        /// Wall clock, Unix seconds.
        public var now: @Sendable () -> Int64

        /// Creates a context.
        public init(environment: [String: String], deadline: Deadline, logger: Logger,
                    now: @escaping @Sendable () -> Int64 = { System.unixTime() })
        {
            self.environment = environment
            self.deadline = deadline
            self.logger = logger
            self.now = now
        }
    }

    /// Runs the tool on decoded `arguments`.
    public func run(arguments: JSONValue, context: Context) throws(WxPayError) -> JSONValue {
        // Validate the input before reading secrets or calling anyone: a bad event has no effect.
        switch self {
        case .createIntent:
            let input = try JSONCoding.decodeInput(CreateIntent.Input.self, from: arguments)
            _ = try CreateIntent.validate(input)
            let (secrets, client) = try PaymentTool.connect(context)
            return try CreateIntent(secrets: secrets, client: client, now: context.now).run(input)
        case .getStatus:
            let input = try JSONCoding.decodeInput(GetIntentStatus.Input.self, from: arguments)
            try GetIntentStatus.validate(input)
            let (secrets, client) = try PaymentTool.connect(context)
            return try GetIntentStatus(secrets: secrets, client: client, now: context.now).run(input)
        case .cancelIntent:
            let input = try JSONCoding.decodeInput(CloseIntent.Input.self, from: arguments)
            try IntentLookupInput.validate(intentID: input.intent_id, idempotencyKey: input.idempotency_key)
            let (secrets, client) = try PaymentTool.connect(context)
            return try CloseIntent(secrets: secrets, client: client, now: context.now).run(input)
        case .refund:
            let input = try JSONCoding.decodeInput(Refund.Input.self, from: arguments)
            try Refund.validate(input)
            let rules = try PaymentTool.riskRules(context)
            let (secrets, client) = try PaymentTool.connect(context)
            return try Refund(secrets: secrets, client: client, rules: rules, now: context.now).run(input)
        }
    }

    /// The risk rules (`WXPAY_RISK_RULES` or the defaults); a bad rules file is a configuration error (exit 78).
    public static func riskRules(_ context: Context) throws(WxPayError) -> RiskRules {
        do { return try RiskRules.load(environment: context.environment) } catch {
            throw WxPayError(code: error.code, message: error.message, retryable: false,
                             exitStatus: ExitStatus.config, httpStatus: 500)
        }
    }

    /// The endpoint template of a request path, without the order or refund number it names (logs carry no
    /// payment identifiers): `/v3/pay/transactions/out-trade-no/ai…-1?mchid=…` → `/v3/pay/transactions/out-trade-no/{no}`.
    static func endpoint(of path: String) -> String {
        let parts = path.prefix(while: { $0 != "?" }).split(separator: "/", omittingEmptySubsequences: false)
        var out: [Substring] = []
        for (i, part) in parts.enumerated() {
            let previous = i > 0 ? parts[i - 1] : ""
            out.append(["out-trade-no", "id", "refunds"].contains(previous) ? "{no}" : part)
        }
        return out.joined(separator: "/")
    }

    /// Reads the secrets anew and makes a client bounded by the invocation's deadline.
    static func connect(_ context: Context) throws(WxPayError) -> (Secrets, WxPayClient) {
        let secrets = try Secrets.load(environment: context.environment)
        let attempts = context.environment["WXPAY_MAX_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 10)) } ?? 3
        let logger = context.logger
        let client = WxPayClient(
            secrets: secrets, deadline: context.deadline, retry: RetryPolicy(maxAttempts: attempts), now: context.now,
            observe: { method, path, status, ms in
                logger.info("wechat call", metadata: [
                    "method": .string(method), "endpoint": .string(PaymentTool.endpoint(of: path)),
                    "status": .string(status.map(String.init) ?? "transport-error"), "ms": .stringConvertible(ms),
                ])
            })
        return (secrets, client)
    }
}
