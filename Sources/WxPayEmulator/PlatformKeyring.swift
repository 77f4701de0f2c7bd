import Hummingbird
import KitCore
import Synchronization
import WxPayCore
import WxPayCrypto
import WxPaySandbox

/// WeChat Pay's platform certificates as the emulator holds them, and which one signs: a rotation adds a new key and
/// certificate (validity overlapping the current one's), switches answers and notifications to it, and later retires
/// the old one from `GET /v3/certificates` (docs/functions.md#wxpay-emulator; the control routes below).
public final class PlatformKeyring: Sendable {
    struct Member: Sendable {
        var key: RSAPrivateKey
        var certificate: X509Certificate
    }

    struct State: Sendable {
        var members: [Member]
        /// Index in `members` of the one that signs.
        var signer: Int
    }

    let original: WeChatSide
    let state: Mutex<State>

    /// The keyring of `side`: its one platform certificate, signing.
    public init(side: WeChatSide) {
        original = side
        state = Mutex(State(members: [Member(key: side.platformKey, certificate: side.platformCertificate)], signer: 0))
    }

    /// WeChat Pay's side with the signing member's key and certificate.
    public var side: WeChatSide {
        let member = state.withLock { $0.members[$0.signer] }
        var side = original
        side.platformKey = member.key
        side.platformCertificate = member.certificate
        return side
    }

    /// The certificates `GET /v3/certificates` lists, oldest first.
    public var certificates: [X509Certificate] { state.withLock { $0.members.map(\.certificate) } }

    /// Adds a new platform key and certificate, valid from a minute ago for `days` days; it signs from now on
    /// when `activate`.
    /// - Throws: 400 `PARAM_ERROR` outside certificate mode (public-key ids do not rotate this way).
    public func add(days: Int, activate: Bool) throws(WeChatAPIError) -> X509Certificate {
        guard original.mode == .certificate else {
            throw .paramError("mode", "platform certificates rotate in certificate mode only (this emulator runs \(original.mode.rawValue))")
        }
        let member: Member
        do {
            let key = try RSAPrivateKey.generate()
            let serial = "7" + Hex.encode(SecureRandom.bytes(20)).uppercased().dropFirst()
            let certificate = try X509Certificate.selfSigned(
                key: key, serialHex: serial, commonName: "Tenpay.com Root CA test", notBefore: System.unixTime() - 60,
                days: days)
            member = Member(key: key, certificate: certificate)
        } catch { throw .systemError }
        state.withLock {
            $0.members.append(member)
            if activate { $0.signer = $0.members.count - 1 }
        }
        return member.certificate
    }

    /// Makes the certificate `serial` the one that signs.
    public func activate(serial: String) throws(WeChatAPIError) {
        let found: Bool = state.withLock { state in
            guard let i = state.members.firstIndex(where: { $0.certificate.serialNumber == serial.uppercased() })
            else { return false }
            state.signer = i
            return true
        }
        guard found else { throw WeChatAPIError(status: 404, code: "RESOURCE_NOT_EXISTS", message: "no such platform certificate") }
    }

    /// Removes the certificate `serial` from the list; when it signed, the newest remaining one signs instead.
    /// - Throws: 404 for an unknown serial, 400 for the last certificate.
    public func retire(serial: String) throws(WeChatAPIError) {
        let outcome: Int = state.withLock { state in
            guard let i = state.members.firstIndex(where: { $0.certificate.serialNumber == serial.uppercased() })
            else { return 404 }
            guard state.members.count > 1 else { return 400 }
            let signing = state.members[state.signer].certificate.serialNumber
            state.members.remove(at: i)
            state.signer = state.members.firstIndex(where: { $0.certificate.serialNumber == signing })
                ?? state.members.count - 1
            return 200
        }
        if outcome == 404 { throw WeChatAPIError(status: 404, code: "RESOURCE_NOT_EXISTS", message: "no such platform certificate") }
        if outcome == 400 { throw .paramError("serial_no", "is the last platform certificate; add another first") }
    }

    /// Back to the sandbox file's one certificate.
    public func reset() {
        state.withLock {
            $0.members = [Member(key: original.platformKey, certificate: original.platformCertificate)]
            $0.signer = 0
        }
    }

    /// The control API's view: the certificates (serial, validity) and the signing serial.
    var json: JSONValue {
        let (members, signer) = state.withLock { ($0.members, $0.signer) }
        return [
            "certificates": .array(members.map {
                ["serial_no": .string($0.certificate.serialNumber),
                 "effective_time": .string(ChinaTime.format(unix: $0.certificate.notBefore)),
                 "expire_time": .string(ChinaTime.format(unix: $0.certificate.notAfter))]
            }),
            "signing_serial": .string(members[signer].certificate.serialNumber),
            "wechatpay_serial": .string(side.signingSerial),
        ]
    }
}

extension ControlRoutes {
    /// `GET /_emulator/platform-certificates`; `POST /_emulator/platform-certificates` `{"days"?: 1...3650 (3650),
    /// "activate"?: true}` adds one; `POST /_emulator/platform-certificates/:serial/activate` and `.../retire`.
    func registerPlatformCertificates(on router: Router<EmulatorContext>) {
        let keyring = emulator.keyring
        route(router, .get, "/_emulator/platform-certificates") { _ throws(WeChatAPIError) in keyring.json }
        route(router, .post, "/_emulator/platform-certificates") { call throws(WeChatAPIError) in
            let body = try call.json()
            let days = body["days"]?.intValue ?? 3650
            guard (1...3650).contains(days) else { throw .paramError("days", "must be 1...3650") }
            let certificate = try keyring.add(days: Int(days), activate: body["activate"]?.boolValue ?? true)
            var view = keyring.json
            if case .object(var o) = view {
                o["added"] = .string(certificate.serialNumber)
                view = .object(o)
            }
            return view
        }
        route(router, .post, "/_emulator/platform-certificates/:serial/activate") { call throws(WeChatAPIError) in
            try keyring.activate(serial: call.parameter("serial"))
            return keyring.json
        }
        route(router, .post, "/_emulator/platform-certificates/:serial/retire") { call throws(WeChatAPIError) in
            try keyring.retire(serial: call.parameter("serial"))
            return keyring.json
        }
    }
}

extension PlatformCertificates {
    /// The `tampered-certificate` fault: the first entry's ciphertext with one byte changed (the answer is then
    /// signed as it is, so only the AEAD tag tells).
    static func tampered(_ answer: APIAnswer) -> APIAnswer {
        guard answer.status == 200, case .object(var body)? = answer.body, case .array(var data)? = body["data"],
              case .object(var entry)? = data.first, case .object(var sealed)? = entry["encrypt_certificate"],
              let text = sealed["ciphertext"]?.stringValue, var bytes = Base64.decode(text), !bytes.isEmpty
        else { return answer }
        bytes[bytes.count / 2] ^= 0x01
        sealed["ciphertext"] = .string(Base64.encode(bytes))
        entry["encrypt_certificate"] = .object(sealed)
        data[0] = .object(entry)
        body["data"] = .array(data)
        return APIAnswer(status: 200, body: .object(body))
    }
}
