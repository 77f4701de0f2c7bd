import KitCore
import WxPayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces the secrets file atomically: a temporary file in the same directory, written whole, given the original's
/// mode (and owner, when allowed), `fsync`ed, then `rename`d over the original and the directory `fsync`ed. A reader
/// (every function reloads the file on each invocation) sees the old file or the new one, never a mix.
enum SecretsFileUpdate {
    /// The file a secrets path names, symbolic links resolved (the link itself is left as it is).
    static func resolve(_ path: String) throws(WxPayError) -> String {
        guard let real = realpath(path, nil) else {
            throw .secretsNotFound(path, String(cString: strerror(errno)))
        }
        defer { free(real) }
        return String(cString: real)
    }

    /// Refuses, before anything is asked of WeChat Pay, a file whose directory or self this process cannot write.
    static func checkWritable(_ path: String) throws(WxPayError) {
        let directory = self.directory(of: path)
        if access(directory, W_OK) != 0 {
            throw notWritable(path, "its directory \(directory) is not writable (\(String(cString: strerror(errno))))")
        }
        if access(path, W_OK) != 0 {
            throw notWritable(path, String(cString: strerror(errno)))
        }
    }

    /// Writes `bytes` in place of `path`, whose content must still be `expected` (what the update was computed
    /// from): a file changed meanwhile (by an operator or a concurrent run) is left alone.
    static func replace(_ path: String, with bytes: [UInt8], expected: [UInt8]) throws(WxPayError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .secretsNotFound(path, String(cString: strerror(errno))) }
        let directory = self.directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? "secrets.json"
        let temp = "\(directory)/.\(base).\(getpid()).\(SecureRandomSuffix.make()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw notWritable(path, "cannot create a file beside it (\(String(cString: strerror(errno))))") }
        var closed = false
        func fail(_ reason: String) -> WxPayError {
            if !closed { close(fd) }
            unlink(temp)
            return notWritable(path, reason)
        }
        // The owner first (allowed to root only, unless unchanged), then the mode: chown may clear set-id bits.
        _ = fchown(fd, status.st_uid, status.st_gid)
        guard fchmod(fd, status.st_mode & 0o7777) == 0 else {
            throw fail("cannot give the new file the mode of the old (\(String(cString: strerror(errno))))")
        }
        guard System.writeAll(fd: fd, bytes) else { throw fail("write failed (\(String(cString: strerror(errno))))") }
        guard fsync(fd) == 0 else { throw fail("fsync failed (\(String(cString: strerror(errno))))") }
        closed = true
        guard close(fd) == 0 else { throw fail("close failed (\(String(cString: strerror(errno))))") }
        let now = try? System.readFile(path, limit: 1 << 20)
        guard now == expected else {
            unlink(temp)
            throw WxPayError(code: "SECRETS_CHANGED", message: "secrets file \(path) changed while the certificates "
                                 + "were downloaded; it was left as it is (run again)",
                             retryable: true, exitStatus: ExitStatus.tempFail, httpStatus: 409)
        }
        guard rename(temp, path) == 0 else { throw fail("rename failed (\(String(cString: strerror(errno))))") }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `SECRETS_NOT_WRITABLE` (exit 78): the file (or its directory) cannot be replaced by this process.
    static func notWritable(_ path: String, _ reason: String) -> WxPayError {
        WxPayError(code: "SECRETS_NOT_WRITABLE",
                   message: "secrets file \(path) cannot be updated: \(reason); download-certificates needs a "
                       + "writable file in a writable directory (docs/deployment.md#platform-certificates)",
                   retryable: false, exitStatus: ExitStatus.config, httpStatus: 500)
    }
}

/// A short random suffix for temporary file names.
enum SecureRandomSuffix {
    static func make() -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for _ in 0..<8 { out.append(digits[Int.random(in: 0..<16)]) }
        return out
    }
}
