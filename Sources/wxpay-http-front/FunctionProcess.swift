import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How one run of the function ended.
enum FunctionRun {
    /// It exited (or was signalled) after writing `stdout`.
    case finished(status: Int32, stdout: [UInt8])
    /// It was still running at the timeout and was killed.
    case timedOut
    /// It could not be started (`errno`).
    case spawnFailed(Int32)
    /// It wrote more than ``FunctionProcess/maxOutputBytes`` and was killed.
    case outputTooLarge
}

/// Runs the function executable once: `input` on its stdin, its stdout collected, its stderr inherited (the
/// function's JSON log lines join the front's), killed at the timeout.
struct FunctionProcess {
    /// Largest answer accepted from a function.
    static let maxOutputBytes = 8 << 20

    let path: String

    func run(input: [UInt8], timeout: Double) -> FunctionRun {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        // Pipes are created and made close-on-exec under the descriptor lock, so a child spawned by another
        // thread never inherits them (a leaked write end would hold this function's stdin open).
        let spawned: Spawned = descriptorLock.withLock { _ in
            guard pipe(&toChild) == 0 else { return .failure(errno) }
            guard pipe(&fromChild) == 0 else {
                let code = errno
                close(toChild[0]); close(toChild[1])
                return .failure(code)
            }
            for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            let result = spawn(stdin: toChild[0], stdout: fromChild[1])
            if case .failure = result {
                for fd in toChild + fromChild { close(fd) }
            }
            return result
        }
        guard case .success(let pid) = spawned else {
            if case .failure(let code) = spawned { return .spawnFailed(code) }
            return .spawnFailed(EINVAL)
        }
        close(toChild[0])
        close(fromChild[1])
        let outcome = exchange(pid: pid, stdin: toChild[1], stdout: fromChild[0], input: input,
                               until: monotonicNow() + timeout)
        return outcome
    }

    private enum Spawned { case success(pid_t), failure(Int32) }

    private func spawn(stdin: Int32, stdout: Int32) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)

        // The front ignores SIGPIPE; the function gets the default disposition and an empty signal mask back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { for p in argv { free(p) } }
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        return rc == 0 ? .success(pid) : .failure(rc)
    }

    /// Feeds stdin and drains stdout at the same time (a large answer never deadlocks against a large event).
    private func exchange(pid: pid_t, stdin: Int32, stdout: Int32, input: [UInt8], until deadline: Double)
        -> FunctionRun
    {
        _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK)
        var writeFD: Int32 = input.isEmpty ? -1 : stdin
        if writeFD < 0 { close(stdin) }
        var written = 0
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var open = true
        while open {
            let left = deadline - monotonicNow()
            if left <= 0 { return killChild(pid, closing: [writeFD, stdout], as: .timedOut) }
            var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)]
            if writeFD >= 0 { fds.append(pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left * 1000 + 1, 60_000)))
            if ready < 0 && errno != EINTR { return killChild(pid, closing: [writeFD, stdout], as: .spawnFailed(errno)) }
            if ready <= 0 { continue }
            if fds.count > 1, fds[1].revents != 0 {
                let n = input[written...].withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
                if n > 0 { written += n }
                if (n < 0 && errno != EAGAIN && errno != EINTR) || written == input.count {
                    close(writeFD)  // EPIPE: the function stopped reading; it still answers on stdout
                    writeFD = -1
                }
            }
            if fds[0].revents != 0 {
                let n = read(stdout, &chunk, chunk.count)
                if n > 0 {
                    output += chunk[0..<n]
                    if output.count > Self.maxOutputBytes {
                        return killChild(pid, closing: [writeFD, stdout], as: .outputTooLarge)
                    }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    open = false
                }
            }
        }
        if writeFD >= 0 { close(writeFD) }
        close(stdout)
        // stdout is closed: the function is exiting. Reap it, but never wait past the deadline.
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return .finished(status: 70, stdout: output) }
            if monotonicNow() >= deadline { return killChild(pid, closing: [], as: .timedOut) }
            usleep(1_000)
        }
        let exited = status & 0x7f == 0
        return .finished(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: output)
    }

    private func killChild(_ pid: pid_t, closing fds: [Int32], as outcome: FunctionRun) -> FunctionRun {
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        for fd in fds where fd >= 0 { close(fd) }
        return outcome
    }
}

/// Held while descriptors are created and marked close-on-exec, and while a child is spawned: Glibc's Swift
/// module exposes neither `pipe2` nor `accept4`, so this is what keeps descriptors from leaking into children.
let descriptorLock = Mutex<Void>(())

/// Monotonic seconds.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
