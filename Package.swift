// swift-tools-version: 6.2
import PackageDescription

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "enforcement-sdk",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EnforcementModel", targets: ["EnforcementModel"]),
        .library(name: "DataStandard", targets: ["DataStandard"]),
        .executable(name: "enforce", targets: ["EnforcementCLI"]),
        .executable(name: "enforce-bench", targets: ["EnforceBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
    ],
    targets: [
        .target(name: "EnforcementModel"),
        .target(
            name: "DataStandard",
            dependencies: ["EnforcementModel", yams],
            resources: [.copy("../../Specs")]
        ),
        .executableTarget(
            name: "EnforcementCLI",
            dependencies: ["DataStandard", "EnforcementModel", argumentParser]
        ),
        .executableTarget(
            name: "EnforceBench",
            dependencies: ["DataStandard", "EnforcementModel", argumentParser]
        ),
        .testTarget(name: "EnforcementModelTests", dependencies: ["EnforcementModel"]),
        .testTarget(
            name: "DataStandardTests",
            dependencies: ["DataStandard", "EnforcementModel"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "EnforcementCLITests", dependencies: ["EnforcementCLI", "DataStandard"]),
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
