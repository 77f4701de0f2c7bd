#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox
import WxPayTestSupport

extension ClientFunctionTests {
    /// `download-certificates` as a process against a certificate-mode emulator that rotates its platform key.
    @Suite("download-certificates")
    struct DownloadCertificates {
        static let schema = "functions/download-certificates/output.schema.json"

        static func bytes(_ path: String) throws -> [UInt8] { try System.readFile(path) }

        static func mode(_ path: String) -> mode_t {
            var st = stat()
            _ = stat(path, &st)
            return st.st_mode & 0o7777
        }

        static func certificates(_ path: String) throws -> [String: JSONValue] {
            try JSONCoding.value(from: bytes(path))["wechatpay_certificates"]?.objectValue ?? [:]
        }

        /// The serial of the emulator's current signer.
        static func signingSerial(_ emulator: Emulator) throws -> String {
            try #require(emulator.control("GET", "/_emulator/platform-certificates")["signing_serial"]?.stringValue)
        }

        /// Adds a platform certificate to the emulator; returns its serial.
        static func rotate(_ emulator: Emulator, activate: Bool) throws -> String {
            let added = try emulator.control("POST", "/_emulator/platform-certificates", ["activate": .bool(activate)])
            return try #require(added["added"]?.stringValue, "\(added)")
        }

        /// A certificate that expired days ago, as a PEM (a stand-in for last year's platform certificate).
        static func expiredCertificate() throws -> X509Certificate {
            let key = try RSAPrivateKey.generate()
            return try X509Certificate.selfSigned(key: key, serialHex: "6" + Hex.encode(SecureRandom.bytes(19)).uppercased(),
                                                  commonName: "expired test", notBefore: System.unixTime() - 10 * 86400,
                                                  days: 2)
        }

        /// The webhook's verdict on the emulator's latest notification, with the secrets file at `secretsPath`.
        static func webhookVerdict(_ emulator: Emulator, secretsPath: String) throws -> ProcessResult {
            let notes = try emulator.control("GET", "/_emulator/notifications")["notifications"]?.arrayValue ?? []
            let note = try #require(notes.last, "no notification was recorded")
            let headers = try #require(note["request"]?["headers"]?.objectValue, "\(note)")
            let body = try #require(note["request"]?["body"]?.stringValue, "\(note)")
            let event = NotificationBuilder.envelope(
                headers: headers.compactMap { name, value in value.stringValue.map { (name: name, value: $0) } },
                body: Array(body.utf8))
            return try emulator.run("webhook", event, env: ["WXPAY_SECRETS_FILE": secretsPath])
        }

        @Test("Current certificates: unchanged, the file byte for byte as it was, the answer's signer named")
        func unchanged() throws {
            let emulator = try Emulator(mode: "certificate")
            let before = try Self.bytes(emulator.secretsPath)
            let serial = try Self.signingSerial(emulator)
            let run = try emulator.run("download-certificates", [:])
            #expect(run.status == 0, "\(run)")
            let r = try run.result()
            #expect(r["status"] == "unchanged", "\(r)")
            #expect(r["added"] == [] && r["removed"] == [])
            #expect(r["signed_by"]?.stringValue == serial)
            #expect(r["certificates"]?.arrayValue?.map { $0["serial_no"]?.stringValue } == [serial])
            #expect(r["certificates"]?.arrayValue?.first?["listed"] == true)
            #expect(try Self.bytes(emulator.secretsPath) == before)
            let calls = try emulator.requests().filter { $0.target == "/v3/certificates" }
            #expect(calls.count == 1 && calls.first?.status == 200, "\(calls)")
            #expect(!run.stderr.contains("BEGIN") && !run.stdoutText.contains("BEGIN"), "no key or certificate text in output")
            #expect(try SchemaCheck.errors([.init(schema: Self.schema, instance: r, label: "unchanged")]) == [])
        }

        @Test("Rotation: the new certificate added, the expired one dropped, mode and other fields kept; the webhook then accepts a notification signed with the new key, with no restart")
        func rotation() throws {
            let emulator = try Emulator(mode: "certificate")
            let old = try Self.signingSerial(emulator)
            let expired = try Self.expiredCertificate()
            try emulator.process.rewriteSecrets {
                var certs = $0["wechatpay_certificates"]?.objectValue ?? [:]
                certs[expired.serialNumber] = .string((try? expired.pem()) ?? "")
                $0["wechatpay_certificates"] = .object(certs)
                $0["operator_note"] = "kept as it is"
            }
            #expect(chmod(emulator.secretsPath, 0o640) == 0)
            let beforeDocument = try JSONCoding.value(from: Self.bytes(emulator.secretsPath))
            let beforeBytes = try Self.bytes(emulator.secretsPath)
            let oldCopy = emulator.directory + "/secrets-before.json"
            let fd = open(oldCopy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            #expect(fd >= 0 && System.writeAll(fd: fd, beforeBytes))
            close(fd)

            // WeChat Pay publishes the new certificate before it signs with it.
            let new = try Self.rotate(emulator, activate: false)
            let run = try emulator.run("download-certificates", [:])
            #expect(run.status == 0, "\(run)")
            let r = try run.result()
            #expect(r["status"] == "updated", "\(r)")
            #expect(r["added"] == [.string(new)])
            #expect(r["removed"] == [.string(expired.serialNumber)])
            #expect(r["signed_by"]?.stringValue == old)
            #expect(Set(r["certificates"]?.arrayValue?.compactMap { $0["serial_no"]?.stringValue } ?? []) == [old, new])
            #expect(try SchemaCheck.errors([.init(schema: Self.schema, instance: r, label: "updated")]) == [])

            #expect(Self.mode(emulator.secretsPath) == 0o640, "the file keeps its mode")
            let after = try JSONCoding.value(from: Self.bytes(emulator.secretsPath))
            #expect(Set(try Self.certificates(emulator.secretsPath).keys) == [old, new])
            for (key, value) in beforeDocument.objectValue ?? [:] where key != "wechatpay_certificates" {
                #expect(after[key] == value, "\(key) kept")
            }
            #expect(Set(after.objectValue?.keys.map { $0 } ?? []) == Set(beforeDocument.objectValue?.keys.map { $0 } ?? []))
            let pem = try #require(try Self.certificates(emulator.secretsPath)[new]?.stringValue)
            #expect(try X509Certificate(pem: pem).serialNumber == new)
            #expect(try emulator.process.secrets().wechatPayCertificates.keys.sorted() == [old, new].sorted())

            // WeChat Pay switches to the new key and retires the old certificate.
            try emulator.control("POST", "/_emulator/platform-certificates/\(new)/activate", [:])
            try emulator.control("POST", "/_emulator/platform-certificates/\(old)/retire", [:])
            #expect(try Self.signingSerial(emulator) == new)
            let no = try Refunds.paidIntent(emulator)  // create-intent signs its call; the answer is signed by `new`
            #expect(!no.isEmpty)
            let accepted = try Self.webhookVerdict(emulator, secretsPath: emulator.secretsPath)
            #expect(accepted.status == 0, "\(accepted)")
            #expect(try accepted.json()["statusCode"] == 200, "\(accepted)")
            // The same notification against the file as it was before the download: refused (the test can fail).
            let refused = try Self.webhookVerdict(emulator, secretsPath: oldCopy)
            #expect(refused.status == 77, "\(refused)")

            // Again: signed by the new certificate; the old one is still valid, so kept (no longer listed).
            let again = try emulator.run("download-certificates", [:])
            #expect(again.status == 0, "\(again)")
            let a = try again.result()
            #expect(a["status"] == "unchanged", "\(a)")
            #expect(a["signed_by"]?.stringValue == new)
            let listed = a["certificates"]?.arrayValue?.first { $0["serial_no"]?.stringValue == old }?["listed"]
            #expect(listed == false, "\(a)")
        }

        @Test("A tampered certificate list (ciphertext changed, or the signature broken) changes nothing: exit 77, the file byte-identical",
              arguments: [("tampered-certificate", "DECRYPTION_FAILED"), ("bad-signature", "ANSWER_SIGNATURE_INVALID")])
        func tampered(_ fault: String, _ code: String) throws {
            let emulator = try Emulator(mode: "certificate")
            _ = try Self.rotate(emulator, activate: false)
            let before = try Self.bytes(emulator.secretsPath)
            try emulator.inject(["kind": .string(fault), "path_prefix": "/v3/certificates"])
            let run = try emulator.run("download-certificates", [:])
            #expect(run.status == 77, "\(run)")
            #expect(run.errorCode == code, "\(run)")
            #expect(try run.result()["error"]?["retryable"] == false)
            #expect(try Self.bytes(emulator.secretsPath) == before)
            #expect(try emulator.faultsFired(fault) == 1)
            let leftovers = try listDirectory(emulator.directory).filter { $0.hasSuffix(".tmp") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }

        @Test("Signed by a certificate the file lacks: CERTIFICATE_BOOTSTRAP_REQUIRED (77) and nothing changed; with bootstrap it is verified with its own certificate and added")
        func bootstrap() throws {
            let emulator = try Emulator(mode: "certificate")
            let new = try Self.rotate(emulator, activate: true)
            let before = try Self.bytes(emulator.secretsPath)
            let refused = try emulator.run("download-certificates", [:])
            #expect(refused.status == 77, "\(refused)")
            #expect(refused.errorCode == "CERTIFICATE_BOOTSTRAP_REQUIRED", "\(refused)")
            #expect(try refused.result()["error"]?["wechatpay_serial"]?.stringValue == new)
            #expect(try Self.bytes(emulator.secretsPath) == before)

            let run = try emulator.run("download-certificates", ["bootstrap": true])
            #expect(run.status == 0, "\(run)")
            let r = try run.result()
            #expect(r["status"] == "updated" && r["bootstrap"] == true, "\(r)")
            #expect(r["added"] == [.string(new)])
            #expect(try Self.certificates(emulator.secretsPath)[new] != nil)

            // Bootstrap with a tampered list still changes nothing.
            let newer = try Self.rotate(emulator, activate: true)
            try emulator.control("POST", "/_emulator/platform-certificates/\(new)/retire", [:])
            let middle = try Self.bytes(emulator.secretsPath)
            try emulator.inject(["kind": "tampered-certificate", "path_prefix": "/v3/certificates"])
            let tampered = try emulator.run("download-certificates", ["bootstrap": true])
            #expect(tampered.status == 77 && tampered.errorCode == "DECRYPTION_FAILED", "\(tampered)")
            #expect(try Self.bytes(emulator.secretsPath) == middle)
            #expect(try Self.certificates(emulator.secretsPath)[newer] == nil)
        }

        @Test("A first download into a file with no certificate yet needs bootstrap, then fills it")
        func firstDownload() throws {
            let emulator = try Emulator(mode: "certificate")
            let serial = try Self.signingSerial(emulator)
            try emulator.process.rewriteSecrets { $0["wechatpay_certificates"] = nil }
            let plain = try emulator.run("download-certificates", [:])
            #expect(plain.status == 78 && plain.errorCode == "SECRETS_INVALID", "\(plain)")
            let run = try emulator.run("download-certificates", ["bootstrap": true])
            #expect(run.status == 0, "\(run)")
            #expect(try run.result()["added"] == [.string(serial)])
            #expect(try emulator.process.secrets().wechatPayCertificates.keys.sorted() == [serial])
        }

        @Test("functions/download-certificates: every sample runs against a certificate-mode emulator; outputs match the schema")
        func samples() throws {
            let emulator = try Emulator(mode: "certificate")
            let root = Executables.packageRoot + "/functions/download-certificates/"
            var items: [SchemaCheck.Item] = []
            for sample in ["direct.json", "bootstrap.json", "http.json"] {
                let event = try JSONCoding.value(from: System.readFile(root + sample))
                let run = try emulator.run("download-certificates", event)
                #expect(run.status == 0, "\(sample): \(run)")
                let result = try run.result()
                #expect(result["status"] == "unchanged", "\(sample): \(result)")
                if sample == "http.json" { #expect(try run.json()["statusCode"] == 200) }
                items.append(.init(schema: Self.schema, instance: result, label: sample))
            }
            let bad = try emulator.run("download-certificates", ["bootstrap": "yes"])
            #expect(bad.status == 65, "\(bad)")
            items.append(.init(schema: Self.schema, instance: try bad.result(), label: "bad input"))
            #expect(try SchemaCheck.errors(items) == [])
        }

        @Test("Public-key mode: not_used, WeChat Pay not called, the file untouched")
        func publicKeyMode() throws {
            let emulator = try Emulator(mode: "public-key")
            let before = try Self.bytes(emulator.secretsPath)
            let run = try emulator.run("download-certificates", [:])
            #expect(run.status == 0, "\(run)")
            let r = try run.result()
            #expect(r["status"] == "not_used" && r["mode"] == "public-key", "\(r)")
            #expect(try emulator.requests().isEmpty)
            #expect(try Self.bytes(emulator.secretsPath) == before)
            // Asked to bootstrap anyway: WeChat Pay answers RESOURCE_NOT_EXISTS for a public-key merchant.
            let asked = try emulator.run("download-certificates", ["bootstrap": true])
            #expect(asked.status == 0, "\(asked)")
            #expect(try asked.result()["status"] == "not_used", "\(asked)")
            #expect(try emulator.requests().count == 1)
            #expect(try Self.bytes(emulator.secretsPath) == before)
            #expect(try SchemaCheck.errors([.init(schema: Self.schema, instance: r, label: "not_used")]) == [])
        }

        @Test("Secrets that cannot be written: an AWS source is SECRETS_SOURCE_NOT_FILE, a read-only file SECRETS_NOT_WRITABLE (78), before any call")
        func notWritable() throws {
            let emulator = try Emulator(mode: "certificate")
            let aws = try emulator.run("download-certificates", [:],
                                       env: ["WXPAY_SECRETS_URL": "aws-secretsmanager://wxpay/prod"])
            #expect(aws.status == 78 && aws.errorCode == "SECRETS_SOURCE_NOT_FILE", "\(aws)")
            // A directory the process cannot write to: mode 0500, or for root (who ignores modes) the immutable
            // attribute, when the filesystem has it.
            var locked = false
            let chattrPaths: [String] = ["/usr/bin/chattr", "/bin/chattr"]
            let chattrTool = chattrPaths.first { access($0, X_OK) == 0 }
            if getuid() != 0 {
                locked = chmod(emulator.directory, 0o500) == 0
            } else if let chattr = chattrTool {
                locked = (try? runProcess(chattr, ["+i", emulator.directory], environment: [:]))?.status == 0
            }
            if locked {
                let ro = try emulator.run("download-certificates", [:])
                if getuid() != 0 {
                    chmod(emulator.directory, 0o700)
                } else if let chattr = chattrTool {
                    _ = try runProcess(chattr, ["-i", emulator.directory], environment: [:])
                }
                #expect(ro.status == 78 && ro.errorCode == "SECRETS_NOT_WRITABLE", "\(ro)")
            } else {
                print("download-certificates: the unwritable-directory case was not exercised (no chattr as root)")
            }
            #expect(try emulator.requests().isEmpty)
        }
    }
}

/// The names in `directory`.
func listDirectory(_ directory: String) throws -> [String] {
    guard let dir = opendir(directory) else { throw SetupFailure("cannot list \(directory)") }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}
