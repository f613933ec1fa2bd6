// swift-tools-version: 6.0
// libFuzzer targets over labrunner's hostile-input boundaries. Built and run by scripts/fuzz (with
// AddressSanitizer and libFuzzer's coverage), never by the test suite.
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "labrunner-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "labrunner", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzScenario", dependencies: ["FuzzDriver", .product(name: "Scenarios", package: "labrunner")], swiftSettings: fuzzer),
        .executableTarget(name: "FuzzVhostMessages", dependencies: ["FuzzDriver", .product(name: "FastPath", package: "labrunner")], swiftSettings: fuzzer),
        .executableTarget(name: "FuzzVirtqueue", dependencies: ["FuzzDriver", .product(name: "FastPath", package: "labrunner")], swiftSettings: fuzzer),
        .executableTarget(name: "FuzzTestpmdCommands", dependencies: ["FuzzDriver", .product(name: "FastPath", package: "labrunner")], swiftSettings: fuzzer),
        .executableTarget(name: "FuzzParsers", dependencies: ["FuzzDriver", .product(name: "LabrunnerKit", package: "labrunner")], swiftSettings: fuzzer),
    ],
    swiftLanguageModes: [.v6]
)
