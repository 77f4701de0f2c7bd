import Foundation
import KitCore
import MCP
import Testing
import WxPayTestSupport

extension MCPSessionTests {
    @Test("a native intent's result carries its QR code as a PNG image beside the text; zbarimg reads the exact code_url")
    func nativeQRImage() async throws {
        let fixture = try Fixture()
        let server = try fixture.server()
        let (client, _) = try await server.connectClient()
        let key = "mcp-qr-\(UUID().uuidString.prefix(8))"

        let created = try await call(client, "create_payment_intent", createArguments(key))
        #expect(!created.isError, "\(created.structured)")
        let codeURL = try #require(created.structured["confirmation_url"]?.stringValue)
        #expect(codeURL.hasPrefix("weixin://wxpay/bizpayurl?pr="))
        let png = try #require(created.png, "a native intent's result has a PNG image")
        #expect(try QRDecoder.decode(png: png) == codeURL)
        // The image stands for the SVG: the model's text carries no path data, and text and structure still agree.
        #expect(created.text["qr_svg"] == nil)
        #expect(created.structured == created.text)

        // The replay of the same intent carries the same code.
        let again = try await call(client, "create_payment_intent", createArguments(key))
        #expect(again.structured["replayed"] == true)
        #expect(try QRDecoder.decode(png: try #require(again.png)) == codeURL)

        // Other channels, and other tools, have no image.
        let h5 = try await call(client, "create_payment_intent", [
            "amount": 100, "description": "Tea", "idempotency_key": .string(key + "-h5"),
            "client": ["mobile": true, "ip": "203.0.113.7"],
        ])
        #expect(h5.structured["channel"] == "h5")
        #expect(h5.png == nil)
        let status = try await call(client, "get_payment_status", ["idempotency_key": .string(key)])
        #expect(status.png == nil)
        await client.disconnect()
        #expect(server.finish() == 0)
    }

    @Test("without libqrencode the native intent is still created: text only, and a warning in the log")
    func noQRLibrary() async throws {
        let fixture = try Fixture()
        let server = try fixture.server(["WXPAY_QRENCODE_LIBRARY": "/nonexistent/libqrencode.so.4"])
        let (client, _) = try await server.connectClient()
        let created = try await call(client, "create_payment_intent", createArguments("mcp-noqr-\(UUID().uuidString.prefix(8))"))
        #expect(!created.isError, "\(created.structured)")
        #expect(created.structured["status"] == "requires_confirmation")
        #expect(created.structured["confirmation_url"]?.stringValue?.hasPrefix("weixin://") == true)
        #expect(created.png == nil)
        await client.disconnect()
        server.finish()
        #expect(server.stderr.contains("libqrencode could not be loaded"), "\(server.stderr)")
    }
}
