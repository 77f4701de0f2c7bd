import CWxZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A zlib failure: the library cannot be loaded, or the data is not a whole gzip stream.
public struct ZlibError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// libz could not be loaded (or lacks a symbol).
        case unavailable
        /// The bytes are not gzip (or zlib) data, or fail its checksum.
        case corrupt
        /// The stream ended before its end marker.
        case truncated
    }

    /// What went wrong.
    public let code: Code
    /// A human sentence.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// libz, loaded with `dlopen` on first use (function binaries stay lean; the emulator shares the loader).
final class ZlibLibrary: @unchecked Sendable {
    typealias InflateInit2 = @convention(c) (UnsafeMutablePointer<z_stream>?, Int32, UnsafePointer<CChar>?, Int32)
        -> Int32
    typealias DeflateInit2 = @convention(c) (UnsafeMutablePointer<z_stream>?, Int32, Int32, Int32, Int32, Int32,
                                             UnsafePointer<CChar>?, Int32) -> Int32
    typealias Step = @convention(c) (UnsafeMutablePointer<z_stream>?, Int32) -> Int32
    typealias End = @convention(c) (UnsafeMutablePointer<z_stream>?) -> Int32

    let inflateInit2: InflateInit2
    let inflate: Step
    let inflateEnd: End
    let inflateReset: End
    let deflateInit2: DeflateInit2
    let deflate: Step
    let deflateEnd: End

    /// The process-wide library, loaded once.
    static let shared: Result<ZlibLibrary, ZlibError> = {
        do throws(ZlibError) { return .success(try ZlibLibrary()) } catch { return .failure(error) }
    }()

    private init() throws(ZlibError) {
        var handle: UnsafeMutableRawPointer? = nil
        for name in ["libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else { throw ZlibError(.unavailable, "libz is not installed (apt-get install zlib1g)") }
        func symbol<T>(_ name: String, as: T.Type) throws(ZlibError) -> T {
            guard let sym = dlsym(handle, name) else { throw ZlibError(.unavailable, "libz lacks \(name)") }
            return unsafeBitCast(sym, to: T.self)
        }
        inflateInit2 = try symbol("inflateInit2_", as: InflateInit2.self)
        inflate = try symbol("inflate", as: Step.self)
        inflateEnd = try symbol("inflateEnd", as: End.self)
        inflateReset = try symbol("inflateReset", as: End.self)
        deflateInit2 = try symbol("deflateInit2_", as: DeflateInit2.self)
        deflate = try symbol("deflate", as: Step.self)
        deflateEnd = try symbol("deflateEnd", as: End.self)
    }

    static func get() throws(ZlibError) -> ZlibLibrary {
        switch shared {
        case .success(let lib): return lib
        case .failure(let error): throw error
        }
    }
}

/// Decompresses a gzip stream piece by piece (concatenated gzip members are read one after the other), handing
/// the output on in chunks of at most 64 KiB: nothing of the whole is held.
public final class GzipInflater {
    private let lib: ZlibLibrary
    private let stream: UnsafeMutablePointer<z_stream>
    private var out = [UInt8](repeating: 0, count: 64 << 10)
    /// Whether the last member ended (and nothing was fed since).
    private var atMemberEnd = false
    private var fedAnything = false

    /// - Throws: ``ZlibError/Code/unavailable`` when libz cannot be loaded.
    public init() throws(ZlibError) {
        lib = try ZlibLibrary.get()
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: a gzip wrapper (RFC 1952) is required.
        guard lib.inflateInit2(stream, 15 + 16, cwx_zlib_version(), cwx_zlib_stream_size()) == Z_OK else {
            stream.deallocate()
            throw ZlibError(.unavailable, "inflateInit2 failed")
        }
    }

    deinit {
        _ = lib.inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Feeds compressed bytes; `sink` gets each chunk of output and returns `false` to stop (nothing more is read).
    /// - Returns: `false` when `sink` stopped.
    public func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeBufferPointer<UInt8>) -> Bool)
        throws(ZlibError) -> Bool
    {
        guard let base = input.baseAddress, input.count > 0 else { return true }
        fedAnything = true
        var offset = 0
        while offset < input.count {
            if atMemberEnd {
                _ = lib.inflateReset(stream)
                atMemberEnd = false
            }
            let take = min(input.count - offset, Int(UInt32.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset)
                .assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = uInt(take)
            var result: Int32 = Z_OK
            repeat {
                let produced: Int = out.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = uInt(buffer.count)
                    result = lib.inflate(stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.pointee.avail_out)
                }
                if result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR {
                    throw ZlibError(.corrupt, "the gzip data is corrupt (zlib status \(result))")
                }
                if produced > 0 {
                    let keepGoing = out.withUnsafeBufferPointer { sink(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
                    if !keepGoing { return false }
                }
                if result == Z_STREAM_END { break }
                if result == Z_BUF_ERROR && stream.pointee.avail_in == 0 { break }
            } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
            let consumed = take - Int(stream.pointee.avail_in)
            offset += consumed
            if result == Z_STREAM_END {
                atMemberEnd = true
            } else if consumed == 0 {
                break
            }
        }
        return true
    }

    /// Checks that the stream ended with a whole member.
    /// - Throws: ``ZlibError/Code/truncated`` otherwise.
    public func finish() throws(ZlibError) {
        guard fedAnything, atMemberEnd else { throw ZlibError(.truncated, "the gzip data ends before its end") }
    }
}

/// One-shot gzip (the emulator writes its bills with it).
public enum Gzip {
    /// `data` as one gzip member (RFC 1952), compression level 6.
    public static func compress(_ data: [UInt8]) throws(ZlibError) -> [UInt8] {
        let lib = try ZlibLibrary.get()
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        // Z_DEFLATED = 8, windowBits 15 + 16 (gzip wrapper), memLevel 8, Z_DEFAULT_STRATEGY = 0.
        guard lib.deflateInit2(stream, 6, 8, 15 + 16, 8, 0, cwx_zlib_version(), cwx_zlib_stream_size()) == Z_OK else {
            throw ZlibError(.unavailable, "deflateInit2 failed")
        }
        defer { _ = lib.deflateEnd(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var input = data
        var result: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.pointee.next_in = inBuf.baseAddress
            stream.pointee.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = uInt(buffer.count)
                    result = lib.deflate(stream, Z_FINISH)
                    return buffer.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while result == Z_OK || result == Z_BUF_ERROR && stream.pointee.avail_out == 0
        }
        guard result == Z_STREAM_END else { throw ZlibError(.corrupt, "deflate failed (zlib status \(result))") }
        return output
    }

    /// Decompresses a whole gzip stream, refusing more than `limit` bytes of output.
    public static func decompress(_ data: [UInt8], limit: Int) throws(ZlibError) -> [UInt8] {
        let inflater = try GzipInflater()
        var output: [UInt8] = []
        var over = false
        var failure: ZlibError? = nil
        data.withUnsafeBytes { raw in
            do throws(ZlibError) {
                _ = try inflater.feed(raw) { chunk in
                    if output.count + chunk.count > limit {
                        over = true
                        return false
                    }
                    output.append(contentsOf: chunk)
                    return true
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if over { throw ZlibError(.corrupt, "the data inflates to more than \(limit) bytes") }
        try inflater.finish()
        return output
    }
}
