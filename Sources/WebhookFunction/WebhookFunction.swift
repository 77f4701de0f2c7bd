import FunctionKit
import KitCore
import Logging
import WxPayCore
import WxPayNotifications
import WxPayPrivacy
import WxPayRisk
import WxPayRiskStore

/// The webhook function (docs/functions.md): verify, decrypt, normalize and hand on a WeChat Pay notification, and
/// answer WeChat. Shared by the `webhook` executable (one process per event) and `wxpay-server` (`POST /webhook`,
/// in-process), so both answer a notification the same way.
public enum WebhookFunction {
    /// How the handler gets the secrets of one invocation: read anew by default (the executable); a warm server
    /// passes a cache that re-reads the file when it changed.
    public typealias SecretsSource = @Sendable ([String: String]) throws(WxPayError) -> Secrets

    /// The executable's name, help text, time budget and WeChat-shaped error body.
    public static let descriptor = FunctionDescriptor(
        name: "webhook",
        summary: "Verify, decrypt and hand on a WeChat Pay v3 notification.",
        discussion: """
            INPUT   an HTTP envelope of WeChat Pay's notification POST (plain, API Gateway 1.0/2.0, function URL).
            OUTPUT  the HTTP answer for WeChat: 200 {"code":"SUCCESS"} when accepted; for a plain HTTP envelope it also
                    carries "event": the normalized event (so `webhook < n.json | jq .event` works).
            HAND-ON WXPAY_EVENTS_FILE (NDJSON, one line per event; sealed with SM4 when
                    WXPAY_EVENTS_SEAL=sm4) and/or forward_url from the secrets file (POST signed
                    with Wxpay-Agent-Signature). A failed hand-off answers 500 so that WeChat retries.
            REFUSED 401 + exit 77: bad/missing signature, unknown Wechatpay-Serial, timestamp > 300 s away,
                    WECHATPAY/SIGNTEST/ probe, unsupported signature type, undecryptable resource, other merchant.
                    413: body over 64 KiB. 400 + exit 65: not JSON.
            RISK    payment and refund events carry "risk": {"score","action","reasons"} from the risk engine; with
                    WXPAY_RISK_STORE (sqlite:PATH or redis://HOST:PORT/DB) also the payer's, device's and IP's
                    history across invocations, each store operation bounded by WXPAY_RISK_STORE_TIMEOUT_MS (default
                    5); a store that is down, slow or corrupt adds the reason history_unavailable, never an error.
            ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE (default /run/secrets/wxpay.json), WXPAY_EVENTS_FILE,
                    WXPAY_EVENTS_SEAL (sm4|none), WXPAY_FORWARD_TIMEOUT_MS (default 300), WXPAY_RISK_RULES,
                    WXPAY_RISK_STORE, WXPAY_RISK_STORE_TIMEOUT_MS, WXPAY_RISK_STORE_RETENTION_S,
                    WXPAY_RISK_STORE_MAX_ENTRIES, LOG_LEVEL.
            """,
        timeBudget: 0.45,
        httpErrorBody: { error in
            // WeChat Pay reads {"code","message"}; the contract's error object rides along.
            var body = error.jsonObject.objectValue ?? [:]
            body["code"] = "FAIL"
            body["message"] = .string(error.message)
            return .object(body)
        }
    )

    /// The handler, reading the secrets through `secrets` (by default anew from the file on every invocation), and
    /// appending to `WXPAY_EVENTS_FILE` through `groupCommit` when it is for that file (the warm server's batching;
    /// by default each event is appended and `fsync`ed on its own).
    public static func handler(
        secrets loadSecrets: @escaping SecretsSource = { environment throws(WxPayError) in
            try Secrets.load(environment: environment)
        },
        groupCommit: GroupCommitAppender? = nil
    ) -> FunctionHandler {
        { request, context throws(WxPayError) in
            try handle(request, context, loadSecrets, groupCommit: groupCommit)
        }
    }

    static func handle(_ request: FunctionRequest, _ context: InvocationContext, _ loadSecrets: SecretsSource,
                       groupCommit: GroupCommitAppender? = nil) throws(WxPayError) -> FunctionResult
    {
        guard case .http(let gateway, _) = request.envelope else {
            throw .badEvent("webhook takes the HTTP envelope of WeChat Pay's notification POST")
        }
        if let method = request.method, method.uppercased() != "POST" {
            throw WxPayError(code: "METHOD_NOT_ALLOWED", message: "notifications are POSTed, not \(method)",
                             retryable: false, exitStatus: ExitStatus.dataError, httpStatus: 405)
        }
        // Size and syntax first: they need no secrets.
        guard request.body.count <= NotificationProcessor.maxBodyBytes else {
            throw .tooLarge(limit: NotificationProcessor.maxBodyBytes)
        }
        // The risk store (when configured) connects on its own thread while this one reads the secrets and checks
        // the signature: a one-shot process does not pay the library load and the open in series.
        let history = RiskHistory.configured(environment: context.environment)
        let cold = history?.prewarm() ?? false
        let secrets = try loadSecrets(context.environment)
        var handoff = EventHandoff(environment: context.environment, secrets: secrets)
        handoff.groupCommit = groupCommit
        let sealer = try SealedLine.configured(environment: context.environment, secrets: secrets)
        if let sealer {
            handoff.lineTransform = { line throws(WxPayError) in try sealer.seal(line) }
        }
        if gateway && !handoff.isConfigured {
            // Behind API Gateway the answer goes to WeChat only: without a hand-off the event would be lost.
            throw WxPayError(code: "HANDOFF_NOT_CONFIGURED",
                             message: "behind API Gateway set forward_url in the secrets file or WXPAY_EVENTS_FILE",
                             retryable: true, exitStatus: ExitStatus.config, httpStatus: 500)
        }
        let rules: RiskRules
        do throws(RiskRulesError) { rules = try RiskRules.load(environment: context.environment) } catch {
            throw WxPayError(code: error.code, message: error.message, retryable: true, exitStatus: ExitStatus.config,
                             httpStatus: 500)
        }
        let now = context.now()
        var event = try NotificationProcessor.process(header: request.header, body: request.body, secrets: secrets,
                                                      now: now)
        event.risk = NotificationRisk.score(event, rules: rules, now: now, history: history, concurrently: cold)
        if let down = event.risk?["reasons"]?.arrayValue?.first(where: { $0["rule"] == "history_unavailable" }) {
            context.logger.warning("risk store unavailable",
                                   metadata: ["detail": .string(down["detail"]?.stringValue ?? "")])
        }
        let json = event.json
        try handoff.deliver(json, now: now, deadline: context.deadline)
        // The order number identifies a payment: logged only under SM4 when sealing is on (PIPL), else as is.
        let orderField = try event.outTradeNo.map { no throws(WxPayError) in try sealer?.sealField(no) ?? no } ?? ""
        context.logger.info("notification accepted", metadata: [
            "event_id": .string(event.id), "type": .string(event.type),
            sealer == nil ? "out_trade_no" : "out_trade_no_sealed": .string(orderField),
        ])
        return FunctionResult(body: ["code": "SUCCESS", "message": "成功"], extras: ["event": json])
    }
}
