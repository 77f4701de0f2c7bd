import KitCore
import Logging
import WxPayCore
import WxPayHTTP
import WxPayRisk
import WxPayRiskStore

/// The five payment tools, shared by the function executables and the MCP server: same core, same secrets reload
/// per call, same idempotency.
public enum PaymentTool: String, Sendable, CaseIterable {
    case createIntent = "create_payment_intent"
    case getStatus = "get_payment_status"
    case cancelIntent = "cancel_payment_intent"
    case refund = "refund_payment"
    case getRefundStatus = "get_refund_status"

    /// Runs the tool on decoded `arguments`. The caller (a function executable or the MCP server) supplies the
    /// environment (secrets file, retry limit, risk rules), the deadline no call to WeChat Pay may outlive, the
    /// logger of those calls, and the wall clock (Unix seconds). `secrets` reads the secrets of the call: anew from
    /// the file when `nil`; a warm server passes a cache that re-reads the file whenever it changed.
    public func run(
        arguments: JSONValue, environment: [String: String], deadline: Deadline, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { System.unixTime() },
        secrets: (@Sendable ([String: String]) throws(WxPayError) -> Secrets)? = nil
    ) throws(WxPayError) -> JSONValue {
        func connect() throws(WxPayError) -> (Secrets, WxPayClient) {
            try PaymentTool.connect(environment: environment, deadline: deadline, logger: logger, now: now,
                                    secrets: secrets)
        }
        // Validate the input before reading secrets or calling anyone: a bad event has no effect.
        switch self {
        case .createIntent:
            let input = try PaymentTool.decode(CreateIntent.Input.self, from: arguments)
            _ = try CreateIntent.validate(input)
            let (secrets, client) = try connect()
            return try CreateIntent(secrets: secrets, client: client, now: now, logger: logger).run(input)
        case .getStatus:
            let input = try PaymentTool.decode(GetIntentStatus.Input.self, from: arguments)
            try GetIntentStatus.validate(input)
            let (secrets, client) = try connect()
            return try GetIntentStatus(secrets: secrets, client: client, now: now).run(input)
        case .cancelIntent:
            let input = try PaymentTool.decode(CloseIntent.Input.self, from: arguments)
            try CloseIntent.validate(input)
            let (secrets, client) = try connect()
            return try CloseIntent(secrets: secrets, client: client, now: now).run(input)
        case .refund:
            let input = try PaymentTool.decode(Refund.Input.self, from: arguments)
            try Refund.validate(input)
            let rules = try PaymentTool.riskRules(environment: environment)
            let (secrets, client) = try connect()
            return try Refund(secrets: secrets, client: client, rules: rules,
                              history: RiskHistory.configured(environment: environment), now: now).run(input)
        case .getRefundStatus:
            let input = try PaymentTool.decode(GetRefundStatus.Input.self, from: arguments)
            try GetRefundStatus.validate(input)
            let (secrets, client) = try connect()
            return try GetRefundStatus(secrets: secrets, client: client, now: now).run(input)
        }
    }

    /// Decodes a tool's arguments; a fractional amount is refused with what amounts are in.
    static func decode<T: Decodable>(_ type: T.Type, from arguments: JSONValue) throws(WxPayError) -> T {
        try JSONCoding.decodeInput(T.self, from: arguments, integerHint: "amounts are in fen: 19.99 CNY is 1999")
    }

    /// The risk rules (`WXPAY_RISK_RULES` or the defaults); a bad rules file is a configuration error (exit 78).
    public static func riskRules(environment: [String: String]) throws(WxPayError) -> RiskRules {
        do { return try RiskRules.load(environment: environment) } catch {
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
    static func connect(
        environment: [String: String], deadline: Deadline, logger: Logger, now: @escaping @Sendable () -> Int64,
        secrets source: (@Sendable ([String: String]) throws(WxPayError) -> Secrets)? = nil
    ) throws(WxPayError) -> (Secrets, WxPayClient) {
        let secrets: Secrets
        if let source { secrets = try source(environment) } else { secrets = try Secrets.load(environment: environment) }
        let attempts = environment["WXPAY_MAX_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 10)) } ?? 3
        let client = WxPayClient(
            secrets: secrets, deadline: deadline, retry: RetryPolicy(maxAttempts: attempts), now: now,
            observe: { method, path, status, ms in
                logger.info("wechat call", metadata: [
                    "method": .string(method), "endpoint": .string(PaymentTool.endpoint(of: path)),
                    "status": .string(status.map(String.init) ?? "transport-error"), "ms": .stringConvertible(ms),
                ])
            })
        return (secrets, client)
    }
}
