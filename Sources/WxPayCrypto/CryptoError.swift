import CWxOpenSSL
import KitCore

/// A failure inside the cryptographic layer.
///
/// The message never contains key material: it names the operation and OpenSSL's reason string only.
public typealias CryptoError = CodedError<CryptoErrorCode>

/// The closed set of things that can go wrong, as ``CryptoError``'s code.
public enum CryptoErrorCode: String, ErrorCode {
    /// A PEM block could not be parsed as the expected kind of key or certificate.
    case invalidPEM
    /// A key was parsed but is not RSA, or is too short.
    case unsupportedKey
    /// Signing failed inside OpenSSL.
    case signingFailed
    /// Authenticated decryption failed: wrong key, nonce, associated data, or tampered ciphertext.
    case authenticationFailed
    /// A parameter (key, nonce or tag length) has the wrong size.
    case invalidParameter
    /// Any other OpenSSL failure (allocation, key generation, encoding).
    case internalFailure

    /// Appends OpenSSL's queued reason (if any) to `message`.
    public static func annotate(_ message: String) -> String {
        let reason = drainOpenSSLErrors()
        return reason.isEmpty ? message : "\(message) (\(reason))"
    }

    /// Pops every queued OpenSSL error and returns the last reason string. Clearing the queue keeps a stale
    /// error from being blamed on a later, unrelated call.
    static func drainOpenSSLErrors() -> String {
        var last: UInt = 0
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            last = e
        }
        guard last != 0, let reason = ERR_reason_error_string(last) else { return "" }
        return String(cString: reason)
    }
}
