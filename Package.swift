// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "labrunner",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "labrunner", targets: ["Labrunner"]),
        .executable(name: "fastpath", targets: ["FastPathTool"]),
        .library(name: "FastPath", targets: ["FastPath"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
        .library(name: "LabrunnerKit", targets: ["LabrunnerKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(name: "TestpmdCommands"),
        .target(name: "Scenarios", dependencies: ["Yams", "TestpmdCommands"]),
        .target(name: "CSystem"),
        .target(name: "CFastPath"),
        .target(name: "CAllocCounter"),
        .target(name: "FastPath", dependencies: ["CFastPath", "TestpmdCommands"]),
        .target(
            name: "FastPathCLI",
            dependencies: ["FastPath", "Scenarios", "CSystem", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "FastPathTool", dependencies: ["FastPath", "FastPathCLI", "CAllocCounter"]),
        .systemLibrary(name: "CLibSSH2", providers: [.apt(["libssh2-1-dev"])]),
        .systemLibrary(name: "CLibvirt", providers: [.apt(["libvirt-dev"])]),
        .target(
            name: "LabrunnerKit",
            dependencies: ["Scenarios", "FastPath", "FastPathCLI", "CSystem", "CLibSSH2", "CLibvirt", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "Labrunner",
            dependencies: [
                "LabrunnerKit",
                "FastPathCLI",
                "Scenarios",
                "FastPath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios"], exclude: ["Golden"]),
        .testTarget(name: "FastPathTests", dependencies: ["FastPath", "TestpmdCommands"]),
        .testTarget(name: "LabrunnerTests", dependencies: ["LabrunnerKit", "FastPathCLI", "Scenarios"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
