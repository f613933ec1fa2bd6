/// Builds the typed model from a structurally checked, param-substituted tree.
/// Values the shape checker rejected are skipped here; they were already diagnosed.
struct ModelBuilder {
    func param(_ entry: YAMLEntry) -> Param? {
        let node = entry.value
        guard let type = node.text("type").flatMap({ ParamType(rawValue: $0.value) }),
            let value = node.text("default")
        else { return nil }
        return Param(
            name: entry.key, type: type, defaultValue: value,
            values: node.texts("values").map(\.value),
            min: node.quantity("min")?.value, max: node.quantity("max")?.value,
            doc: node.text("doc")?.value)
    }

    func role(_ entry: YAMLEntry) -> Role? {
        let node = entry.value
        guard let kindText = node.text("kind"), let kind = RoleKind(rawValue: kindText.value) else { return nil }
        let spec: RoleSpec
        switch kind {
        case .host:
            var hugepages: (Quantity, Int, String?)?
            if let h = node["hugepages"], let size = h.quantity("size"), let count = h.int("count") {
                hugepages = (size.value, count, h.text("mount")?.value)
            }
            spec = .host(
                HostSpec(
                    cores: node.cores("cores"), memory: node.quantity("memory"), hugepages: hugepages,
                    nics: node.objects("nics").compactMap(hostNIC)))
        case .vm:
            // Invalid or missing values were diagnosed; build the VM anyway so its NICs and sockets
            // are still checked instead of cascading into "nothing connects" errors.
            let at = node.location
            let host = node.text("host") ?? Located("", at: at)
            let memory = node.quantity("memory") ?? Located(Quantity(0, .MiB), at: at)
            let vcpusText = node.text("vcpus")
            let vcpus = Located(vcpusText.flatMap { Int($0.value) } ?? 1, at: vcpusText?.location ?? at)
            // A boot file a param left empty (a lab that sets none) is no boot file.
            func bootFile(_ key: String) -> String? { node.text(key).map(\.value).flatMap { $0.isEmpty ? nil : $0 } }
            spec = .vm(
                VMSpec(
                    host: host, name: node.text("name")?.value, memory: memory,
                    vcpus: vcpus, pin: node.cores("pin"),
                    cpu: node.text("cpu")?.value, machine: node.text("machine")?.value,
                    backing: node["backing"].flatMap(backing), disk: bootFile("disk"),
                    kernel: bootFile("kernel"), initrd: bootFile("initrd"),
                    append: node.text("append")?.value, nics: node.objects("nics").compactMap(vmNIC),
                    incoming: node.text("incoming")?.value, monitor: node.text("monitor")?.value,
                    qmp: node.text("qmp")?.value))
        case .container:
            guard let host = node.text("host") else { return nil }
            spec = .container(
                ContainerSpec(
                    host: host, image: node.text("image")?.value, volumes: node.texts("volumes"),
                    workdir: node.text("workdir")?.value))
        case .forwarder:
            guard let on = node.text("on"), let lcores = node.cores("lcores") else { return nil }
            spec = .forwarder(
                ForwarderSpec(
                    on: on, lcores: lcores, channels: node.int("channels"),
                    memory: node.quantity("memory")?.value, filePrefix: node.text("file_prefix")?.value,
                    procType: node.text("proc_type")?.value, noPCI: node.bool("no_pci") ?? false,
                    vdevs: node.texts("vdevs"), allow: node.texts("allow").compactMap { PCIAddress($0.value) },
                    args: node.text("args")?.value,
                    // `lab` names the lab's forwarder, as no program at all does.
                    program: node.text("program").map(\.value).flatMap { $0 == "lab" ? nil : $0 }))
        case .switchDevice:
            spec = .switchDevice(SwitchSpec(ports: node.texts("ports").map(\.value), flood: node.bool("flood") ?? false, vlan: node.int("vlan")))
        case .trafficgen:
            spec = .trafficgen(TrafficGenSpec(host: node.text("host"), ports: node.texts("ports").map(\.value), equipment: node.text("equipment")?.value))
        }
        return Role(name: entry.key, kind: kind, requires: node.texts("requires"), doc: node.text("doc")?.value, spec: spec)
    }

    private func hostNIC(_ node: YAMLNode) -> HostNIC? {
        guard let name = node.text("name") else { return nil }
        return HostNIC(
            name: name, pci: node.text("pci").flatMap { PCIAddress($0.value) }, model: node.text("model")?.value,
            driver: node.text("driver")?.value, vfs: node.int("vfs"), mac: mac(node, "mac"))
    }

    private func backing(_ node: YAMLNode) -> MemoryBacking? {
        guard let type = node.text("type") else { return nil }
        return MemoryBacking(
            type: type.value, path: node.text("path")?.value, share: node.bool("share") ?? false,
            prealloc: node.bool("prealloc") ?? false, pageSize: node.quantity("page_size")?.value)
    }

    private func vmNIC(_ node: YAMLNode) -> VMNIC? {
        guard let id = node.text("id"), let type = node.text("type") else { return nil }
        return VMNIC(
            id: id, type: type.value, mac: mac(node, "mac"), socket: node.text("socket"),
            mode: node.text("mode")?.value ?? "client", ifname: node.text("ifname")?.value,
            bridge: node.text("bridge")?.value, hostPCI: node.text("host_pci").flatMap { PCIAddress($0.value) },
            pci: node.text("pci").flatMap { PCIAddress($0.value) }, queues: node.int("queues"),
            options: node.text("options")?.value, rxQueueSize: node.int("rx_queue_size"),
            hotplug: node.bool("hotplug") ?? false)
    }

    private func mac(_ node: YAMLNode, _ key: String) -> Located<MACAddress>? {
        guard let t = node.text(key), let m = MACAddress(t.value) else { return nil }
        return Located(m, at: t.location)
    }

    func session(_ entry: YAMLEntry) -> Session? {
        guard let on = entry.value.text("on") else { return nil }
        let console = entry.value.text("console")?.value ?? "shell"
        return Session(
            name: entry.key, on: on, console: console,
            prompt: entry.value.text("prompt")?.value ?? Session.defaultPrompt(for: console),
            doc: entry.value.text("doc")?.value)
    }

    func rounds(_ node: YAMLNode) -> RoundsSpec? {
        guard let block = node.text("block") else { return nil }
        let swap = node.dictionary("swap").compactMap { entry -> (Located<String>, Located<String>)? in
            guard case .scalar(let value, _, let at) = entry.value else { return nil }
            return (entry.key, Located(value, at: at))
        }
        return RoundsSpec(block: block, swap: swap, doc: node.text("doc")?.value)
    }

    func link(_ node: YAMLNode) -> Link? {
        guard let a = node.text("a"), let b = node.text("b") else { return nil }
        return Link(a: a, b: b)
    }

    func steps(_ nodes: [YAMLNode], always: Bool) -> [Step] {
        nodes.compactMap { step($0, always: always) }
    }

    func step(_ node: YAMLNode, always: Bool) -> Step? {
        guard let id = node.text("id"), let entries = node.entries,
            let actionEntry = entries.first(where: { ScenarioGrammar.actions.contains($0.key.value) }),
            let action = action(actionEntry, in: node, always: always)
        else { return nil }
        let afterNode = node["after"]
        let condition = node.text("when").flatMap { t in (try? Condition(parsing: t.value)).map { Located($0, at: t.location) } }
        return Step(
            id: id, doc: node.text("doc")?.value, guide: node.text("guide")?.value, on: node.text("on"),
            after: afterNode == nil ? nil : node.texts("after"), when: condition, requires: node.texts("requires"),
            action: action, actionLocation: actionEntry.key.location,
            expect: node["expect"].map(expectation) ?? .none, captures: node.dictionary("capture").compactMap(capture),
            timeout: node.quantity("timeout")?.value, retries: node.int("retries") ?? 0,
            retryDelay: node.quantity("retry_delay")?.value, undo: node.text("undo"), always: always)
    }

    /// The step's action; a block inside `always` steps is `always` all through.
    private func action(_ entry: YAMLEntry, in step: YAMLNode, always: Bool) -> Action? {
        let value = entry.value
        switch entry.key.value {
        case "run": return value.scalar.map { .run($0) }
        case "send": return value.scalar.map { .send($0, prompt: step.text("prompt")?.value) }
        case "hmp": return value.scalar.map { .hmp($0) }
        case "qmp":
            if let name = value.scalar { return .qmp(QMPCommand(execute: name, arguments: nil)) }
            guard let execute = value.text("execute")?.value else { return nil }
            return .qmp(QMPCommand(execute: execute, arguments: value["arguments"]?.json))
        case "libvirt":
            guard let action = value.text("action")?.value, let domain = value.text("domain") else { return nil }
            return .libvirt(
                LibvirtAction(
                    action: action, domain: domain, uri: value.text("uri")?.value,
                    dest: value.text("dest")?.value, migrationURI: value.text("migrate_uri")?.value, destDomain: value.text("dest_domain"),
                    command: value.text("command")?.value,
                    live: value.bool("live") ?? true))
        case "fastpath":
            if let command = value.scalar { return .forwarderCommand(command) }
            return value.text("start").map { .forwarderStart($0) }
        case "traffic":
            let goals = value.texts("search").map(\.value)
            let search =
                goals.isEmpty && value.text("action")?.value != TrafficAction.search.rawValue
                ? nil
                : SearchSpec(
                    goals: goals.isEmpty ? SearchSpec.goalNames : goals, pdrLoss: value.quantity("pdr_loss")?.value, width: value.quantity("width")?.value,
                    trial: value.quantity("trial")?.value, final: value.quantity("final")?.value, maxRate: value.quantity("max_rate")?.value,
                    maxTime: value.quantity("max_time")?.value, verify: value.bool("verify") ?? false)
            return .traffic(
                TrafficSpec(
                    action: search != nil ? .search : value.text("action").flatMap { TrafficAction(rawValue: $0.value) } ?? .run,
                    port: value.text("port")?.value,
                    dstMAC: value.text("dst_mac").flatMap { MACAddress($0.value) },
                    srcIP: value.text("src_ip")?.value, dstIP: value.text("dst_ip")?.value,
                    proto: value.text("proto")?.value ?? "udp", frameSize: value.int("frame_size") ?? 64,
                    rate: value.quantity("rate")?.value, duration: value.quantity("duration")?.value,
                    flows: value.int("flows") ?? 1, search: search,
                    deferredRate: value.text("rate").map(\.value).flatMap { References.present(in: $0) ? $0 : nil },
                    deferredMAC: value.text("dst_mac").map(\.value).flatMap { References.present(in: $0) ? $0 : nil },
                    srcPort: value.int("src_port"), dstPort: value.int("dst_port"),
                    vxlan: value["vxlan"].flatMap { v in
                        v.int("vni").map { ($0, v.text("inner_dst_mac").flatMap { MACAddress($0.value) }, v.int("inner_vlan"), v.text("inner_dst_ip")?.value) }
                    }))
        case "wait":
            if let text = value.scalar { return .wait(WaitSpec(duration: Quantity(text), until: nil, every: nil)) }
            return .wait(WaitSpec(duration: value.quantity("for")?.value, until: value.text("until")?.value, every: value.quantity("every")?.value))
        case "copy":
            guard let src = value.text("src")?.value, let dest = value.text("dest")?.value else { return nil }
            return .copy(CopySpec(src: src, dest: dest, mode: value.text("mode")?.value))
        case "vm":
            if let start = value.text("start") { return .vmStart(start) }
            if let stop = value.text("stop") { return .vmStop(stop) }
            guard let nic = value.text("nic"), let vm = value.text("plug") ?? value.text("unplug") else { return nil }
            return .vmNIC(vm, nic: nic, plug: value.text("plug") != nil)
        case "block":
            return .block(
                steps(value.items ?? [], always: always), always: steps(step["always"]?.items ?? [], always: true),
                parallel: step.bool("parallel") ?? false)
        default:
            return nil
        }
    }

    private func expectation(_ node: YAMLNode) -> Expectation {
        Expectation(
            exit: node.int("exit"), contains: node.texts("contains"), notContains: node.texts("not_contains"),
            regex: node.texts("regex"), checks: node.objects("that").compactMap(check), doc: node.text("doc")?.value)
    }

    private func check(_ node: YAMLNode) -> ValueCheck? {
        guard let path = node.text("value") ?? node.text("delta") else { return nil }
        let comparisons = Comparator.allCases.compactMap { c in node.text(c.rawValue).map { (c, $0) } }
        return ValueCheck(
            path: path, since: node.text("delta") != nil ? node.text("since") : nil, comparisons: comparisons,
            doc: node.text("doc")?.value, location: node.location)
    }

    private func capture(_ entry: YAMLEntry) -> CaptureSpec? {
        if let regex = entry.value.scalar {
            return CaptureSpec(name: entry.key, regex: regex, group: 1, unit: nil, parser: nil)
        }
        let node = entry.value
        return CaptureSpec(
            name: entry.key, regex: node.text("regex")?.value, group: node.int("group") ?? 1,
            unit: node.text("unit").flatMap { Unit(symbol: $0.value) },
            parser: node.text("parse").flatMap { ParserKind(rawValue: $0.value) })
    }
}
