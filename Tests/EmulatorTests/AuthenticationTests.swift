import KitCore
import Testing
import WxPayCore
import WxPaySandbox
import WxPayCrypto
import WxPayEmulator
import WxPayHTTP

/// Every request's `Authorization` is verified with the merchant certificate; every answer is signed.
@Suite("Request authentication and answer signing")
struct AuthenticationTests {
    @Test("missing, malformed, stale, tampered, wrong-serial, wrong-mchid and wrong-key requests are 401 SIGN_ERROR")
    func signErrors() throws {
        let emu = try RunningEmulator()
        let path = "/v3/pay/transactions/native"
        let body = try JSONCoding.encode(emu.nativeOrder(uniqueTradeNo()))
        let now = System.unixTime()
        func header(mchid: String? = nil, serial: String? = nil, key: RSAPrivateKey? = nil, timestamp: Int64? = nil,
                    signedBody: [UInt8]? = nil) throws -> String {
            let signer = RequestSigner(mchid: mchid ?? emu.secrets.mchid,
                                       serialNumber: serial ?? emu.secrets.merchantSerialNumber,
                                       key: try key ?? emu.secrets.merchantPrivateKey)
            return try signer.authorization(method: "POST", canonicalURL: path, body: signedBody ?? body,
                                            timestamp: timestamp ?? now, nonce: SecureRandom.alphanumeric(32))
        }
        let cases: [(String, String?, String)] = [
            ("missing", nil, "authorization"),
            ("other scheme", "Bearer abc", "schema"),
            ("unquoted", "WECHATPAY2-SHA256-RSA2048 mchid=1900000109", "mchid"),
            ("stale", try header(timestamp: now - 330), "timestamp"),
            ("future", try header(timestamp: now + 330), "timestamp"),
            ("tampered body", try header(signedBody: body + [0x20]), "signature"),
            ("other serial", try header(serial: "1234567890ABCDEF1234567890ABCDEF12345678"), "serial_no"),
            ("other merchant", try header(mchid: "1230000000"), "mchid"),
            ("other key", try header(key: try RSAPrivateKey.generate()), "signature"),
        ]
        for (name, authorization, field) in cases {
            let response = try emu.call("POST", path, rawBody: body, authorization: .some(authorization))
            #expect(response.status == 401, "\(name)")
            let error = try emu.verifiedJSON(response)  // error answers are signed too
            #expect(error["code"] == "SIGN_ERROR", "\(name)")
            #expect(error["detail"]?["field"]?.stringValue == field, "\(name): \(error)")
        }
        #expect(try emu.control("GET", "/_emulator/stats").json["orders_created"]?.intValue == 0)
    }

    @Test("parameter order in Authorization does not matter, and the query string is part of the signed URL")
    func orderInsensitiveAndQuery() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        let path = "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"
        let ts = System.unixTime()
        let nonce = SecureRandom.alphanumeric(32)
        let standard = try emu.signer.authorization(method: "GET", canonicalURL: path, body: [], timestamp: ts,
                                                    nonce: nonce)
        let params = standard.dropFirst(RequestSigner.scheme.count + 1).split(separator: ",").map(String.init)
        let shuffled = RequestSigner.scheme + " " + params.reversed().joined(separator: ",")
        #expect(try emu.call("GET", path, authorization: .some(shuffled)).status == 200)
        // Signed without the query: the canonical URL differs, so it must fail.
        let withoutQuery = try emu.signer.authorization(method: "GET", canonicalURL: "/v3/pay/transactions/out-trade-no/\(no)",
                                                        body: [], timestamp: ts, nonce: nonce)
        #expect(try emu.call("GET", path, authorization: .some(withoutQuery)).status == 401)
    }

    @Test("certificate mode signs with the platform certificate serial; 204 answers are signed over an empty body",
          arguments: ["certificate", "public-key", "both"])
    func modes(mode: String) throws {
        let emu = try RunningEmulator(mode: mode)
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        let closed = try emu.call("POST", "/v3/pay/transactions/out-trade-no/\(no)/close",
                                  json: ["mchid": .string(emu.secrets.mchid)])
        #expect(closed.status == 204)
        #expect(closed.body.isEmpty)
        try emu.verify(closed)
        let serial = closed.header("Wechatpay-Serial") ?? ""
        if mode == "certificate" {
            #expect(emu.secrets.wechatPayCertificates[serial] != nil)
        } else {
            #expect(serial.hasPrefix("PUB_KEY_ID_"))
            #expect(emu.secrets.wechatPayPublicKeys[serial] != nil)
        }
    }

    @Test("AuthorizationHeader parses keys in any order and rejects a duplicate")
    func headerParsing() throws {
        let a = try AuthorizationHeader(parsing: #"WECHATPAY2-SHA256-RSA2048 signature="c2ln",timestamp="1",serial_no="AB",nonce_str="n",mchid="1""#)
        #expect(a.mchid == "1" && a.serialNumber == "AB" && a.nonce == "n" && a.timestamp == "1" && a.signature == "c2ln")
        #expect(throws: WeChatAPIError.self) {
            try AuthorizationHeader(parsing: #"WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",timestamp="1",serial_no="A",signature="s""#)
        }
    }
}
