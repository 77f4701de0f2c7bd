import CWxQREncode

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libqrencode, loaded with `dlopen` the first time a QR code is drawn (as WxPayHTTP loads libcurl).
///
/// The function binaries do not link it: only a native intent's answer draws a QR code, and a host without
/// libqrencode still runs every function (the answer then has no QR code; see ``QRCode/encode(_:correction:)``).
/// `WXPAY_QRENCODE_LIBRARY` names the shared object to load instead of the system's `libqrencode.so.4`.
final class QREncodeLibrary: @unchecked Sendable {
    typealias EncodeString = @convention(c) (UnsafePointer<CChar>?, Int32, QRecLevel, QRencodeMode, Int32)
        -> UnsafeMutablePointer<QRcode>?
    typealias Free = @convention(c) (UnsafeMutablePointer<QRcode>?) -> Void

    let encodeString: EncodeString
    let free: Free

    /// The process-wide library, loaded lazily and thread-safely (Swift globals initialise once).
    static let shared: Result<QREncodeLibrary, QRError> = {
        do throws(QRError) { return .success(try QREncodeLibrary()) } catch { return .failure(error) }
    }()

    private init() throws(QRError) {
        var names = ["libqrencode.so.4", "libqrencode.so", "libqrencode.4.dylib"]
        if let chosen = getenv("WXPAY_QRENCODE_LIBRARY").map({ String(cString: $0) }), !chosen.isEmpty {
            names = [chosen]
        }
        var handle: UnsafeMutableRawPointer? = nil
        for name in names {
            handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            throw QRError("libqrencode could not be loaded (\(names[0]); apt-get install libqrencode4)")
        }
        guard let encode = dlsym(handle, "QRcode_encodeString"), let free = dlsym(handle, "QRcode_free") else {
            throw QRError("libqrencode lacks QRcode_encodeString or QRcode_free")
        }
        encodeString = unsafeBitCast(encode, to: EncodeString.self)
        self.free = unsafeBitCast(free, to: Free.self)
    }
}
