#if !FUZZING
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Without libFuzzer: replay saved inputs through a target (regressions, corpus checks, debugging a finding).
///
///     wxpay-fuzz list
///     wxpay-fuzz replay TARGET FILE|DIR...
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        switch args.first {
        case "list":
            for target in Registry.all { print("\(target.name)\t\(target.summary)") }
        case "replay" where args.count >= 3:
            guard let target = Registry.target(named: args[1]) else {
                FuzzEnvironment.fail("no target \(args[1]); `wxpay-fuzz list` names them")
            }
            Fixture.prepare()
            var count = 0
            for path in args.dropFirst(2) {
                for file in files(at: path) {
                    guard let bytes = read(file) else { FuzzEnvironment.fail("cannot read \(file)") }
                    target.run(bytes)
                    count += 1
                }
            }
            print("\(target.name): \(count) inputs replayed, no finding")
        default:
            print("usage: wxpay-fuzz list | wxpay-fuzz replay TARGET FILE|DIR...")
            exit(64)
        }
    }

    static func files(at path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") || name == "README.md" { continue }
            out.append(path + "/" + name)
        }
        return out.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }
}
#endif
