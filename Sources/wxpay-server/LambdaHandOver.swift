import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// On AWS Lambda (a container image: `AWS_LAMBDA_RUNTIME_API` set) there is no HTTP to serve: the image's function
/// (`FUNCTION_BINARY`, a name looked up next to this executable, or a path) replaces this process with `execv` and
/// runs the Runtime API loop itself (docs/deployment.md). Returns only when there is nothing to hand over to.
enum LambdaHandOver {
    static func execIfLambda(environment: [String: String]) {
        guard let api = environment["AWS_LAMBDA_RUNTIME_API"], !api.isEmpty,
              let function = environment["FUNCTION_BINARY"], !function.isEmpty
        else { return }
        let path = function.contains("/") ? function : directoryOfSelf() + "/" + function
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        execv(path, argv)
        let line = #"{"level":"error","fn":"wxpay-server","msg":"cannot exec FUNCTION_BINARY for Lambda","errno":"\#(errno)"}"#
        System.writeAll(fd: 2, Array((line + "\n").utf8))
        exit(ExitStatus.config)
    }

    static func directoryOfSelf() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "." }
        let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }
}
