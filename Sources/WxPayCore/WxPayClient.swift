import KitCore
import WxPayCrypto
import WxPayHTTP

/// A verified answer from WeChat Pay.
public struct WxPayAnswer: Sendable {
    /// HTTP status (2xx).
    public var status: Int
    /// The parsed body, `.null` for 204.
    public var body: JSONValue
}

/// Calls WeChat Pay v3: signs every request, verifies every answer, retries what is safe to retry, maps failures to
/// ``WxPayError``s with the contract's codes and exit statuses.
///
/// Every call the kit makes is idempotent by construction (order and refund numbers are derived from idempotency
/// keys), so retrying after a timeout or a 5xx can never charge or refund twice.
public struct WxPayClient: Sendable {
    let secrets: Secrets
    let signer: RequestSigner
    /// No attempt starts, and none runs, past this.
    public let deadline: Deadline
    let retry: RetryPolicy
    let now: @Sendable () -> Int64
    /// Called after each attempt with (method, path, status or nil, milliseconds) for logging.
    let observe: @Sendable (String, String, Int?, Int) -> Void
    /// Sends one HTTP request: libcurl in production; a stand-in in fuzzing and fault tests.
    let transport: Transport

    /// One HTTP exchange.
    public typealias Transport = @Sendable (HTTPRequest) throws(HTTPError) -> HTTPResponse

    /// Creates a client for one invocation.
    /// - Parameters:
    ///   - deadline: no attempt starts, and none runs, past this.
    public init(
        secrets: Secrets, deadline: Deadline, retry: RetryPolicy = RetryPolicy(),
        now: @escaping @Sendable () -> Int64 = { System.unixTime() },
        observe: @escaping @Sendable (String, String, Int?, Int) -> Void = { _, _, _, _ in },
        transport: @escaping Transport = { request throws(HTTPError) in try HTTPClient.send(request) }
    ) {
        self.transport = transport
        self.secrets = secrets
        self.signer = RequestSigner(secrets: secrets)
        self.deadline = deadline
        self.retry = retry
        self.now = now
        self.observe = observe
    }

    /// `GET path` (path includes the query string, already percent-encoded).
    public func get(_ path: String) throws(WxPayError) -> WxPayAnswer {
        try send(method: "GET", path: path, body: nil)
    }

    /// `POST path` with a JSON body.
    public func post(_ path: String, _ body: JSONValue) throws(WxPayError) -> WxPayAnswer {
        try send(method: "POST", path: path, body: body)
    }

    /// Sends one logical call, with bounded retries for transport failures, 5xx, 202 and rate limiting.
    public func send(method: String, path: String, body: JSONValue?) throws(WxPayError) -> WxPayAnswer {
        let bytes: [UInt8]
        do { bytes = try body.map { try JSONCoding.encode($0) } ?? [] } catch {
            throw .internalError("cannot encode the request body")
        }
        var lastFailure: WxPayError = .unavailable("WeChat Pay was not called")
        for attempt in 1...retry.maxAttempts {
            let pause = retry.delay(beforeAttempt: attempt)
            if attempt > 1 {
                guard deadline.remaining > pause + 0.05 else { break }
                sleepSeconds(pause)
            }
            let remaining = deadline.remaining
            guard remaining > 0.05 else {
                throw .timedOut("the invocation's deadline left no time to call WeChat Pay")
            }
            let outcome = attemptOnce(method: method, path: path, body: bytes, timeout: min(10, remaining))
            switch outcome {
            case .success(let answer):
                return answer
            case .failure(let failure):
                lastFailure = failure
                // Only transient failures are retried; everything else is final.
                guard failure.retryable else { throw failure }
            }
        }
        if deadline.hasPassed && lastFailure.code != "RATE_LIMITED" {
            throw .timedOut("WeChat Pay did not answer before the invocation's deadline (\(lastFailure.message))")
        }
        throw lastFailure
    }

    private func attemptOnce(method: String, path: String, body: [UInt8], timeout: Double) -> Result<WxPayAnswer, WxPayError> {
        let started = Deadline.now()
        let timestamp = now()
        let nonce = SecureRandom.alphanumeric(32)
        let authorization: String
        do {
            authorization = try signer.authorization(method: method, canonicalURL: path, body: body, timestamp: timestamp,
                                                     nonce: nonce)
        } catch { return .failure(error) }
        var headers: [(name: String, value: String)] = [
            ("Authorization", authorization), ("Accept", "application/json"),
            ("User-Agent", "wxpay-agent-kit/1 (swift)"),
        ]
        if method != "GET" { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: secrets.apiBase + path, headers: headers, body: body,
                                  connectTimeout: min(2, timeout), totalTimeout: timeout)
        let response: HTTPResponse
        do {
            response = try transport(request)
        } catch {
            observe(method, path, nil, Int((Deadline.now() - started) * 1000))
            switch error.code {
            case .timedOut: return .failure(.timedOut("WeChat Pay did not answer in time: \(error.message)"))
            case .invalidURL, .transportUnavailable:
                return .failure(WxPayError(code: "TRANSPORT_UNAVAILABLE", message: error.message, retryable: false,
                                           exitStatus: ExitStatus.unavailable, httpStatus: 503))
            case .connectFailed, .connectionLost:
                return .failure(.unavailable("WeChat Pay is unreachable: \(error.message)"))
            case .answerTooLarge:
                // Not an answer WeChat Pay's API gives (they are a few KiB): a broken gateway or proxy in between,
                // like a 502. Retryable: every call is idempotent by construction, and the attempts stay within
                // the retry policy and the deadline.
                return .failure(WxPayError(code: "WECHAT_ANSWER_TOO_LARGE",
                                           message: "WeChat Pay's answer was refused: \(error.message)",
                                           retryable: true, exitStatus: ExitStatus.unavailable, httpStatus: 502))
            }
        }
        observe(method, path, response.status, Int((Deadline.now() - started) * 1000))
        return classify(response)
    }

    /// Verifies and interprets one HTTP answer.
    public func classify(_ response: HTTPResponse) -> Result<WxPayAnswer, WxPayError> {
        let signed = SignedHeaders(lookup: response.header)
        // A gateway in front of WeChat may answer 5xx unsigned: that is an outage, not an attack.
        if response.status >= 500 && signed.signature == nil {
            return .failure(.unavailable("WeChat Pay answered HTTP \(response.status)"))
        }
        do {
            try SignatureVerifier.verify(signed, body: response.body, secrets: secrets, now: now())
        } catch {
            return .failure(.authentication("ANSWER_" + error.code,
                                            "WeChat Pay's answer failed verification: \(error.message)"))
        }
        let json: JSONValue
        if response.body.isEmpty {
            json = .null
        } else {
            guard let parsed = try? JSONCoding.value(from: response.body) else {
                return .failure(.unavailable("WeChat Pay's answer is not JSON (HTTP \(response.status))"))
            }
            json = parsed
        }
        let code = json["code"]?.stringValue ?? "HTTP_\(response.status)"
        let message = json["message"]?.stringValue ?? "HTTP \(response.status)"
        switch response.status {
        case 200, 204:
            return .success(WxPayAnswer(status: response.status, body: json))
        case 202:
            return .failure(WxPayError(code: "WECHAT_ACCEPTED_NOT_DONE", message: "WeChat Pay accepted but did not finish: \(message)",
                                       retryable: true, exitStatus: ExitStatus.tempFail, httpStatus: 503,
                                       details: ["wechat_code": .string(code)]))
        case 401 where code == "SIGN_ERROR":
            return .failure(WxPayError.authentication("WECHAT_SIGN_ERROR", "WeChat Pay refused our signature: \(message)")
                .with("wechat_code", .string(code)))
        case 429:
            return .failure(.rateLimited("WeChat Pay rate-limited the call (\(code)): \(message)")
                .with("wechat_code", .string(code)))
        case 500...599:
            return .failure(.unavailable("WeChat Pay answered HTTP \(response.status) \(code): \(message)")
                .with("wechat_code", .string(code)))
        default:
            if code == "FREQUENCY_LIMITED" || code == "RATELIMIT_EXCEEDED" {
                return .failure(.rateLimited("WeChat Pay rate-limited the call (\(code)): \(message)")
                    .with("wechat_code", .string(code)))
            }
            var error = WxPayError.wechatRefused(status: response.status, wechatCode: code, message: message)
            if let detail = json["detail"], !detail.isNull { error = error.with("wechat_detail", detail) }
            return .failure(error)
        }
    }
}

extension WxPayError {
    /// WeChat Pay's own error code when this error carries one.
    public var wechatCode: String? { details["wechat_code"]?.stringValue }
}

/// Percent-encoding for one path segment (WeChat's query and close paths escape the order number).
public enum PathSegment {
    /// Escapes everything outside RFC 3986 unreserved characters.
    public static func escape(_ segment: String) -> String {
        var out = ""
        for b in segment.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(b >> 4)])\(hex[Int(b & 0xF)])"
            }
        }
        return out
    }
}
