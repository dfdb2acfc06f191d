// swift-tools-version: 6.2
import PackageDescription

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let grdbSQLite: Target.Dependency = .product(name: "GRDBSQLite", package: "GRDB.swift")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")

let package = Package(
    name: "enforcement-sdk",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EnforcementModel", targets: ["EnforcementModel"]),
        .library(name: "DataStandard", targets: ["DataStandard"]),
        .library(name: "EnforcementStore", targets: ["EnforcementStore"]),
        .library(name: "EnforcementStoreSQLite", targets: ["EnforcementStoreSQLite"]),
        .library(name: "EnforcementStorePostgres", targets: ["EnforcementStorePostgres"]),
        .library(name: "HJ212", targets: ["HJ212"]),
        .library(name: "WarningKit", targets: ["WarningKit"]),
        .library(name: "HJ212Ingest", targets: ["HJ212Ingest"]),
        .executable(name: "enforce", targets: ["EnforcementCLI"]),
        .executable(name: "enforce-bench", targets: ["EnforceBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.9.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        .target(name: "EnforcementModel"),
        .target(
            name: "DataStandard",
            dependencies: ["EnforcementModel", yams],
            resources: [.copy("../../Specs")]
        ),
        .target(name: "EnforcementStore", dependencies: ["DataStandard", "EnforcementModel", crypto]),
        .target(name: "EnforcementStoreSQLite", dependencies: ["EnforcementStore", "DataStandard", grdb, grdbSQLite]),
        .target(
            name: "EnforcementStorePostgres",
            dependencies: ["EnforcementStore", "DataStandard", postgresNIO, logging]
        ),
        // The HJ 212 codec: Foundation only, so that it also builds alone for the fuzzer (scripts/fuzz-hj212.sh).
        .target(name: "HJ212"),
        .target(name: "WarningKit", dependencies: ["HJ212", "DataStandard", "EnforcementModel", yams]),
        .target(
            name: "HJ212Ingest",
            dependencies: ["HJ212", "EnforcementStore", nioCore, nioPosix, logging]
        ),
        .executableTarget(
            name: "EnforcementCLI",
            dependencies: [
                "DataStandard", "EnforcementModel", "EnforcementStore", "EnforcementStoreSQLite",
                "EnforcementStorePostgres", "HJ212", "WarningKit", "HJ212Ingest", argumentParser,
            ]
        ),
        .executableTarget(
            name: "EnforceBench",
            dependencies: [
                "DataStandard", "EnforcementModel", "EnforcementStore", "EnforcementStoreSQLite",
                "EnforcementStorePostgres", "HJ212", "WarningKit", "HJ212Ingest", argumentParser,
                nioCore, nioPosix,
            ]
        ),
        .testTarget(name: "EnforcementModelTests", dependencies: ["EnforcementModel"]),
        .testTarget(name: "HJ212Tests", dependencies: ["HJ212"], resources: [.copy("Packets")]),
        .testTarget(
            name: "WarningKitTests", dependencies: ["WarningKit", "HJ212", "DataStandard", "EnforcementModel"]),
        .testTarget(
            name: "HJ212IngestTests",
            dependencies: [
                "HJ212Ingest", "HJ212", "DataStandard", "EnforcementStore", "EnforcementStoreSQLite", nioCore, nioPosix,
            ]
        ),
        .testTarget(
            name: "DataStandardTests",
            dependencies: ["DataStandard", "EnforcementModel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "EnforcementCLITests", dependencies: ["EnforcementCLI", "DataStandard", "EnforcementModel", "HJ212"]),
        .testTarget(
            name: "EnforcementStoreTests",
            dependencies: [
                "EnforcementStore", "EnforcementStoreSQLite", "EnforcementStorePostgres", "DataStandard",
                "EnforcementModel",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .plugin {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
