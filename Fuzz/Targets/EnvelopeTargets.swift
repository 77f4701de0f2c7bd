import FunctionKit
import KitCore
import WxPayCore
import WxPayHTTP
import WxPayOperations
import WxPayPrivacy

/// Function events (every envelope shape) and the Lambda Runtime API's answers.
enum EnvelopeTargets {
    /// The environment the envelope target runs functions in: secrets that do not exist, so a valid input
    /// stops at `SECRETS_*` (78) before any network call.
    static let environment = ["WXPAY_SECRETS_FILE": "/nonexistent/wxpay-fuzz/secrets.json"]

    static let tools = PaymentTool.allCases.map(\.rawValue)

    /// One event: raw JSON input, HTTP envelopes (plain, API Gateway 1.0/2.0, function URL, OpenFaaS, Knative),
    /// Lambda events and OpenAI tool calls, through every function's input decoding and validation.
    static let functions = FuzzTarget(
        name: "envelope",
        summary: "every function's event: raw JSON, API Gateway v1/v2, function URL, tool calls; inputs validated"
    ) { bytes in
        invokeAll(bytes, target: "envelope")
    }

    static func invokeAll(_ bytes: [UInt8], target: String) {
        let context = InvocationContext(environment: environment, deadline: .after(seconds: 5),
                                        logger: Fixture.logger, now: { Fixture.now })
        for tool in PaymentTool.allCases {
            run(bytes, tools: [tool.rawValue], context: context, target: target) { request, context throws(WxPayError) in
                FunctionResult(body: try tool.run(arguments: try request.input(), environment: context.environment,
                                                  deadline: context.deadline, logger: context.logger, now: context.now))
            }
        }
        let sealer = Fixture.current.sealer
        run(bytes, tools: [], context: context, target: target) { request, _ throws(WxPayError) in
            FunctionResult(body: try PrivacyProxy.redact(try request.input(), sealer: sealer).output)
        }
        run(bytes, tools: [], context: context, target: target) { request, _ throws(WxPayError) in
            FunctionResult(body: try PrivacyProxy.restore(try request.input(), sealer: sealer).output)
        }
        run(bytes, tools: [], context: context, target: target) { request, _ throws(WxPayError) in
            guard case .http = request.envelope else { throw .badEvent("webhook takes an HTTP envelope") }
            _ = try NotificationProcessor.process(header: request.header, body: request.body,
                                                  secrets: Fixture.current.secrets, now: Fixture.now)
            return FunctionResult(body: ["code": "SUCCESS"])
        }
    }

    static func run(_ bytes: [UInt8], tools: [String], context: InvocationContext, target: String,
                    handler: @escaping FunctionHandler)
    {
        let descriptor = FunctionDescriptor(name: "fuzz", summary: "", discussion: "", tools: tools, timeBudget: 5)
        let (answer, status) = FunctionRunner.invoke(bytes, descriptor: descriptor, context: context, handler: handler)
        Invariant.require(Invariant.contractStatuses.contains(status) && status != 70,
                          "\(target): exit status \(status) is not a contract status")
        guard let text = try? JSONCoding.string(answer) else {
            FuzzEnvironment.fail("\(target): the answer does not encode as JSON")
        }
        Invariant.noSecret(text, target)
        if status != 0 {
            // The error object rides in the answer (directly, or inside an HTTP body or a tool message).
            // (An HTTP body or a tool message holds it as JSON text, so its quotes arrive escaped.)
            Invariant.require(text.contains("\"code\"") || text.contains("\\\"code\\\""),
                              "\(target): a failure answer carries no error code")
        }
    }

    static let statuses = [200, 200, 200, 404, 500, 410, 302, 0]

    /// `GET /runtime/invocation/next` answers: status selector byte, header lines, a NUL byte, the event.
    static let lambdaNext = FuzzTarget(
        name: "lambda-next",
        summary: "Lambda's and SCF's runtime API /invocation/next answers: status, headers, event body"
    ) { bytes in
        let status = statuses[Int(bytes.first ?? 0) % statuses.count]
        let (head, body) = split(Array(bytes.dropFirst()), at: 0)
        let headers = (head.map(headerLines) ?? [:]).map { (name: $0.key, value: $0.value) }
        do throws(RuntimeAPIError) {
            let invocation = try RuntimeInvocation(nextAnswer: HTTPResponse(status: status, headers: headers,
                                                                           body: Array(body)))
            Invariant.require(invocation.requestID.utf8.count <= 128, "lambda-next: an unbounded request id")
            if let ms = invocation.deadlineMillis { Invariant.require(ms >= 0, "lambda-next: a negative deadline") }
            invokeAll(invocation.event, target: "lambda-next")
        } catch {
            Invariant.require(error.message.utf8.count <= Invariant.maxMessageBytes, "lambda-next: unbounded message")
        }
        // The same answer as SCF's /next (request_id, time_limit_in_ms): bounded id, deadline within 24 h of now.
        do throws(RuntimeAPIError) {
            let now: Int64 = 1_700_000_000_000
            let invocation = try RuntimeInvocation(scfNextAnswer: HTTPResponse(status: status, headers: headers,
                                                                               body: Array(body)), nowMillis: now)
            Invariant.require(invocation.requestID.utf8.count <= 2048, "lambda-next (scf): an unbounded request id")
            if let ms = invocation.deadlineMillis {
                Invariant.require(ms > now && ms <= now + 86_400_000, "lambda-next (scf): a deadline out of range")
            }
        } catch {
            Invariant.require(error.message.utf8.count <= Invariant.maxMessageBytes, "lambda-next (scf): unbounded message")
        }
    }
}
