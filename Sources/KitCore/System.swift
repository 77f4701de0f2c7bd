#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX helpers (no full Foundation in function binaries).
public enum System {
    /// A file read failure with the `errno` reason.
    public struct FileError: Error, Sendable {
        /// `errno` at the failure.
        public let errno: Int32
        /// `strerror(errno)`, or a size message.
        public let reason: String
    }

    /// Reads a whole file, refusing anything larger than `limit` bytes.
    public static func readFile(_ path: String, limit: Int = 1 << 20) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(errno: errno, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try readAll(fd: fd, limit: limit)
    }

    /// Reads a descriptor to its end, refusing more than `limit` bytes (reads `limit + 1` at most, to tell).
    public static func readAll(fd: Int32, limit: Int) throws(FileError) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(errno: errno, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw FileError(errno: EFBIG, reason: "larger than \(limit) bytes") }
        }
        return out
    }

    /// Writes all of `bytes` to `fd`, retrying on short writes.
    @discardableResult
    public static func writeAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Appends `line` and a newline to the file at `path` (created with mode 0600), then `fsync`s it: when this
    /// returns, the line is on stable storage, whole, in the file that `path` names.
    ///
    /// All or nothing: appenders hold an exclusive `flock` on the file, so lines from concurrent processes never
    /// interleave, whatever their size; a failed or short write (full disk, file-size limit) is cut back with
    /// `ftruncate` to the size before it, so no fragment is left to glue itself to the next line. A fragment left by
    /// a process killed mid-write (no other way to leave one) is ended with a newline before the next line, so
    /// every line a reader sees after it is whole; readers skip a line that is not valid JSON (docs/handoff.md).
    ///
    /// A consumer may rename or remove the file (under the same lock) while an appender waits for the lock: the
    /// line is then not written to the renamed or unlinked file, but to the file the path names once the lock is
    /// held (created again if the directory still exists; `ENOENT` if it does not).
    public static func appendLine(path: String, _ line: [UInt8]) throws(FileError) {
        try appendLines(path: path, [line])
    }

    /// Appends each of `lines`, each with a newline, to the file at `path` in one locked write and one `fsync`, with
    /// the guarantees of ``appendLine(path:_:)`` for the whole group: when this returns every line is on stable
    /// storage; when it throws none of them is left in the file. ``GroupCommitAppender`` batches with it.
    public static func appendLines(path: String, _ lines: [[UInt8]]) throws(FileError) {
        _ = fileSizeLimitIsAnError
        for _ in 0..<8 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw FileError(errno: errno, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { throw FileError(errno: errno, reason: String(cString: strerror(errno))) }
            }
            defer { _ = flock(fd, LOCK_UN) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FileError(errno: errno, reason: String(cString: strerror(errno))) }
            // Renamed away or removed between open and lock: append to what the path names now.
            var named = stat()
            guard info.st_nlink > 0, stat(path, &named) == 0, named.st_dev == info.st_dev, named.st_ino == info.st_ino
            else { continue }
            try appendLocked(fd: fd, path: path, sizeBefore: info.st_size, lines)
            return
        }
        throw FileError(errno: EAGAIN, reason: "the file was replaced again and again while waiting for its lock")
    }

    /// The write, `fsync` and cut-back of ``appendLines(path:_:)``, with the lock held.
    private static func appendLocked(fd: Int32, path: String, sizeBefore: off_t, _ lines: [[UInt8]]) throws(FileError) {
        var data: [UInt8] = []
        data.reserveCapacity(lines.reduce(1) { $0 + $1.count + 1 })
        if sizeBefore > 0 && !endsWithNewline(path: path, size: sizeBefore) { data.append(0x0A) }
        for line in lines {
            data += line
            data.append(0x0A)
        }
        var written = 0
        var failure: FileError? = nil
        while written < data.count {
            let n = data[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                failure = FileError(errno: errno, reason: n < 0 ? String(cString: strerror(errno)) : "short write")
                break
            }
            written += n
        }
        if failure == nil && fsync(fd) != 0 {
            failure = FileError(errno: errno, reason: String(cString: strerror(errno)))
        }
        if let failure {
            // Leave the file as it was: nothing of these lines may stay behind.
            _ = ftruncate(fd, sizeBefore)
            _ = fsync(fd)
            throw failure
        }
    }

    /// At the file-size limit (`ulimit -f`) a write fails with `EFBIG` instead of the process being killed by
    /// `SIGXFSZ`, so the append is cut back and reported like any other failure (set once, on first append).
    private static let fileSizeLimitIsAnError: Void = { _ = signal(SIGXFSZ, SIG_IGN) }()

    /// Whether the last byte of the file at `path` (of `size` bytes) is a newline.
    private static func endsWithNewline(path: String, size: off_t) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var last: UInt8 = 0
        return pread(fd, &last, 1, size - 1) == 1 ? last == 0x0A : true
    }

    /// The environment as a dictionary.
    public static func environment() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }

    /// Wall-clock Unix time in seconds.
    public static func unixTime() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// Wall-clock Unix time in milliseconds.
    public static func unixTimeMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
