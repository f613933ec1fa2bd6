import Scenarios

/// What labrunner finds out about a lab before it plans against it — capabilities a lab file cannot
/// know in advance — and planning with them, so `plan` prints what `run` will do.
package enum LabDiscovery {
    /// QEMU's abilities (from its version) and, when `probeKVM`, whether a real KVM boots a guest.
    package static func capabilities(for lab: Lab?, probeKVM: Bool) async -> Set<String> {
        guard let lab else { return [] }
        var found = await QEMUVersionProbe.capabilities(for: lab)
        if probeKVM { found.formUnion(await KVMProbe.capabilities(for: lab)) }
        return found
    }

    /// Plans `path` against the lab at `labPath` (the embedded virtual lab when nil), with what QEMU's
    /// version says (no guest is booted to probe KVM).
    package static func plan(path: String, labPath: String?, overrides: [String], rounds: Int = 1) async -> PlanResult {
        let compiler = Compiler()
        let lab = compiler.loadLab(labPath)
        return compiler.plan(
            path: path, lab: lab, overrides: overrides, discovered: await capabilities(for: lab.lab, probeKVM: false), rounds: rounds)
    }
}
