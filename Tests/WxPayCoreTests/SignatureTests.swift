import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// Signing and verification with keys generated at test time.
@Suite("Signatures")
struct SignatureTests {
    let keys = Fixtures.keys
    let body = Array(#"{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}"#.utf8)
    /// Now: the generated platform certificates are valid from a day ago for ten years.
    let timestamp: Int64 = System.unixTime()

    /// Headers as a lookup, with some replaced or removed.
    func headers(_ pairs: [(name: String, value: String)], replacing: [String: String?] = [:]) -> SignedHeaders {
        SignedHeaders { name in
            if let r = replacing.first(where: { $0.key.lowercased() == name }) { return r.value }
            return lookup(pairs)(name)
        }
    }

    func verify(_ h: SignedHeaders, secrets: Secrets, now: Int64? = nil, body: [UInt8]? = nil) -> WxPayError? {
        do {
            try SignatureVerifier.verify(h, body: body ?? self.body, secrets: secrets, now: now ?? timestamp)
            return nil
        } catch { return error }
    }

    // MARK: Round trips

    @Test("RSA sign/verify round trip; another message or another key fails")
    func roundTrip() throws {
        let message = Array("POST\n/v3/pay/transactions/jsapi\n1700000000\nNONCE\n{}\n".utf8)
        let signature = try keys.merchantKey.signSHA256(message)
        #expect(signature.count == 256)
        #expect(try keys.merchantKey.signSHA256(message) == signature, "PKCS#1 v1.5 is deterministic")
        #expect(try keys.merchantKey.publicKey.verifySHA256(signature: signature, message: message))
        #expect(try keys.merchantCertificate.publicKey.verifySHA256(signature: signature, message: message))
        #expect(try !keys.merchantKey.publicKey.verifySHA256(signature: signature, message: message + [0x20]))
        #expect(try !keys.platformKey.publicKey.verifySHA256(signature: signature, message: message))
        var flipped = signature
        flipped[0] ^= 1
        #expect(try !keys.merchantKey.publicKey.verifySHA256(signature: flipped, message: message))
        #expect(try !keys.merchantKey.publicKey.verifySHA256(signature: [], message: message))
    }

    @Test("the Authorization header verifies with the merchant certificate over METHOD\\nURL\\nTS\\nNONCE\\nBODY\\n")
    func authorizationRoundTrip() throws {
        let secrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let signer = RequestSigner(secrets: secrets)
        let requestBody = Array(#"{"amount":{"total":1}}"#.utf8)
        let header = try signer.authorization(method: "POST", canonicalURL: "/v3/pay/transactions/native",
                                              body: requestBody, timestamp: 1_700_000_000, nonce: "N0NCE")
        let fields = try #require(VectorTests.parseAuthorization(header)).fields
        #expect(fields["mchid"] == keys.mchid)
        #expect(fields["serial_no"] == keys.merchantCertificate.serialNumber)
        #expect(fields["timestamp"] == "1700000000")
        #expect(fields["nonce_str"] == "N0NCE")
        let signatureText = try #require(fields["signature"])
        let signature = try #require(Base64.decode(signatureText))
        let message = RequestSigner.message(method: "POST", canonicalURL: "/v3/pay/transactions/native",
                                            timestamp: 1_700_000_000, nonce: "N0NCE", body: requestBody)
        #expect(try keys.merchantCertificate.publicKey.verifySHA256(signature: signature, message: message))
    }

    @Test("WeChat-side signed headers verify in public-key, certificate and migration mode")
    func modes() throws {
        for mode in SandboxKeySet.VerificationMode.allCases {
            let secrets = try Fixtures.secrets(keys.secretsFile(mode: mode))
            let side = keys.wechatSide(mode: mode)
            let pairs = try side.signedHeaders(body: body, timestamp: timestamp)
            #expect(verify(headers(pairs), secrets: secrets) == nil, "\(mode)")
        }
    }

    // MARK: Window

    @Test("exactly 300 s either way is accepted; 301 s is refused, past and future")
    func windowBoundaries() throws {
        let secrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let h = headers(try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp))
        #expect(verify(h, secrets: secrets, now: timestamp) == nil)
        #expect(verify(h, secrets: secrets, now: timestamp + 300) == nil)
        #expect(verify(h, secrets: secrets, now: timestamp - 300) == nil)
        for now in [timestamp + 301, timestamp - 301, timestamp + 86_400, timestamp - 86_400] {
            let error = verify(h, secrets: secrets, now: now)
            #expect(error?.code == "TIMESTAMP_OUT_OF_WINDOW", "now = ts \(now - timestamp >= 0 ? "+" : "")\(now - timestamp)")
            #expect(error?.exitStatus == 77 && error?.httpStatus == 401)
        }
    }

    // MARK: Header checks

    @Test("each missing or malformed header has its own code", arguments: [
        ("Wechatpay-Timestamp", nil, "SIGNATURE_MISSING"),
        ("Wechatpay-Nonce", nil, "SIGNATURE_MISSING"),
        ("Wechatpay-Signature", nil, "SIGNATURE_MISSING"),
        ("Wechatpay-Serial", nil, "SIGNATURE_MISSING"),
        ("Wechatpay-Signature", "", "SIGNATURE_MISSING"),
        ("Wechatpay-Serial", "", "SIGNATURE_MISSING"),
        ("Wechatpay-Timestamp", "yesterday", "TIMESTAMP_INVALID"),
        ("Wechatpay-Signature", "not base64 !!", "SIGNATURE_INVALID"),
        ("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc", "SIGNATURE_PROBE"),
        ("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3", "SIGNATURE_TYPE_UNSUPPORTED"),
        ("Wechatpay-Serial", "PUB_KEY_ID_0119000000000000000000000000", "UNKNOWN_SERIAL"),
    ] as [(String, String?, String)])
    func headerChecks(_ name: String, _ value: String?, _ code: String) throws {
        let secrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let pairs = try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp)
        let error = verify(headers(pairs, replacing: [name.lowercased(): value]), secrets: secrets)
        #expect(error?.code == code)
        #expect(error?.exitStatus == 77)
        #expect(error?.httpStatus == 401)
    }

    @Test("the default signature type may also be stated explicitly")
    func explicitSignatureType() throws {
        let secrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let pairs = try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp)
        let h = headers(pairs, replacing: ["wechatpay-signature-type": SignatureVerifier.supportedType])
        #expect(verify(h, secrets: secrets) == nil)
    }

    @Test("the signature covers the raw body bytes: one more byte is refused")
    func rawBody() throws {
        let secrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let h = headers(try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp))
        #expect(verify(h, secrets: secrets, body: body + [0x20])?.code == "SIGNATURE_INVALID")
        #expect(verify(h, secrets: secrets, body: body + [0x0A])?.code == "SIGNATURE_INVALID")
    }

    // MARK: Serial selection

    @Test("serial selection: a public-key id only in public-key mode, a certificate serial only in certificate mode")
    func serialSelection() throws {
        let pkSecrets = try Fixtures.secrets(keys.secretsFile(mode: .publicKey))
        let certSecrets = try Fixtures.secrets(keys.secretsFile(mode: .certificate))
        let byID = headers(try keys.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp))
        let bySerial = headers(try keys.wechatSide(mode: .certificate).signedHeaders(body: body, timestamp: timestamp))
        #expect(verify(byID, secrets: pkSecrets) == nil)
        #expect(verify(bySerial, secrets: certSecrets) == nil)
        #expect(verify(bySerial, secrets: pkSecrets)?.code == "UNKNOWN_SERIAL")
        #expect(verify(byID, secrets: certSecrets)?.code == "UNKNOWN_SERIAL")
        // Certificate serials are hex: the header's case does not matter.
        let lower = headers(try keys.wechatSide(mode: .certificate).signedHeaders(
            body: body, timestamp: timestamp, serial: keys.platformCertificate.serialNumber.lowercased()))
        #expect(verify(lower, secrets: certSecrets) == nil)
    }

    @Test("rotation: two public keys and two certificates, both modes at once; each key only under its own serial")
    func rotation() throws {
        let old = keys, new = Fixtures.otherKeys
        var file = try old.secretsFile(mode: .both)
        file = Fixtures.editing(file, [
            "wechatpay_public_keys": .object([
                old.publicKeyID: .string(try old.platformKey.publicKey.pem()),
                new.publicKeyID: .string(try new.platformKey.publicKey.pem()),
            ]),
            "wechatpay_certificates": .object([
                old.platformCertificate.serialNumber: .string(try old.platformCertificate.pem()),
                new.platformCertificate.serialNumber: .string(try new.platformCertificate.pem()),
            ]),
        ])
        let secrets = try Fixtures.secrets(file)
        #expect(secrets.wechatPayPublicKeys.count == 2 && secrets.wechatPayCertificates.count == 2)
        for side in [old, new] {
            for mode in [SandboxKeySet.VerificationMode.publicKey, .certificate] {
                let h = headers(try side.wechatSide(mode: mode).signedHeaders(body: body, timestamp: timestamp))
                #expect(verify(h, secrets: secrets) == nil, "\(mode)")
            }
        }
        // The old key's signature under the new key's id (and certificate) is refused.
        for serial in [new.publicKeyID, new.platformCertificate.serialNumber] {
            let h = headers(try old.wechatSide(mode: .publicKey).signedHeaders(body: body, timestamp: timestamp,
                                                                               serial: serial))
            #expect(verify(h, secrets: secrets)?.code == "SIGNATURE_INVALID")
        }
    }

    @Test("an expired or not yet valid platform certificate is refused as UNKNOWN_SERIAL")
    func certificateValidity() throws {
        let now = System.unixTime()
        let expired = try X509Certificate.selfSigned(key: keys.platformKey, serialHex: "7AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1",
                                                     commonName: "expired", notBefore: now - 10 * 86_400, days: 1)
        let future = try X509Certificate.selfSigned(key: keys.platformKey, serialHex: "7BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2",
                                                    commonName: "future", notBefore: now + 86_400, days: 365)
        for cert in [expired, future] {
            let file = Fixtures.editing(try keys.secretsFile(mode: .certificate),
                                        ["wechatpay_certificates": .object([cert.serialNumber: .string(try cert.pem())])])
            let secrets = try Fixtures.secrets(file)
            let h = headers(try keys.wechatSide(mode: .certificate).signedHeaders(body: body, timestamp: now,
                                                                                  serial: cert.serialNumber))
            let error = verify(h, secrets: secrets, now: now)
            #expect(error?.code == "UNKNOWN_SERIAL")
            #expect(error?.exitStatus == 77)
            // Inside its validity the same certificate verifies.
            let inside = cert.notBefore + 60
            let h2 = headers(try keys.wechatSide(mode: .certificate).signedHeaders(body: body, timestamp: inside,
                                                                                   serial: cert.serialNumber))
            #expect(verify(h2, secrets: secrets, now: inside) == nil)
        }
    }

    // MARK: Forwarding signature

    @Test("Wxpay-Agent-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>")
    func forwardSignature() throws {
        let timestamp: Int64 = 1_700_000_000
        let secret = Array("fwd_0123456789abcdefghijklmnop".utf8)
        let event = Array(#"{"id":"EV-1"}"#.utf8)
        let header = ForwardSignature.header(secret: secret, timestamp: timestamp, body: event)
        let mac = Digest.hmacSHA256(key: secret, message: Array("1700000000.".utf8) + event)
        #expect(header == "t=1700000000,v1=\(Hex.encode(mac))")
        #expect(ForwardSignature.verify(header: header, secret: secret, body: event, now: timestamp))
        #expect(ForwardSignature.verify(header: header, secret: secret, body: event, now: timestamp + 300))
        #expect(!ForwardSignature.verify(header: header, secret: secret, body: event, now: timestamp + 301))
        #expect(!ForwardSignature.verify(header: header, secret: secret, body: event + [0x20], now: timestamp))
        #expect(!ForwardSignature.verify(header: header, secret: Array("another-secret-0123".utf8), body: event,
                                         now: timestamp))
        #expect(!ForwardSignature.verify(header: "t=1700000000", secret: secret, body: event, now: timestamp))
    }
}
