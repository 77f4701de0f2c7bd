import FunctionKit
import HTTPTypes
import Hummingbird
import HummingbirdCore
import KitCore
import Logging
import NIOCore
import NIOPosix
import PayPage
import WxPayCore
import WxPayHTTP
import WxPayOperations
import WxPayQR

extension Route {
    /// The route of a request path: `/pay/…` is the payment page (docs/server.md#the-payment-page), any other
    /// path names its route exactly.
    init?(path: String) {
        if path.hasPrefix("/pay/") { self = .pay } else { self.init(rawValue: String(path.dropFirst())) }
    }
}

/// `GET /pay/{intent_id}?t=TOKEN` (the confirmation page), `GET /pay/{intent_id}/status?t=TOKEN` (its state as
/// JSON, rate-limited per intent) and, against the emulator only, `GET /pay/_sandbox/bridge.js` and
/// `POST /pay/{intent_id}/sandbox-pay?t=TOKEN` (the stand-in `WeixinJSBridge` and the order payment it asks for).
///
/// The token (``PayPageTicket``, HMAC-SHA256 with `page_key`) is checked before anything else; a wrong or missing
/// token and an unknown intent get the same 404 answer, so the page tells nobody which intents exist. The order's
/// state and amount come from WeChat Pay on every view, through the same operation as `POST /intent-status`.
struct PayPageRoute: Sendable {
    let limiter = PayPageRateLimiter()

    func respond(_ request: Request, server: WxPayServer) async -> Response {
        let language = PayPage.Language(acceptLanguage: request.headers[.acceptLanguage])
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2)
        // ["ID"], ["ID", "status"], ["ID", "sandbox-pay"], ["_sandbox", "bridge.js"]
        guard let first = parts.first, !first.isEmpty, parts.count <= 2 else { return notFound(language) }
        let action = parts.count == 2 ? String(parts.last!) : ""
        let method = request.method
        let expected: HTTPRequest.Method = action == "sandbox-pay" ? .post : .get
        guard ["", "status", "sandbox-pay", "bridge.js"].contains(action) else { return notFound(language) }
        guard method == expected || (method == .head && expected == .get) else {
            var response = WxPayServer.error(.methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                                             message: "this path takes \(expected.rawValue)")
            response.headers[.allow] = expected.rawValue
            return PayPageRoute.secured(response)
        }

        let secrets: Secrets
        do { secrets = try server.secrets.current(environment: server.environment).secrets } catch {
            server.logger.error("\(error.message)", metadata: ["code": .string(error.code)])
            return PayPageRoute.secured(WxPayServer.json(WxPayServer.status(error.httpStatus),
                                                         (try? JSONCoding.string(error.jsonObject)) ?? "{}"))
        }
        let sandbox = PayPage.isSandbox(apiBase: secrets.apiBase)
        if first == "_sandbox" {
            guard sandbox, action == "bridge.js" else { return notFound(language) }
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: PayPage.sandboxBridgeScript)))
            response.headers[.contentType] = "text/javascript; charset=utf-8"
            return PayPageRoute.secured(response)
        }
        let intentID = String(first)
        guard let key = secrets.pageKeyBytes else {
            server.logger.warning("the payment page needs page_key in the secrets file",
                                  metadata: ["code": "PAGE_KEY_MISSING"])
            return notFound(language)
        }
        guard PayPageRoute.isIntentID(intentID),
              let token = request.uri.queryParameters["t"].map(String.init),
              let ticket = PayPageTicket.verify(token, intentID: intentID, key: key)
        else { return notFound(language) }

        switch action {
        case "status":
            if let wait = limiter.admit(intentID, now: Double(System.unixTime())) {
                var response = WxPayServer.error(.tooManyRequests, code: "RATE_LIMITED",
                                                 message: "too many status requests for this payment; retry after \(wait) s",
                                                 retryable: true)
                response.headers[.retryAfter] = String(wait)
                return PayPageRoute.secured(response)
            }
            guard let state = await status(intentID, server: server) else { return unavailable() }
            switch state {
            case .failure(let error) where error.code == "INTENT_NOT_FOUND":
                return notFound(language)
            case .failure(let error):
                return PayPageRoute.secured(WxPayServer.json(WxPayServer.status(error.httpStatus),
                                                             (try? JSONCoding.string(error.jsonObject)) ?? "{}"))
            case .success(let view):
                let answer: JSONValue = ["status": view["status"] ?? "requires_confirmation",
                                         "amount": view["amount"] ?? .null]
                return PayPageRoute.secured(WxPayServer.json(.ok, (try? JSONCoding.string(answer)) ?? "{}"))
            }
        case "sandbox-pay":
            guard sandbox, ticket.channel == .jsapi else { return notFound(language) }
            return await sandboxPay(request, ticket: ticket, secrets: secrets, server: server)
        case "":
            return await page(request, ticket: ticket, secrets: secrets, sandbox: sandbox, token: token,
                              language: language, server: server)
        default:
            return notFound(language)
        }
    }

    /// The page itself.
    private func page(_ request: Request, ticket: PayPageTicket, secrets: Secrets, sandbox: Bool, token: String,
                      language: PayPage.Language, server: WxPayServer) async -> Response
    {
        let client = PayPage.Client(userAgent: request.headers[.userAgent])
        let work: @Sendable () -> (Result<JSONValue, WxPayError>, JSONValue?, String?) = {
            let state = PayPageRoute.queryStatus(ticket.intentID, server: server)
            var parameters: JSONValue? = nil
            var svg: String? = nil
            if case .success(let view) = state, view["status"]?.stringValue == "requires_confirmation" {
                switch ticket.channel {
                case .jsapi where client == .wechat:
                    parameters = try? CreateIntent.jsapiParameters(secrets: secrets, prepayID: ticket.target,
                                                                    now: System.unixTime())
                case .native:
                    svg = try? QRCode.encode(ticket.target).svg(quietZone: 4, pixelsPerModule: 6)
                default:
                    break
                }
            }
            return (state, parameters, svg)
        }
        guard let (state, parameters, svg) = try? await server.pool.runIfActive(work) else { return unavailable() }
        let view: JSONValue
        switch state {
        case .failure(let error) where error.code == "INTENT_NOT_FOUND":
            return notFound(language)
        case .failure(let error):
            server.logger.warning("payment page: the order query failed", metadata: ["code": .string(error.code)])
            return PayPageRoute.secured(WxPayServer.json(WxPayServer.status(error.httpStatus),
                                                         (try? JSONCoding.string(error.jsonObject)) ?? "{}"))
        case .success(let v):
            view = v
        }
        let nonce = PayPage.nonce()
        let tokenQuery = "?t=" + token
        let html = PayPage.render(PayPage.View(
            language: language, client: client, merchantName: secrets.merchantName, description: ticket.description,
            amountFen: view["amount"]?.intValue ?? 0,
            status: view["status"]?.stringValue ?? "requires_confirmation",
            remainingSeconds: ticket.expiresAt - System.unixTime(), channel: ticket.channel.rawValue,
            jsapiParameters: parameters, h5URL: ticket.channel == .h5 ? ticket.target : nil, qrSVG: svg,
            statusURL: ticket.intentID + "/status" + tokenQuery,
            sandboxPayURL: sandbox ? ticket.intentID + "/sandbox-pay" + tokenQuery : nil, nonce: nonce))
        var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        response.headers[.contentSecurityPolicy] = PayPage.contentSecurityPolicy(nonce: nonce)
        response.headers[.vary] = "Accept-Language, User-Agent"
        return PayPageRoute.secured(response)
    }

    /// The emulator pays the order (its control route), then notifies `notify_url` as WeChat Pay would. Sandbox
    /// only: the route answers 404 unless `api_base` is a loopback address.
    private func sandboxPay(_ request: Request, ticket: PayPageTicket, secrets: Secrets, server: WxPayServer) async
        -> Response
    {
        // The bridge sends the page's parameters: they must name this intent's prepay.
        var request = request
        let body = (try? await request.collectBody(upTo: 16 * 1024)).map { Array(buffer: $0) } ?? []
        guard let params = try? JSONCoding.value(from: body),
              params["package"]?.stringValue == "prepay_id=" + ticket.target
        else {
            return PayPageRoute.secured(WxPayServer.error(.badRequest, code: "BAD_REQUEST",
                                                          message: "the parameters are not this payment's"))
        }
        let url = secrets.apiBase + "/_emulator/orders/" + PathSegment.escape(ticket.intentID) + "/pay"
        let sent = try? await server.pool.runIfActive { () -> Int? in
            (try? HTTPClient.send(WxPayHTTP.HTTPRequest(method: "POST", url: url,
                                              headers: [("Content-Type", "application/json")],
                                              body: Array("{}".utf8))))?.status
        }
        guard let status = sent ?? nil, status == 200 else {
            return PayPageRoute.secured(WxPayServer.error(.badGateway, code: "SANDBOX_PAY_FAILED",
                                                          message: "the emulator did not pay the order", retryable: true))
        }
        return PayPageRoute.secured(WxPayServer.json(.ok, #"{"paid":true}"#))
    }

    /// The intent's state through the `intent-status` operation, on the server's threads.
    private func status(_ intentID: String, server: WxPayServer) async -> Result<JSONValue, WxPayError>? {
        try? await server.pool.runIfActive { PayPageRoute.queryStatus(intentID, server: server) }
    }

    /// `get_payment_status` for `intentID`, in-process (blocking: WeChat Pay is called).
    static func queryStatus(_ intentID: String, server: WxPayServer) -> Result<JSONValue, WxPayError> {
        var logger = server.logger
        logger[metadataKey: "route"] = "pay"
        do {
            return .success(try PaymentTool.getStatus.run(
                arguments: ["intent_id": .string(intentID)], environment: server.environment,
                deadline: .after(seconds: 10), logger: logger, secrets: server.secretsSource))
        } catch {
            return .failure(error)
        }
    }

    /// An intent id as the operations take it: 6 to 32 characters of `[0-9A-Za-z_|*-]`.
    static func isIntentID(_ id: String) -> Bool {
        (6...32).contains(id.utf8.count) && id.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == 0x5F || $0 == 0x2D || $0 == 0x7C || $0 == 0x2A
        }
    }

    private func notFound(_ language: PayPage.Language) -> Response {
        var response = Response(status: .notFound,
                                body: .init(byteBuffer: ByteBuffer(string: PayPage.renderNotFound(language))))
        response.headers[.contentType] = "text/html; charset=utf-8"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        response.headers[.vary] = "Accept-Language"
        return PayPageRoute.secured(response)
    }

    private func unavailable() -> Response {
        PayPageRoute.secured(WxPayServer.error(.serviceUnavailable, code: "SHUTTING_DOWN",
                                               message: "the server is stopping; retry", retryable: true))
    }

    /// `nosniff`, `no-referrer`, `no-store` and no framing on every answer under `/pay/`.
    static func secured(_ response: Response) -> Response {
        var response = response
        for (name, value) in PayPage.commonHeaders {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
}
