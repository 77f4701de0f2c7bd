import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPaySandbox

/// A merchant's secrets document, and the values in it that must never appear in a message.
struct SecretsDocument {
    let keys: SandboxKeySet
    let text: String

    init(mchid: String = "1900000109") throws {
        keys = try SandboxKeySet.generate(mchid: mchid)
        text = try JSONCoding.string(try keys.secretsFile(mode: .publicKey, notifyURL: "https://pay.example.com/n"))
    }

    /// The private key's PEM body lines, the APIv3 key, and the whole document.
    var secretValues: [String] {
        let pem = (try? JSONCoding.value(from: Array(text.utf8)))?["merchant_private_key"]?.stringValue ?? ""
        let lines = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
        return lines + [keys.apiV3Key]
    }

    /// The document with one field replaced (to make it invalid).
    func with(_ field: String, _ value: JSONValue) throws -> String {
        guard case .object(var o) = try JSONCoding.value(from: Array(text.utf8)) else { return text }
        o[field] = value
        return try JSONCoding.string(JSONValue.object(o))
    }
}

func loadResult(_ environment: [String: String]) -> Result<Secrets, WxPayError> {
    do { return .success(try Secrets.load(environment: environment)) } catch { return .failure(error) }
}

func loadError(_ environment: [String: String]) throws -> WxPayError {
    guard case .failure(let error) = loadResult(environment) else {
        Issue.record("the secrets loaded")
        throw SetupError("the secrets loaded")
    }
    return error
}

struct SetupError: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

@Suite("WXPAY_SECRETS_URL: file://, and the AWS Parameters and Secrets extension (a local stand-in)", .serialized)
struct SecretsSourceTests {
    @Test("the source: which of WXPAY_SECRETS_URL and WXPAY_SECRETS_FILE is read, and file:// forms")
    func sources() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (a, b) = (try SecretsDocument(mchid: "1900000001"), try SecretsDocument(mchid: "1900000002"))
        try scratch.write("a.json", a.text)
        try scratch.write("b.json", b.text)
        let (pathA, pathB) = (scratch.file("a.json"), scratch.file("b.json"))
        #expect(try Secrets.load(environment: ["WXPAY_SECRETS_URL": "file://" + pathA,
                                               "WXPAY_SECRETS_FILE": pathB]).mchid == "1900000001", "the URL wins")
        #expect(try Secrets.load(environment: ["WXPAY_SECRETS_URL": "file://localhost" + pathA]).mchid == "1900000001")
        #expect(try Secrets.load(environment: ["WXPAY_SECRETS_URL": "", "WXPAY_SECRETS_FILE": pathB]).mchid
            == "1900000002", "an empty URL is unset")
        let missing = try loadError(["WXPAY_SECRETS_URL": "file://" + scratch.file("my%20secrets.json")])
        #expect(missing.code == "SECRETS_NOT_FOUND" && missing.message.contains("my%20secrets.json"),
                "the path is taken as written")
        if !fileExists(Secrets.defaultPath) {
            #expect(try loadError([:]).message.contains(Secrets.defaultPath), "neither set: the default path")
        }
    }

    @Test("an unusable WXPAY_SECRETS_URL is SECRETS_SOURCE_INVALID, exit 78", arguments: [
        "https://example.com/secrets.json", "file://", "file://relative/path.json", "aws-secretsmanager://",
        "aws-ssm://", "aws-ssm://with space", "aws-secretsmanager://tab\there", "/just/a/path.json",
    ])
    func invalidSource(url: String) throws {
        let error = try loadError(["WXPAY_SECRETS_URL": url])
        #expect(error.code == "SECRETS_SOURCE_INVALID" && error.exitStatus == 78 && !error.retryable)
    }

    @Test("file:// reads the file anew on every load")
    func fileURL() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (a, b) = (try SecretsDocument(mchid: "1900000001"), try SecretsDocument(mchid: "1900000002"))
        try scratch.write("s.json", a.text)
        let env = ["WXPAY_SECRETS_URL": "file://" + scratch.file("s.json"), "WXPAY_SECRETS_FILE": "/nonexistent"]
        #expect(try Secrets.load(environment: env).mchid == "1900000001")
        try scratch.write("s.json", b.text)
        #expect(try Secrets.load(environment: env).mchid == "1900000002")
        #expect(try loadError(["WXPAY_SECRETS_URL": "file:///nonexistent/s.json"]).code == "SECRETS_NOT_FOUND")
    }

    @Test("Secrets Manager through the extension: the token header is sent, a rotated secret is read on the next load")
    func secretsManagerRotation() throws {
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        let (a, b) = (try SecretsDocument(mchid: "1900000001"), try SecretsDocument(mchid: "1900000002"))
        ext.setSecret("wxpay/prod", a.text)
        let env = ext.environment.merging(["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod"]) { $1 }
        #expect(try Secrets.load(environment: env).mchid == "1900000001")
        ext.setSecret("wxpay/prod", b.text)
        let rotated = try Secrets.load(environment: env)
        #expect(rotated.mchid == "1900000002")
        #expect(rotated.apiV3KeyBytes == Array(b.keys.apiV3Key.utf8))
        let received = ext.received
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0.path == "/secretsmanager/get?secretId=wxpay%2Fprod" })
        #expect(received.allSatisfy { $0.headers["x-aws-parameters-secrets-token"] == ext.token })
    }

    @Test("Parameter Store through the extension: name encoded, withDecryption=true, Parameter.Value read")
    func parameterStore() throws {
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        let doc = try SecretsDocument(mchid: "1900000003")
        ext.setParameter("/wxpay/prod secrets", doc.text)
        let env = ext.environment.merging(["WXPAY_SECRETS_URL": "aws-ssm:///wxpay/prod%20secrets"]) { $1 }
        // The name is taken as written (no %-decoding): the parameter is "/wxpay/prod%20secrets", absent here.
        #expect(try loadError(env).code == "SECRETS_UNAVAILABLE")
        ext.setParameter("/wxpay/prod%20secrets", doc.text)
        #expect(try Secrets.load(environment: env).mchid == "1900000003")
        let last = try #require(ext.received.last)
        #expect(last.path == "/systemsmanager/parameters/get?name=%2Fwxpay%2Fprod%2520secrets&withDecryption=true")
    }

    @Test("the stand-in refuses a request without the token with 403, like the real extension")
    func standInChecksToken() throws {
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        ext.setSecret("s", "{}")
        let bare = try HTTPClient.send(HTTPRequest(method: "GET",
                                                   url: "http://127.0.0.1:\(ext.port)/secretsmanager/get?secretId=s"))
        #expect(bare.status == 403)
        let wrong = try HTTPClient.send(HTTPRequest(method: "GET",
                                                    url: "http://127.0.0.1:\(ext.port)/secretsmanager/get?secretId=s",
                                                    headers: [("X-Aws-Parameters-Secrets-Token", "not-it")]))
        #expect(wrong.status == 403)
    }

    @Test("a refused token, a missing token, a missing secret: SECRETS_UNAVAILABLE, exit 78, not retryable")
    func refusals() throws {
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        let doc = try SecretsDocument()
        ext.setSecret("wxpay/prod", doc.text)
        let url = ["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod"]
        let wrongToken = try loadError(ext.environment.merging(url) { $1 }.merging(["AWS_SESSION_TOKEN": "stale"]) { $1 })
        #expect(wrongToken.code == "SECRETS_UNAVAILABLE" && wrongToken.exitStatus == 78 && !wrongToken.retryable)
        #expect(wrongToken.message.contains("403") && !wrongToken.message.contains("stale"))
        let noToken = try loadError(["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod",
                                     "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": ext.port])
        #expect(noToken.code == "SECRETS_UNAVAILABLE" && noToken.message.contains("AWS_SESSION_TOKEN"))
        let missing = try loadError(ext.environment.merging(["WXPAY_SECRETS_URL": "aws-secretsmanager://other"]) { $1 })
        #expect(missing.code == "SECRETS_UNAVAILABLE" && missing.message.contains("400"))
        let badPort = try loadError(url.merging(["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": "27x3",
                                                 "AWS_SESSION_TOKEN": "t"]) { $1 })
        #expect(badPort.code == "SECRETS_SOURCE_INVALID")
    }

    @Test("an extension that is down or hangs fails fast and retryable (the timeout is short)")
    func downOrHung() throws {
        let (fd, port) = try TestSockets.listen()
        close(fd)
        let env = ["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod", "AWS_SESSION_TOKEN": "t"]
        let down = try loadError(env.merging(["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": String(port)]) { $1 })
        #expect(down.code == "SECRETS_UNAVAILABLE" && down.retryable && down.exitStatus == 78)
        let hole = try BlackHole()
        let started = Date()
        let hung = try loadError(env.merging(["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": String(hole.port)]) { $1 })
        let took = Date().timeIntervalSince(started)
        #expect(hung.code == "SECRETS_UNAVAILABLE" && hung.retryable)
        #expect(took < 4.5, "took \(took) s")
    }

    @Test("no secret value and no token in any message: error answers, bad documents, non-JSON answers")
    func noSecretInMessages() throws {
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        let doc = try SecretsDocument()
        let env = ext.environment.merging(["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod"]) { $1 }
        var messages: [String] = []
        // Documents that fail validation in several fields, each carrying every secret value.
        for (field, value) in [("apiv3_key", JSONValue.string(String(doc.keys.apiV3Key.dropLast()))),
                               ("mchid", .string("12ab" + doc.keys.apiV3Key)),
                               ("merchant_private_key", .string(doc.keys.apiV3Key)),
                               ("wechatpay_public_keys", .string(doc.text))] {
            ext.setSecret("wxpay/prod", try doc.with(field, value))
            let error = try loadError(env)
            #expect(error.code == "SECRETS_INVALID")
            messages.append(error.message + ((try? JSONCoding.string(error.jsonObject)) ?? ""))
        }
        ext.setSecret("wxpay/prod", "not json " + doc.text)
        messages.append(try loadError(env).message)
        // The extension (or something in its place) answering with the secret and the token in its body.
        for status in [200, 403, 500] {
            let body = status == 200 ? "<html>\(doc.text) \(ext.token)" : "{\"echo\": \(doc.text), \"t\": \"\(ext.token)\"}"
            ext.fail(with: CannedResponse(status: status, body: Array(body.utf8)))
            let error = try loadError(env)
            #expect(error.code == "SECRETS_UNAVAILABLE")
            messages.append(error.message)
        }
        for message in messages {
            for value in doc.secretValues { #expect(!message.contains(value), "a secret value in: \(message)") }
            #expect(!message.contains(ext.token), "the session token in: \(message)")
        }
    }
}
