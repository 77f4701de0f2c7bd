import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPaySandbox

/// Headers with their own grammar: the forwarded event's signature, the merchant `Authorization` (as the emulator
/// checks it), and an HTTP/1.1 request head.
enum HeaderTargets {
    static let forwardSignature = FuzzTarget(
        name: "forward-signature",
        summary: "Wxpay-Agent-Signature (t=...,v1=...) before a NUL byte, then the forwarded body"
    ) { bytes in
        let (head, body) = split(bytes, at: 0)
        let secret = Fixture.current.forwardSecret
        let header = String(decoding: head ?? [], as: UTF8.self)
        _ = ForwardSignature.verify(header: header, secret: secret, body: Array(body), now: Fixture.now)
        // Round trip: what we sign now verifies now, and not 301 s later.
        let good = ForwardSignature.header(secret: secret, timestamp: Fixture.now, body: Array(body))
        Invariant.require(ForwardSignature.verify(header: good, secret: secret, body: Array(body), now: Fixture.now),
                          "forward-signature: a fresh signature does not verify")
        Invariant.require(!ForwardSignature.verify(header: good, secret: secret, body: Array(body),
                                                   now: Fixture.now + 301),
                          "forward-signature: a stale signature verifies")
    }

    static let authorization = FuzzTarget(
        name: "authorization",
        summary: "the emulator's check of a merchant Authorization header (before a NUL byte) over the body"
    ) { bytes in
        let (head, body) = split(bytes, at: 0)
        let keys = Fixture.current.keys
        let authenticator = RequestAuthenticator(mchid: keys.mchid, certificate: keys.merchantCertificate)
        do throws(WeChatAPIError) {
            _ = try authenticator.verify(method: "POST", target: "/v3/pay/transactions/native", body: Array(body),
                                         authorization: head.map { String(decoding: $0, as: UTF8.self) },
                                         now: Fixture.now)
        } catch {
            Invariant.check(code: error.code, "authorization")
            Invariant.require(error.message.utf8.count <= Invariant.maxMessageBytes, "authorization: unbounded message")
        }
    }

    static let requestHead = FuzzTarget(name: "http-request", summary: "an HTTP/1.1 request head (WxPayHTTP.RequestHead)") {
        bytes in
        let end = RequestHead.end(in: bytes, from: 0) ?? bytes.count
        do throws(RequestHead.Refusal) {
            let head = try RequestHead.parse(bytes[0..<end], maxBodyBytes: 1 << 20)
            Invariant.require((0...(1 << 20)).contains(head.contentLength), "http-request: Content-Length out of range")
            Invariant.require(head.headers.count <= RequestHead.maxFields, "http-request: too many fields")
            for (name, value) in head.headers {
                Invariant.require(!name.isEmpty && !name.utf8.contains(13) && !name.utf8.contains(10)
                                      && !value.utf8.contains(13) && !value.utf8.contains(10),
                                  "http-request: CR or LF inside a parsed field")
            }
        } catch {
            Invariant.require([400, 411, 413, 431].contains(error.status), "http-request: status \(error.status)")
            Invariant.check(code: error.code, "http-request")
        }
    }
}
