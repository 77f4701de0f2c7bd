import KitCore
import WxPayCore
import WxPayCrypto
import WxPayHTTP

/// The bill file's download: a signed GET whose answer WeChat Pay does not sign. Kept here, out of WxPayCore, so that
/// no other function binary carries it.
struct UnsignedDownload {
    let secrets: Secrets
    let signer: RequestSigner
    let deadline: Deadline
    let retry: RetryPolicy
    let now: @Sendable () -> Int64
    let observe: @Sendable (String, String, Int?, Int) -> Void
    let transport: @Sendable (HTTPRequest) throws(HTTPError) -> HTTPResponse

    init(secrets: Secrets, deadline: Deadline, retry: RetryPolicy, now: @escaping @Sendable () -> Int64 = { System.unixTime() },
         observe: @escaping @Sendable (String, String, Int?, Int) -> Void,
         transport: @escaping @Sendable (HTTPRequest) throws(HTTPError) -> HTTPResponse = { r throws(HTTPError) in
             try HTTPClient.send(r)
         })
    {
        self.secrets = secrets
        signer = RequestSigner(secrets: secrets)
        self.deadline = deadline
        self.retry = retry
        self.now = now
        self.observe = observe
        self.transport = transport
    }

    /// Whether `url` may be fetched with the merchant's signature: the same scheme, host and port as `api_base`, or
    /// an `https://` URL on WeChat Pay's API hosts (`*.mch.weixin.qq.com`). A bill's `download_url` names a host; a
    /// signed request goes nowhere else.
    func mayFetch(_ url: String) -> Bool {
        func origin(_ u: String) -> Substring? {
            guard let scheme = u.firstRange(of: "://") else { return nil }
            let rest = u[scheme.upperBound...]
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            guard !host.isEmpty, !host.contains("@") else { return nil }
            return u[..<host.endIndex]
        }
        guard let target = origin(url) else { return false }
        if let base = origin(secrets.apiBase), target.lowercased() == base.lowercased() { return true }
        let lower = target.lowercased()
        guard lower.hasPrefix("https://") else { return false }
        let host = lower.dropFirst("https://".count).prefix { $0 != ":" }
        return host.hasSuffix(".mch.weixin.qq.com")
    }

    /// `GET url` (absolute), signed like every call, for an answer WeChat Pay does not sign: a bill file
    /// (`/v3/billdownload/file`; WeChat's docs say not to verify it: its integrity is the bill's SHA-1, checked by
    /// the caller). Transport failures and 5xx are retried like other calls, within the deadline.
    /// - Parameter maxBytes: the largest body accepted; a longer one is `BILL_TOO_LARGE` (nothing past it is held).
    /// - Returns: the body of a 200 answer.
    func fetchUnsigned(url: String, maxBytes: Int) throws(WxPayError) -> [UInt8] {
        guard let scheme = url.firstRange(of: "://"),
              let slash = url[scheme.upperBound...].firstIndex(where: { $0 == "/" })
        else { throw .unavailable("the download URL is not an absolute URL with a path") }
        let canonical = String(url[slash...])
        var lastFailure: WxPayError = .unavailable("the bill was not downloaded")
        for attempt in 1...retry.maxAttempts {
            let pause = retry.delay(beforeAttempt: attempt)
            if attempt > 1 {
                guard deadline.remaining > pause + 0.05 else { break }
                sleepSeconds(pause)
            }
            let remaining = deadline.remaining
            guard remaining > 0.05 else { throw .timedOut("the invocation's deadline left no time to download the bill") }
            let started = Deadline.now()
            let authorization = try signer.authorization(method: "GET", canonicalURL: canonical, body: [],
                                                         timestamp: now(), nonce: SecureRandom.alphanumeric(32))
            let request = HTTPRequest(
                method: "GET", url: url,
                headers: [("Authorization", authorization), ("Accept", "*/*"), ("User-Agent", "wxpay-agent-kit/1 (swift)")],
                connectTimeout: min(2, remaining), totalTimeout: remaining, maxAnswerBytes: maxBytes)
            let response: HTTPResponse
            do throws(HTTPError) {
                response = try transport(request)
            } catch {
                observe("GET", canonical, nil, Int((Deadline.now() - started) * 1000))
                switch error.code {
                case .timedOut: throw .timedOut("the bill download did not finish in time: \(error.message)")
                case .invalidURL, .transportUnavailable:
                    throw WxPayError(code: "TRANSPORT_UNAVAILABLE", message: error.message, retryable: false,
                                     exitStatus: ExitStatus.unavailable, httpStatus: 503)
                case .answerTooLarge:
                    throw WxPayError(code: "BILL_TOO_LARGE",
                                     message: "the bill download is larger than \(maxBytes) bytes (WXPAY_BILL_MAX_BYTES)",
                                     retryable: false, exitStatus: ExitStatus.unavailable, httpStatus: 502)
                case .connectFailed, .connectionLost:
                    lastFailure = .unavailable("the bill download failed: \(error.message)")
                    continue
                }
            }
            observe("GET", canonical, response.status, Int((Deadline.now() - started) * 1000))
            if response.status == 200 { return response.body }
            let json = try? JSONCoding.value(from: response.body)
            let code = json?["code"]?.stringValue ?? "HTTP_\(response.status)"
            let message = json?["message"]?.stringValue ?? "HTTP \(response.status)"
            switch response.status {
            case 429:
                throw WxPayError.rateLimited("WeChat Pay rate-limited the bill download (\(code)): \(message)")
                    .with("wechat_code", .string(code))
            case 500...599:
                lastFailure = WxPayError.unavailable("the bill download answered HTTP \(response.status) \(code)")
                    .with("wechat_code", .string(code))
                continue
            default:
                throw WxPayError.wechatRefused(status: response.status, wechatCode: code, message: message)
            }
        }
        if deadline.hasPassed { throw .timedOut("the bill download did not finish before the deadline") }
        throw lastFailure
    }
}
