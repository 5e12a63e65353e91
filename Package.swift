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
        .target(name: "OMSModels"),
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
                "OMSClient",
                "MigrationPlan",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "OMSSandbox",
            dependencies: [
                "OMSClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "oms-plan",
            dependencies: [
                "OMSClient",
                "OMSSandbox",
                "MigrationPlan",
                "Reconciler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            dependencies: ["oms-plan", "MigrationPlan", "Reconciler"]
        ),
        .testTarget(
            name: "OMSClientTests",
            dependencies: ["OMSClient"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MigrationPlanTests",
            dependencies: ["MigrationPlan", .product(name: "Yams", package: "Yams")],
            exclude: ["schema_agreement.py"],
            resources: [.copy("Corpus")]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: ["Reconciler", "MigrationPlan", "OMSClient", "OMSSandbox"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "OMSSandboxTests",
            dependencies: [
                "OMSSandbox", "OMSClient",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
