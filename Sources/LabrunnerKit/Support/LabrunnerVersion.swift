/// labrunner's version, as `labrunner --version` prints it and run reports record it.
package enum LabrunnerVersion {
    /// Semantic version of this tree.
    package static let current = "0.11.0"
}
