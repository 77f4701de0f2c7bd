import Foundation

/// A local stand-in of the AWS Parameters and Secrets Lambda Extension: `GET /secretsmanager/get?secretId=…`
/// answers `{"Name", "SecretString", …}` and `GET /systemsmanager/parameters/get?name=…&withDecryption=true`
/// answers `{"Parameter": {"Name", "Type", "Value", …}}`, like the real one; a request without the right
/// `X-Aws-Parameters-Secrets-Token` is refused with 403, as the real one does. It does not cache: whatever a test
/// stores is served on the next request (the real extension's TTL is its own business).
final class FakeSecretsExtension: @unchecked Sendable {
    /// The session token the extension accepts.
    let token: String
    private let lock = NSLock()
    private var secrets: [String: String] = [:]
    private var parameters: [String: String] = [:]
    private var failure: CannedResponse? = nil
    private(set) var requests: [ReceivedRequest] = []
    private var server: TestHTTPServer!

    init(token: String = "IQoJb3JpZ2luX2VjEFAKE-session-token-" + UUID().uuidString) throws {
        self.token = token
        server = try TestHTTPServer { [weak self] request in self?.answer(request) }
    }

    /// The value of `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`.
    var port: String { String(server.port) }

    /// The environment a Lambda would give a function that uses the extension.
    var environment: [String: String] {
        ["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": port, "AWS_SESSION_TOKEN": token]
    }

    /// Stores (or rotates) a Secrets Manager secret's `SecretString`.
    func setSecret(_ id: String, _ value: String) { lock.withLock { secrets[id] = value } }
    /// Stores (or rotates) a Parameter Store parameter's value.
    func setParameter(_ name: String, _ value: String) { lock.withLock { parameters[name] = value } }
    /// Answers every later request with `response` (nil: back to normal).
    func fail(with response: CannedResponse?) { lock.withLock { failure = response } }
    /// Every request received so far.
    var received: [ReceivedRequest] { lock.withLock { requests } }

    func stop() { server.stop() }

    private func answer(_ request: ReceivedRequest) -> CannedResponse? {
        lock.lock()
        requests.append(request)
        let (failure, secrets, parameters) = (self.failure, self.secrets, self.parameters)
        lock.unlock()
        guard request.headers["x-aws-parameters-secrets-token"] == token else {
            return CannedResponse(status: 403, body: Array(#"{"message":"Forbidden"}"#.utf8))
        }
        if let failure { return failure }
        guard request.method == "GET", let components = URLComponents(string: "http://localhost" + request.path) else {
            return CannedResponse(status: 400)
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { a, _ in a }
        func json(_ object: [String: Any]) -> CannedResponse {
            CannedResponse(status: 200, headers: [("Content-Type", "application/json")],
                           body: Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()))
        }
        switch components.path {
        case "/secretsmanager/get":
            guard let id = query["secretId"], let value = secrets[id] else {
                return CannedResponse(status: 400, body: Array(#"{"__type":"ResourceNotFoundException"}"#.utf8))
            }
            return json(["ARN": "arn:aws:secretsmanager:ap-east-1:123456789012:secret:\(id)-AbCdEf", "Name": id,
                         "SecretString": value, "VersionId": UUID().uuidString, "VersionStages": ["AWSCURRENT"],
                         "CreatedDate": "2026-12-02T12:00:00Z", "ResultMetadata": [String: String]()])
        case "/systemsmanager/parameters/get":
            guard query["withDecryption"] == "true", let name = query["name"], let value = parameters[name] else {
                return CannedResponse(status: 400, body: Array(#"{"__type":"ParameterNotFound"}"#.utf8))
            }
            return json(["Parameter": ["ARN": "arn:aws:ssm:ap-east-1:123456789012:parameter\(name)", "Name": name,
                                       "Type": "SecureString", "Value": value, "Version": 1,
                                       "DataType": "text"] as [String: Any],
                         "ResultMetadata": [String: String]()])
        default:
            return CannedResponse(status: 404)
        }
    }
}
