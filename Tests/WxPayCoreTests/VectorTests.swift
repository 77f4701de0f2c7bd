import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// Known answers from WeChat Pay's official SDKs, wechatpay-go and wechatpay-java (`Vectors/`; provenance in
/// `Vectors/README.md`).
@Suite("Known-answer vectors")
struct VectorTests {
    // MARK: Inventory

    @Test("every vector file is present with the documented number of vectors")
    func inventory() throws {
        #expect(VectorFile.vectors("rsa_sign.json").count == 5)
        #expect(VectorFile.vectors("rsa_verify.json").count == 4)
        #expect(VectorFile.vectors("aes_gcm_decrypt.json").count == 6)
        #expect(VectorFile.vectors("notification.json").count == 3)
        #expect(VectorFile.vectors("paysign.json").count == 2)
        #expect(try VectorFile.load("keys.json")["keys"]?.objectValue?.count == 9)
        // The parameterized tests below run on filtered subsets: an empty subset would run no case and pass, so
        // each subset's size is pinned here.
        func count(_ file: String, _ field: String, _ value: Int64? = nil) -> Int {
            VectorFile.vectors(file).filter { value == nil ? $0[field] != nil : $0[field]?.intValue == value }.count
        }
        #expect(count("rsa_sign.json", "authorization_go_java_order") == 4)
        #expect(count("aes_gcm_decrypt.json", "key_bytes", 32) == 4)
        #expect(count("aes_gcm_decrypt.json", "key_bytes", 16) == 2)
        #expect(count("aes_gcm_decrypt.json", "negative") == 2)
        #expect(count("aes_gcm_decrypt.json", "plaintext_sha256") == 1)
        #expect(count("aes_gcm_decrypt.json", "expected_certificate_serial_hex") == 1)
        #expect(count("notification.json", "apiv3_key_bytes", 32) == 2)
        #expect(count("notification.json", "negative_cases") == 2)
    }

    // MARK: rsa_sign.json

    @Test("SHA256withRSA signatures are byte-exact", arguments: VectorFile.vectors("rsa_sign.json"))
    func rsaSign(_ v: Vector) throws {
        let key = try RSAPrivateKey(pem: VectorFile.pem(try v.string("key")))
        let message: [UInt8]
        if let method = v["method"]?.stringValue {
            message = RequestSigner.message(
                method: method, canonicalURL: try v.string("canonical_url"),
                timestamp: try #require(v["timestamp"]?.intValue), nonce: try v.string("nonce_str"),
                body: Array(try v.string("body").utf8))
            #expect(message == Array(try v.string("message").utf8), "the signed message differs")
        } else {
            message = Array(try v.string("message").utf8)
        }
        #expect(Base64.encode(try key.signSHA256(message)) == (try v.string("signature_b64")))
    }

    @Test("the Authorization header matches the Go/Java order exactly and every SDK's key set",
          arguments: VectorFile.vectors("rsa_sign.json").filter { $0["authorization_go_java_order"] != nil })
    func authorizationHeader(_ v: Vector) throws {
        let signer = RequestSigner(mchid: try v.string("mchid"), serialNumber: try v.string("serial_no"),
                                   key: try RSAPrivateKey(pem: VectorFile.pem(try v.string("key"))))
        let header = try signer.authorization(
            method: try v.string("method"), canonicalURL: try v.string("canonical_url"),
            body: Array(try v.string("body").utf8), timestamp: try #require(v["timestamp"]?.intValue),
            nonce: try v.string("nonce_str"))
        let expected = try v.string("authorization_go_java_order")
        #expect(header == expected)
        // Order is not significant to the server: compare the parsed key/value sets as well.
        let parsed = try #require(Self.parseAuthorization(header))
        #expect(parsed.scheme == RequestSigner.scheme)
        #expect(parsed.fields == Self.parseAuthorization(expected)?.fields)
        #expect(parsed.fields["signature"] == (try v.string("signature_b64")))
        #expect(Set(parsed.fields.keys) == ["mchid", "nonce_str", "timestamp", "serial_no", "signature"])
    }

    /// `SCHEME k="v",k="v",...` into its scheme and fields.
    static func parseAuthorization(_ header: String) -> (scheme: String, fields: [String: String])? {
        guard let space = header.firstIndex(of: " ") else { return nil }
        var fields: [String: String] = [:]
        for part in header[header.index(after: space)...].split(separator: ",") {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            let value = part[part.index(after: eq)...]
            guard value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 else { return nil }
            fields[String(part[..<eq])] = String(value.dropFirst().dropLast())
        }
        return (String(header[..<space]), fields)
    }

    // MARK: rsa_verify.json

    @Test("verification known answers, with the SPKI key and with the certificate's key",
          arguments: VectorFile.vectors("rsa_verify.json"))
    func rsaVerify(_ v: Vector) throws {
        let certificate = try X509Certificate(pem: VectorFile.pem("go_test_cert_serial_F5765756002FDD77"))
        let keys = [try RSAPublicKey(pem: VectorFile.pem("go_test_rsa2048_public_spki")), try certificate.publicKey]
        guard let expected = v["expect_valid"]?.boolValue else { throw TestFailure("\(v.id) lacks expect_valid") }
        let signature = Base64.decode(try v.string("signature_b64")) ?? []
        for key in keys {
            #expect(key.verifySHA256(signature: signature, message: Array(try v.string("message").utf8)) == expected)
        }
    }

    @Test("a WECHATPAY/SIGNTEST/ probe is refused as SIGNATURE_PROBE before any key is consulted")
    func probeRefusedByVerifier() throws {
        let probe = try #require(VectorFile.vectors("rsa_verify.json").first { $0.id == "probe-signtest" })
        let secrets = try Fixtures.secrets(Fixtures.keys.secretsFile(mode: .publicKey))
        let values = ["wechatpay-timestamp": "1624523846", "wechatpay-nonce": "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
                      "wechatpay-signature": try probe.string("signature_b64"),
                      "wechatpay-serial": Fixtures.keys.publicKeyID]
        let headers = SignedHeaders { values[$0] }
        let error = #expect(throws: WxPayError.self) {
            try SignatureVerifier.verify(headers, body: Array("{}".utf8), secrets: secrets, now: 1_624_523_846)
        }
        #expect(error?.code == "SIGNATURE_PROBE")
        #expect(error?.exitStatus == 77)
    }

    // MARK: aes_gcm_decrypt.json

    @Test("AEAD_AES_256_GCM: 32-byte vectors decrypt and re-encrypt to the same bytes",
          arguments: VectorFile.vectors("aes_gcm_decrypt.json").filter { $0["key_bytes"]?.intValue == 32 })
    func aesDecrypt(_ v: Vector) throws {
        let key = Array(try v.string("key").utf8)
        #expect(key.count == 32)
        let plaintext = try ResourceCipher.decrypt(
            ciphertext: try v.string("ciphertext_b64"), nonce: try v.string("nonce"),
            associatedData: try v.string("associated_data"), apiV3Key: key)
        #expect(plaintext == Array(try v.string("plaintext").utf8))
        let sealed = try ResourceCipher.encrypt(plaintext: plaintext, nonce: try v.string("nonce"),
                                                associatedData: try v.string("associated_data"), apiV3Key: key)
        #expect(sealed == (try v.string("ciphertext_b64")))
        if let digest = v["plaintext_sha256"]?.stringValue {
            #expect(Hex.encode(Digest.sha256(plaintext)) == digest)
        }
        if let serial = v["expected_certificate_serial_hex"]?.stringValue {
            let cert = try X509Certificate(pem: String(decoding: plaintext, as: UTF8.self))
            #expect(cert.serialNumber == serial)
        }
    }

    @Test("16-byte-key vectors (AES-128 in Go's tests) are refused by the AES-256-only API",
          arguments: VectorFile.vectors("aes_gcm_decrypt.json").filter { $0["key_bytes"]?.intValue == 16 })
    func aes128Refused(_ v: Vector) throws {
        let key = Array(try v.string("key").utf8)
        #expect(key.count == 16)
        let error = #expect(throws: WxPayError.self) {
            _ = try ResourceCipher.decrypt(ciphertext: try v.string("ciphertext_b64"), nonce: try v.string("nonce"),
                                           associatedData: try v.string("associated_data"), apiV3Key: key)
        }
        #expect(error?.code == "DECRYPTION_FAILED")
        let sealed = try #require(Base64.decode(try v.string("ciphertext_b64")))
        let cryptoError = #expect(throws: CryptoError.self) {
            _ = try AESGCM.open(sealed, key: key, nonce: Array(try v.string("nonce").utf8),
                                associatedData: Array(try v.string("associated_data").utf8))
        }
        #expect(cryptoError?.code == .invalidParameter)
    }

    @Test("every listed negative change fails to decrypt",
          arguments: VectorFile.vectors("aes_gcm_decrypt.json").filter { $0["negative"] != nil })
    func aesNegatives(_ v: Vector) throws {
        let cases = try #require(v["negative"]?.arrayValue)
        #expect(!cases.isEmpty)
        for change in try cases.map({ try #require($0["change"]?.stringValue, "a negative case without change") }) {
            var key = try v.string("key"), nonce = try v.string("nonce")
            var aad = try v.string("associated_data"), ciphertext = try v.string("ciphertext_b64")
            if change == "ciphertext=128 zero bytes" {
                ciphertext = Base64.encode([UInt8](repeating: 0, count: 128))
            } else {
                let (field, value) = try #require(Self.quotedChange(change), "unhandled change: \(change)")
                switch field {
                case "key": key = value
                case "nonce": nonce = value
                case "associated_data": aad = value
                case "ciphertext": ciphertext = value
                default: Issue.record("unhandled field in change: \(change)")
                }
            }
            let error = #expect(throws: WxPayError.self, "\(change) must fail") {
                _ = try ResourceCipher.decrypt(ciphertext: ciphertext, nonce: nonce, associatedData: aad,
                                               apiV3Key: Array(key.utf8))
            }
            #expect(error?.code == "DECRYPTION_FAILED", "\(change)")
            // With a 32-byte key the negative must still fail when the algorithm is given every other input right.
            if Array(key.utf8).count == 32, let sealed = Base64.decode(ciphertext) {
                #expect(throws: CryptoError.self) {
                    _ = try AESGCM.open(sealed, key: Array(key.utf8), nonce: Array(nonce.utf8),
                                        associatedData: Array(aad.utf8))
                }
            }
        }
    }

    /// `field='value'` (optionally followed by a comment) into its parts.
    static func quotedChange(_ change: String) -> (String, String)? {
        guard let eq = change.firstIndex(of: "="), change[change.index(after: eq)...].hasPrefix("'") else { return nil }
        let rest = change[change.index(eq, offsetBy: 2)...]
        guard let close = rest.firstIndex(of: "'") else { return nil }
        return (String(change[..<eq]), String(rest[..<close]))
    }

    // MARK: notification.json

    /// A secrets file for a notification vector: its verification key under its serial, the merchant from the
    /// expected plaintext, and `apiv3Key`.
    static func secrets(for v: Vector, apiV3Key: String) throws -> JSONValue {
        let verifyKeyName = String(try v.string("verify_key").split(separator: " ")[0])
        let serial = try #require(v["headers"]?["Wechatpay-Serial"]?.stringValue)
        let plaintext = try JSONCoding.value(from: Array(try #require(v["expected"]?["plaintext"]?.stringValue).utf8))
        var o: [String: JSONValue] = [
            "mchid": .string(try #require(plaintext["mchid"]?.stringValue)),
            "appid": .string(plaintext["appid"]?.stringValue ?? "wxd678efh567hg6787"),
            "merchant_serial_no": "5F1C72E2A8931B72A2E13AF8DEE92471EB397115",
            "merchant_private_key": .string(try VectorFile.pem("java_merchant_private_key")),
            "apiv3_key": .string(apiV3Key),
        ]
        let pem = try VectorFile.pem(verifyKeyName)
        if serial.hasPrefix("PUB_KEY_ID_") {
            o["wechatpay_public_keys"] = [serial: .string(pem)]
        } else {
            o["wechatpay_certificates"] = [serial: .string(pem)]
        }
        return .object(o)
    }

    static func headerLookup(_ v: Vector, overriding: [String: String] = [:]) -> (String) -> String? {
        let headers = v["headers"]?.objectValue ?? [:]
        return { name in
            if let o = overriding.first(where: { $0.key.lowercased() == name.lowercased() }) { return o.value }
            return headers.first { $0.key.lowercased() == name.lowercased() }?.value.stringValue
        }
    }

    @Test("derived notifications verify, decrypt and normalize in full",
          arguments: VectorFile.vectors("notification.json").filter { $0["apiv3_key_bytes"]?.intValue == 32 })
    func notificationAccepted(_ v: Vector) throws {
        let secrets = try Fixtures.secrets(Self.secrets(for: v, apiV3Key: try v.string("apiv3_key")))
        let now = try #require(v["now_unix"]?.intValue)
        let body = Array(try v.string("raw_body").utf8)
        let h = SignedHeaders(lookup: Self.headerLookup(v))
        #expect(SignatureVerifier.message(timestamp: h.timestamp ?? "", nonce: h.nonce ?? "", body: body)
            == Array(try v.string("signed_message").utf8))
        let event = try NotificationProcessor.process(header: Self.headerLookup(v), body: body, secrets: secrets, now: now)
        let expectedResource = try JSONCoding.value(from: Array(try #require(v["expected"]?["plaintext"]?.stringValue).utf8))
        #expect(event.resource == expectedResource)
        let eventType = try #require(v["expected"]?["event_type"]?.stringValue)
        #expect(event.wechatEventType == eventType)
        #expect(event.type == PaymentEvent.type(for: eventType))
        let envelope = try JSONCoding.value(from: body)
        #expect(event.id == envelope["id"]?.stringValue)
        #expect(event.createdAt == envelope["create_time"]?.stringValue)
        let outTradeNo = try #require(expectedResource["out_trade_no"])
        #expect(event.json["out_trade_no"] == outTradeNo)
    }

    @Test("derived notifications: every listed negative case is refused with its own code",
          arguments: VectorFile.vectors("notification.json").filter { $0["negative_cases"] != nil })
    func notificationNegatives(_ v: Vector) throws {
        let apiV3Key = try v.string("apiv3_key")
        let now = try #require(v["now_unix"]?.intValue)
        let timestampText = try #require(v["headers"]?["Wechatpay-Timestamp"]?.stringValue)
        let timestamp = try #require(Int64(timestampText))
        let body = try v.string("raw_body")
        let cases = try #require(v["negative_cases"]?.arrayValue).map {
            try #require($0["change"]?.stringValue, "a negative case without change")
        }
        #expect(cases.count == 6)
        for change in cases {
            var key = apiV3Key, clock = now, raw = body, overriding: [String: String] = [:]
            let expected: String
            switch change {
            case "now_unix = Wechatpay-Timestamp + 301":
                clock = timestamp + 301; expected = "TIMESTAMP_OUT_OF_WINDOW"
            case "now_unix = Wechatpay-Timestamp - 301":
                clock = timestamp - 301; expected = "TIMESTAMP_OUT_OF_WINDOW"
            case "Wechatpay-Signature = 'WECHATPAY/SIGNTEST/xyz'":
                overriding["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/xyz"; expected = "SIGNATURE_PROBE"
            case "append one space to raw_body":
                raw += " "; expected = "SIGNATURE_INVALID"
            case "Wechatpay-Serial unknown":
                overriding["Wechatpay-Serial"] = "7132D72A03E93CDDF8C03BBD1F37EEDF2B7ABBBC"; expected = "UNKNOWN_SERIAL"
            case "apiv3_key last char changed":
                key = String(key.dropLast()) + (key.hasSuffix("X") ? "Y" : "X"); expected = "DECRYPTION_FAILED"
            default:
                Issue.record("unhandled negative case: \(change)")
                continue
            }
            let secrets = try Fixtures.secrets(Self.secrets(for: v, apiV3Key: key))
            let error = #expect(throws: WxPayError.self, "\(change)") {
                _ = try NotificationProcessor.process(header: Self.headerLookup(v, overriding: overriding),
                                                      body: Array(raw.utf8), secrets: secrets, now: clock)
            }
            #expect(error?.code == expected, "\(change)")
            #expect(error?.exitStatus == 77 && error?.httpStatus == 401, "\(change)")
        }
        // The window is inclusive: exactly 300 s either way is still accepted.
        let secrets = try Fixtures.secrets(Self.secrets(for: v, apiV3Key: apiV3Key))
        for clock in [timestamp + 300, timestamp - 300] {
            _ = try NotificationProcessor.process(header: Self.headerLookup(v), body: Array(body.utf8), secrets: secrets,
                                                  now: clock)
        }
    }

    @Test("Go PAYSCORE notification: the signature verifies, the 16-byte-key resource does not decrypt")
    func payscoreSignatureOnly() throws {
        let v = try #require(VectorFile.vectors("notification.json").first { $0.id == "go-notify-payscore" })
        let key16 = try v.string("apiv3_key")
        #expect(key16.utf8.count == 16)
        // Our secrets file refuses the 16-character APIv3 key outright...
        let refused = #expect(throws: WxPayError.self) {
            _ = try Fixtures.secrets(Self.secrets(for: v, apiV3Key: key16))
        }
        #expect(refused?.code == "SECRETS_INVALID")
        #expect(refused?.details["field"] == "apiv3_key")
        // ...and with a 32-byte key the signature checks out while decryption fails.
        let secrets = try Fixtures.secrets(Self.secrets(for: v, apiV3Key: key16 + key16))
        let now = try #require(v["now_unix"]?.intValue)
        let body = Array(try v.string("raw_body").utf8)
        #expect(v["headers"]?["Wechatpay-Signature-Type"] == nil, "the vector relies on the default signature type")
        try SignatureVerifier.verify(SignedHeaders(lookup: Self.headerLookup(v)), body: body, secrets: secrets, now: now)
        let error = #expect(throws: WxPayError.self) {
            _ = try NotificationProcessor.process(header: Self.headerLookup(v), body: body, secrets: secrets, now: now)
        }
        #expect(error?.code == "DECRYPTION_FAILED")
        #expect(error?.exitStatus == 77)
    }

    // MARK: paysign.json

    @Test("paySign (JSAPI) and APP sign are reproduced by RequestSigner.sign", arguments: VectorFile.vectors("paysign.json"))
    func paySign(_ v: Vector) throws {
        let signer = RequestSigner(mchid: "1900000109", serialNumber: "F5765756002FDD77",
                                   key: try RSAPrivateKey(pem: VectorFile.pem(try v.string("key"))))
        let p = try #require(v["params"])
        let fields: [String?] = p["appId"] != nil
            ? [p["appId"]?.stringValue, p["timeStamp"]?.stringValue, p["nonceStr"]?.stringValue, p["package"]?.stringValue]
            : [p["appid"]?.stringValue, p["timestamp"]?.stringValue, p["noncestr"]?.stringValue, p["prepayid"]?.stringValue]
        let message = try fields.map { try #require($0) }.map { $0 + "\n" }.joined()
        #expect(message == (try v.string("message")))
        let expected = try #require(v["paySign"]?.stringValue ?? v["sign"]?.stringValue)
        #expect(try signer.sign(message) == expected)
    }

    // MARK: keys.json

    @Test("certificates parse with their serial and validity period")
    func certificates() throws {
        let expected: [(name: String, serial: String, from: String, to: String)] = [
            ("go_test_cert_serial_F5765756002FDD77", "F5765756002FDD77", "2021-04-27T08:40:32Z", "2031-04-25T08:40:32Z"),
            ("go_test_cert_serial_D7CE59D1F522D701", "D7CE59D1F522D701", "2021-04-27T08:55:23Z", "2031-04-25T08:55:23Z"),
            ("java_merchant_certificate", "5F1C72E2A8931B72A2E13AF8DEE92471EB397115", "2022-05-10T01:57:10Z",
             "2025-05-09T01:57:10Z"),
            ("java_wechatpay_certificate", "440024045C4A427599D09BB4E3DE0279F2E813FD", "2022-05-10T02:04:30Z",
             "2025-05-09T02:04:30Z"),
        ]
        let keys = try #require(try VectorFile.load("keys.json")["keys"]?.objectValue)
        #expect(keys.values.filter { $0["pem"]?.stringValue?.contains("BEGIN CERTIFICATE") == true }.count == expected.count)
        for e in expected {
            let cert = try X509Certificate(pem: VectorFile.pem(e.name))
            #expect(cert.serialNumber == e.serial)
            #expect(keys[e.name]?["serial_hex"]?.stringValue == e.serial)
            #expect(cert.notBefore == ChinaTime.parse(e.from))
            #expect(cert.notAfter == ChinaTime.parse(e.to))
            #expect(cert.isValid(at: cert.notBefore) && cert.isValid(at: cert.notAfter))
            #expect(!cert.isValid(at: cert.notBefore - 1) && !cert.isValid(at: cert.notAfter + 1))
        }
        // The Go certificates carry the Go test key pair; the Java platform certificate the Java platform key.
        let goSPKI = try VectorFile.pem("go_test_rsa2048_public_spki")
        #expect(try X509Certificate(pem: VectorFile.pem("go_test_cert_serial_F5765756002FDD77")).publicKey.pem() == goSPKI)
        #expect(try X509Certificate(pem: VectorFile.pem("go_test_cert_serial_D7CE59D1F522D701")).publicKey.pem() == goSPKI)
        #expect(try X509Certificate(pem: VectorFile.pem("java_wechatpay_certificate")).publicKey.pem()
            == VectorFile.pem("java_wechatpay_public_key"))
    }

    @Test("merchant keys load as PKCS#8 and as PKCS#1 and sign identically")
    func merchantKeyForms() throws {
        for name in ["go_test_rsa2048_private_pkcs8", "java_merchant_private_key", "java_wechatpay_private_key"] {
            let pkcs8 = try VectorFile.pem(name)
            #expect(pkcs8.hasPrefix(pemBegin("PRIVATE KEY")))
            let key = try RSAPrivateKey(pem: pkcs8)
            let pkcs1 = try key.pkcs1PEM()
            #expect(pkcs1.hasPrefix(pemBegin("RSA PRIVATE KEY")))
            let again = try RSAPrivateKey(pem: pkcs1)
            #expect(try again.signSHA256(Array("source".utf8)) == key.signSHA256(Array("source".utf8)))
            #expect(try again.pkcs8PEM() == pkcs8)
            // And the secrets file takes either form.
            for pem in [pkcs8, pkcs1] {
                let secrets = try Fixtures.secrets(Fixtures.editing(Fixtures.keys.secretsFile(mode: .publicKey),
                                                                    ["merchant_private_key": .string(pem)]))
                #expect(try secrets.merchantPrivateKey.signSHA256(Array("source".utf8)) == key.signSHA256(Array("source".utf8)))
            }
        }
        let goSignature = try #require(VectorFile.vectors("rsa_sign.json").first { $0.id == "go-sign-source" })
        let pkcs1 = try RSAPrivateKey(pem: VectorFile.pem("go_test_rsa2048_private_pkcs8")).pkcs1PEM()
        #expect(Base64.encode(try RSAPrivateKey(pem: pkcs1).signSHA256(Array("source".utf8)))
            == (try goSignature.string("signature_b64")))
    }
}
