/// Reads a lab file into a `Lab`, with diagnostics like a scenario's.
public struct LabLoader: Sendable {
    /// File reading and parsing.
    public var reader = DocumentReader()

    /// Creates a loader reading files from `source`.
    public init(source: any SourceReader = FileSourceReader()) { reader = DocumentReader(source: source) }

    /// Loads the lab at `path`.
    public func load(path: String) -> (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?) {
        build(reader.read(path: path, shape: LabGrammar.lab, definitions: [:]), path: path)
    }

    /// Loads a lab from bytes, as if read from `path`.
    public func load(path: String, bytes: [UInt8]) -> (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?) {
        build(reader.parse(path: path, bytes: bytes, shape: LabGrammar.lab, definitions: [:]), path: path)
    }

    private func build(_ doc: Document, path: String) -> (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?) {
        guard let root = doc.root, root.entries != nil else { return (nil, doc.diagnostics, doc.source) }
        var diagnostics = doc.diagnostics
        let caps = Set(root.texts("capabilities").map(\.value))
        let kind = root.text("kind")?.value ?? "ssh"
        let hosts = root.dictionary("hosts").map { entry -> LabHost in
            let h = entry.value
            if kind == "ssh", h.text("address") == nil {
                diagnostics.append(
                    Diagnostic(.error, "host '\(entry.key.value)' of an ssh lab needs 'address'", at: entry.key.location, length: entry.key.value.count))
            }
            var host = LabHost(
                name: entry.key.value, address: h.text("address")?.value ?? entry.key.value, user: h.text("user")?.value ?? "root",
                port: h.int("port") ?? 22, namespace: nil, capabilities: caps.union(h.texts("capabilities").map(\.value)),
                cores: h.cores("cores")?.value, memory: h.quantity("memory")?.value,
                workdir: h.text("workdir")?.value ?? "/var/run/labrunner", jump: h.text("jump")?.value, key: h.text("key")?.value)
            host.knownHosts = h.text("known_hosts")?.value ?? host.knownHosts
            host.acceptNewHostKeys = h.bool("accept_new_host_keys") ?? false
            host.connectFrom = h.text("connect_from")?.value
            host.sshTransport = h.text("transport")?.value ?? "libssh2"
            host.passwordEnv = h.text("password_env")?.value
            host.passwordFile = h.text("password_file")?.value
            if let version = h.text("dpdk") {
                host.dpdk = DPDKVersion(version.value)
                if host.dpdk == nil {
                    diagnostics.append(
                        Diagnostic(
                            .error, "dpdk '\(version.value)' is not a DPDK release; write it as YY.MM (17.08, 22.11)", at: version.location,
                            length: version.value.count))
                }
            }
            return host
        }
        if let d = root.text("default_host"), !hosts.contains(where: { $0.name == d.value }) {
            diagnostics.append(
                Diagnostic(
                    .error, "default_host '\(d.value)' is not one of the lab's hosts", at: d.location,
                    suggestion: EditDistance.suggestion(for: d.value, among: hosts.map(\.name)), length: d.value.count))
        }
        let v = root["virtual"]
        if kind == "virtual", let subnet = v?.text("subnet"), subnet.value.hasPrefix("192.0.2.") {
            diagnostics.append(
                Diagnostic(.error, "subnet \(subnet.value) is this machine's uplink; use 198.51.100.0/24 or 203.0.113.0/24", at: subnet.location))
        }
        var lab = Lab(
            name: root.text("name")?.value ?? "lab", kind: kind, file: path,
            accel: root.text("accel")?.value ?? "auto", forwarder: root.text("forwarder")?.value ?? (kind == "virtual" ? "fastpath" : "testpmd"),
            testpmdPath: root.text("testpmd")?.value ?? "dpdk-testpmd", fastpathPath: root.text("fastpath")?.value ?? "labrunner fastpath",
            pdumpPath: root.text("pdump")?.value ?? (kind == "virtual" ? "labrunner pdump" : "dpdk-pdump"),
            qemuPath: root.text("qemu")?.value ?? "qemu-system-x86_64",
            ethtoolPath: root.text("ethtool")?.value ?? (kind == "virtual" ? "labrunner ethtool" : "ethtool"),
            libvirtURI: root.text("libvirt_uri")?.value ?? "qemu+ssh://root@${host}/system",
            capabilities: caps, hosts: hosts, defaultHost: root.text("default_host")?.value,
            subnet: v?.text("subnet")?.value ?? "198.51.100.0/24", namespacePrefix: v?.text("namespace_prefix")?.value ?? "lr",
            virtualCores: v?.cores("cores")?.value, virtualMemory: v?.quantity("memory")?.value,
            guestKernel: v?.text("guest_kernel")?.value, guestInitrd: v?.text("guest_initrd")?.value,
            memoryBacking: v?.text("memory_backing")?.value ?? (kind == "virtual" ? "memfd" : "as-written"),
            emulate: Set(v?.texts("emulate").map(\.value) ?? []),
            workdir: v?.text("workdir")?.value ?? "/var/run/labrunner")
        lab.guestFastPath = v?.text("guest_fastpath")?.value
        lab.overSSH = kind == "virtual" && v?.text("reach")?.value == "ssh"
        // Param defaults: name → value, read the way every other scalar of the file is.
        func values(_ node: YAMLNode?) -> [String: Located<String>] {
            Dictionary((node?.entries ?? []).compactMap { e in node?.text(e.key.value).map { (e.key.value, $0) } }, uniquingKeysWith: { a, _ in a })
        }
        lab.paramDefaults.all = values(root["params"])
        for scenario in root.dictionary("scenarios") { lab.paramDefaults.byScenario[scenario.key.value] = values(scenario.value) }
        return (lab, ScenarioFrontEnd.sorted(diagnostics), doc.source)
    }
}
