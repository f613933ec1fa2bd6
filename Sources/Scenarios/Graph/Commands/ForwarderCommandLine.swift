/// Builds the command line of a forwarder role: DPDK testpmd's EAL and application arguments,
/// run by testpmd on real labs and by FastPath (same words) on the virtual lab.
public struct ForwarderCommandLine: Sendable {
    /// The forwarder role.
    public let role: Role
    /// The lab.
    public let lab: Lab

    /// Creates a builder.
    public init(role: Role, lab: Lab) {
        self.role = role
        self.lab = lab
    }

    /// The arguments, starting with the binary.
    public var arguments: [String] {
        guard let f = role.forwarder else { return [] }
        var a = (lab.forwarder == "fastpath" ? lab.fastpathPath : lab.testpmdPath).split(separator: " ").map(String.init)
        a += ["-l", f.lcores.value.description]
        if let n = f.channels { a += ["-n", "\(n)"] }
        if let m = f.memory { a += ["--socket-mem", "\(Int(m.converted(to: .MiB)))"] }
        if let prefix = f.filePrefix { a += ["--file-prefix", prefix] }
        if let proc = f.procType { a += ["--proc-type", proc] }
        if f.noPCI { a.append("--no-pci") }
        for vdev in f.vdevs { a += ["--vdev", vdev.value] }
        for pci in f.allow { a += ["-a", pci.description] }
        a.append("--")
        if let args = f.args { a += args.split(separator: " ").map(String.init) }
        return a
    }

    /// Control socket FastPath opens for labrunner (virtual lab).
    public func controlSocket(workdir: String) -> String { "\(workdir)/\(role.name.value).ctl" }
}
