import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayPrivacy
import WxPayTestSupport

/// The sample events in functions/pii-redact and functions/pii-restore are real: their mappings are sealed under
/// the demo key 0123456789abcdeffedcba9876543210 (the GB/T 32907 example key) and form one conversation.
@Suite("functions/ sample events")
struct SampleEventTests {
    static let sealer = try! Sealer(key: hex("0123456789abcdeffedcba9876543210"))
    static let root = Executables.packageRoot

    /// The function input inside a sample: the object itself, or an HTTP envelope's body.
    func input(_ function: String, _ sample: String) throws -> JSONValue {
        let path = "\(Self.root)/functions/\(function)/\(sample)"
        let data = try #require(FileManager.default.contents(atPath: path), "\(path)")
        let event = try JSONCoding.value(from: Array(data))
        if sample == "direct.json" { return event }
        let body = try #require(event["body"]?.stringValue, "\(path) is an envelope without a string body")
        return try JSONCoding.value(from: Array(body.utf8))
    }

    @Test("pii-redact samples: each turn continues the previous turn's mapping and leaves no identifier",
          arguments: ["direct.json", "http.json", "apigateway.json"])
    func redactSamples(sample: String) throws {
        let (out, counts) = try PrivacyProxy.redact(try input("pii-redact", sample), sealer: Self.sealer)
        #expect(counts.values.reduce(0, +) > 0)
        let text = try JSONCoding.string(out)
        for raw in ["4200000001202311231234567890", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "alice@example.com",
                    "138 0013 8000", "6228 4800 1234 5671", "11010519491231002X", "ai88426491046a1976b590a65c-1"] {
            #expect(!text.contains(raw), "\(sample) leaks \(raw)")
        }
    }

    @Test("pii-restore samples restore every placeholder under the demo key",
          arguments: ["direct.json", "http.json", "apigateway.json"])
    func restoreSamples(sample: String) throws {
        let (out, restored) = try PrivacyProxy.restore(try input("pii-restore", sample), sealer: Self.sealer)
        #expect(restored > 0)
        #expect(out["unknown_placeholders"] == [])
        #expect(!(try JSONCoding.string(out)).contains("⟦"))
    }
}
