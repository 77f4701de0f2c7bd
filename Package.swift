// swift-tools-version:6.2
//
// wxpay-agent-kit: WeChat Pay v3 for AI agents, as small stdin/stdout JSON functions sharing one core.
//
// Layering (each arrow is "may import"; every import is declared below, and `make test` builds with
// `--explicit-target-dependency-import-check error`, so an undeclared one fails the build):
//   executables (create-intent, webhook, wxpay-mcp, ...): the glue, the only code that knows both sides
//     |-> FunctionKit (envelopes, exits, logs, the Lambda loop; nothing of WeChat Pay) -> KitCore, WxPayHTTP
//     |-> WxPayOperations (the payment tools; nothing of envelopes) -> WxPayCore, WxPayRisk
//     |-> PaymentFunctions (the glue the five payment executables share) -> FunctionKit, WxPayOperations
//     `-> WebhookFunction (the webhook's handler, shared with wxpay-server) -> FunctionKit, WxPayNotifications
//   WxPayCore (WeChat Pay: secrets, signatures, notifications, client) -> WxPayCrypto -> CWxOpenSSL
//                                                                     \-> WxPayHTTP   -> CWxCurl (dlopen, not linked)
//                                                                     \-> WxPayTime (RFC 3339; also under WxPayRisk)
//   WxPayOperations, PaymentMCP -> WxPayQR (QR codes: SVG, PNG) -> CWxQREncode (libqrencode; dlopen, not linked)
//   KitCore (JSON values, the function error, exit statuses, base64, POSIX helpers) is under all of these;
//   WxPayRisk stands on the standard library, WxPayTime and libc alone.
//   WxPayRiskStore (history across invocations, WXPAY_RISK_STORE) -> WxPayRisk, WxPayCrypto, KitCore,
//                                                                    CWxSQLite, CWxHiredis (dlopen, not linked);
//   WxPayNotifications, WxPayOperations, WebhookFunction and risk-batch use it.
//   wxpay-server -> PayPage (the hosted payment page: templates by swift-mustache, which no other target links).
//   WxPayCertificates (download-certificates: platform certificates into the secrets file) -> WxPayCore, WxPayCrypto
//   download-bill -> WxPayBills (bill parsing, reconciliation; KitCore, WxPayTime), WxPayCore, WxPayZlib -> CWxZlib
//   (dlopen, not linked); reconcile -> WxPayBills, FunctionKit. The emulator writes its bills with WxPayZlib too.
// Only WxPayCrypto, WxPayHTTP, WxPayQR, WxPayRiskStore and WxPayZlib touch C libraries. The emulator and wxpay-server
// (Hummingbird) are the only targets that link SwiftNIO, and no function binary depends on them. The project's own
// targets build with warnings as errors.
import PackageDescription

let speedSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

/// Release builds optimize for size: each function binary must stay under 15 MB (static Swift stdlib included), and
/// these targets are dominated by process start and I/O, not by loops. The risk engine's hot path keeps `-O`.
let swiftSettings: [SwiftSetting] = speedSettings + [.unsafeFlags(["-Osize"], .when(configuration: .release))]

/// A function executable: one small binary per job, built on FunctionKit.
func function(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FunctionKit", "KitCore", "WxPayCore", .product(name: "Logging", package: "swift-log")] + extra,
        swiftSettings: swiftSettings
    )
}

/// A payment function executable: one of the five payment tools behind FunctionKit (all glue in PaymentFunctions).
func paymentFunction(_ name: String) -> Target {
    .executableTarget(name: name, dependencies: ["PaymentFunctions", "WxPayOperations"], swiftSettings: swiftSettings)
}

let package = Package(
    name: "wxpay-agent-kit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "webhook", targets: ["webhook"]),
        .executable(name: "wxpay-simulate", targets: ["wxpay-simulate"]),
        .executable(name: "wxpay-server", targets: ["wxpay-server"]),
        .executable(name: "pii-redact", targets: ["pii-redact"]),
        .executable(name: "pii-restore", targets: ["pii-restore"]),
        .executable(name: "wxpay-emulator", targets: ["wxpay-emulator"]),
        .executable(name: "wxpay-mcp", targets: ["wxpay-mcp"]),
        .executable(name: "download-bill", targets: ["download-bill"]),
        .executable(name: "reconcile", targets: ["reconcile"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: C system libraries (wrapped once each)
        .systemLibrary(
            name: "CWxOpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CWxCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // SQLite and hiredis: headers only; WxPayRiskStore loads the libraries with dlopen on first use.
        .systemLibrary(
            name: "CWxSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CWxHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CWxQREncode",
            providers: [.apt(["libqrencode-dev"])]
        ),

        // MARK: What everything shares: JSON values, the function error, exit statuses, base64, POSIX helpers
        .target(name: "KitCore", swiftSettings: swiftSettings),

        // MARK: Swift wrappers over C
        .target(name: "WxPayCrypto", dependencies: ["CWxOpenSSL", "KitCore"], swiftSettings: swiftSettings),
        .target(name: "WxPayHTTP", dependencies: ["CWxCurl", "KitCore"], swiftSettings: swiftSettings),
        // QR codes (libqrencode loaded on first use) drawn as SVG and PNG; the standard library and libc alone.
        .target(name: "WxPayQR", dependencies: ["CWxQREncode"], swiftSettings: swiftSettings),

        // MARK: WeChat Pay core, and the function kit (which knows nothing of WeChat Pay)
        .target(
            name: "WxPayCore",
            dependencies: ["KitCore", "WxPayCrypto", "WxPayHTTP", "WxPayTime"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FunctionKit",
            dependencies: [
                "KitCore",
                "WxPayHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "WxPaySandbox",
            dependencies: ["KitCore", "WxPayCore", "WxPayCrypto"],
            swiftSettings: swiftSettings
        ),

        // MARK: Leaf: RFC 3339 date-times (standard library only), shared by WxPayCore and WxPayRisk
        .target(name: "WxPayTime", swiftSettings: speedSettings),

        // MARK: Risk engine (the standard library, WxPayTime, and libc's open/read to load the WXPAY_RISK_RULES
        // file; no Foundation, no other target)
        .target(name: "WxPayRisk", dependencies: ["WxPayTime"], swiftSettings: speedSettings),

        // MARK: Risk store: payer, device and IP history across invocations (SQLite or Redis, both dlopen'ed)
        .target(
            name: "WxPayRiskStore",
            dependencies: ["CWxSQLite", "CWxHiredis", "KitCore", "WxPayCrypto", "WxPayRisk"],
            swiftSettings: swiftSettings
        ),

        // MARK: Privacy proxy (PIPL): PII detection, placeholders, SM4/SM3 sealing (no C: crypto via WxPayCrypto)
        .target(name: "WxPayPrivacy", dependencies: ["KitCore", "WxPayCore", "WxPayCrypto"],
                swiftSettings: swiftSettings),

        // The webhook's scoring of a verified notification (shared with the fuzz targets); small, so that the webhook
        // binary links neither the payment operations nor their client code.
        .target(
            name: "WxPayNotifications",
            dependencies: ["KitCore", "WxPayCore", "WxPayRisk", "WxPayRiskStore", "WxPayTime"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WxPayOperations",
            dependencies: ["KitCore", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPayQR", "WxPayRisk", "WxPayRiskStore",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PaymentFunctions",
            dependencies: ["FunctionKit", "KitCore", "WxPayCore", "WxPayHTTP", "WxPayOperations"],
            swiftSettings: swiftSettings
        ),
        // The webhook function's handler, shared by the `webhook` executable and wxpay-server's POST /webhook.
        .target(
            name: "WebhookFunction",
            dependencies: ["FunctionKit", "KitCore", "WxPayCore", "WxPayNotifications", "WxPayPrivacy", "WxPayRisk",
                           "WxPayRiskStore",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: Functions
        paymentFunction("create-intent"),
        paymentFunction("intent-status"),
        paymentFunction("close-intent"),
        paymentFunction("refund"),
        paymentFunction("refund-status"),
        function("webhook", ["WebhookFunction"]),
        function("risk-batch", ["WxPayRisk", "WxPayRiskStore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        function("pii-redact", ["WxPayPrivacy"]),
        function("pii-restore", ["WxPayPrivacy"]),

        // MARK: Bills: download-bill (trade and fund-flow bills, verified, as NDJSON) and reconcile (bill vs events).
        // zlib is wrapped once (CWxZlib, headers only; WxPayZlib loads libz.so.1 with dlopen on first use).
        .systemLibrary(name: "CWxZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "WxPayZlib", dependencies: ["CWxZlib"], swiftSettings: swiftSettings),
        .target(name: "WxPayBills", dependencies: ["KitCore", "WxPayTime"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "download-bill",
            dependencies: ["FunctionKit", "KitCore", "WxPayBills", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPayZlib",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "reconcile",
            dependencies: ["FunctionKit", "KitCore", "WxPayBills",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        // MARK: Platform certificates: download-certificates (GET /v3/certificates into the secrets file; issue 17)
        .target(name: "WxPayCertificates",
                dependencies: ["KitCore", "WxPayCore", "WxPayCrypto", "WxPayHTTP",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: swiftSettings),
        function("download-certificates", ["WxPayCertificates"]),

        // MARK: Developer tools
        .executableTarget(
            name: "wxpay-simulate",
            dependencies: [
                "KitCore", "WxPayCore",
                "WxPaySandbox",
                "WxPayCrypto",
                "FunctionKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The prohibited-category text model's trainer: writes Sources/WxPayRisk/RiskTextModel+Weights.swift from the
        // labelled corpus (scripts/train-risk-model.sh).
        .executableTarget(
            name: "wxpay-risk-model",
            dependencies: ["WxPayRisk", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),

        // MARK: The warm HTTP server (Hummingbird): every function in-process, for Knative, Cloud Run, OpenFaaS,
        // Tencent Cloud SCF web functions, Alibaba Cloud Function Compute and plain VMs (docs/server.md)
        .executableTarget(
            name: "wxpay-server",
            dependencies: [
                "KitCore", "FunctionKit", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPayOperations", "WxPayRisk",
                "PaymentFunctions", "WebhookFunction", "PaymentMCP", "PayPage", "WxPayQR",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // wxpay-server's hosted payment page (GET /pay/{intent_id}): templates (swift-mustache), words, headers and
        // the status endpoint's rate limit; no I/O. Only wxpay-server links it (docs/server.md#the-payment-page).
        .target(
            name: "PayPage",
            dependencies: ["KitCore", "WxPayCore", "WxPayCrypto", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),

        // MARK: Local WeChat Pay v3 emulator (the only target that links Hummingbird / SwiftNIO)
        .target(
            name: "WxPayEmulator",
            dependencies: [
                "KitCore", "WxPayCore", "WxPayZlib",
                "WxPaySandbox",
                "WxPayCrypto",
                "WxPayHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wxpay-emulator",
            dependencies: [
                "KitCore", "WxPayEmulator",
                "WxPayCore",
                "WxPaySandbox",
                "WxPayCrypto",
                "WxPayHTTP",
                "FunctionKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Agent-side MCP server (long-running; links the MCP SDK and its Foundation, not a FaaS function).
        // PaymentMCP holds the tools as MCP serves them, shared by `wxpay-mcp` (stdio) and `wxpay-server` (/mcp).
        .target(
            name: "PaymentMCP",
            dependencies: [
                "KitCore", "WxPayOperations", "FunctionKit", "WxPayCore", "WxPayHTTP", "WxPayQR",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wxpay-mcp",
            dependencies: [
                "KitCore", "PaymentMCP", "FunctionKit", "WxPayCore", "WxPayOperations",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Fuzzing (libFuzzer): one executable holds every target; Fuzz/README.md, `make fuzz`
        .executableTarget(
            name: "wxpay-fuzz",
            dependencies: [
                "FunctionKit", "KitCore", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPayNotifications", "WxPayOperations",
                "WxPayPrivacy", "WxPayRisk", "WxPaySandbox", "WxPayBills", .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Fuzz/Targets",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        // Shared test support (finding built executables, child processes, temporary directories, an emulator
        // process, a recording HTTP server); a library the test targets depend on, not a test target itself.
        .target(
            name: "WxPayTestSupport",
            dependencies: ["KitCore", "WxPayCore", "WxPayHTTP"],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LambdaTests",
            dependencies: [
                "KitCore", "WxPayTestSupport", "FunctionKit", "WxPayCore", "WxPayHTTP", "WxPaySandbox",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PrivacyTests",
            dependencies: ["KitCore", "WxPayTestSupport", "WxPayPrivacy", "WxPayCore", "WxPayCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EmulatorTests",
            dependencies: [
                "KitCore", "WxPayTestSupport", "WxPayEmulator", "WxPayCore", "WxPaySandbox", "WxPayCrypto", "WxPayHTTP",
            ],
            swiftSettings: swiftSettings
        ),
        // Client functions as processes against a wxpay-emulator process (no link to the emulator's code).
        .testTarget(
            name: "ClientFunctionTests",
            dependencies: ["KitCore", "WxPayTestSupport", "WxPayCore", "WxPaySandbox", "WxPayHTTP", "WxPayCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WxPayRiskTests",
            dependencies: [
                "WxPayRisk", "WxPayTime",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"],  // read through #filePath, not bundled
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WxPayCoreTests",
            dependencies: ["KitCore", "WxPayCore", "WxPayCrypto", "WxPaySandbox"],
            exclude: ["Vectors"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FunctionTests",
            dependencies: [
                "KitCore", "WxPayTestSupport", "FunctionKit", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPaySandbox",
                "WxPayPrivacy", "WxPayOperations", "WxPayRisk", "WxPayRiskStore", "WxPayBills", "WxPayZlib",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // wxpay-server as a process, with the emulator and the webhook executable as processes.
        .testTarget(
            name: "ServerTests",
            dependencies: ["KitCore", "WxPayTestSupport", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPaySandbox",
                           "PayPage", "WxPayOperations"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WxPayQRTests",
            dependencies: ["WxPayQR", "WxPayTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPTests",
            dependencies: [
                "KitCore", "WxPayTestSupport", "WxPayCore", "WxPayHTTP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
