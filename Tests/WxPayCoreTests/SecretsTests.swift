import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// The secrets file (docs/secrets.md): every way it can be missing or invalid, and that no value is ever echoed.
@Suite("Secrets file")
struct SecretsTests {
    static let forwardSecret = "fwd_Zq81xkP0aLm3Vn7Rt2Yw9Bc4Ee6Gh"
    static let sm4Key = "0123456789abcdeffedcba9876543210"

    /// A complete, valid file in both modes with forwarding and sealing configured.
    static func validFile(_ keys: SandboxKeySet = Fixtures.keys) throws -> JSONValue {
        try keys.secretsFile(mode: .both, apiBase: "http://127.0.0.1:9", notifyURL: "https://pay.example.com/notify",
                             forwardURL: "https://agent.example.com/hooks/wxpay", forwardSecret: forwardSecret,
                             sm4Key: sm4Key)
    }

    /// Everything secret in ``validFile(_:)``.
    static func secretValues(_ keys: SandboxKeySet = Fixtures.keys) throws -> [String] {
        [try keys.merchantKey.pkcs8PEM(), try keys.merchantKey.pkcs1PEM(), keys.apiV3Key, forwardSecret, sm4Key]
    }

    /// Writes `text` to a fresh file and loads it as `WXPAY_SECRETS_FILE`.
    static func load(text: String) throws -> Result<Secrets, WxPayError> {
        let dir = try makeTempDirectory()
        defer { removeTree(dir) }
        try writeFile(dir + "/wxpay.json", text)
        return load(path: dir + "/wxpay.json")
    }

    static func load(path: String) -> Result<Secrets, WxPayError> {
        do { return .success(try Secrets.load(environment: ["WXPAY_SECRETS_FILE": path])) } catch { return .failure(error) }
    }

    static func load(_ value: JSONValue) throws -> Result<Secrets, WxPayError> {
        try load(text: JSONCoding.string(value))
    }

    /// Asserts a refusal: the code, exit 78, HTTP 500, the field, and that no secret appears anywhere in it.
    static func expectRefused(
        _ result: Result<Secrets, WxPayError>, code: String, field: String?, secrets: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard case .failure(let error) = result else {
            Issue.record("the file was accepted; expected \(code)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.exitStatus == ExitStatus.config && error.exitStatus == 78, sourceLocation: sourceLocation)
        #expect(error.httpStatus == 500, sourceLocation: sourceLocation)
        #expect(!error.retryable, sourceLocation: sourceLocation)
        #expect(error.details["field"]?.stringValue == field, sourceLocation: sourceLocation)
        let rendered = error.message + error.description + (try JSONCoding.string(error.jsonObject))
        let leak = leakedFragment(in: rendered, of: secrets)
        #expect(leak == nil, "the error text quotes a secret: \(leak ?? "")", sourceLocation: sourceLocation)
    }

    // MARK: Accepted files

    @Test("a complete file loads; values are read, defaults applied, unknown keys ignored")
    func validFileLoads() throws {
        let keys = Fixtures.keys
        var file = try Self.validFile()
        file = Fixtures.editing(file, ["some_future_key": "ignored", "api_base": "http://127.0.0.1:9/"])
        let secrets = try Self.load(file).get()
        #expect(secrets.mchid == keys.mchid)
        #expect(secrets.appid == keys.appid)
        #expect(secrets.merchantSerialNumber == keys.merchantCertificate.serialNumber)
        #expect(secrets.apiV3KeyBytes == Array(keys.apiV3Key.utf8))
        #expect(secrets.apiBase == "http://127.0.0.1:9", "a trailing slash is trimmed")
        #expect(secrets.forwardURL == "https://agent.example.com/hooks/wxpay")
        #expect(secrets.forwardSecretBytes == Array(Self.forwardSecret.utf8))
        #expect(secrets.sm4KeyBytes == Hex.decode(Self.sm4Key))
        #expect(Array(secrets.wechatPayPublicKeys.keys) == [keys.publicKeyID])
        #expect(Array(secrets.wechatPayCertificates.keys) == [keys.platformCertificate.serialNumber])
        #expect(leakedFragment(in: secrets.description, of: try Self.secretValues()) == nil)

        let minimal = try Self.load(keys.secretsFile(mode: .publicKey)).get()
        #expect(minimal.apiBase == Secrets.productionAPIBase)
        #expect(minimal.forwardURL == nil && minimal.forwardSecretBytes == nil && minimal.sm4KeyBytes == nil)
    }

    @Test("a PKCS#1 merchant key, a lower-case certificate serial key and a lower-case merchant serial are accepted")
    func tolerantForms() throws {
        let keys = Fixtures.keys
        var file = try keys.secretsFile(mode: .certificate, pkcs1: true)
        #expect(file["merchant_private_key"]?.stringValue?.hasPrefix(pemBegin("RSA PRIVATE KEY")) == true)
        file = Fixtures.editing(file, [
            "merchant_serial_no": .string(keys.merchantCertificate.serialNumber.lowercased()),
            "wechatpay_certificates": .object([
                keys.platformCertificate.serialNumber.lowercased(): .string(try keys.platformCertificate.pem()),
            ]),
        ])
        let secrets = try Self.load(file).get()
        #expect(secrets.merchantSerialNumber == keys.merchantCertificate.serialNumber)
        #expect(secrets.wechatPayCertificates[keys.platformCertificate.serialNumber] != nil)
        #expect(try secrets.merchantPrivateKey.signSHA256([1]) == keys.merchantKey.signSHA256([1]))
    }

    @Test("PEM keys saved with Windows line ends, indented lines and blank lines are read as the same keys")
    func pemLayoutTolerated() throws {
        let keys = Fixtures.keys
        func relaid(_ pem: String) -> String {
            let lines = pem.split(separator: "\n").map { "  \($0)\t" }
            return "\r\n" + lines.joined(separator: "\r\n\r\n") + "\r\n"
        }
        let file = Fixtures.editing(try keys.secretsFile(mode: .publicKey), [
            "merchant_private_key": .string(relaid(try keys.merchantKey.pkcs8PEM())),
            "wechatpay_public_keys": .object([keys.publicKeyID: .string(relaid(try keys.platformKey.publicKey.pem()))]),
        ])
        #expect(file["merchant_private_key"]?.stringValue?.contains("\r\n") == true)
        let secrets = try Self.load(file).get()
        #expect(try secrets.merchantPrivateKey.signSHA256([1]) == keys.merchantKey.signSHA256([1]))
        let signature = try keys.platformKey.signSHA256([2])
        let key = try #require(try secrets.verificationKey(forSerial: keys.publicKeyID, at: 0))
        #expect(key.verifySHA256(signature: signature, message: [2]))
        #expect(!key.verifySHA256(signature: signature, message: [3]))
    }

    @Test("the file is read anew on every load: a rotation between two loads takes effect")
    func rotationBetweenLoads() throws {
        let dir = try makeTempDirectory()
        defer { removeTree(dir) }
        let path = dir + "/wxpay.json"
        let old = Fixtures.keys, new = Fixtures.otherKeys
        try SandboxFiles.writeFile(path, JSONCoding.encode(old.secretsFile(mode: .publicKey)))
        let first = try Self.load(path: path).get()
        #expect(Array(first.wechatPayPublicKeys.keys) == [old.publicKeyID])
        try SandboxFiles.writeFile(path, JSONCoding.encode(Fixtures.editing(old.secretsFile(mode: .publicKey), [
            "wechatpay_public_keys": .object([new.publicKeyID: .string(try new.platformKey.publicKey.pem())]),
            "apiv3_key": .string(new.apiV3Key),
        ])))
        let second = try Self.load(path: path).get()
        #expect(Array(second.wechatPayPublicKeys.keys) == [new.publicKeyID])
        #expect(second.apiV3KeyBytes == Array(new.apiV3Key.utf8))
    }

    // MARK: SECRETS_NOT_FOUND

    @Test("a missing file is SECRETS_NOT_FOUND naming the path")
    func missingFile() throws {
        let result = Self.load(path: "/tmp/wxpay-core-tests-nonexistent/wxpay.json")
        try Self.expectRefused(result, code: "SECRETS_NOT_FOUND", field: nil, secrets: [])
        let error = try #require(result.failureValue, "the missing file was accepted")
        #expect(error.message.contains("/tmp/wxpay-core-tests-nonexistent/wxpay.json"))
    }

    @Test("without WXPAY_SECRETS_FILE the default path is read", .enabled(if: !fileExists(Secrets.defaultPath)))
    func defaultPath() throws {
        let error = #expect(throws: WxPayError.self) { _ = try Secrets.load(environment: [:]) }
        #expect(error?.code == "SECRETS_NOT_FOUND")
        #expect(error?.message.contains(Secrets.defaultPath) == true)
        let empty = #expect(throws: WxPayError.self) { _ = try Secrets.load(environment: ["WXPAY_SECRETS_FILE": ""]) }
        #expect(empty?.message.contains(Secrets.defaultPath) == true)
    }

    @Test("an unreadable path (a directory) and an oversized file are SECRETS_NOT_FOUND")
    func unreadable() throws {
        let dir = try makeTempDirectory()
        defer { removeTree(dir) }
        try Self.expectRefused(Self.load(path: dir), code: "SECRETS_NOT_FOUND", field: nil, secrets: [])
        try writeFile(dir + "/huge.json", String(repeating: " ", count: (1 << 20) + 10) + "{}")
        try Self.expectRefused(Self.load(path: dir + "/huge.json"), code: "SECRETS_NOT_FOUND", field: nil, secrets: [])
    }

    // MARK: SECRETS_INVALID

    @Test("text that is not a JSON object is SECRETS_INVALID without quoting it")
    func notJSON() throws {
        let apiKey = Fixtures.keys.apiV3Key
        for text in ["", "not json", "[1,2]", "\"\(apiKey)\"", "{\"apiv3_key\": \"\(apiKey)\"", "null"] {
            try Self.expectRefused(Self.load(text: text), code: "SECRETS_INVALID", field: "(file)", secrets: [apiKey])
        }
    }

    @Test("each required field, missing or empty, is named", arguments: [
        "mchid", "appid", "merchant_serial_no", "merchant_private_key", "apiv3_key",
    ])
    func missingField(_ field: String) throws {
        let secrets = try Self.secretValues()
        try Self.expectRefused(Self.load(Fixtures.editing(Self.validFile(), [field: nil])),
                               code: "SECRETS_INVALID", field: field, secrets: secrets)
        try Self.expectRefused(Self.load(Fixtures.editing(Self.validFile(), [field: ""])),
                               code: "SECRETS_INVALID", field: field, secrets: secrets)
    }

    /// One invalid value, the field the error must name.
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let field: String
        let changes: @Sendable () throws -> [String: JSONValue?]
    }

    static let invalidCases: [Case] = [
        Case(description: "mchid of the wrong type", field: "mchid") { ["mchid": 1_900_000_109] },
        Case(description: "mchid not digits", field: "mchid") { ["mchid": "19000A0109"] },
        Case(description: "merchant serial not hex", field: "merchant_serial_no") { ["merchant_serial_no": "SERIAL-1"] },
        Case(description: "merchant key not PEM", field: "merchant_private_key") {
            ["merchant_private_key": .string(pemBegin("PRIVATE KEY") + "\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")]
        },
        Case(description: "merchant key is a public key", field: "merchant_private_key") {
            ["merchant_private_key": .string(try Fixtures.keys.merchantKey.publicKey.pem())]
        },
        Case(description: "merchant key is RSA-1024", field: "merchant_private_key") {
            ["merchant_private_key": .string(try RSAPrivateKey.generate(bits: 1024).pkcs8PEM())]
        },
        Case(description: "merchant key is an EC key (openssl CLI)", field: "merchant_private_key") {
            let ec = runProcess(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
            guard ec.status == 0, ec.output.contains(pemBegin("PRIVATE KEY")) else { throw TestFailure("openssl genpkey failed") }
            return ["merchant_private_key": .string(ec.output)]
        },
        Case(description: "apiv3_key of 16 characters", field: "apiv3_key") { ["apiv3_key": "testMchAPIv3Key0"] },
        Case(description: "apiv3_key of 33 characters", field: "apiv3_key") {
            ["apiv3_key": .string(Fixtures.keys.apiV3Key + "x")]
        },
        Case(description: "no verification keys at all", field: "wechatpay_public_keys") {
            ["wechatpay_public_keys": nil, "wechatpay_certificates": nil]
        },
        Case(description: "empty verification key maps", field: "wechatpay_public_keys") {
            ["wechatpay_public_keys": .object([:]), "wechatpay_certificates": .object([:])]
        },
        Case(description: "public key id without PUB_KEY_ID_", field: "wechatpay_public_keys") {
            ["wechatpay_public_keys": .object(["0119000001": .string(try Fixtures.keys.platformKey.publicKey.pem())])]
        },
        Case(description: "public key not PEM", field: "wechatpay_public_keys.PUB_KEY_ID_0119X") {
            ["wechatpay_public_keys": .object(["PUB_KEY_ID_0119X": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"])]
        },
        Case(description: "certificate not PEM", field: "wechatpay_certificates.7132D72A03E93CDD") {
            ["wechatpay_certificates": .object(["7132D72A03E93CDD": "not a certificate"])]
        },
        Case(description: "certificate keyed by the wrong serial", field: "wechatpay_certificates.7132D72A03E93CDD") {
            ["wechatpay_certificates": .object(["7132D72A03E93CDD": .string(try Fixtures.keys.platformCertificate.pem())])]
        },
        Case(description: "forward_url without forward_secret", field: "forward_secret") { ["forward_secret": nil] },
        Case(description: "forward_secret shorter than 16", field: "forward_secret") { ["forward_secret": "short"] },
        Case(description: "forward_url not http(s)", field: "forward_url") { ["forward_url": "ftp://agent.example.com"] },
        Case(description: "api_base not http(s)", field: "api_base") { ["api_base": "api.mch.weixin.qq.com"] },
        Case(description: "notify_url not http(s)", field: "notify_url") { ["notify_url": "/wxpay/notify"] },
        Case(description: "sm4_key not hex", field: "sm4_key") { ["sm4_key": "zz23456789abcdeffedcba9876543210"] },
        Case(description: "sm4_key of 15 bytes", field: "sm4_key") { ["sm4_key": "0123456789abcdeffedcba98765432"] },
        Case(description: "sm4_key of 17 bytes", field: "sm4_key") { ["sm4_key": "0123456789abcdeffedcba987654321000"] },
    ]

    @Test("each invalid value is SECRETS_INVALID naming its field, never its value", arguments: invalidCases)
    func invalidValue(_ c: Case) throws {
        let file = Fixtures.editing(try Self.validFile(), try c.changes())
        var secrets = try Self.secretValues()
        // The offending value itself must not be echoed either (when it is long enough to tell).
        for (_, v) in try c.changes() { if let s = v?.stringValue, s.count >= 12 { secrets.append(s) } }
        try Self.expectRefused(Self.load(file), code: "SECRETS_INVALID", field: c.field, secrets: secrets)
    }
}

/// Whether a path exists.
func fileExists(_ path: String) -> Bool { (try? System.readFile(path, limit: 1 << 20)) != nil }
