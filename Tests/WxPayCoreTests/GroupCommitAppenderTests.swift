#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KitCore
import Synchronization
import Testing

/// The warm server's group commit for the events file (KitCore `GroupCommitAppender`): every line once and whole
/// among concurrent appenders and another appender of the same file, one write for the lines that waited, and a
/// failed batch failing every waiter of it.
@Suite("GroupCommitAppender") struct GroupCommitAppenderTests {
    /// A fresh directory under the temporary directory.
    static func scratch() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/groupcommit.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        return String(cString: made)
    }

    /// Runs `body(i)` for `0..<count` on `count` threads of their own (the appender blocks its caller, as on the
    /// server's thread pool), and returns when all have ended.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread.detachNewThread {
                body(i)
                group.leave()
            }
        }
        group.wait()
    }

    /// Appends one line from each of `count` threads: thread `t`'s line is `line("t<t>", 0, pad:)`. Thread 0 goes
    /// first (it finds the file locked and leads the first batch); the others start once its write is under way,
    /// so they wait together. Each failure's `errno` goes to `onError`.
    static func appendBehindFirst(_ appender: GroupCommitAppender, threads count: Int, pad: Int,
                                  onError: @escaping @Sendable (Int32) -> Void) {
        onThreads(count) { t in
            if t > 0 { while appender.statistics.writing == 0 { usleep(1000) } }  // line 0 is at the lock
            do throws(System.FileError) { try appender.append(line("t\(t)", 0, pad: pad)) } catch {
                onError(error.errno)
            }
        }
    }

    /// A line of JSON naming its writer and number, padded to `pad` bytes (some past PIPE_BUF).
    static func line(_ writer: String, _ n: Int, pad: Int) -> [UInt8] {
        Array(#"{"w":"\#(writer)","n":\#(n),"pad":"\#(String(repeating: "x", count: pad))"}"#.utf8)
    }

    /// The file's lines (the text after the last newline, if any, as a last element).
    static func lines(_ path: String) throws -> [String] {
        let bytes = try System.readFile(path, limit: 1 << 28)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    /// Holds an exclusive `flock` on `path` (as another appender mid-write would) until `release()`.
    final class HeldLock: Sendable {
        let fd: Int32
        init(_ path: String) throws {
            fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0, flock(fd, LOCK_EX) == 0 else { throw TestFailure("cannot lock \(path)") }
        }
        func release() {
            _ = flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// Waits (up to 10 s) until `lines` wait in `appender`, so that they are known to share the next batch.
    static func waitUntil(_ appender: GroupCommitAppender, waiting lines: Int) throws {
        for _ in 0..<1000 where appender.statistics.waiting < lines { usleep(10_000) }
        guard appender.statistics.waiting == lines else {
            throw TestFailure("\(appender.statistics.waiting) lines wait, not \(lines)")
        }
    }

    @Test("64 threads x 50 lines and a System.appendLine writer at once: every line exactly once and whole")
    func concurrentAppendersAndAnotherWriter() throws {
        let dir = try Self.scratch()
        let path = dir + "/events.ndjson"
        let appender = GroupCommitAppender(path: path)
        let failures = Mutex(0)
        Self.onThreads(65) { t in
            for n in 0..<50 {
                let pad = (t * 50 + n) % 7 == 0 ? 5000 : (t * 13 + n) % 300
                do {
                    if t == 64 {
                        // Another process's appender: a separate open file description, the same flock.
                        try System.appendLine(path: path, Self.line("other", n, pad: pad))
                    } else {
                        try appender.append(Self.line("t\(t)", n, pad: pad))
                    }
                } catch { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let found = try Self.lines(path)
        #expect(found.last == "", "the file ends with a newline")
        var expected: [String: Int] = [:]
        for t in 0..<65 {
            for n in 0..<50 {
                let pad = (t * 50 + n) % 7 == 0 ? 5000 : (t * 13 + n) % 300
                expected[String(decoding: Self.line(t == 64 ? "other" : "t\(t)", n, pad: pad), as: UTF8.self)] = 0
            }
        }
        for text in found.dropLast() {
            guard expected[text] != nil else {
                Issue.record("a line that no writer wrote (torn or glued): \(text.prefix(80))")
                continue
            }
            expected[text]! += 1
        }
        #expect(expected.values.allSatisfy { $0 == 1 }, "\(expected.values.filter { $0 != 1 }.count) lines not once")
        #expect(found.count - 1 == 65 * 50)
        let stats = appender.statistics
        #expect(stats.lines == 64 * 50 && stats.failedBatches == 0 && stats.waiting == 0)
        #expect(stats.batches <= stats.lines)
    }

    @Test("lines that arrive during a write share the next one: 1 + 31 lines, 2 writes; capped at maxBatchLines",
          arguments: [(256, 2, 31), (8, 5, 8)])
    func batching(maxBatchLines: Int, batches: Int, largest: Int) throws {
        let dir = try Self.scratch()
        let path = dir + "/events.ndjson"
        let appender = GroupCommitAppender(path: path, maxBatchLines: maxBatchLines)
        // Another appender holds the lock: the first line's writer waits for it, the next 31 lines queue behind.
        let held = try HeldLock(path)
        let failures = Mutex(0)
        let released = Mutex(false)
        let waiter = Thread {
            do {
                try Self.waitUntil(appender, waiting: 31)
            } catch {
                failures.withLock { $0 += 100 }
            }
            released.withLock { $0 = true }
            held.release()
        }
        waiter.start()
        Self.appendBehindFirst(appender, threads: 32, pad: 10) { _ in failures.withLock { $0 += 1 } }
        while !released.withLock({ $0 }) { usleep(1000) }
        #expect(failures.withLock { $0 } == 0)
        let stats = appender.statistics
        #expect(stats.lines == 32)
        #expect(stats.batches == batches, "one write for the line that found the file locked, then the waiting ones")
        #expect(stats.largestBatch == largest)
        #expect(try Self.lines(path).count == 33)
    }

    @Test("the path is a directory: every waiter of every batch gets the failure, nothing is created")
    func pathIsADirectory() throws {
        let dir = try Self.scratch()
        let appender = GroupCommitAppender(path: dir)
        let errors = Mutex<[Int32]>([])
        Self.onThreads(16) { t in
            do throws(System.FileError) { try appender.append(Self.line("t\(t)", 0, pad: 10)) } catch {
                errors.withLock { $0.append(error.errno) }
            }
        }
        #expect(errors.withLock { $0 } == Array(repeating: EISDIR, count: 16))
        #expect(appender.statistics.failedBatches == appender.statistics.batches)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("a batch whose write fails (ENOSPC): each of its waiters gets the failure, none returns as written")
    func failedWriteFailsTheWholeBatch() throws {
        let path = "/dev/full"
        guard access(path, W_OK) == 0 else { return }
        let appender = GroupCommitAppender(path: path)
        let held = try HeldLock(path)
        let errors = Mutex<[Int32]>([])
        let waiter = Thread {
            try? Self.waitUntil(appender, waiting: 15)
            held.release()
        }
        waiter.start()
        Self.appendBehindFirst(appender, threads: 16, pad: 10) { errno in errors.withLock { $0.append(errno) } }
        #expect(errors.withLock { $0 } == Array(repeating: ENOSPC, count: 16))
        let stats = appender.statistics
        #expect(stats.batches == 2 && stats.failedBatches == 2 && stats.largestBatch == 15)
    }

    @Test("a file ending in a fragment: the batch starts on a line of its own")
    func fragmentBeforeTheBatch() throws {
        let dir = try Self.scratch()
        let path = dir + "/events.ndjson"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("{\"torn".utf8)))
        let appender = GroupCommitAppender(path: path)
        Self.onThreads(8) { t in try? appender.append(Self.line("t\(t)", 0, pad: 1)) }
        let found = try Self.lines(path)
        #expect(found.first == "{\"torn")
        #expect(found.count == 10 && found.last == "")
        #expect(found.dropFirst().dropLast().allSatisfy { $0.hasPrefix("{\"w\":\"t") && $0.hasSuffix("\"}") })
    }

    @Test("a full queue refuses at once with EAGAIN instead of holding more lines")
    func boundedQueue() throws {
        let dir = try Self.scratch()
        let path = dir + "/events.ndjson"
        let appender = GroupCommitAppender(path: path, maxBatchLines: 4, maxQueuedLines: 4)
        let held = try HeldLock(path)
        let errors = Mutex<[Int32]>([])
        let waiter = Thread {
            // 1 line held by the writer at the lock, 4 waiting, 3 refused: then let the writes go.
            for _ in 0..<1000 where errors.withLock({ $0.count }) < 3 { usleep(10_000) }
            held.release()
        }
        waiter.start()
        Self.appendBehindFirst(appender, threads: 8, pad: 1) { errno in errors.withLock { $0.append(errno) } }
        #expect(errors.withLock { $0 } == [EAGAIN, EAGAIN, EAGAIN])
        #expect(appender.statistics.lines == 5)
        #expect(try Self.lines(path).count == 6)
    }
}
