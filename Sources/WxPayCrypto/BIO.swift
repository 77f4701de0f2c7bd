import CWxOpenSSL
import KitCore

/// Memory BIO helpers: the only way PEM text crosses into and out of OpenSSL.
enum MemoryBIO {
    /// Runs `body` with a read-only BIO over `text`'s UTF-8 bytes.
    static func reading<T>(_ text: String, _ body: (OpaquePointer) throws(CryptoError) -> T) throws(CryptoError) -> T {
        var bytes = Array(text.utf8)
        bytes.append(0)
        let result: Result<T, CryptoError> = bytes.withUnsafeBufferPointer { buf in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count - 1)) else {
                return .failure(CryptoError(.internalFailure, "cannot allocate a memory BIO"))
            }
            defer { BIO_free(bio) }
            do throws(CryptoError) { return .success(try body(bio)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs `body` with a writable BIO and returns what it wrote as a string.
    static func writing(_ body: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else {
            throw CryptoError(.internalFailure, "cannot allocate a memory BIO")
        }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw CryptoError(.internalFailure, "PEM encoding failed") }
        var ptr: UnsafeMutablePointer<CChar>? = nil
        let len = cwx_bio_get_mem_data(bio, &ptr)
        guard let ptr, len > 0 else { return "" }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: len) {
            String(decoding: UnsafeBufferPointer(start: $0, count: len), as: UTF8.self)
        }
    }
}
