import Foundation

/// Where the package's files are, found from this source file (independent of the working directory).
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scenarios = packageRoot.appendingPathComponent("scenarios")
    static let golden = packageRoot.appendingPathComponent("Tests/ScenariosTests/Golden")

    /// The shipped how-to scenarios.
    static var scenarioFiles: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: scenarios, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    static let labs = ["guide-lab.yaml", "virtual.yaml"].map { scenarios.appendingPathComponent("labs/\($0)") }
}
