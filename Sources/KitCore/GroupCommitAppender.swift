#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Group commit for one append-only file shared by many concurrent callers (the warm server's events file): the
/// lines that arrive while a write is under way are written together by the next one, with one open, one `flock`,
/// one `write` and one `fsync` (``System/appendLines(path:_:)``), instead of one of each per line.
///
/// ``append(_:)`` blocks its thread until the `fsync` covering its line has returned, or throws the failure of its
/// batch: every line of a failed batch gets the same error and none of them is left in the file. Call it from a
/// thread that may block (the server's thread pool), never from an event loop or a Swift concurrency thread.
///
/// No extra thread: the caller whose line heads the queue while no write is under way writes the whole head batch
/// (leader and followers), so a lone caller pays nothing for the batching. Batches hold at most `maxBatchLines`
/// lines and `maxBatchBytes` bytes; at most `maxQueuedLines` lines wait, and one more fails at once with `EAGAIN`.
/// Other processes appending with ``System/appendLine(path:_:)`` to the same file take the same `flock`, so lines
/// never interleave; the file is opened anew for each batch, so renaming or removing it (a consumer rotating it)
/// is handled as in ``System/appendLine(path:_:)``.
public final class GroupCommitAppender: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only with `mutex` held.

    /// Counts since creation (tests prove the batching with them; the `/metrics` route may show them).
    public struct Statistics: Sendable, Equatable {
        /// Lines acknowledged or failed.
        public var lines = 0
        /// Batches written (each one `fsync`), failed ones included.
        public var batches = 0
        /// Batches whose write or `fsync` failed.
        public var failedBatches = 0
        /// The most lines one batch held.
        public var largestBatch = 0
        /// Lines waiting now for a write to take them.
        public var waiting = 0
        /// Lines of the write under way now (0: none).
        public var writing = 0
    }

    /// The file every line goes to.
    public let path: String
    /// The most lines one write carries.
    public let maxBatchLines: Int
    /// The most bytes (newlines included) one write carries; a longer single line is written alone.
    public let maxBatchBytes: Int
    /// The most lines waiting for a write; more fail at once, so a stalled disk cannot hold unbounded memory.
    public let maxQueuedLines: Int

    /// Lines waiting for the same write, and that write's outcome.
    private final class Batch {
        var lines: [[UInt8]] = []
        var bytes = 0
        var done = false
        var failure: System.FileError?
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Broadcast when a write ends: its waiters return, and the next batch's callers look for a leader.
    private let written: UnsafeMutablePointer<pthread_cond_t>
    /// Batches not taken by a writer yet, oldest first (guarded by `mutex`).
    private var queue: [Batch] = []
    /// Lines in `queue` (guarded by `mutex`).
    private var queuedLines = 0
    /// The lines of the write under way, 0 when none (guarded by `mutex`).
    private var writing = 0
    /// Guarded by `mutex`.
    private var counts = Statistics()

    /// - Parameters:
    ///   - path: the file (created with mode 0600 when missing).
    ///   - maxBatchLines: the most lines per write (at least 1).
    ///   - maxBatchBytes: the most bytes per write.
    ///   - maxQueuedLines: the most lines waiting (at least `maxBatchLines`).
    public init(path: String, maxBatchLines: Int = 256, maxBatchBytes: Int = 4 << 20, maxQueuedLines: Int = 4096) {
        self.path = path
        self.maxBatchLines = max(1, maxBatchLines)
        self.maxBatchBytes = max(1, maxBatchBytes)
        self.maxQueuedLines = max(self.maxBatchLines, maxQueuedLines)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        written = .allocate(capacity: 1)
        written.initialize(to: pthread_cond_t())
        pthread_cond_init(written, nil)
    }

    deinit {
        pthread_cond_destroy(written)
        written.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Appends `line` and a newline to the file, with the guarantees of ``System/appendLine(path:_:)``: when this
    /// returns the line is on stable storage, whole; when it throws, nothing of it is in the file.
    /// - Throws: the batch's `open`, `flock`, `write` or `fsync` failure; `EAGAIN` when `maxQueuedLines` wait.
    public func append(_ line: [UInt8]) throws(System.FileError) {
        pthread_mutex_lock(mutex)
        guard queuedLines < maxQueuedLines else {
            pthread_mutex_unlock(mutex)
            throw System.FileError(errno: EAGAIN, reason: "\(maxQueuedLines) lines already wait for the disk")
        }
        let batch: Batch
        if let last = queue.last, last.lines.count < maxBatchLines, last.bytes + line.count + 1 <= maxBatchBytes {
            batch = last
        } else {
            batch = Batch()
            queue.append(batch)
        }
        batch.lines.append(line)
        batch.bytes += line.count + 1
        queuedLines += 1
        while !batch.done {
            guard writing == 0, queue.first === batch else {
                pthread_cond_wait(written, mutex)
                continue
            }
            // This caller leads: the batch leaves the queue (later lines start the next one) and is written whole.
            queue.removeFirst()
            queuedLines -= batch.lines.count
            writing = batch.lines.count
            pthread_mutex_unlock(mutex)
            var failure: System.FileError? = nil
            do { try System.appendLines(path: path, batch.lines) } catch { failure = error }
            pthread_mutex_lock(mutex)
            writing = 0
            batch.failure = failure
            batch.done = true
            counts.lines += batch.lines.count
            counts.batches += 1
            counts.failedBatches += failure == nil ? 0 : 1
            counts.largestBatch = max(counts.largestBatch, batch.lines.count)
            pthread_cond_broadcast(written)
        }
        let failure = batch.failure
        pthread_mutex_unlock(mutex)
        if let failure { throw failure }
    }

    /// The counts so far.
    public var statistics: Statistics {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var now = counts
        now.waiting = queuedLines
        now.writing = writing
        return now
    }
}
