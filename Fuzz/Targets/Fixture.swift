import KitCore
import Logging
import WxPayCore
import WxPayCrypto
import WxPayPrivacy
import WxPaySandbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The merchant and WeChat Pay keys every target shares: generated once per process (never committed), so the
/// signed targets can sign and encrypt mutated plaintexts the way WeChat Pay would.
enum Fixture {
    struct State: Sendable {
        let keys: SandboxKeySet
        let side: WeChatSide
        let secretsJSON: JSONValue
        let secrets: Secrets
        let sealer: Sealer
        /// Texts that must never appear in any output, message or log line.
        let secretTexts: [String]
        let forwardSecret: [UInt8]
        /// What the `secrets` corpus spells as `@NAME@`: this run's keys, certificates and their ids, as they stand
        /// inside a JSON string. The corpus holds no key of its own.
        let placeholders: [(token: [UInt8], value: [UInt8])]
    }

    static let sm4Hex = "00112233445566778899aabbccddeeff"
    static let forwardSecretText = "fuzz-forward-secret-0123456789abcdef"
    /// A fixed clock: 2026-12-01T00:00:00Z.
    static let now: Int64 = 1_796_083_200

    nonisolated(unsafe) private static var state: State? = nil

    /// Generates the keys (idempotent).
    static func prepare() {
        if state != nil { return }
        do {
            let keys = try SandboxKeySet.generate()
            let json = try keys.secretsFile(mode: .both, apiBase: "http://127.0.0.1:9", notifyURL: "https://example.invalid/n",
                                            forwardURL: "http://127.0.0.1:9/f", forwardSecret: forwardSecretText,
                                            sm4Key: sm4Hex)
            let secrets = try Secrets.parse(JSONCoding.encode(json))
            let pem = try keys.merchantKey.pkcs8PEM()
            // Any 48-character run of the key's base64 body would be a leak.
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            var fragments: [String] = [keys.apiV3Key, sm4Hex, forwardSecretText]
            var i = body.startIndex
            while body.distance(from: i, to: body.endIndex) >= 48 {
                let j = body.index(i, offsetBy: 48)
                fragments.append(String(body[i..<j]))
                i = j
            }
            func inString(_ text: String) -> [UInt8] { Array(text.replacing("\n", with: "\\n").utf8) }
            let placeholders: [(token: [UInt8], value: [UInt8])] = [
                (Array("@MERCHANT_KEY@".utf8), inString(pem)),
                (Array("@MERCHANT_SERIAL@".utf8), inString(keys.merchantCertificate.serialNumber)),
                (Array("@PLATFORM_PUBLIC_KEY@".utf8), inString(try keys.platformKey.publicKey.pem())),
                (Array("@PUBLIC_KEY_ID@".utf8), inString(keys.publicKeyID)),
                (Array("@PLATFORM_CERTIFICATE@".utf8), inString(try keys.platformCertificate.pem())),
                (Array("@PLATFORM_SERIAL@".utf8), inString(keys.platformCertificate.serialNumber)),
            ]
            state = State(keys: keys, side: keys.wechatSide(mode: .both), secretsJSON: json, secrets: secrets,
                          sealer: try Sealer(key: Hex.decode(sm4Hex) ?? []), secretTexts: fragments,
                          forwardSecret: Array(forwardSecretText.utf8), placeholders: placeholders)
        } catch {
            FuzzEnvironment.fail("cannot prepare the fuzz fixture: \(error)")
        }
    }

    static var current: State {
        prepare()
        return state!
    }

    static let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
}

/// The invariants every target checks on what the code under test answered. A broken one is a finding.
enum Invariant {
    /// Exit statuses a function may end with (docs/functions.md); 70 (internal error) is never the answer to input.
    static let contractStatuses: Set<Int32> = [0, 1, 64, 65, 69, 75, 77, 78]
    /// The longest error message accepted: outside text is quoted only as a bounded excerpt.
    static let maxMessageBytes = 1024

    static func check(_ error: WxPayError, _ target: String) {
        check(code: error.code, target)
        require(contractStatuses.contains(error.exitStatus) && error.exitStatus != 0,
                "\(target): \(error.code) exits \(error.exitStatus), not a contract status")
        require(error.message.utf8.count <= maxMessageBytes,
                "\(target): \(error.code) message is \(error.message.utf8.count) bytes (unbounded echo?)")
        noSecret(error.message, target)
        if let text = try? JSONCoding.string(error.jsonObject) { noSecret(text, target) }
    }

    static func check(code: String, _ target: String) {
        require(!code.isEmpty && code.utf8.count <= 64
                    && code.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F },
                "\(target): error code \"\(Untrusted.excerpt(code))\" is not a stable upper-snake code")
    }

    static func noSecret(_ text: String, _ target: String) {
        for secret in Fixture.current.secretTexts where text.contains(secret) {
            FuzzEnvironment.fail("\(target): a secret appears in output")
        }
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { FuzzEnvironment.fail(message()) }
    }
}

enum FuzzEnvironment {
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// Reports a broken invariant and aborts, so libFuzzer records the input as a crash.
    static func fail(_ message: String) -> Never {
        let line = "wxpay-fuzz: \(message)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}

/// Splits `bytes` at the first `separator` byte: (before, after); without one, (nil, bytes).
func split(_ bytes: [UInt8], at separator: UInt8) -> (head: ArraySlice<UInt8>?, rest: ArraySlice<UInt8>) {
    guard let i = bytes.firstIndex(of: separator) else { return (nil, bytes[...]) }
    return (bytes[..<i], bytes[(i + 1)...])
}

/// Parses `Name: value` lines (LF-separated) into a lower-cased lookup; the last of a name wins.
func headerLines(_ bytes: ArraySlice<UInt8>) -> [String: String] {
    var out: [String: String] = [:]
    for line in bytes.split(separator: 0x0A) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        var value = line[(colon + 1)...]
        while value.first == 0x20 { value = value.dropFirst() }
        out[name] = String(decoding: value, as: UTF8.self)
    }
    return out
}
