import KitCore

/// A structural check of PEM keys in Swift, without OpenSSL.
///
/// OpenSSL 3's PEM decoder costs about 10 million instructions per private key (provider and decoder lookups), a
/// third of a whole `webhook` process. The secrets file is validated on every invocation, but most keys in it are
/// not used by a given invocation (`webhook` never signs; only the key named by `Wechatpay-Serial` verifies), so
/// keys are inspected here — armor, base64, DER layout, RSA algorithm, modulus size — and parsed by OpenSSL only
/// when used.
public enum KeyInspection {
    /// What the inspection found.
    public struct RSAKeyInfo: Sendable, Equatable {
        /// Modulus size in bits.
        public let bits: Int
    }

    /// Checks a private key PEM: PKCS#8 (`PRIVATE KEY`) holding an RSA key, or PKCS#1 (`RSA PRIVATE KEY`).
    /// - Throws: ``CryptoError`` `.invalidPEM` or `.unsupportedKey` (not RSA, encrypted, or under 2048 bits).
    public static func privateKey(pem: String) throws(CryptoError) -> RSAKeyInfo {
        RSAKeyInfo(bits: bitLength(try privateIntegers(pem: pem)[0]))
    }

    /// Checks a public key PEM: SubjectPublicKeyInfo (`PUBLIC KEY`) holding an RSA key.
    public static func publicKey(pem: String) throws(CryptoError) -> RSAKeyInfo {
        RSAKeyInfo(bits: bitLength(try publicIntegers(pem: pem)[0]))
    }

    /// The OID 1.2.840.113549.1.1.1 (rsaEncryption).
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]

    /// The eight integers n, e, d, p, q, dP, dQ, qInv of an RSAPrivateKey.
    static func rsaPrivateIntegers(_ der: [UInt8]) throws(CryptoError) -> [[UInt8]] {
        var key = try DER.outer(der, 0x30)
        _ = try key.read(0x02)
        var integers: [[UInt8]] = []
        for _ in 0..<8 { integers.append(try key.read(0x02)) }
        return integers
    }

    /// The RSA private key integers of a PEM private key (PKCS#8 or PKCS#1), with ``privateKey(pem:)``'s checks:
    /// the PEM is decoded once for both.
    static func privateIntegers(pem: String) throws(CryptoError) -> [[UInt8]] {
        let (label, der) = try decodePEM(pem)
        let integers: [[UInt8]]
        switch label {
        case "PRIVATE KEY":
            // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier, privateKey OCTET STRING }
            var outer = try DER.outer(der, 0x30)
            _ = try outer.read(0x02)
            var algorithm = try outer.enter(0x30)
            guard try algorithm.read(0x06) == rsaEncryption else {
                throw CryptoError(.unsupportedKey, "the private key is not an RSA key")
            }
            integers = try rsaPrivateIntegers(try outer.read(0x04))
        case "RSA PRIVATE KEY":
            integers = try rsaPrivateIntegers(der)
        case "ENCRYPTED PRIVATE KEY":
            throw CryptoError(.unsupportedKey, "the private key is encrypted; store it unencrypted in the secrets file")
        default:
            throw CryptoError(.unsupportedKey, "the private key is not an RSA key")
        }
        guard bitLength(integers[0]) >= 2048 else {
            throw CryptoError(.unsupportedKey, "the RSA key is shorter than 2048 bits")
        }
        return integers
    }

    /// (n, e) of a PEM public key, with ``publicKey(pem:)``'s checks: the PEM is decoded once for both.
    static func publicIntegers(pem: String) throws(CryptoError) -> [[UInt8]] {
        let (label, der) = try decodePEM(pem)
        guard label == "PUBLIC KEY" else { throw CryptoError(.invalidPEM, "not a PEM public key (SubjectPublicKeyInfo)") }
        var spki = try DER.outer(der, 0x30)
        var algorithm = try spki.enter(0x30)
        guard try algorithm.read(0x06) == rsaEncryption else {
            throw CryptoError(.unsupportedKey, "the public key is not an RSA key")
        }
        let bitString = try spki.read(0x03)
        guard bitString.first == 0 else { throw CryptoError(.invalidPEM, "malformed public key bit string") }
        var rsa = try DER.outer(Array(bitString.dropFirst()), 0x30)
        return [try rsa.read(0x02), try rsa.read(0x02)]
    }

    static func bitLength(_ integer: [UInt8]) -> Int {
        var bytes = integer[...]
        while let first = bytes.first, first == 0 { bytes = bytes.dropFirst() }
        guard let first = bytes.first else { return 0 }
        return (bytes.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Splits `-----BEGIN L-----` base64 `-----END L-----` into the label and the DER bytes.
    static func decodePEM(_ pem: String) throws(CryptoError) -> (String, [UInt8]) {
        // Read as UTF-8 bytes: `String.split` and `Character` comparisons cost ~0.8 M instructions a key, and every
        // function process reads two or three keys. Lines end at `\n` or `\r` (so `\r\n` too), lose their spaces
        // and tabs at both ends, and empty lines are skipped.
        let bytes = Array(pem.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            var end = i
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            var a = i
            var b = end
            while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
            while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
            if a < b { lines.append(bytes[a..<b]) }
            i = end + 1
        }
        let beginPrefix = Array("-----BEGIN ".utf8)
        let dashes = Array("-----".utf8)
        guard let begin = lines.firstIndex(where: { $0.starts(with: beginPrefix) && $0.reversed().starts(with: dashes) })
        else {
            throw CryptoError(.invalidPEM, "no PEM BEGIN line")
        }
        let first = lines[begin]
        // `-----BEGIN ----` (the two affixes overlap) has an empty label, as it always had.
        let labelBytes = first.count >= 16 ? Array(first.dropFirst(11).dropLast(5)) : []
        let label = String(decoding: labelBytes, as: UTF8.self)
        let endLine = Array("-----END ".utf8) + labelBytes + dashes
        guard let end = lines[(begin + 1)...].firstIndex(where: { $0.elementsEqual(endLine) }) else {
            throw CryptoError(.invalidPEM, "no matching PEM END line")
        }
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count)
        for line in lines[(begin + 1)..<end] {
            guard !line.contains(UInt8(ascii: ":")) else {
                throw CryptoError(.unsupportedKey, "the PEM block has headers (an encrypted key?)")
            }
            body.append(contentsOf: line)
        }
        guard let der = Base64Codec.standard.decode(body) else {
            throw CryptoError(.invalidPEM, "the PEM body is not base64")
        }
        return (label, der)
    }

}

/// A minimal DER reader: definite lengths, one level at a time.
struct DER {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads the next element, which must have `tag`, and returns its content.
    mutating func read(_ tag: UInt8) throws(CryptoError) -> [UInt8] {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else {
            throw CryptoError(.invalidPEM, "unexpected DER structure in the key")
        }
        var length = Int(bytes[offset + 1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), offset + 2 + count <= bytes.count else {
                throw CryptoError(.invalidPEM, "bad DER length in the key")
            }
            length = 0
            for i in 0..<count { length = length << 8 | Int(bytes[offset + 2 + i]) }
            header += count
        }
        let start = offset + header
        guard start + length <= bytes.count else { throw CryptoError(.invalidPEM, "truncated DER in the key") }
        offset = start + length
        return Array(bytes[start..<(start + length)])
    }

    /// A reader over the content of the single top-level element of `bytes`, which must have `tag`.
    static func outer(_ bytes: [UInt8], _ tag: UInt8) throws(CryptoError) -> DER {
        var top = DER(bytes)
        let reader = try top.enter(tag)
        guard top.offset == bytes.count else { throw CryptoError(.invalidPEM, "trailing bytes after the key") }
        return reader
    }

    /// Reads the next constructed element with `tag` and returns a reader over its content.
    mutating func enter(_ tag: UInt8) throws(CryptoError) -> DER { DER(try read(tag)) }
}
