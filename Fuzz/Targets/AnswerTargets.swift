import KitCore
import WxPayCore
import WxPayHTTP
import WxPayOperations
import WxPayRisk
import WxPaySandbox

/// WeChat Pay's answers as the client and the operations read them: orders, refunds, errors and headers.
enum AnswerTargets {
    static let statuses = [200, 200, 200, 204, 202, 400, 401, 403, 404, 409, 429, 500, 503]

    /// First byte: the operation (low 2 bits), whether the harness signs the answer (bit 2), and the HTTP status
    /// (high bits). Then extra header lines, a NUL byte, and the answer body. Signed answers carry valid
    /// `Wechatpay-*` headers over the mutated body, so the fuzzer reaches the operations' reading of it.
    static let wechatAnswer = FuzzTarget(
        name: "wechat-answer",
        summary: "WeChat Pay answers to create-intent, intent-status, close-intent and refund (status, headers, body)"
    ) { bytes in
        let selector = Int(bytes.first ?? 0)
        let sign = selector & 4 != 0
        let status = statuses[(selector >> 3) % statuses.count]
        let (head, bodySlice) = split(Array(bytes.dropFirst()), at: 0)
        let body = Array(bodySlice)
        var headers = (head.map(headerLines) ?? [:]).map { (name: $0.key, value: $0.value) }
        if sign {
            let fixture = Fixture.current
            guard let signed = try? fixture.side.signedHeaders(body: body, timestamp: Fixture.now) else {
                FuzzEnvironment.fail("wechat-answer: the harness could not sign")
            }
            headers.removeAll { $0.name.lowercased().hasPrefix("wechatpay-") }
            headers += signed
        }
        let answer = HTTPResponse(status: status, headers: headers, body: body)
        let secrets = Fixture.current.secrets
        let client = WxPayClient(secrets: secrets, deadline: .after(seconds: 5), retry: .none, now: { Fixture.now },
                                 transport: { _ throws(HTTPError) in answer })
        let now: @Sendable () -> Int64 = { Fixture.now }
        do throws(WxPayError) {
            switch selector & 3 {
            case 0:
                _ = try CreateIntent(secrets: secrets, client: client, now: now).run(Inputs.create)
            case 1:
                _ = try GetIntentStatus(secrets: secrets, client: client, now: now).run(Inputs.status)
            case 2:
                _ = try CloseIntent(secrets: secrets, client: client, now: now).run(Inputs.close)
            default:
                _ = try Refund(secrets: secrets, client: client, rules: .defaults, now: now).run(Inputs.refund)
            }
        } catch {
            Invariant.check(error, "wechat-answer")
        }
    }
}

/// The operations' inputs, decoded the way a function decodes its event.
enum Inputs {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T {
        guard let value = try? JSONCoding.decode(type, from: Array(json.utf8)) else {
            FuzzEnvironment.fail("the harness's own input does not decode: \(json)")
        }
        return value
    }

    static let create = decode(CreateIntent.Input.self,
                               #"{"amount":1999,"description":"Coffee","idempotency_key":"fuzz-thread","channel":"native"}"#)
    static let status = decode(GetIntentStatus.Input.self, #"{"idempotency_key":"fuzz-thread"}"#)
    static let close = decode(CloseIntent.Input.self, #"{"idempotency_key":"fuzz-thread"}"#)
    static let refund = decode(Refund.Input.self,
                               #"{"idempotency_key":"fuzz-thread","amount":500,"reason":"the cup arrived broken"}"#)
}
