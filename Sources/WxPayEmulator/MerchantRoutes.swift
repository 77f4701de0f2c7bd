import HTTPTypes
import Hummingbird
import KitCore
import Logging
import NIOCore
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// An answer before signing: status and body (`nil` for 204).
struct APIAnswer: Sendable {
    var status: Int
    var body: JSONValue?

    static func ok(_ body: JSONValue) -> APIAnswer { APIAnswer(status: 200, body: body) }
    static let noContent = APIAnswer(status: 204, body: nil)
    init(status: Int, body: JSONValue?) {
        self.status = status
        self.body = body
    }
    init(_ error: WeChatAPIError) { self.init(status: error.status, body: error.body) }
}

/// One authenticated merchant call.
struct MerchantCall: Sendable {
    var request: Request
    var body: [UInt8]
    var context: EmulatorContext
    /// The fault this call took, for operations that break their own answer (`bill-hash-mismatch`).
    var fault: FaultRule? = nil

    /// The body as JSON.
    /// - Throws: 400 `PARAM_ERROR` when it is not JSON.
    func json() throws(WeChatAPIError) -> JSONValue {
        do { return try JSONCoding.value(from: body) } catch { throw .paramError("body", "is not valid JSON") }
    }

    /// A path parameter, percent-decoded.
    func parameter(_ name: String) -> String { PercentDecoding.decode(context.parameters.get(name) ?? "") }

    /// A query parameter.
    func query(_ name: String) -> String? { request.uri.queryParameters.get(name).map(PercentDecoding.decode) }

    /// Checks the `mchid` query parameter the query endpoints require.
    func requireMerchantQuery(_ mchid: String) throws(WeChatAPIError) {
        guard let q = query("mchid"), !q.isEmpty else { throw .paramError("mchid", "is required", location: "query") }
        guard q == mchid else { throw .paramError("mchid", "is not the merchant that signed the request", location: "query") }
    }
}

/// WeChat Pay's merchant API (`/v3/...`): every call goes through faults, authentication, the operation and
/// answer signing, in that order.
struct MerchantRoutes: Sendable {
    let emulator: Emulator

    func register(on router: Router<EmulatorContext>) {
        for type in TradeType.allCases {
            router.post("/v3/pay/transactions/\(type.rawValue)") { request, context in
                await handle(request, context, operation: "prepay.\(type.rawValue)") { call throws(WeChatAPIError) in
                    let outcome = try await emulator.ledger.prepay(body: try call.json(), tradeType: type)
                    emulator.logger.info("prepay", metadata: ["out_trade_no": "\(outcome.order.request.outTradeNo)",
                                                              "created": "\(outcome.created)"])
                    return .ok(outcome.order.prepayAnswer)
                }
            }
        }
        router.get("/v3/pay/transactions/out-trade-no/:no") { request, context in
            await handle(request, context, operation: "query.out_trade_no") { call throws(WeChatAPIError) in
                try call.requireMerchantQuery(emulator.side.mchid)
                return .ok(try await emulator.ledger.order(outTradeNo: call.parameter("no")).transaction)
            }
        }
        router.get("/v3/pay/transactions/id/:tid") { request, context in
            await handle(request, context, operation: "query.transaction_id") { call throws(WeChatAPIError) in
                try call.requireMerchantQuery(emulator.side.mchid)
                let order = try await emulator.ledger.order(transactionID: call.parameter("tid"))
                guard order.request.partner == nil else { throw .orderNotExist }  // a sub-merchant's (PartnerRoutes)
                return .ok(order.transaction)
            }
        }
        router.post("/v3/pay/transactions/out-trade-no/:no/close") { request, context in
            await handle(request, context, operation: "close") { call throws(WeChatAPIError) in
                let body = try call.json()
                guard let mchid = body["mchid"]?.stringValue, !mchid.isEmpty else {
                    throw .paramError("mchid", "is required")
                }
                guard mchid == emulator.side.mchid else {
                    throw .paramError("mchid", "is not the merchant that signed the request")
                }
                try await emulator.ledger.close(outTradeNo: call.parameter("no"))
                return .noContent
            }
        }
        router.post("/v3/refund/domestic/refunds") { request, context in
            await handle(request, context, operation: "refund") { call throws(WeChatAPIError) in
                let outcome = try await emulator.ledger.refund(body: try call.json())
                if outcome.created {
                    emulator.scheduleRefundSuccess(outRefundNo: PartnerOrder.key(subMchid: outcome.refund.subMchid,
                                                                                 outcome.refund.request.outRefundNo))
                }
                return .ok(outcome.refund.answer)
            }
        }
        router.get("/v3/refund/domestic/refunds/:no") { request, context in
            await handle(request, context, operation: "refund.query") { call throws(WeChatAPIError) in
                // A service provider asks for a sub-merchant's refund with `?sub_mchid=` (PartnerRoutes).
                .ok(try await emulator.ledger.refund(outRefundNo: PartnerOrder.key(subMchid: call.query("sub_mchid"),
                                                                                   call.parameter("no"))).answer)
            }
        }
        router.get("/v3/certificates") { request, context in
            await handle(request, context, operation: "certificates") { _ throws(WeChatAPIError) in
                try PlatformCertificates.answer(side: emulator.side, certificates: emulator.keyring.certificates)
            }
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("/v3/**", method: method) { request, context in
                await handle(request, context, operation: "unknown") { _ throws(WeChatAPIError) in
                    throw WeChatAPIError(status: 404, code: "NOT_FOUND", message: "请求的资源不存在 (no such API)")
                }
            }
        }
    }

    /// The request log, faults, authentication, the operation, signing.
    func handle(
        _ request: Request, _ context: EmulatorContext, operation: String,
        _ body: @Sendable (MerchantCall) async throws(WeChatAPIError) -> APIAnswer
    ) async -> Response {
        let started = System.unixTimeMillis()
        let path = request.uri.path
        let fault = await emulator.faults.take(path: path, method: request.method.rawValue)
        // The body is read before faults act, so the request log records every request as it arrived.
        var received: [UInt8]? = nil
        do {
            var buffer = try await request.body.collect(upTo: emulator.configuration.maxBodyBytes)
            received = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {}
        let logged = await emulator.configuration.requestLog?.append(
            method: request.method.rawValue, target: request.head.path ?? path, body: received)
        var answer: APIAnswer
        if let fault, fault.kind == .delay {
            try? await Task.sleep(nanoseconds: UInt64(fault.delayMs) * 1_000_000)
        }
        if fault?.kind == .frequencyLimited {
            answer = APIAnswer(.frequencyLimited)
        } else if let fault, fault.kind.hasTiming, fault.timing == .before {
            // Nothing takes effect; what the client gets (if anything) stands in for a SYSTEM_ERROR.
            answer = APIAnswer(.systemError)
        } else if let bytes = received {
            do throws(WeChatAPIError) {
                _ = try emulator.authenticator.verify(
                    method: request.method.rawValue, target: request.head.path ?? path, body: bytes,
                    authorization: request.headers[.authorization], now: System.unixTime())
                answer = try await body(MerchantCall(request: request, body: bytes, context: context, fault: fault))
            } catch {
                answer = APIAnswer(error)
            }
        } else {
            answer = APIAnswer(.paramError("body", "is larger than \(emulator.configuration.maxBodyBytes) bytes"))
        }
        if let fault, fault.timing == .after, fault.kind == .serverError { answer = APIAnswer(.systemError) }
        if fault?.kind == .otherOrder {
            answer = await ForeignAnswer.make(for: operation, emulator: emulator, context: context, body: received)
                ?? answer
        }
        if fault?.kind == .tamperedCertificate { answer = PlatformCertificates.tampered(answer) }
        // What the wire carries: no status at all for a reset or a silent connection.
        let noAnswer = fault?.kind == .reset || fault?.kind == .timeout
        let sent = SignedAnswer.wire(answer, breaking: fault?.kind)
        emulator.logger.info("merchant call", metadata: [
            "op": "\(operation)", "method": "\(request.method.rawValue)", "path": "\(path)",
            "status": "\(noAnswer ? 0 : sent.status)", "code": "\(answer.body?["code"]?.stringValue ?? "")",
            "fault": "\(fault?.kind.rawValue ?? "")", "ms": "\(System.unixTimeMillis() - started)",
        ])
        if let logged {
            await emulator.configuration.requestLog?.answered(
                seq: logged, status: noAnswer ? 0 : sent.status, code: answer.body?["code"]?.stringValue,
                fault: fault?.kind.rawValue)
        }
        switch fault?.kind {
        case .reset?:
            await context.resetConnection()
        case .timeout?:
            await context.holdSilently(milliseconds: fault?.delayMs ?? 0)
            await context.resetConnection()
        case let kind? where kind.breaksBody:
            return SignedAnswer.broken(sent, side: emulator.side, kind: kind, pauseMs: fault?.delayMs ?? 1000,
                                       context: context)
        default: break
        }
        return SignedAnswer.response(sent, side: emulator.side, corrupt: fault?.kind == .badSignature,
                                     serial: fault?.kind == .unknownSerial ? SignedAnswer.unknownSerial : nil)
    }
}

/// Signs answers the way WeChat Pay does: `Wechatpay-Timestamp/-Nonce/-Signature/-Serial` over
/// `TIMESTAMP\nNONCE\nBODY\n` with the platform key, on every answer (errors and 204 too), plus `Request-ID`.
enum SignedAnswer {
    /// The serial the `unknown-serial` fault signs with: shaped like a WeChat Pay public key id, held by no merchant.
    static let unknownSerial = "PUB_KEY_ID_0119000000000000000000000000"
    /// What a fault that breaks the body sends instead of a 204's missing body: there must be bytes to break (the
    /// close call's answer is read for its status alone).
    static let standInForNoContent: JSONValue = ["code": "SUCCESS", "message": "an answer with a body to break"]

    /// The answer as it goes on the wire: unchanged, except that a fault breaking the body turns a 204 into a 200
    /// with a small body.
    static func wire(_ answer: APIAnswer, breaking kind: FaultRule.Kind?) -> APIAnswer {
        guard let kind, kind.breaksBody, answer.body == nil else { return answer }
        return APIAnswer(status: 200, body: standInForNoContent)
    }

    /// The answer's body bytes and its signed headers.
    static func signed(_ answer: APIAnswer, side: WeChatSide, corrupt: Bool, serial: String?)
        -> (fields: HTTPFields, body: [UInt8])
    {
        let body: [UInt8] = answer.body.flatMap { try? JSONCoding.encode($0) } ?? []
        var fields = HTTPFields()
        if !body.isEmpty { fields[.contentType] = "application/json; charset=utf-8" }
        let signedBody = corrupt ? body + Array("#tampered".utf8) : body
        if let headers = try? side.signedHeaders(body: signedBody, timestamp: System.unixTime(), serial: serial) {
            for (name, value) in headers {
                if let n = HTTPField.Name(name) { fields[n] = value }
            }
        }
        fields[HTTPField.Name("Wechatpay-Signature-Type")!] = SignatureVerifier.supportedType
        fields[HTTPField.Name("Request-ID")!] = UUIDText.random()
        return (fields, body)
    }

    static func response(_ answer: APIAnswer, side: WeChatSide, corrupt: Bool, serial: String? = nil) -> Response {
        let (fields, body) = signed(answer, side: side, corrupt: corrupt, serial: serial)
        return Response(status: .init(code: answer.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A correctly signed answer whose body breaks on the wire (``FaultRule/Kind/breaksBody``): `Content-Length`
    /// announces the whole body, then `truncated` sends half of it and closes, `reset-mid-answer` sends half and
    /// resets, `drip` sends one byte every `pauseMs` for as long as the client listens.
    static func broken(_ answer: APIAnswer, side: WeChatSide, kind: FaultRule.Kind, pauseMs: Int,
                       context: EmulatorContext) -> Response
    {
        let (fields, body) = signed(answer, side: side, corrupt: false, serial: nil)
        let half = max(1, body.count / 2)
        let stream = ResponseBody(contentLength: body.count) { writer in
            switch kind {
            case .drip:
                for byte in body {
                    guard context.channel.isActive else { throw BrokenAnswer.clientLeft }
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await Task.sleep(nanoseconds: UInt64(max(1, pauseMs)) * 1_000_000)
                }
                try await writer.finish(nil)
            case .resetMidAnswer:
                try await writer.write(ByteBuffer(bytes: body.prefix(half)))
                try await Task.sleep(nanoseconds: 50_000_000)  // the bytes reach the client before the RST
                await context.resetConnection()
                throw BrokenAnswer.cut
            default:
                try await writer.write(ByteBuffer(bytes: body.prefix(half)))
                try await Task.sleep(nanoseconds: 50_000_000)
                // Throwing out of the body makes Hummingbird close the connection (FIN) without ending the message.
                throw BrokenAnswer.cut
            }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: stream)
    }

    /// Why a broken answer's body stopped (ends the connection; never reaches a client as such).
    enum BrokenAnswer: Error { case cut, clientLeft }
}

/// Decodes `%XX` escapes in path segments and query values.
enum PercentDecoding {
    static func decode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let v = Hex.decode(String(decoding: bytes.prefix(2), as: UTF8.self)), v.count == 1
            {
                out.append(v[0])
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `GET /v3/certificates`: the platform certificates (several during a rotation), each AEAD-encrypted under the
/// APIv3 key with `associated_data: "certificate"` (certificate and migration modes). A public-key-only merchant
/// has no platform certificate, and WeChat answers 404 `RESOURCE_NOT_EXISTS`.
enum PlatformCertificates {
    static func answer(side: WeChatSide, certificates: [X509Certificate]) throws(WeChatAPIError) -> APIAnswer {
        guard side.mode != .publicKey else {
            throw WeChatAPIError(status: 404, code: "RESOURCE_NOT_EXISTS",
                                 message: "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥")
        }
        var data: [JSONValue] = []
        for certificate in certificates {
            let pem: String
            do { pem = try certificate.pem() } catch { throw .systemError }
            let nonce = SecureRandom.alphanumeric(12)
            let ciphertext: String
            do {
                ciphertext = try ResourceCipher.encrypt(plaintext: Array(pem.utf8), nonce: nonce,
                                                        associatedData: "certificate",
                                                        apiV3Key: Array(side.apiV3Key.utf8))
            } catch { throw .systemError }
            data.append([
                "serial_no": .string(certificate.serialNumber),
                "effective_time": .string(ChinaTime.format(unix: certificate.notBefore)),
                "expire_time": .string(ChinaTime.format(unix: certificate.notAfter)),
                "encrypt_certificate": [
                    "algorithm": .string(ResourceCipher.algorithm), "nonce": .string(nonce),
                    "associated_data": "certificate", "ciphertext": .string(ciphertext),
                ],
            ])
        }
        return .ok(["data": .array(data)])
    }
}
