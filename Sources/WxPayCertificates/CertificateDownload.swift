import FoundationEssentials
import KitCore
import Logging
import Synchronization
import WxPayCore
import WxPayCrypto
import WxPayHTTP

/// `download-certificates` (docs/functions.md#download-certificates): WeChat Pay's platform certificates
/// (`GET /v3/certificates`), verified, decrypted and checked, merged into the secrets file atomically.
///
/// - The answer is verified with the certificates already in the file. One signed by a serial the file lacks is
///   refused (`CERTIFICATE_BOOTSTRAP_REQUIRED`) unless the input says `"bootstrap": true`: then it is verified with
///   the certificate it carries itself, which proves only that whoever answered knows the APIv3 key (the
///   certificate decrypts under it) and holds that certificate's private key (docs/secrets.md#platform-certificates).
/// - Each `encrypt_certificate` is decrypted (`AEAD_AES_256_GCM`, the APIv3 key, its nonce and associated data),
///   parsed, and must carry the `serial_no` it is listed under and lie within its `effective_time`..`expire_time`.
/// - Certificates expired by the clock are dropped from the file; every other field and key is kept. Any failure
///   leaves the file byte for byte as it was.
public struct CertificateDownload: Sendable {
    /// The input: `{"bootstrap": true}` to accept an answer signed by a certificate the file does not hold yet.
    public struct Input: Decodable, Sendable {
        public var bootstrap: Bool?
    }

    /// The endpoint.
    public static let path = "/v3/certificates"
    /// Slack, in seconds, between an entry's `effective_time`/`expire_time` and its certificate's own dates.
    static let dateSlack: Int64 = 60

    let environment: [String: String]
    let deadline: Deadline
    let logger: Logger
    let now: @Sendable () -> Int64

    /// Creates the operation for one invocation.
    public init(environment: [String: String], deadline: Deadline, logger: Logger,
                now: @escaping @Sendable () -> Int64 = { System.unixTime() })
    {
        self.environment = environment
        self.deadline = deadline
        self.logger = logger
        self.now = now
    }

    /// Runs the download on decoded `arguments`.
    public func run(arguments: JSONValue) throws(WxPayError) -> JSONValue {
        let input = try JSONCoding.decodeInput(Input.self, from: arguments)
        return try run(bootstrap: input.bootstrap ?? false)
    }

    /// Runs the download.
    public func run(bootstrap: Bool) throws(WxPayError) -> JSONValue {
        guard let configured = try Secrets.filePath(environment: environment) else {
            throw WxPayError(code: "SECRETS_SOURCE_NOT_FILE",
                             message: "the secrets come from WXPAY_SECRETS_URL's AWS source, which download-certificates "
                                 + "cannot write; run it where the secrets are a writable file "
                                 + "(docs/deployment.md#platform-certificates)",
                             retryable: false, exitStatus: ExitStatus.config, httpStatus: 500)
        }
        let path = try SecretsFileUpdate.resolve(configured)
        let original: [UInt8]
        do { original = try System.readFile(path, limit: 1 << 20) } catch { throw .secretsNotFound(path, error.reason) }
        guard case .object(var document)? = try? JSONCoding.value(from: original) else {
            throw .secretsInvalid("(file)", "is not a JSON object of the documented shape")
        }
        let held = document["wechatpay_certificates"]?.objectValue ?? [:]
        let publicKeys = document["wechatpay_public_keys"]?.objectValue ?? [:]
        if held.isEmpty && !publicKeys.isEmpty && !bootstrap {
            return CertificateDownload.notUsed(
                "the secrets file verifies WeChat Pay with a public key (PUB_KEY_ID_...); platform certificates are "
                    + "not used in public-key mode, and the file was left as it is", mode: "public-key")
        }
        let secrets = try Secrets.parse(original, requiringVerificationKey: !bootstrap)
        try SecretsFileUpdate.checkWritable(path)

        // The call: signed like every other, its answer verified with the file's keys.
        let last = Mutex<HTTPResponse?>(nil)
        let attempts = environment["WXPAY_MAX_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 10)) } ?? 3
        let logger = self.logger
        let client = WxPayClient(
            secrets: secrets, deadline: deadline, retry: RetryPolicy(maxAttempts: attempts), now: now,
            observe: { method, path, status, ms in
                logger.info("wechat call", metadata: [
                    "method": .string(method), "endpoint": .string(path),
                    "status": .string(status.map(String.init) ?? "transport-error"), "ms": .stringConvertible(ms),
                ])
            },
            transport: { request throws(HTTPError) in
                let response = try HTTPClient.send(request)
                last.withLock { $0 = response }
                return response
            })
        let answer: JSONValue
        var bootstrapped = false
        do throws(WxPayError) {
            answer = try client.get(CertificateDownload.path).body
        } catch where error.code == "ANSWER_UNKNOWN_SERIAL" {
            guard let response = last.withLock({ $0 }) else { throw error }
            let serial = SignedHeaders(lookup: response.header).serial ?? ""
            guard bootstrap else {
                let message = "WeChat Pay's certificate list is signed with serial \(Untrusted.excerpt(serial)), which "
                    + "the secrets file does not hold; nothing was changed. Check that serial in the merchant platform "
                    + "(API安全), then run again with {\"bootstrap\": true} (docs/secrets.md#platform-certificates)"
                throw WxPayError.authentication("CERTIFICATE_BOOTSTRAP_REQUIRED", message)
                    .with("wechatpay_serial", .string(Untrusted.excerpt(serial)))
            }
            guard response.status == 200, let parsed = try? JSONCoding.value(from: response.body) else {
                throw WxPayError.authentication("ANSWER_UNKNOWN_SERIAL", error.message)
            }
            answer = parsed
            bootstrapped = true
        } catch where error.code == "WECHAT_REFUSED" && error.wechatCode == "RESOURCE_NOT_EXISTS" {
            return CertificateDownload.notUsed(
                "WeChat Pay has no platform certificate for this merchant (RESOURCE_NOT_EXISTS: the merchant verifies "
                    + "with a WeChat Pay public key); the file was left as it is", mode: "public-key")
        }

        let clock = now()
        let downloaded = try CertificateDownload.certificates(in: answer, apiV3Key: secrets.apiV3KeyBytes, now: clock)

        // The merge: held certificates stay unless expired; downloaded ones unexpired are added.
        var merged: [String: JSONValue] = [:]
        var removed: [String] = []
        var kept: [String: X509Certificate] = [:]
        for (serial, pem) in held {
            guard let text = pem.stringValue, let cert = try? X509Certificate(pem: text) else {
                throw .secretsInvalid("wechatpay_certificates.\(serial)", "is not a PEM X.509 certificate")
            }
            if cert.notAfter < clock {
                removed.append(serial)
            } else {
                merged[serial] = pem
                kept[cert.serialNumber] = cert
            }
        }
        var added: [String] = []
        var listed: Set<String> = []
        for entry in downloaded {
            listed.insert(entry.certificate.serialNumber)
            guard entry.certificate.notAfter >= clock else { continue }
            if kept[entry.certificate.serialNumber] == nil {
                merged[entry.certificate.serialNumber] = .string(entry.pem)
                kept[entry.certificate.serialNumber] = entry.certificate
                added.append(entry.certificate.serialNumber)
            }
        }
        guard kept.values.contains(where: { $0.isValid(at: clock) }) || !publicKeys.isEmpty else {
            throw WxPayError.authentication("CERTIFICATE_NONE_VALID",
                                            "no platform certificate valid now would remain; nothing was changed")
        }

        if bootstrapped {
            // The answer's own certificate, now that it is checked, must verify the answer.
            var candidate = document
            candidate["wechatpay_certificates"] = .object(merged)
            let verifying = try Secrets.parse(try CertificateDownload.encode(.object(candidate)))
            guard let response = last.withLock({ $0 }) else { throw .internalError("the answer was not kept") }
            do {
                try SignatureVerifier.verify(SignedHeaders(lookup: response.header), body: response.body,
                                             secrets: verifying, now: clock)
            } catch {
                // Headers and timestamp passed the client's checks: what is left is the key, or the signature.
                let message = "bootstrap: WeChat Pay's answer does not verify with the certificate it carries: "
                    + error.message
                if error.code == "UNKNOWN_SERIAL" { throw .authentication("ANSWER_UNKNOWN_SERIAL", message) }
                throw .authentication("ANSWER_SIGNATURE_INVALID", message)
            }
        }

        var status = "unchanged"
        if !added.isEmpty || !removed.isEmpty {
            document["wechatpay_certificates"] = .object(merged)
            let bytes = try CertificateDownload.encode(.object(document))
            _ = try Secrets.parse(bytes)  // what the functions will load next
            try SecretsFileUpdate.replace(path, with: bytes, expected: original)
            status = "updated"
        }
        logger.info("platform certificates", metadata: [
            "status": .string(status), "added": .string(added.sorted().joined(separator: ",")),
            "removed": .string(removed.sorted().joined(separator: ",")), "bootstrap": .stringConvertible(bootstrapped),
        ])
        let signer = last.withLock { $0 }.flatMap { SignedHeaders(lookup: $0.header).serial } ?? ""
        return [
            "status": .string(status),
            "mode": .string(publicKeys.isEmpty ? "certificate" : "both"),
            "certificates": .array(kept.keys.sorted().map { serial in
                let cert = kept[serial]!
                return [
                    "serial_no": .string(serial),
                    "effective_time": .string(ChinaTime.format(unix: cert.notBefore)),
                    "expire_time": .string(ChinaTime.format(unix: cert.notAfter)),
                    "listed": .bool(listed.contains(serial)),
                ]
            }),
            "added": .array(added.sorted().map(JSONValue.string)),
            "removed": .array(removed.sorted().map(JSONValue.string)),
            "signed_by": .string(Untrusted.excerpt(signer)),
            "bootstrap": .bool(bootstrapped),
        ]
    }

    /// One checked entry of the answer.
    struct Entry {
        var certificate: X509Certificate
        var pem: String
    }

    /// The answer's `data`, each entry decrypted and checked.
    /// - Throws: `CERTIFICATE_INVALID` or `DECRYPTION_FAILED` (exit 77) for the first entry that fails.
    static func certificates(in answer: JSONValue, apiV3Key: [UInt8], now: Int64) throws(WxPayError) -> [Entry] {
        guard let data = answer["data"]?.arrayValue, !data.isEmpty, data.count <= 64 else {
            throw invalid("the answer has no data array of certificates")
        }
        var out: [Entry] = []
        for (i, item) in data.enumerated() {
            let at = "data[\(i)]"
            guard let serial = item["serial_no"]?.stringValue, !serial.isEmpty, serial.utf8.count <= 64,
                  serial.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46)
                      || ($0 >= 0x61 && $0 <= 0x66) })
            else { throw invalid("\(at).serial_no is not a hexadecimal serial") }
            guard let effectiveText = item["effective_time"]?.stringValue,
                  let effective = ChinaTime.parse(effectiveText),
                  let expireText = item["expire_time"]?.stringValue, let expire = ChinaTime.parse(expireText),
                  effective < expire
            else { throw invalid("\(at): effective_time and expire_time must be RFC 3339 date-times, in order") }
            let sealed = item["encrypt_certificate"]
            guard let algorithm = sealed?["algorithm"]?.stringValue, algorithm == ResourceCipher.algorithm else {
                throw invalid("\(at).encrypt_certificate.algorithm is not \(ResourceCipher.algorithm)")
            }
            guard let nonce = sealed?["nonce"]?.stringValue, let ciphertext = sealed?["ciphertext"]?.stringValue else {
                throw invalid("\(at).encrypt_certificate lacks its nonce or ciphertext")
            }
            let associatedData = sealed?["associated_data"]?.stringValue ?? ""
            let plain = try ResourceCipher.decrypt(ciphertext: ciphertext, nonce: nonce, associatedData: associatedData,
                                                   apiV3Key: apiV3Key)
            let pem = String(decoding: plain, as: UTF8.self)
            let cert: X509Certificate
            do { cert = try X509Certificate(pem: pem) } catch {
                throw invalid("\(at): the decrypted certificate is not a PEM X.509 certificate")
            }
            guard cert.serialNumber == serial.uppercased() else {
                throw invalid("\(at): the certificate's serial (\(cert.serialNumber)) is not serial_no (\(serial))")
            }
            guard effective >= cert.notBefore - dateSlack, expire <= cert.notAfter + dateSlack else {
                throw invalid("\(at): effective_time..expire_time lies outside the certificate's own validity")
            }
            do { _ = try cert.publicKey } catch { throw invalid("\(at): the certificate's key is not RSA") }
            out.append(Entry(certificate: cert, pem: pem))
        }
        return out
    }

    /// `CERTIFICATE_INVALID` (exit 77): an entry of the answer is malformed or inconsistent.
    static func invalid(_ message: String) -> WxPayError {
        .authentication("CERTIFICATE_INVALID", "WeChat Pay's certificate list was refused (nothing was changed): \(message)")
    }

    /// The result when certificates are not used.
    static func notUsed(_ reason: String, mode: String) -> JSONValue {
        ["status": "not_used", "mode": .string(mode), "reason": .string(reason), "certificates": [], "added": [],
         "removed": [], "bootstrap": false]
    }

    /// The secrets document as written: sorted keys, indented, a final newline.
    static func encode(_ value: JSONValue) throws(WxPayError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        do { return Array(try encoder.encode(value)) + [0x0A] } catch {
            throw .internalError("cannot encode the secrets file")
        }
    }
}
