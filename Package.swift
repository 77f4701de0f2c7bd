// swift-tools-version:6.1
//
// wxpay-agent-kit: WeChat Pay v3 for AI agents, as small stdin/stdout JSON functions sharing one core.
//
// Layering (each arrow is "may import"):
//   functions (create-intent, webhook, ...) -> FunctionKit -> WxPayCore -> WxPayCrypto -> CWxOpenSSL
//                                                            \-> WxPayHTTP   -> CWxCurl (dlopen, not linked)
// Only WxPayCrypto and WxPayHTTP touch C. The emulator (Hummingbird) is the only target that links SwiftNIO,
// and no function binary depends on it.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A function executable: one small binary per job, built on FunctionKit.
func function(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FunctionKit", "WxPayCore", .product(name: "Logging", package: "swift-log")] + extra,
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "wxpay-agent-kit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "webhook", targets: ["webhook"]),
        .executable(name: "wxpay-simulate", targets: ["wxpay-simulate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: C system libraries (wrapped once each)
        .systemLibrary(
            name: "CWxOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CWxCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // MARK: Swift wrappers over C
        .target(name: "WxPayCrypto", dependencies: ["CWxOpenSSL"], swiftSettings: swiftSettings),
        .target(name: "WxPayHTTP", dependencies: ["CWxCurl"], swiftSettings: swiftSettings),

        // MARK: Core and function kit
        .target(
            name: "WxPayCore",
            dependencies: ["WxPayCrypto", "WxPayHTTP"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FunctionKit",
            dependencies: [
                "WxPayCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "WxPaySandbox",
            dependencies: ["WxPayCore", "WxPayCrypto"],
            swiftSettings: swiftSettings
        ),

        // MARK: Functions
        function("webhook"),

        // MARK: Developer tools
        .executableTarget(
            name: "wxpay-simulate",
            dependencies: [
                "WxPayCore",
                "WxPaySandbox",
                "WxPayCrypto",
                "FunctionKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "WxPayCoreTests",
            dependencies: ["WxPayCore", "WxPayCrypto", "WxPaySandbox"],
            exclude: ["Vectors"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FunctionTests",
            dependencies: [
                "FunctionKit", "WxPayCore", "WxPayCrypto", "WxPayHTTP", "WxPaySandbox",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
