import KitCore
import WxPayBills
import WxPayCore
import WxPayCrypto
import WxPayZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What bill to download, validated before anything is read or called.
struct BillRequest {
    static let toolName = "download_bill"

    var billDate: String
    var kind: BillKind
    var billType: String
    var accountType: String
    var gzip: Bool

    /// Reads `{"bill_date", "kind"?, "bill_type"?, "account_type"?, "gzip"?}`.
    /// - Parameter today: Unix seconds now (for `today` and `yesterday`, China time).
    init(_ input: JSONValue, today: Int64) throws(WxPayError) {
        guard case .object(let o) = input else { throw .badEvent("the event must be a JSON object") }
        guard let date = o["bill_date"]?.stringValue else {
            throw .invalidField("bill_date", "is required: YYYY-MM-DD (China time), today or yesterday")
        }
        switch date {
        case "today": billDate = String(ChinaTime.format(unix: today).prefix(10))
        case "yesterday": billDate = String(ChinaTime.format(unix: today - 86400).prefix(10))
        default:
            guard BillRequest.isDate(date) else {
                throw .invalidField("bill_date", "must be a date YYYY-MM-DD, today or yesterday")
            }
            billDate = date
        }
        let kindText = o["kind"]?.stringValue ?? "trade"
        guard let kind = BillKind(rawValue: kindText), o["kind"].map({ $0.stringValue != nil || $0.isNull }) != false
        else {
            throw .invalidField("kind", "must be trade or fundflow")
        }
        self.kind = kind
        billType = o["bill_type"]?.stringValue ?? "ALL"
        guard ["ALL", "SUCCESS", "REFUND"].contains(billType) else {
            throw .invalidField("bill_type", "must be ALL, SUCCESS or REFUND")
        }
        accountType = o["account_type"]?.stringValue ?? "BASIC"
        guard ["BASIC", "OPERATION", "FEES"].contains(accountType) else {
            throw .invalidField("account_type", "must be BASIC, OPERATION or FEES")
        }
        if kind == .trade, o["account_type"] != nil { throw .invalidField("account_type", "is for fundflow bills") }
        if kind == .fundflow, o["bill_type"] != nil { throw .invalidField("bill_type", "is for trade bills") }
        switch o["gzip"] {
        case nil, .null?: gzip = true
        case .bool(let b)?: gzip = b
        default: throw .invalidField("gzip", "must be true or false")
        }
    }

    /// `yyyy-MM-dd` naming a real calendar day.
    static func isDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return false }
        func num(_ r: Range<Int>) -> Int? {
            guard b[r].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return b[r].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), y >= 2000, (1...12).contains(m) else {
            return false
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// The query path (`tar_type=GZIP` when gzip is asked for).
    var path: String {
        let tar = gzip ? "&tar_type=GZIP" : ""
        switch kind {
        case .trade: return "/v3/bill/tradebill?bill_date=\(billDate)&bill_type=\(billType)\(tar)"
        case .fundflow: return "/v3/bill/fundflowbill?bill_date=\(billDate)&account_type=\(accountType)\(tar)"
        }
    }

    /// What the summary line says about the request.
    var summaryFields: [String: JSONValue] {
        var o: [String: JSONValue] = ["bill_date": .string(billDate), "gzip": .bool(gzip)]
        switch kind {
        case .trade: o["bill_type"] = .string(billType)
        case .fundflow: o["account_type"] = .string(accountType)
        }
        return o
    }
}

/// A downloaded bill whose SHA-1 matched: its decompressed bytes in memory (plain download) or in an unlinked
/// temporary file (gzip, inflated there piece by piece while hashed).
final class BillFile {
    let sha1: String
    let size: Int
    private let memory: [UInt8]?
    private let fd: Int32

    private init(sha1: String, size: Int, memory: [UInt8]?, fd: Int32) {
        self.sha1 = sha1
        self.size = size
        self.memory = memory
        self.fd = fd
    }

    deinit { if fd >= 0 { close(fd) } }

    /// `BILL_HASH_MISMATCH` (exit 77): the file's SHA-1 is not the one the verified query answer gave.
    static func hashMismatch(expected: String, got: String) -> WxPayError {
        WxPayError(code: "BILL_HASH_MISMATCH",
                   message: "the bill's SHA-1 over its decompressed bytes is \(got), the bill answer says \(expected): "
                       + "nothing of it was used",
                   retryable: true, exitStatus: ExitStatus.noPermission, httpStatus: 502)
    }

    /// `BILL_TOO_LARGE` (exit 69): over `WXPAY_BILL_MAX_BYTES` decompressed.
    static func tooLarge(_ limit: Int) -> WxPayError {
        WxPayError(code: "BILL_TOO_LARGE", message: "the bill is larger than \(limit) bytes (WXPAY_BILL_MAX_BYTES)",
                   retryable: false, exitStatus: ExitStatus.unavailable, httpStatus: 502)
    }

    /// The signed query (answer verified), the download, the inflation and the SHA-1 check.
    static func fetch(_ request: BillRequest, client: WxPayClient, download: UnsignedDownload, maxBytes: Int)
        throws(WxPayError) -> BillFile
    {
        let answer = try client.get(request.path).body
        guard let url = answer["download_url"]?.stringValue, !url.isEmpty,
              let hashType = answer["hash_type"]?.stringValue, let expected = answer["hash_value"]?.stringValue
        else { throw .unavailable("WeChat Pay's bill answer lacks download_url, hash_type or hash_value") }
        guard hashType.uppercased() == "SHA1" else {
            throw .unavailable("WeChat Pay's bill answer names the hash type \(hashType), not SHA1")
        }
        guard download.mayFetch(url) else {
            throw WxPayError(code: "ANSWER_MISMATCH",
                             message: "the bill's download_url is not on api_base's host nor on WeChat Pay's API hosts; "
                                 + "no signed request is sent there",
                             retryable: false, exitStatus: ExitStatus.unavailable, httpStatus: 502)
        }
        let body = try download.fetchUnsigned(url: url, maxBytes: maxBytes)
        guard request.gzip else {
            let got = Digest.sha1Hex { update in body.withUnsafeBytes { update($0) } }
            guard got == expected.lowercased() else { throw hashMismatch(expected: expected, got: got) }
            return BillFile(sha1: got, size: body.count, memory: body, fd: -1)
        }
        let fd = try temporaryFile()
        let inflater: GzipInflater
        do throws(ZlibError) { inflater = try GzipInflater() } catch {
            close(fd)
            throw WxPayError(code: "TRANSPORT_UNAVAILABLE", message: "cannot inflate the gzip bill: \(error.message)",
                             retryable: false, exitStatus: ExitStatus.unavailable, httpStatus: 503)
        }
        var size = 0
        var writeFailed: Int32 = 0
        var over = false
        var inflateError: ZlibError? = nil
        let got = Digest.sha1Hex { update in
            body.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                do throws(ZlibError) {
                    _ = try inflater.feed(raw) { chunk in
                        size += chunk.count
                        if size > maxBytes {
                            over = true
                            return false
                        }
                        update(UnsafeRawBufferPointer(chunk))
                        var offset = 0
                        while offset < chunk.count {
                            let n = write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                            if n < 0 && errno == EINTR { continue }
                            if n <= 0 {
                                writeFailed = errno
                                return false
                            }
                            offset += n
                        }
                        return true
                    }
                    if !over && writeFailed == 0 { try inflater.finish() }
                } catch {
                    inflateError = error
                }
            }
        }
        if let inflateError {
            close(fd)
            throw BillParser.malformed("the gzip file: \(inflateError.message)", line: 0)
        }
        if over {
            close(fd)
            throw tooLarge(maxBytes)
        }
        if writeFailed != 0 {
            close(fd)
            throw .internalError("cannot write the inflated bill to the temporary file: errno \(writeFailed)")
        }
        guard got == expected.lowercased() else {
            close(fd)
            throw hashMismatch(expected: expected, got: got)
        }
        return BillFile(sha1: got, size: size, memory: nil, fd: fd)
    }

    /// An unlinked file under `TMPDIR` (default `/tmp`): nothing is left behind, however the process ends.
    static func temporaryFile() throws(WxPayError) -> Int32 {
        let dir = System.environment()["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(dir)/wxpay-bill-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw .internalError("cannot create a temporary file in \(dir): errno \(errno)")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    /// Parses the whole bill, handing each row to `emit`; returns the summary (WeChat's totals, `rows`, `kind`).
    func parse(kind: BillKind, _ emit: (JSONValue) -> Void) throws(WxPayError) -> [String: JSONValue] {
        let parser = BillParser(kind: kind)
        var splitter = LineSplitter()
        func take(_ line: ArraySlice<UInt8>) throws(FunctionError) {
            if let row = try parser.line(line) { emit(row) }
        }
        if let memory {
            var failure: FunctionError? = nil
            let fine = memory.withUnsafeBufferPointer { buffer -> Bool in
                do throws(FunctionError) { return try splitter.feed(buffer, take) } catch {
                    failure = error
                    return true
                }
            }
            if let failure { throw failure }
            guard fine else { throw BillParser.malformed("a line is longer than 1 MiB", line: 0) }
        } else {
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw .internalError("cannot rewind the bill file") }
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .internalError("cannot read the bill file back: errno \(errno)")
                }
                if n == 0 { break }
                var failure: FunctionError? = nil
                let fine = chunk.withUnsafeBufferPointer { buffer -> Bool in
                    do throws(FunctionError) {
                        return try splitter.feed(UnsafeBufferPointer(rebasing: buffer[0..<n]), take)
                    } catch {
                        failure = error
                        return true
                    }
                }
                if let failure { throw failure }
                guard fine else { throw BillParser.malformed("a line is longer than 1 MiB", line: 0) }
            }
        }
        try splitter.finish(take)
        return try parser.finish()
    }
}
