import Testing
import WxPayTestSupport

/// The five client functions (`create-intent`, `intent-status`, `close-intent`, `refund`, `refund-status`) as built
/// executables, each run as its own process against its own `wxpay-emulator` process over loopback: the contract
/// of docs/functions.md as a caller sees it.
///
/// Serialized: every test spawns an emulator and function processes, some measure time budgets, and the machine
/// is small; running them one at a time keeps the timing assertions honest.
@Suite("Client functions (processes against the emulator)", .serialized)
struct ClientFunctionTests {}
