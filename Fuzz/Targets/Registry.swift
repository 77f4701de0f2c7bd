// wxpay-fuzz: every parser of untrusted bytes as a libFuzzer target, in one executable.
//
// Built with `-sanitize=fuzzer,address -D FUZZING` (see Fuzz/README.md and `make fuzz`), the binary is a libFuzzer
// driver: `WXPAY_FUZZ_TARGET=<name> wxpay-fuzz [libFuzzer flags] CORPUS...`. Built normally, it replays inputs
// through a target without libFuzzer: `wxpay-fuzz replay <name> FILE|DIR...` (and `wxpay-fuzz list`).
//
// A finding is a crash, a sanitizer report, a stall (libFuzzer -timeout) or a broken invariant: each target checks
// that every failure is a contract error (stable code, exit status of the contract, never 70), that no message
// quotes a secret or more than a bounded amount of outside text.

/// One fuzz target: a name, what it feeds, and the function that takes one input.
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([UInt8]) -> Void
}

/// Every target, by name.
enum Registry {
    static let all: [FuzzTarget] = [
        NotificationTargets.unsigned, NotificationTargets.signed,
        EnvelopeTargets.functions, EnvelopeTargets.lambdaNext,
        ConfigTargets.secrets, ConfigTargets.riskRules, ConfigTargets.piiMapping,
        RiskTargets.ndjson, RiskTargets.array,
        AnswerTargets.wechatAnswer,
        HeaderTargets.forwardSignature, HeaderTargets.authorization, HeaderTargets.requestHead,
        BillTargets.bill,
    ]

    static func target(named name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

#if FUZZING
/// The target this libFuzzer process runs, from `WXPAY_FUZZ_TARGET`.
nonisolated(unsafe) private var selected: FuzzTarget? = nil

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let name = FuzzEnvironment.value("WXPAY_FUZZ_TARGET"), let target = Registry.target(named: name) else {
        let names = Registry.all.map(\.name).joined(separator: ", ")
        FuzzEnvironment.fail("set WXPAY_FUZZ_TARGET to one of: \(names)")
    }
    selected = target
    Fixture.prepare()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}
#endif
