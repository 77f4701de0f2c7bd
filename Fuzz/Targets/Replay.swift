#if !FUZZING
import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Without libFuzzer: list the targets, or replay saved inputs through one (regressions, corpus checks, debugging a
/// finding). Built with `-D FUZZING` the binary is libFuzzer's driver instead (Fuzz/README.md).
@main
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wxpay-fuzz",
        abstract: "The fuzz targets of wxpay-agent-kit, replayed without libFuzzer.",
        subcommands: [List.self, Run.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name every target and what it feeds.")

        func run() {
            for target in Registry.all { print("\(target.name)\t\(target.summary)") }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "replay",
                                                        abstract: "Run saved inputs (files or directories) through a target.")

        @Argument(help: "The target (see `wxpay-fuzz list`).")
        var target: String

        @Argument(help: "Input files, or directories of them.")
        var paths: [String]

        func validate() throws {
            guard Registry.target(named: target) != nil else {
                throw ValidationError("no target \(target); `wxpay-fuzz list` names them")
            }
            guard !paths.isEmpty else { throw ValidationError("give at least one input file or directory") }
        }

        func run() throws {
            guard let target = Registry.target(named: target) else { return }
            Fixture.prepare()
            var count = 0
            for path in paths {
                for file in inputFiles(at: path) {
                    guard let bytes = readInput(file) else { throw ValidationError("cannot read \(file)") }
                    target.run(bytes)
                    count += 1
                }
            }
            print("\(target.name): \(count) inputs replayed, no finding")
        }
    }
}

/// The regular files at `path`: the path itself, or the entries of a directory (hidden files and README skipped).
func inputFiles(at path: String) -> [String] {
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

/// The bytes of the file at `path`, or `nil`.
func readInput(_ path: String) -> [UInt8]? {
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
#endif
