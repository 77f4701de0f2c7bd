import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

/// The built `pii-redact` and `pii-restore` executables, end to end, with a secrets file from
/// `wxpay-simulate keys --sm4`.
@Suite("pii-redact | pii-restore executables")
struct ExecutableTests {
    /// DIR/secrets.json with an sm4_key, and DIR-nosm4/secrets.json without one; made once.
    static let keyDirectories: Result<(withKey: String, withoutKey: String), any Error> = Result {
        let dir = try TemporaryDirectory(prefix: "wxpay-pii-tests")
        let simulate = try Executables.require("wxpay-simulate")
        for (sub, extra) in [("sm4", ["--sm4"]), ("plain", [])] {
            let r = try runProcess(simulate, ["keys", "--out", dir.path + "/" + sub] + extra, environment: [:])
            guard r.status == 0 else { throw SetupFailure("wxpay-simulate keys failed: \(r.stderr)") }
        }
        return (dir.path + "/sm4/secrets.json", dir.path + "/plain/secrets.json")
    }

    static let original = "用户 oUpF8uMuAJO_M2pxb1Q9zNjWeS6o 手机 +86 138 0013 8000，身份证 11010519491231002X，"
        + "卡 6228 4800 1234 5671，邮箱 alice@example.com，交易 4200000001202306151234567890。"
    static let rawIdentifiers = ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "138 0013 8000", "13800138000", "11010519491231002X",
                                 "6228 4800 1234 5671", "6228480012345671", "alice@example.com",
                                 "4200000001202306151234567890", "1217752501201407033233368018"]

    func environment(withKey: Bool = true) throws -> [String: String] {
        let dirs = try Self.keyDirectories.get()
        return ["WXPAY_SECRETS_FILE": withKey ? dirs.withKey : dirs.withoutKey]
    }

    func run(_ name: String, _ input: JSONValue, withKey: Bool = true) throws -> ProcessResult {
        try runProcess(Executables.require(name), stdin: JSONCoding.encode(input), environment: environment(withKey: withKey))
    }

    func expectNoRawIdentifier(_ outcome: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for id in Self.rawIdentifiers {
            #expect(!outcome.stdoutText.contains(id), "stdout leaks \(id)", sourceLocation: sourceLocation)
            #expect(!outcome.stderr.contains(id), "stderr leaks \(id)", sourceLocation: sourceLocation)
        }
    }

    @Test("text: pii-redact leaves no raw identifier anywhere in its output; pii-restore gives the text back")
    func textRoundTrip() throws {
        let redacted = try run("pii-redact", ["text": .string(Self.original)])
        #expect(redacted.status == 0, "\(redacted.stderr)")
        expectNoRawIdentifier(redacted)
        let out = try redacted.json()
        #expect(out["counts"]?["phone"] == 1 && out["counts"]?["openid"] == 1 && out["counts"]?["id_card"] == 1)
        let text = try #require(out["text"]?.stringValue)
        #expect(text.contains("⟦OPENID_1⟧") && text.contains("⟦TRANSACTION_ID_1⟧"))

        let answer = text + " ⟦BANK_CARD_2⟧"
        let restored = try run("pii-restore", ["text": .string(answer), "mapping": out["mapping"]!])
        #expect(restored.status == 0, "\(restored.stderr)")
        let back = try restored.json()
        #expect(back["text"] == .string(Self.original + " ⟦BANK_CARD_2⟧"))
        #expect(back["unknown_placeholders"] == ["⟦BANK_CARD_2⟧"])
        for line in restored.stderr.split(separator: "\n") {
            #expect((try? JSONCoding.value(from: Array(line.utf8)))?.objectValue != nil, "log line \(line)")
        }
    }

    @Test("json through an HTTP envelope: identifiers under keys and inside strings are replaced, then restored")
    func jsonOverHTTP() throws {
        let payload: JSONValue = [
            "json": [
                "out_trade_no": "1217752501201407033233368018",
                "payer": ["openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"],
                "messages": [["role": "user", "content": "我的手机 13800138000，邮箱 alice@example.com"]],
                "amount": ["total": 1999],
            ],
        ]
        let envelope: JSONValue = ["headers": ["Content-Type": "application/json"],
                                   "body": .string(try JSONCoding.string(payload)), "isBase64Encoded": false]
        let redacted = try run("pii-redact", envelope)
        #expect(redacted.status == 0, "\(redacted.stderr)")
        expectNoRawIdentifier(redacted)
        let answer = try redacted.json()
        #expect(answer["statusCode"] == 200)
        let body = try JSONCoding.value(from: Array(try #require(answer["body"]?.stringValue).utf8))
        #expect(body["json"]?["amount"] == ["total": 1999])

        let restored = try run("pii-restore", ["json": body["json"]!, "mapping": body["mapping"]!])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try restored.json()["json"] == payload["json"])
    }

    @Test("a tampered mapping: exit 77, MAPPING_TAMPERED, nothing restored")
    func tampered() throws {
        let redacted = try run("pii-redact", ["text": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"])
        let mapping = try #require(try redacted.json()["mapping"]?.stringValue)
        var chars = Array(mapping.utf8)
        chars[chars.count / 2] = chars[chars.count / 2] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        let restored = try run("pii-restore", ["text": "⟦OPENID_1⟧", "mapping": .string(String(decoding: chars, as: UTF8.self))])
        #expect(restored.status == 77)
        let out = try restored.json()
        #expect(out["error"]?["code"] == "MAPPING_TAMPERED")
        #expect(out["text"] == nil)
        #expect(!restored.stdoutText.contains("oUpF8u"))
    }

    @Test("no sm4_key in the secrets file: exit 78, SECRETS_INVALID naming sm4_key", arguments: ["pii-redact", "pii-restore"])
    func missingKey(name: String) throws {
        let outcome = try run(name, ["text": "x", "mapping": "wxs1.AAAA"], withKey: false)
        #expect(outcome.status == 78)
        let error = try outcome.json()["error"]
        #expect(error?["code"] == "SECRETS_INVALID" && error?["field"] == "sm4_key")
    }

    @Test("--help and --version answer without reading stdin", arguments: ["pii-redact", "pii-restore"])
    func helpAndVersion(name: String) throws {
        let help = try runProcess(Executables.require(name), ["--help"], environment: [:])
        #expect(help.status == 0 && help.stdoutText.contains("mapping"))
        let version = try runProcess(Executables.require(name), ["--version"], environment: [:])
        #expect(version.status == 0 && version.stdoutText.hasPrefix(name + " "))
    }
}
