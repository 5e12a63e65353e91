// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "oms-plan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "oms-plan", targets: ["oms-plan"]),
        // The yardstick of scripts/bench-validate.sh: a bare Yams parse of the same files.
        .executable(name: "bench-yaml-parse", targets: ["bench-yaml-parse"]),
        .library(name: "OMSModels", targets: ["OMSModels"]),
        .library(name: "OMSClient", targets: ["OMSClient"]),
        .library(name: "OMSSandbox", targets: ["OMSSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already in the graph through Hummingbird; declared because the sandbox imports NIOHTTPTypes.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "bench-yaml-parse", dependencies: [.product(name: "Yams", package: "Yams")], path: "Benchmarks/YAMLParse"),
        // Codable models of the OMS v2 API and IAM: Foundation only, shared by every layer.
        .target(
            name: "OMSModels",
            // The regions OMS supports per cloud (6.6.1's answer), read by validation and the sandbox.
            resources: [.embedInCode("Regions/oms-regions.json")],
            // The wire bodies and open enums are tables (`Wire/*.json`) this plugin turns into Swift.
            plugins: ["WireModels"]
        ),
        // Writes one wire table's Swift (CONTRIBUTING, "The wire tables"); Foundation only.
        .executableTarget(name: "WireModelGenerator", path: "Plugins/WireModelGenerator"),
        .plugin(name: "WireModels", capability: .buildTool(), dependencies: ["WireModelGenerator"]),
        // Signing, transport, retries, pagination: the v2 API as async Swift calls.
        .target(
            name: "OMSClient",
            dependencies: [
                "OMSModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // YAML plan directories -> validated desired-state graph. Pure: no network, no clock.
        .target(
            name: "MigrationPlan",
            dependencies: [
                "OMSModels",
                // Also gives `import CYaml` (libyaml's events, `YAML/EventComposer.swift`): Yams
                // builds that module but exports no product for it (see CONTRIBUTING).
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The JSON Schema `oms-plan schema` prints: generated data, compiled into the binary.
            resources: [.embedInCode("Schema/plan.schema.json")]
        ),
        // Live state, differ, planner, applier, renderers. The plan it builds is plain data.
        .target(
            name: "Reconciler",
            dependencies: [
                "OMSModels",
                "OMSClient",
                "MigrationPlan",
                // Notifications are posted to chat services (Notify/NotificationDelivery.swift).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // What each failed object's error code means and what to do (status, metrics).
            resources: [.embedInCode("Status/FailedObjects/failed-object-codes.json")]
        ),
        .target(
            name: "OMSSandbox",
            dependencies: [
                "OMSModels",
                "OMSClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "oms-plan",
            dependencies: [
                "OMSModels",
                "OMSClient",
                "OMSSandbox",
                "MigrationPlan",
                "Reconciler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The metrics endpoint and status page (`Support/MetricsServer.swift`), the sandbox command.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The starter plan `oms-plan init` writes.
            resources: [
                .embedInCode("Starter/stack.yaml"), .embedInCode("Starter/credentials.yaml"),
                .embedInCode("Starter/schedules.yaml"), .embedInCode("Starter/tasks.yaml"),
            ]
        ),
        // The commands run in-process: arguments in, exit code and captured output out.
        .testTarget(
            name: "OMSPlanCommandTests",
            dependencies: ["oms-plan", "MigrationPlan", "OMSModels", "Reconciler", "OMSSandbox"]
        ),
        .testTarget(
            name: "OMSClientTests",
            dependencies: ["OMSClient", "OMSModels"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MigrationPlanTests",
            dependencies: ["MigrationPlan", "OMSModels", .product(name: "Yams", package: "Yams")],
            exclude: ["schema_agreement.py"],
            resources: [.copy("Corpus")]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "MigrationPlan", "OMSClient", "OMSModels", "OMSSandbox"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "OMSSandboxTests",
            dependencies: [
                "OMSSandbox", "OMSClient", "OMSModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
