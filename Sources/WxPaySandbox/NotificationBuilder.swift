import KitCore
import WxPayCore
import WxPayCrypto

/// Builds signed, encrypted WeChat Pay notifications, good ones and deliberately bad ones.
public struct NotificationBuilder: Sendable {
    /// A deliberate defect, for tests and demos of every rejection path.
    public enum Fault: String, Sendable, CaseIterable {
        /// Timestamp 10 minutes in the past.
        case stale
        /// A `Wechatpay-Serial` the merchant does not know.
        case unknownSerial = "unknown-serial"
        /// The body changed after signing.
        case tampered
        /// A `WECHATPAY/SIGNTEST/` probe signature.
        case probe
        /// Signed by a key that is not WeChat Pay's.
        case wrongKey = "wrong-key"
        /// `Wechatpay-Signature-Type: WECHATPAY2-SM2-WITH-SM3`.
        case unsupportedSignatureType = "unsupported-signature-type"
        /// Resource encrypted under another APIv3 key.
        case undecryptable
        /// Resource of another merchant.
        case otherMerchant = "other-merchant"
        /// No signature headers at all.
        case unsigned
    }

    let side: WeChatSide

    /// A builder for WeChat Pay's side of a key set.
    public init(side: WeChatSide) { self.side = side }

    /// A decrypted transaction resource for `TRANSACTION.SUCCESS`.
    public func transaction(
        outTradeNo: String, amount: Int64, openid: String, attach: String? = nil, tradeType: String = "JSAPI",
        transactionID: String? = nil, successTime: Int64 = System.unixTime()
    ) -> JSONValue {
        var o: [String: JSONValue] = [
            "appid": .string(side.appid), "mchid": .string(side.mchid), "out_trade_no": .string(outTradeNo),
            "transaction_id": .string(transactionID ?? "4200" + String(SecureRandom.bytes(12).map { String($0 % 10) }.joined())),
            "trade_type": .string(tradeType), "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
            "bank_type": "OTHERS", "success_time": .string(ChinaTime.format(unix: successTime)),
            "payer": ["openid": .string(openid)],
            "amount": ["total": .int(amount), "payer_total": .int(amount), "currency": "CNY", "payer_currency": "CNY"],
        ]
        if let attach { o["attach"] = .string(attach) }
        return .object(o)
    }

    /// A decrypted refund resource for `REFUND.*`.
    public func refund(
        outTradeNo: String, transactionID: String, outRefundNo: String, refundID: String, status: String,
        refund: Int64, total: Int64, time: Int64 = System.unixTime()
    ) -> JSONValue {
        var o: [String: JSONValue] = [
            "mchid": .string(side.mchid), "out_trade_no": .string(outTradeNo), "transaction_id": .string(transactionID),
            "out_refund_no": .string(outRefundNo), "refund_id": .string(refundID), "refund_status": .string(status),
            "create_time": .string(ChinaTime.format(unix: time)), "user_received_account": "支付用户零钱",
            "amount": ["total": .int(total), "refund": .int(refund), "payer_total": .int(total), "payer_refund": .int(refund)],
        ]
        if status == "SUCCESS" { o["success_time"] = .string(ChinaTime.format(unix: time)) }
        return .object(o)
    }

    /// The notification POST: headers and the exact body bytes.
    public func notification(
        eventType: String, resource: JSONValue, now: Int64 = System.unixTime(), fault: Fault? = nil
    ) throws(CryptoError) -> (headers: [(name: String, value: String)], body: [UInt8]) {
        var plainResource = resource
        if fault == .otherMerchant, case .object(var o) = resource {
            o["mchid"] = "1230000000"
            plainResource = .object(o)
        }
        let isRefund = eventType.hasPrefix("REFUND.")
        let aad = isRefund ? "refund" : "transaction"
        let nonce = SecureRandom.alphanumeric(12)
        let key = fault == .undecryptable ? SecureRandom.alphanumeric(32) : side.apiV3Key
        let plaintext: [UInt8]
        do { plaintext = try JSONCoding.encode(plainResource) } catch {
            throw CryptoError(.internalFailure, "cannot encode the resource")
        }
        let ciphertext = Base64.encode(try AESGCM.seal(plaintext, key: Array(key.utf8), nonce: Array(nonce.utf8),
                                                       associatedData: Array(aad.utf8)))
        let envelope: JSONValue = [
            "id": .string(UUIDText.random()), "create_time": .string(ChinaTime.format(unix: now)),
            "resource_type": "encrypt-resource", "event_type": .string(eventType),
            "summary": .string(isRefund ? "退款状态变更" : "支付成功"),
            "resource": [
                "original_type": .string(aad), "algorithm": "AEAD_AES_256_GCM", "ciphertext": .string(ciphertext),
                "associated_data": .string(aad), "nonce": .string(nonce),
            ],
        ]
        var body: [UInt8]
        do { body = try JSONCoding.encode(envelope) } catch { throw CryptoError(.internalFailure, "cannot encode") }
        if fault == .unsigned { return ([("Content-Type", "application/json")], body) }

        let timestamp = fault == .stale ? now - 600 : now
        var headers: [(name: String, value: String)]
        if fault == .wrongKey {
            let impostor = WeChatSide(mchid: side.mchid, appid: side.appid, apiV3Key: side.apiV3Key,
                                      platformKey: try RSAPrivateKey.generate(), platformCertificate: side.platformCertificate,
                                      publicKeyID: side.publicKeyID, merchantCertificate: side.merchantCertificate, mode: side.mode)
            headers = try impostor.signedHeaders(body: body, timestamp: timestamp)
        } else {
            headers = try side.signedHeaders(body: body, timestamp: timestamp,
                                             serial: fault == .unknownSerial ? "PUB_KEY_ID_0119000000000000000000000000" : nil)
        }
        switch fault {
        case .tampered?:
            // Raise the amount after signing: exactly the attack the signature exists to stop.
            body = Array(String(decoding: body, as: UTF8.self).replacing("\"summary\":\"", with: "\"summary\":\"X", maxReplacements: 1).utf8)
        case .probe?:
            headers = headers.map { $0.name == "Wechatpay-Signature" ? ($0.name, "WECHATPAY/SIGNTEST/" + $0.value) : $0 }
        case .unsupportedSignatureType?:
            headers.append(("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3"))
        default: break
        }
        headers.insert(("Content-Type", "application/json"), at: 0)
        headers.append(("Request-ID", UUIDText.random()))
        return (headers, body)
    }

    /// Wraps a notification as the event a function receives.
    /// - Parameter style: `plain` (`{"headers","body","isBase64Encoded"}`), `apigw-v1`, `apigw-v2` or `scf-apigw`
    ///   (Tencent Cloud SCF's API Gateway trigger event).
    public static func envelope(headers: [(name: String, value: String)], body: [UInt8], style: String = "plain")
        -> JSONValue
    {
        var h: [String: JSONValue] = [:]
        for (n, v) in headers { h[style == "apigw-v2" || style == "scf-apigw" ? n.lowercased() : n] = .string(v) }
        var o: [String: JSONValue] = [
            "headers": .object(h), "body": .string(String(decoding: body, as: UTF8.self)), "isBase64Encoded": false,
        ]
        switch style {
        case "apigw-v1":
            o["httpMethod"] = "POST"
            o["path"] = "/wxpay/notify"
            o["resource"] = "/wxpay/notify"
            o["requestContext"] = ["requestId": .string(UUIDText.random()), "httpMethod": "POST", "stage": "prod"]
        case "apigw-v2":
            o["version"] = "2.0"
            o["routeKey"] = "POST /wxpay/notify"
            o["rawPath"] = "/wxpay/notify"
            o["requestContext"] = ["requestId": .string(UUIDText.random()),
                                   "http": ["method": "POST", "path": "/wxpay/notify"]]
        case "scf-apigw":  // Tencent Cloud SCF's API Gateway trigger event
            o["httpMethod"] = "POST"
            o["path"] = "/wxpay/notify"
            o["queryString"] = [:]
            o["queryStringParameters"] = [:]
            o["headerParameters"] = [:]
            o["pathParameters"] = [:]
            o["stageVariables"] = ["stage": "release"]
            o["requestContext"] = ["serviceId": "service-0wxpay00", "path": "/wxpay/notify", "httpMethod": "POST",
                                   "requestId": .string(UUIDText.random()), "identity": [:],
                                   "sourceIp": "203.0.113.7", "stage": "release"]
        default: break
        }
        return .object(o)
    }
}

/// Random RFC 4122 version-4 UUID text (notification ids, request ids).
public enum UUIDText {
    /// A new random UUID string.
    public static func random() -> String {
        var b = SecureRandom.bytes(16)
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let h = Hex.encode(b)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}
