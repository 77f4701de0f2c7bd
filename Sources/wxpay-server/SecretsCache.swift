import KitCore
import Synchronization
import WxPayCore
import WxPayCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The secrets file, re-read for every request but parsed only when it changed: a `stat` first (same device, inode,
/// size, modification and change times: the parse of last time is used as is), else the bytes are read and hashed
/// (SHA-256; the same content: the parse of last time), else parsed and validated anew. A file rotated on disk
/// (rewritten, or swapped by a rename as Kubernetes does) is therefore used by the very next request.
final class SecretsCache: Sendable {
    /// One parse of the file: the secrets and the bearer tokens of the server's protected routes.
    struct Entry: Sendable {
        let secrets: Secrets
        /// SHA-256 of each `server_tokens` entry (compared in constant time, digest against digest).
        let tokenDigests: [[UInt8]]
    }

    private struct Cached: Sendable {
        var path: String
        var stat: FileIdentity
        var digest: [UInt8]
        var entry: Entry
    }

    /// What `stat` says of a file; equal identities mean an unchanged file.
    struct FileIdentity: Equatable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64
        var mtime: Int64, mtimeNanos: Int64, ctime: Int64, ctimeNanos: Int64
    }

    private let cached = Mutex<Cached?>(nil)
    /// How many times the file was parsed (a test hook through the log; the metric of reloads).
    let parses = Atomic<Int>(0)

    /// The shortest accepted bearer token.
    static let minimumTokenLength = 16

    /// The secrets and tokens for this request.
    /// - Throws: `SECRETS_NOT_FOUND` or `SECRETS_INVALID` (never quoting a secret value).
    func current(environment: [String: String]) throws(WxPayError) -> Entry {
        guard let path = try Secrets.filePath(environment: environment) else {
            // Not a file (the AWS extension, WXPAY_SECRETS_URL): asked on every request, as the functions do; the
            // extension's own cache is the cache.
            let bytes = try Secrets.document(environment: environment)
            let secrets = try Secrets.parse(bytes)
            let tokens = try SecretsCache.tokens(bytes)
            parses.add(1, ordering: .relaxed)
            return Entry(secrets: secrets, tokenDigests: tokens.map { Digest.sha256($0.utf8) })
        }
        guard let identity = SecretsCache.identity(path) else {
            throw .secretsNotFound(path, "cannot stat it (errno \(errno))")
        }
        if let hit = cached.withLock({ state -> Entry? in
            guard let c = state, c.path == path, c.stat == identity else { return nil }
            return c.entry
        }) {
            return hit
        }
        let bytes: [UInt8]
        do { bytes = try System.readFile(path, limit: 1 << 20) } catch { throw .secretsNotFound(path, error.reason) }
        let digest = Digest.sha256(bytes)
        if let same = cached.withLock({ state -> Entry? in
            guard var c = state, c.path == path, c.digest == digest else { return nil }
            c.stat = identity
            state = c
            return c.entry
        }) {
            return same
        }
        let secrets = try Secrets.parse(bytes)
        let tokens = try SecretsCache.tokens(bytes)
        let entry = Entry(secrets: secrets, tokenDigests: tokens.map { Digest.sha256($0.utf8) })
        parses.add(1, ordering: .relaxed)
        cached.withLock { $0 = Cached(path: path, stat: identity, digest: digest, entry: entry) }
        return entry
    }

    /// `server_tokens`: an array of strings of at least ``minimumTokenLength`` characters (absent: no token, so
    /// every protected route answers 401).
    static func tokens(_ bytes: [UInt8]) throws(WxPayError) -> [String] {
        guard let value = try? JSONCoding.value(from: bytes) else {
            throw .secretsInvalid("(file)", "is not a JSON object of the documented shape")
        }
        switch value["server_tokens"] {
        case nil, .null?: return []
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let token = item.stringValue, token.utf8.count >= minimumTokenLength,
                      token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                else {
                    throw .secretsInvalid("server_tokens[\(i)]",
                                          "must be a string of at least \(minimumTokenLength) printable ASCII characters")
                }
                out.append(token)
            }
            return out
        default:
            throw .secretsInvalid("server_tokens", "must be an array of strings")
        }
    }

    /// Whether `presented` (the part after `Bearer `) is one of the tokens: every token is compared, each by its
    /// SHA-256 digest in constant time, so neither the match nor its position shows in the timing.
    static func authorize(_ presented: Substring, tokens: [[UInt8]]) -> Bool {
        let digest = Digest.sha256(presented.utf8)
        var matched = false
        for token in tokens {
            matched = Digest.constantTimeEquals(digest, token) || matched
        }
        return matched
    }

    static func identity(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        #if canImport(Darwin)
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            mtime: Int64(st.st_mtimespec.tv_sec), mtimeNanos: Int64(st.st_mtimespec.tv_nsec),
                            ctime: Int64(st.st_ctimespec.tv_sec), ctimeNanos: Int64(st.st_ctimespec.tv_nsec))
        #else
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            mtime: Int64(st.st_mtim.tv_sec), mtimeNanos: Int64(st.st_mtim.tv_nsec),
                            ctime: Int64(st.st_ctim.tv_sec), ctimeNanos: Int64(st.st_ctim.tv_nsec))
        #endif
    }
}
