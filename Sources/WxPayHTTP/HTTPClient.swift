import CWxCurl
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An outgoing HTTP request.
public struct HTTPRequest: Sendable {
    /// Upper-case method, e.g. `GET`, `POST`.
    public var method: String
    /// Absolute URL.
    public var url: String
    /// Header lines in order (names as given).
    public var headers: [(name: String, value: String)]
    /// Body bytes (empty for none).
    public var body: [UInt8]
    /// Seconds allowed to establish the connection.
    public var connectTimeout: Double
    /// Seconds allowed for the whole exchange, connection included.
    public var totalTimeout: Double
    /// A CA bundle file for TLS verification, when the system default is not where libcurl looks (Lambda zips
    /// carry their own: `WXPAY_CA_BUNDLE`).
    public var caBundle: String?
    /// The largest answer body accepted, in bytes: a longer one aborts the transfer as soon as it passes the limit
    /// (nothing beyond it is held) with ``HTTPError/Code/answerTooLarge``.
    public var maxAnswerBytes: Int
    /// The largest total of the answer's header lines accepted, in bytes (status lines included), likewise.
    public var maxHeaderBytes: Int

    /// The default ``maxAnswerBytes``: 4 MiB (WeChat Pay's answers are a few KiB; a bill download is not made
    /// through this client).
    public static let defaultMaxAnswerBytes = 4 << 20
    /// The default ``maxHeaderBytes``: 64 KiB.
    public static let defaultMaxHeaderBytes = 64 << 10

    /// Creates a request. Timeouts default to 2 s to connect and 10 s in total; the answer is capped at
    /// ``defaultMaxAnswerBytes`` of body and ``defaultMaxHeaderBytes`` of headers.
    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        connectTimeout: Double = 2, totalTimeout: Double = 10,
        maxAnswerBytes: Int = HTTPRequest.defaultMaxAnswerBytes, maxHeaderBytes: Int = HTTPRequest.defaultMaxHeaderBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caBundle = HTTPRequest.defaultCABundle
        self.maxAnswerBytes = max(0, maxAnswerBytes)
        self.maxHeaderBytes = max(0, maxHeaderBytes)
    }

    /// `WXPAY_CA_BUNDLE` from the environment, read once.
    static let defaultCABundle: String? = System.environment()["WXPAY_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
}

/// A received HTTP response.
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Header fields with lower-cased names, in arrival order.
    public var headers: [(name: String, value: String)]
    /// Raw body bytes, exactly as received (signatures are computed over these).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower || $0.name.lowercased() == lower }?.value
    }
}

/// A transport failure: the request may or may not have reached the server. The message is libcurl's reason,
/// never request headers or bodies.
public typealias HTTPError = CodedError<HTTPErrorCode>

/// The closed set of things that can go wrong, as ``HTTPError``'s code.
public enum HTTPErrorCode: String, ErrorCode {
    /// libcurl could not be loaded.
    case transportUnavailable
    /// The URL is malformed or uses an unsupported scheme.
    case invalidURL
    /// The connection could not be established (refused, DNS, TLS handshake).
    case connectFailed
    /// The connect or total timeout elapsed.
    case timedOut
    /// The connection broke mid-exchange (reset, empty reply, partial body).
    case connectionLost
    /// The answer's body or headers passed the request's limit (``HTTPRequest/maxAnswerBytes``,
    /// ``HTTPRequest/maxHeaderBytes``): the transfer was aborted there. The request did reach the server.
    case answerTooLarge
}

/// A blocking HTTP/1.1 client over libcurl. One easy handle per request: the functions make one or a few calls
/// per process, so connection reuse buys nothing and isolation is simpler.
public enum HTTPClient {
    /// Performs `request` once (no retries; see ``RetryPolicy``).
    public static func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let curl = try CurlLibrary.shared.get()
        guard let handle = curl.easyInit() else { throw HTTPError(.transportUnavailable, "curl_easy_init failed") }
        defer { curl.easyCleanup(handle) }

        let sink = ResponseSink(maxBody: request.maxAnswerBytes, maxHeaders: request.maxHeaderBytes)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl.slistFree(headerList) }
        for (name, value) in request.headers {
            headerList = curl.slistAppend(headerList, "\(name): \(value)")
        }
        // Suppress curl's own "Expect: 100-continue" round trip, which costs a full RTT on POSTs.
        headerList = curl.slistAppend(headerList, "Expect:")

        func long(_ opt: CURLoption, _ value: Int) { _ = cwx_curl_setopt_long(curl.setopt, handle, opt, value) }
        func ptr(_ opt: CURLoption, _ value: UnsafeRawPointer?) { _ = cwx_curl_setopt_ptr(curl.setopt, handle, opt, value) }

        if let bundle = request.caBundle { bundle.withCString { ptr(CURLOPT_CAINFO, $0) } }
        let code: CURLcode = request.url.withCString { url in
            request.method.withCString { method in
                request.body.withUnsafeBufferPointer { body in
                    ptr(CURLOPT_URL, url)
                    ptr(CURLOPT_CUSTOMREQUEST, method)
                    long(CURLOPT_NOSIGNAL, 1)
                    long(CURLOPT_CONNECTTIMEOUT_MS, curlMilliseconds(request.connectTimeout))
                    long(CURLOPT_TIMEOUT_MS, curlMilliseconds(request.totalTimeout))
                    "http,https".withCString { ptr(CURLOPT_PROTOCOLS_STR, $0) }
                    long(CURLOPT_FOLLOWLOCATION, 0)
                    ptr(CURLOPT_HTTPHEADER, UnsafeRawPointer(headerList))
                    if request.method == "GET" {
                        long(CURLOPT_HTTPGET, 1)
                    } else if request.method == "HEAD" {
                        long(CURLOPT_NOBODY, 1)
                    } else {
                        long(CURLOPT_POST, 1)
                        _ = cwx_curl_setopt_off(curl.setopt, handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                        // An empty body still needs a non-null pointer, or curl reads from stdin.
                        ptr(CURLOPT_POSTFIELDS, body.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(sinkPointer))
                    }
                    ptr(CURLOPT_WRITEFUNCTION, unsafeBitCast(writeCallback, to: UnsafeRawPointer.self))
                    ptr(CURLOPT_WRITEDATA, sinkPointer)
                    ptr(CURLOPT_HEADERFUNCTION, unsafeBitCast(headerCallback, to: UnsafeRawPointer.self))
                    ptr(CURLOPT_HEADERDATA, sinkPointer)
                    return curl.easyPerform(handle)
                }
            }
        }
        if let overflow = sink.overflow {
            // The callback refused the bytes past the limit (curl reports CURLE_WRITE_ERROR): say why.
            throw HTTPError(.answerTooLarge, overflow)
        }
        guard code == CURLE_OK else {
            let reason = curl.easyStrerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)"
            switch code {
            case CURLE_OPERATION_TIMEDOUT: throw HTTPError(.timedOut, reason)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR,
                CURLE_PEER_FAILED_VERIFICATION:
                throw HTTPError(.connectFailed, reason)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: throw HTTPError(.invalidURL, reason)
            default: throw HTTPError(.connectionLost, reason)
            }
        }
        var status = 0
        _ = cwx_curl_getinfo_long(curl.getinfo, handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Seconds as whole milliseconds for curl, without trapping: NaN and values ≤ 0 are 0 (no limit, as curl reads 0),
/// anything past `Int32.max` ms (24 days) is `Int32.max` (timeouts may come from the environment).
func curlMilliseconds(_ seconds: Double) -> Int {
    guard !seconds.isNaN, seconds > 0 else { return 0 }
    let ms = (seconds * 1000).rounded(.up)
    return ms >= Double(Int32.max) ? Int(Int32.max) : Int(ms)
}

/// Accumulates what curl hands to the callbacks. Only touched on the calling thread during `easyPerform`.
private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    let maxBody: Int
    let maxHeaders: Int
    var headerBytes = 0
    /// Why the transfer was aborted, once a limit was passed.
    var overflow: String?

    init(maxBody: Int, maxHeaders: Int) {
        self.maxBody = maxBody
        self.maxHeaders = maxHeaders
    }
}

private let writeCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let (n, overflowed) = size.multipliedReportingOverflow(by: count)
    // Compared without overflow: `body.count <= maxBody` always holds here.
    guard !overflowed, n <= sink.maxBody - sink.body.count else {
        sink.overflow = "the answer body is larger than \(sink.maxBody) bytes"
        return 0  // a short count: curl aborts the transfer
    }
    data.withMemoryRebound(to: UInt8.self, capacity: n) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let data, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let (n, overflowed) = size.multipliedReportingOverflow(by: count)
    guard !overflowed, n <= sink.maxHeaders - sink.headerBytes else {
        sink.overflow = "the answer headers are larger than \(sink.maxHeaders) bytes"
        return 0
    }
    sink.headerBytes += n
    let line = data.withMemoryRebound(to: UInt8.self, capacity: n) {
        String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()  // a new status line (e.g. after 100 Continue): start over
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
        sink.headers.append((name: name, value: value))
    }
    return n
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = self[...]
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
