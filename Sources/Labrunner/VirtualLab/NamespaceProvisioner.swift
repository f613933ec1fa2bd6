import Foundation
import Scenarios

/// Creates the network namespaces that stand for the virtual lab's hosts, recording each in the
/// ledger before anything runs in it, so an interrupted run or `labrunner cleanup` removes them.
struct NamespaceProvisioner {
    let graph: StepGraph
    let ledger: Ledger

    /// Namespaces the graph's steps need (hosts of steps that will run).
    var namespaces: [String] {
        let used = Set(graph.steps.filter { $0.skip == nil }.compactMap { $0.on }.compactMap { graph.bindings[$0]?.namespace })
        return used.sorted()
    }

    /// Creates them; throws with the namespace's name when one already exists or cannot be made.
    func provision() async throws {
        let listed = try await LocalExecutor.run(["ip", "netns", "list"], timeout: .seconds(10)).stdout
        let existing = Set(listed.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        for namespace in namespaces {
            if existing.contains(namespace) {
                throw StepError.setup("namespace \(namespace) already exists (left by an earlier run? run: labrunner cleanup)")
            }
            let add = try await LocalExecutor.run(["ip", "netns", "add", namespace], timeout: .seconds(10))
            guard add.status == 0 else {
                throw StepError.setup("ip netns add \(namespace): \(add.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            // Deleting a namespace does not stop what runs in it: kill its processes first.
            await ledger.record(kind: "namespace", name: namespace,
                                undo: ["sh", "-c", "ip netns pids \(namespace) | xargs -r kill -s KILL; ip netns del \(namespace)"])
            _ = try await LocalExecutor.run(["ip", "-n", namespace, "link", "set", "lo", "up"], timeout: .seconds(10))
        }
    }
}
