import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayTestSupport

/// The platform certificate rotation of the control API (`/_emulator/platform-certificates`) as a merchant client
/// sees it: the certificate list, who signs answers, retirement, and the `tampered-certificate` fault.
@Suite("Platform certificate rotation")
struct PlatformRotationTests {
    /// The serials `GET /v3/certificates` lists, each decrypted and checked against its `serial_no`.
    static func listed(_ emu: RunningEmulator) throws -> (serials: [String], signer: String?) {
        let r = try emu.call("GET", "/v3/certificates")
        #expect(r.status == 200)
        let body = try JSONCoding.value(from: r.body)
        var serials: [String] = []
        for item in body["data"]?.arrayValue ?? [] {
            let sealed = try #require(item["encrypt_certificate"])
            let plain = try ResourceCipher.decrypt(
                ciphertext: try #require(sealed["ciphertext"]?.stringValue),
                nonce: try #require(sealed["nonce"]?.stringValue),
                associatedData: try #require(sealed["associated_data"]?.stringValue), apiV3Key: emu.secrets.apiV3KeyBytes)
            let cert = try X509Certificate(pem: String(decoding: plain, as: UTF8.self))
            #expect(cert.serialNumber == item["serial_no"]?.stringValue)
            serials.append(cert.serialNumber)
        }
        return (serials, SignedHeaders(lookup: r.header).serial)
    }

    @Test("add (listed, not signing), activate (signs answers), retire the old (no longer listed); reset restores")
    func rotate() throws {
        let emu = try RunningEmulator(mode: "certificate")
        let original = try #require(emu.secrets.wechatPayCertificates.keys.first)
        #expect(try Self.listed(emu).serials == [original])

        let added = try emu.control("POST", "/_emulator/platform-certificates", ["activate": false, "days": 30])
        #expect(added.status == 200)
        let new = try #require(added.json["added"]?.stringValue, "\(added)")
        #expect(added.json["signing_serial"]?.stringValue == original)
        let (serials, signer) = try Self.listed(emu)
        #expect(serials == [original, new])
        #expect(signer == original)

        #expect(try emu.control("POST", "/_emulator/platform-certificates/\(new)/activate").status == 200)
        #expect(try Self.listed(emu).signer == new)
        // The merchant's file lacks the new certificate: its answers no longer verify with it.
        let r = try emu.call("GET", "/v3/certificates")
        #expect(throws: WxPayError.self) { try emu.verify(r) }
        #expect(try emu.control("GET", "/_emulator/health").json["wechatpay_serial"]?.stringValue == new)

        #expect(try emu.control("POST", "/_emulator/platform-certificates/\(original)/retire").status == 200)
        #expect(try Self.listed(emu).serials == [new])
        let last = try emu.control("POST", "/_emulator/platform-certificates/\(new)/retire")
        #expect(last.status == 400 && last.json["code"] == "PARAM_ERROR", "\(last)")
        #expect(try emu.control("POST", "/_emulator/platform-certificates/ABCDEF/activate").status == 404)

        #expect(try emu.control("POST", "/_emulator/reset").status == 200)
        let back = try Self.listed(emu)
        #expect(back.serials == [original] && back.signer == original)
        try emu.verify(try emu.call("GET", "/v3/certificates"))
    }

    @Test("public-key mode has no certificate to rotate: 400 PARAM_ERROR")
    func publicKeyMode() throws {
        let emu = try RunningEmulator(mode: "public-key")
        let r = try emu.control("POST", "/_emulator/platform-certificates", [:])
        #expect(r.status == 400 && r.json["code"] == "PARAM_ERROR", "\(r)")
    }

    @Test("tampered-certificate: the list is signed correctly, but its first ciphertext does not decrypt; once")
    func tampered() throws {
        let emu = try RunningEmulator(mode: "certificate")
        try emu.control("POST", "/_emulator/faults", ["kind": "tampered-certificate", "path_prefix": "/v3/certificates"])
        let r = try emu.call("GET", "/v3/certificates")
        try emu.verify(r)
        let sealed = try #require(try JSONCoding.value(from: r.body)["data"]?.arrayValue?.first?["encrypt_certificate"])
        #expect(throws: WxPayError.self) {
            try ResourceCipher.decrypt(ciphertext: sealed["ciphertext"]?.stringValue ?? "",
                                       nonce: sealed["nonce"]?.stringValue ?? "",
                                       associatedData: sealed["associated_data"]?.stringValue ?? "",
                                       apiV3Key: emu.secrets.apiV3KeyBytes)
        }
        #expect(try Self.listed(emu).serials.count == 1, "the next list is whole again")
    }
}
