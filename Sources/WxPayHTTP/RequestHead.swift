/// The head of an HTTP/1.1 request (request line and header fields), parsed strictly from untrusted bytes.
///
/// Strict in the ways request smuggling and parser confusion need: one `Content-Length` at most, digits only and
/// in range; no `Transfer-Encoding`; methods and field names are RFC 9110 tokens; no control characters in the
/// target or in values; no obsolete line folding; bounded count and size of fields.
public struct RequestHead: Sendable, Equatable {
    /// The request method, e.g. `POST`.
    public var method: String
    /// The path part of the request target.
    public var path: String
    /// The query part of the request target, without `?` (empty when absent).
    public var query: String
    /// Header fields in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body length declared by `Content-Length` (0 when absent).
    public var contentLength: Int

    /// The most header fields accepted.
    public static let maxFields = 100
    /// The longest request target accepted.
    public static let maxTargetBytes = 8192

    /// Why a head was refused: an HTTP status and a stable code.
    public struct Refusal: Error, Sendable, Equatable {
        /// The HTTP status to answer with (400, 411, 413, 431, 501).
        public let status: Int
        /// A stable upper-snake code (`BAD_REQUEST`, `LENGTH_REQUIRED`, `TOO_LARGE`, `HEADERS_TOO_LARGE`).
        public let code: String
        /// A human sentence (never quotes the request).
        public let message: String

        init(_ status: Int, _ code: String, _ message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    public static func == (a: RequestHead, b: RequestHead) -> Bool {
        a.method == b.method && a.path == b.path && a.query == b.query && a.contentLength == b.contentLength
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }

    /// The first value of the field `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Parses `head`: the bytes before the blank line (`\r\n\r\n`), without it.
    /// - Parameter maxBodyBytes: the largest `Content-Length` accepted (larger is 413 `TOO_LARGE`).
    public static func parse(_ head: ArraySlice<UInt8>, maxBodyBytes: Int) throws(Refusal) -> RequestHead {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 0x0D {
                guard i + 1 < head.endIndex, head[i + 1] == 0x0A else {
                    throw Refusal(400, "BAD_REQUEST", "a bare CR in the request head")
                }
                lines.append(head[start..<i])
                guard lines.count <= maxFields + 1 else {
                    throw Refusal(431, "HEADERS_TOO_LARGE", "more than \(maxFields) header fields")
                }
                i += 2
                start = i
                continue
            }
            if head[i] == 0x0A { throw Refusal(400, "BAD_REQUEST", "a bare LF in the request head") }
            i += 1
        }
        lines.append(head[start..<head.endIndex])
        guard lines.count <= maxFields + 1 else {
            throw Refusal(431, "HEADERS_TOO_LARGE", "more than \(maxFields) header fields")
        }

        // Request line: method SP target SP HTTP/1.x
        let requestLine = lines[0]
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isToken) else {
            throw Refusal(400, "BAD_REQUEST", "malformed request line")
        }
        guard parts[2].elementsEqual("HTTP/1.1".utf8) || parts[2].elementsEqual("HTTP/1.0".utf8) else {
            throw Refusal(400, "BAD_REQUEST", "the request line must end with HTTP/1.1 or HTTP/1.0")
        }
        let target = parts[1]
        guard !target.isEmpty, target.count <= maxTargetBytes, target.first == UInt8(ascii: "/"),
              target.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw Refusal(400, "BAD_REQUEST", "the request target must be an origin-form path of visible ASCII")
        }
        let question = target.firstIndex(of: UInt8(ascii: "?"))
        let path = String(decoding: target[..<(question ?? target.endIndex)], as: UTF8.self)
        let query = question.map { String(decoding: target[($0 + 1)...], as: UTF8.self) } ?? ""

        var headers: [(name: String, value: String)] = []
        var contentLength: Int? = nil
        for line in lines.dropFirst() {
            guard let first = line.first else { throw Refusal(400, "BAD_REQUEST", "an empty header line") }
            if first == 0x20 || first == 0x09 {
                throw Refusal(400, "BAD_REQUEST", "obsolete header line folding is not accepted")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex,
                  line[..<colon].allSatisfy(isToken)
            else { throw Refusal(400, "BAD_REQUEST", "malformed header line") }
            var value = line[(colon + 1)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw Refusal(400, "BAD_REQUEST", "a control character in a header value")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let lower = name.lowercased()
            if lower == "transfer-encoding" {
                throw Refusal(411, "LENGTH_REQUIRED", "send the body with Content-Length, not Transfer-Encoding")
            }
            if lower == "content-length" {
                guard contentLength == nil else {
                    throw Refusal(400, "BAD_REQUEST", "more than one Content-Length")
                }
                guard !value.isEmpty, value.count <= 19, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw Refusal(400, "BAD_REQUEST", "invalid Content-Length")
                }
                var n = 0
                for d in value {
                    n = n * 10 + Int(d - 0x30)
                    guard n <= maxBodyBytes else {
                        throw Refusal(413, "TOO_LARGE", "the body exceeds \(maxBodyBytes) bytes")
                    }
                }
                contentLength = n
            }
            headers.append((name, String(decoding: value, as: UTF8.self)))
        }
        return RequestHead(method: String(decoding: parts[0], as: UTF8.self), path: path, query: query,
                           headers: headers, contentLength: contentLength ?? 0)
    }

    /// RFC 9110 `tchar`.
    static func isToken(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// The index of the `\r\n\r\n` that ends a head in `buffer`, searching from `from`.
    public static func end(in buffer: [UInt8], from: Int) -> Int? {
        var i = max(0, from)
        while i + 3 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }
}
