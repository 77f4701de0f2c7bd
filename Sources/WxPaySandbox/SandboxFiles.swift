import KitCore
import WxPayCore
import WxPayCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a key set's two files: `secrets.json` (the merchant's, docs/secrets.md), `sandbox.json` (WeChat Pay's side).
public enum SandboxFiles {
    /// A write failure.
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates `directory` if needed and writes both files with mode 0600.
    public static func write(directory: String, secrets: JSONValue, sandbox: JSONValue) throws {
        try makeDirectories(directory)
        try writeFile(directory + "/secrets.json", try JSONCoding.encode(secrets))
        try writeFile(directory + "/sandbox.json", try JSONCoding.encode(sandbox))
    }

    /// Writes `bytes` to `path` (mode 0600) through a temporary file and `rename`, so a reader that reloads the
    /// file on every invocation never sees half of it (key rotation).
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(description: "cannot create \(temp): \(String(cString: strerror(errno)))") }
        var data = bytes
        data.append(0x0A)
        let ok = System.writeAll(fd: fd, data)
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw WriteError(description: "cannot create \(current): \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Random text for generated settings.
public enum SecureRandomText {
    /// `length` characters of `[0-9A-Za-z]`.
    public static func alphanumeric(_ length: Int) -> String { SecureRandom.alphanumeric(length) }
    /// `bytes` random bytes as hex.
    public static func hex(_ bytes: Int) -> String { Hex.encode(SecureRandom.bytes(bytes)) }
}
