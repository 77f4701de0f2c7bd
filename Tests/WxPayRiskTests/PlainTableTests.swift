import Testing
@testable import WxPayRisk

/// Whether `T` can be copied: for a copyable type the unconstrained overload is the more specific one.
private func copyability<T>(_: T.Type) -> String { "copyable" }
private func copyability<T: ~Copyable>(_: T.Type) -> String { "non-copyable" }

@Suite("PlainTable: one owner per buffer")
struct PlainTableTests {
    // The old table was a copyable struct around a shared pointer: a copy kept the old buffer after the original
    // grew (a use after free), and writes through one copy showed through the other. A non-copyable table (and
    // every value holding one) makes that unwritable.
    @Test("the table and every value that holds one cannot be copied")
    func nonCopyable() {
        #expect(copyability(PlainTable<Int>.self) == "non-copyable")
        #expect(copyability(KeyTable.self) == "non-copyable")
        #expect(copyability(EngineCore.self) == "non-copyable")
        #expect(copyability(TransactionScanner.self) == "non-copyable")
        #expect(copyability(Int.self) == "copyable", "the probe tells the two apart")
    }

    @Test("growing keeps the elements written so far, and writes land in the grown buffer")
    func growKeeps() {
        var table = PlainTable<Int>(capacity: 1)
        for i in 0..<10_000 {
            table.reserve(i + 1, used: i)
            table[i] = i * 3
        }
        #expect(table.capacity >= 10_000)
        #expect((0..<10_000).allSatisfy { table[$0] == $0 * 3 })
        table.reserve(40_000, used: 10_000)
        #expect((0..<10_000).allSatisfy { table[$0] == $0 * 3 })
    }

    @Test("an engine's state survives its tables growing past their first allocation")
    func engineGrows() {
        let engine = RiskEngine()
        // More payers than KeyTable.initialSlots: the payer and record tables grow while being scored.
        let payers = KeyTable.initialSlots + 100
        for i in 0..<payers { _ = engine.score(tx("p\(i)", payer: "oPayer\(i)", minute: i / 600, second: i % 60)) }
        #expect(engine.trackedKeys.payers == payers)
        // The first payer is remembered after the growth: a second payment right away is not the first seen.
        let again = engine.score(tx("again", payer: "oPayer0", minute: payers / 600, second: 1))
        #expect(again.action == .approve)
        #expect(engine.trackedKeys.payers == payers)
    }
}
