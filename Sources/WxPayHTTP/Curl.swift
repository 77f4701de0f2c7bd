import CWxCurl
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// libcurl, loaded with `dlopen` the first time a request is made.
///
/// Function binaries that never call out (a `webhook` without `forward_url`) therefore never pay libcurl's
/// load time (about 8 ms and 36 shared objects on Debian).
final class CurlLibrary: @unchecked Sendable {
    typealias EasyInit = @convention(c) () -> UnsafeMutableRawPointer?
    typealias EasyPerform = @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
    typealias EasyCleanup = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias EasyStrerror = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    typealias SlistAppend = @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    typealias SlistFree = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    typealias GlobalInit = @convention(c) (Int) -> CURLcode

    let easyInit: EasyInit
    let easyPerform: EasyPerform
    let easyCleanup: EasyCleanup
    let easyStrerror: EasyStrerror
    let slistAppend: SlistAppend
    let slistFree: SlistFree
    /// Variadic functions, called through the typed trampolines of the C shim.
    let setopt: UnsafeMutableRawPointer
    let getinfo: UnsafeMutableRawPointer

    /// The process-wide library, loaded lazily and thread-safely (Swift globals initialise once).
    static let shared: Result<CurlLibrary, HTTPError> = {
        do { return .success(try CurlLibrary()) } catch let error as HTTPError { return .failure(error) } catch {
            return .failure(HTTPError(.transportUnavailable, "libcurl could not be loaded"))
        }
    }()

    private init() throws {
        var handle: UnsafeMutableRawPointer? = nil
        for name in ["libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4", "libcurl.4.dylib"] {
            handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            throw HTTPError(.transportUnavailable, "libcurl is not installed (apt-get install libcurl4)")
        }
        func symbol<T>(_ name: String, as: T.Type) throws -> T {
            guard let sym = dlsym(handle, name) else {
                throw HTTPError(.transportUnavailable, "libcurl lacks \(name)")
            }
            return unsafeBitCast(sym, to: T.self)
        }
        easyInit = try symbol("curl_easy_init", as: EasyInit.self)
        easyPerform = try symbol("curl_easy_perform", as: EasyPerform.self)
        easyCleanup = try symbol("curl_easy_cleanup", as: EasyCleanup.self)
        easyStrerror = try symbol("curl_easy_strerror", as: EasyStrerror.self)
        slistAppend = try symbol("curl_slist_append", as: SlistAppend.self)
        slistFree = try symbol("curl_slist_free_all", as: SlistFree.self)
        guard let so = dlsym(handle, "curl_easy_setopt"), let gi = dlsym(handle, "curl_easy_getinfo") else {
            throw HTTPError(.transportUnavailable, "libcurl lacks curl_easy_setopt")
        }
        setopt = so
        getinfo = gi
        let globalInit = try symbol("curl_global_init", as: GlobalInit.self)
        guard globalInit(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK else {
            throw HTTPError(.transportUnavailable, "curl_global_init failed")
        }
    }
}
