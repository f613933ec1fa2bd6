/// The scenario language, defined once: the checker walks these shapes and the JSON Schema is
/// generated from them.
public enum ScenarioGrammar {
    static let text = Shape.scalar(.text)
    static let name = Shape.scalar(.identifier)
    static let names = Shape.oneOrMany(.scalar(.identifier))
    static func words(_ w: [String]) -> Shape { .scalar(.text, choices: w) }
    static let capabilities = Shape.list(words(Capability.words))

    /// Kinds of step action; a step has exactly one.
    public static let actions = ["run", "send", "qmp", "hmp", "libvirt", "fastpath", "traffic", "wait", "copy", "vm", "block", "use"]

    /// Kinds of role.
    public static let roleKinds = ["host", "vm", "container", "forwarder", "switch", "trafficgen"]

    /// Types a param may have.
    public static let paramTypes = ["int", "number", "string", "bool", "duration", "size", "quantity", "mac", "pci", "cores", "enum"]

    static let param = ObjectShape(
        "param",
        [
            Field("type", words(paramTypes), required: true, "The param's type; values from --set are checked against it."),
            Field("default", .scalar(.text), required: true, "The value used unless overridden with --set name=value."),
            Field("values", .list(name), "The allowed words, for type enum."),
            Field("min", .scalar(.quantity), "Smallest allowed value (int, number, duration, size, quantity)."),
            Field("max", .scalar(.quantity), "Largest allowed value."),
            Field("doc", text, "What the param means."),
        ])

    static let hostNic = ObjectShape(
        "host NIC",
        [
            Field("name", name, required: true, "Interface name on the host (ens3f0)."),
            Field("pci", .scalar(.pci), "PCI address of the NIC (the PF)."),
            Field("model", text, "NIC model, e.g. niantic (82599) or fortville (X710)."),
            Field("driver", text, "Kernel driver bound at start (ixgbe, i40e)."),
            Field("vfs", .scalar(.integer), "Number of SR-IOV VFs the scenario creates."),
            Field("mac", .scalar(.mac), "MAC address."),
        ])

    static let backing = ObjectShape(
        "memory backing",
        [
            Field(
                "type", words(["memfd", "file", "hugepages", "anonymous"]), required: true,
                "Where guest RAM lives; vhost-user needs memfd, file or hugepages with share."),
            Field("path", text, "mem-path for file/hugepages backing (/dev/hugepages, /mnt/huge)."),
            Field("share", .scalar(.boolean), "share=on: required for vhost-user backends."),
            Field("prealloc", .scalar(.boolean), "Preallocate guest memory (-mem-prealloc / <locked/>)."),
            Field("page_size", .scalar(.size), "Hugepage size for libvirt's <hugepages><page>."),
        ])

    static let vmNic = ObjectShape(
        "VM NIC",
        [
            Field("id", name, required: true, "Netdev/device id (net1, vf1)."),
            Field(
                "type", words(["vhost-user", "tap", "vf", "user", "bridge"]), required: true,
                "Backend: vhost-user socket, tap, an SR-IOV VF passed through, user networking."),
            Field("mac", .scalar(.mac), "Guest MAC address."),
            Field("socket", text, "vhost-user: the unix socket path on the host."),
            Field("mode", words(["client", "server"]), "vhost-user: whether QEMU connects (client, the default) or listens."),
            Field("ifname", text, "tap: the host interface name (tap1)."),
            Field("bridge", text, "tap/bridge: the host bridge the tap joins."),
            Field("host_pci", .scalar(.pci), "vf: the VF's PCI address on the host (09:10.0)."),
            Field("pci", .scalar(.pci), "Guest PCI address of the device (00:10.0)."),
            Field("queues", .scalar(.integer), "Queue pairs (vhost-user multiqueue)."),
            Field("options", text, "Extra virtio-net-pci options (csum=off,gso=off,…)."),
            Field("rx_queue_size", .scalar(.integer), "virtio rx queue size."),
            Field("hotplug", .scalar(.boolean), "Not present at boot; added later with device_add."),
        ])

    static let roleCommon = [
        Field("kind", words(roleKinds), required: true, "What this role is."),
        Field("doc", text, "What the role is for."),
        Field("requires", capabilities, "Capabilities the lab must have for this role."),
    ]

    static let hostRole = ObjectShape(
        "host role",
        roleCommon + [
            Field("cores", .scalar(.cores), "Cores the scenario may use on this host."),
            Field("memory", .scalar(.size), "Memory available to guests on this host."),
            Field(
                "hugepages",
                .object(
                    ObjectShape(
                        "hugepages",
                        [
                            Field("size", .scalar(.size), required: true, "Page size (2MiB or 1GiB)."),
                            Field("count", .scalar(.integer), required: true, "Number of pages."),
                            Field("mount", text, "hugetlbfs mount point."),
                        ])), "Hugepages reserved on the host."),
            Field("nics", .list(.object(hostNic)), "Physical NICs used by the scenario."),
        ])

    static let vmRole = ObjectShape(
        "vm role",
        roleCommon + [
            Field("host", name, required: true, "The host role the VM runs on."),
            Field("name", text, "Guest name (-name / libvirt domain name)."),
            Field("memory", .scalar(.size), required: true, "Guest RAM."),
            Field("vcpus", .scalar(.integer), required: true, "Number of vCPUs."),
            Field("pin", .scalar(.cores), "Host cores the vCPUs (and emulator) are pinned to, like taskset -c."),
            Field("cpu", text, "CPU model (host, max); the lab may override it (TCG)."),
            Field("machine", text, "Machine type (pc, q35, pc-i440fx-rhel7.0.0)."),
            Field("backing", .object(backing), "Guest memory backing."),
            Field(
                "disk", text,
                "Disk image (-hda). On a real lab a VM needs it (or kernel:); a lab gives its own through a param, quoted (\"${vm_image}\") so one it leaves empty means none."
            ),
            Field("kernel", text, "Kernel for direct boot."),
            Field("initrd", text, "Initramfs for direct boot."),
            Field("append", text, "Kernel command line for direct boot."),
            Field("nics", .list(.object(vmNic)), "Network devices."),
            Field("incoming", text, "Start in migration-listen mode: tcp:0:5555."),
            Field("monitor", text, "HMP monitor chardev as in the guide (telnet::3333,server,nowait); labrunner always adds a QMP socket."),
            Field("qmp", text, "The VM's QMP monitor: a unix socket path, or tcp:HOST:PORT (reached from the VM's host)."),
        ])

    static let containerRole = ObjectShape(
        "container role",
        roleCommon + [
            Field("host", name, required: true, "The host role the container runs on."),
            Field("image", text, "Image name (docker) — the virtual lab runs the command in its own namespace instead."),
            Field("volumes", .list(text), "host_path:container_path bind mounts (vhost-user sockets, hugepages)."),
            Field("workdir", text, "Working directory inside the container."),
        ])

    static let forwarderRole = ObjectShape(
        "forwarder role",
        roleCommon + [
            Field("on", name, required: true, "The host, VM or container it runs on."),
            Field("lcores", .scalar(.cores), required: true, "EAL -l core list (the first is the main lcore)."),
            Field("channels", .scalar(.integer), "EAL -n memory channels."),
            Field("memory", .scalar(.size), "EAL --socket-mem / -m."),
            Field("file_prefix", text, "EAL --file-prefix, to run several DPDK processes."),
            Field("proc_type", words(["primary", "secondary", "auto"]), "EAL --proc-type."),
            Field("no_pci", .scalar(.boolean), "EAL --no-pci."),
            Field("vdevs", .list(text), "EAL --vdev arguments (net_vhost0,iface=/tmp/sock0)."),
            Field("allow", .list(.scalar(.pci)), "Devices to use (-w / -a)."),
            Field("args", text, "Application arguments after --, testpmd's words (-i --forward-mode=io …)."),
            Field(
                "program", words(["testpmd", "fastpath", "lab"]),
                "Which program runs it, whatever the lab's forwarder: fastpath for what only FastPath does (--forward-mode=vhost-switch); lab (the default) for the lab's forwarder."
            ),
        ])

    static let switchRole = ObjectShape(
        "switch role",
        roleCommon + [
            Field("ports", .list(text), "Switch port names."),
            Field("flood", .scalar(.boolean), "Broadcast traffic to every port (flood_ucast fwd)."),
            Field("vlan", .scalar(.integer), "VLAN all ports are tagged with."),
        ])

    static let trafficgenRole = ObjectShape(
        "trafficgen role",
        roleCommon + [
            Field("host", name, "The host it runs on (the virtual lab runs a FastPath txonly generator there)."),
            Field("ports", .list(text), "Generator ports."),
            Field("equipment", text, "What it is in the real lab (IXIA, Moongen, …), for the results template."),
        ])

    static let role = Shape.tagged(
        key: "kind",
        variants: [
            ("host", hostRole), ("vm", vmRole), ("container", containerRole),
            ("forwarder", forwarderRole), ("switch", switchRole), ("trafficgen", trafficgenRole),
        ])

    static let link = ObjectShape(
        "link",
        [
            Field("a", text, required: true, "One end, role:port."),
            Field("b", text, required: true, "The other end, role:port."),
            Field("doc", text, "What the link is."),
        ])

    static let session = ObjectShape(
        "session",
        [
            Field("on", name, required: true, "The role whose terminal this is (a host, VM or container)."),
            Field("console", words(["shell", "serial", "monitor"]), "A shell (default), the VM's serial console, or its HMP monitor."),
            Field("prompt", .scalar(.regex), "Regex of the prompt that ends each reply (default: a shell prompt, '(qemu)' for monitors)."),
            Field("doc", text, "Which of the guide's terminals this is."),
        ])

    static let check = ObjectShape(
        "check",
        [
            Field("value", text, "A capture to compare: name or name.field (stats.1.rx_packets)."),
            Field("delta", text, "A capture whose change since 'since' is compared."),
            Field("since", name, "The earlier capture the delta is taken from."),
            Field("eq", .scalar(.text), "Equal to (a quantity or a word)."),
            Field("ne", .scalar(.text), "Not equal to."),
            Field("lt", .scalar(.quantity), "Less than."),
            Field("le", .scalar(.quantity), "At most."),
            Field("gt", .scalar(.quantity), "Greater than."),
            Field("ge", .scalar(.quantity), "At least."),
            Field("doc", text, "The guide's words for this expectation."),
        ], exactlyOne: ["value", "delta"])

    static let expect = ObjectShape(
        "expect",
        [
            Field("exit", .scalar(.integer), "Exit status (default 0 for run steps)."),
            Field("contains", .oneOrMany(text), "Text the output must contain."),
            Field("not_contains", .oneOrMany(text), "Text the output must not contain."),
            Field("regex", .oneOrMany(.scalar(.regex)), "Regexes the output must match."),
            Field("that", .list(.object(check)), "Comparisons of captured values, with units and deltas."),
            Field("doc", text, "The guide's words for the expected result."),
        ])

    static let capture = Shape.scalarOrObject(
        .scalar(.regex),
        ObjectShape(
            "capture",
            [
                Field("regex", .scalar(.regex), "Regex whose group (default 1) is captured."),
                Field("group", .scalar(.integer), "Which group."),
                Field("unit", words(Unit.allSymbols), "Unit of the captured number (ms, kbytes, Mpps …)."),
                Field("parse", words(ParserKind.allCases.map(\.rawValue)), "A typed parser for the whole output."),
            ]))

    static let qmp = Shape.scalarOrObject(
        .scalar(.identifier),
        ObjectShape(
            "qmp command",
            [
                Field("execute", name, required: true, "QMP command name."),
                Field("arguments", .anything, "Its arguments."),
            ]))

    static let libvirt = ObjectShape(
        "libvirt action",
        [
            Field(
                "action", words(["define", "start", "create", "destroy", "undefine", "migrate", "monitor", "state", "dumpxml"]), required: true,
                "What to do with the domain."),
            Field("domain", name, required: true, "The VM role."),
            Field("uri", text, "Connection URI (default from the lab)."),
            Field("dest", text, "migrate: the destination's libvirt URI (qemu+ssh://host/system, or ${host.libvirt})."),
            Field("migrate_uri", text, "migrate: where the migration stream goes (tcp://address), if not the destination's hostname."),
            Field(
                "dest_domain", name,
                "migrate: the VM role whose domain XML the destination gets (the same guest, named alike, with the destination host's sockets and console)."),
            Field("command", text, "monitor: the QMP/HMP command passed through."),
            Field("live", .scalar(.boolean), "migrate: live (default true)."),
        ])

    static let fastpath = Shape.scalarOrObject(
        .scalar(.text),
        ObjectShape(
            "forwarder launch",
            [
                Field("start", name, required: true, "The forwarder role to start in the step's session.")
            ]))

    static let vxlan = ObjectShape(
        "VXLAN encapsulation",
        [
            Field("vni", .scalar(.integer), required: true, "The VXLAN network identifier (24 bits)."),
            Field("inner_dst_mac", .scalar(.mac), "The inner frame's destination MAC (the tenant's)."),
            Field("inner_vlan", .scalar(.integer), "Tag the inner frame with this VLAN ID."),
            Field("inner_dst_ip", text, "The inner destination IPv4 address."),
        ])

    static let traffic = ObjectShape(
        "traffic",
        [
            Field("port", text, "Generator port to send from."),
            Field("dst_mac", .scalar(.mac), "Destination MAC."),
            Field("src_ip", text, "Source IPv4 address."),
            Field("dst_ip", text, "Destination IPv4 address."),
            Field("proto", words(["udp", "icmp", "tcp"]), "Protocol: udp, tcp or icmp probes (icmp: echo requests the addressed kernel answers)."),
            Field("src_port", .scalar(.integer), "UDP or TCP source port (default 9)."),
            Field("dst_port", .scalar(.integer), "UDP or TCP destination port (default 9)."),
            Field("vxlan", .object(vxlan), "Encapsulate the probes in VXLAN: the step's MAC and addresses are then the outer headers'."),
            Field("frame_size", .scalar(.integer), "Frame size in bytes."),
            Field("rate", .scalar(.quantity), "Offered rate (Mpps, pps, % of line)."),
            Field("duration", .scalar(.duration), "How long to send; absent means until stopped."),
            Field("flows", .scalar(.integer), "Number of flows."),
            Field(
                "action", words(TrafficAction.allCases.map(\.rawValue)),
                "start in the background, lap (report the interval since the last lap; it goes on), stop it, or run for duration (default)."),
            Field(
                "search", .oneOrMany(words(SearchSpec.goalNames)),
                "Search for the highest rates with no loss (ndr) and with at most pdr_loss (pdr), both from the same trials; parse: search captures them."
            ),
            Field("pdr_loss", .scalar(.quantity), "PDR's acceptable loss (default 0.5%)."),
            Field("width", .scalar(.quantity), "Relative width of the final interval a search stops at (default 0.5%)."),
            Field("trial", .scalar(.duration), "A search's first trial duration (default 1s); later phases' grow toward final."),
            Field("final", .scalar(.duration), "A search's final trial duration, on which its verdicts rest (default 10s)."),
            Field("max_rate", .scalar(.quantity), "Highest rate a search tries (default: rate)."),
            Field("max_time", .scalar(.duration), "Time cap of a search (default 5min); past it, it reports what it has, capped."),
            Field(
                "verify", .scalar(.boolean),
                "After a search, a final-length trial at each rate found and one at 1.2 times it (captured as ndr_verify_loss, ndr_above_loss…)."),
        ])

    static let wait = Shape.scalarOrObject(
        .scalar(.duration),
        ObjectShape(
            "wait",
            [
                Field("for", .scalar(.duration), "Pause this long."),
                Field("until", text, "Shell condition to poll on the step's role until it succeeds."),
                Field("every", .scalar(.duration), "Poll interval."),
            ]))

    static let copy = ObjectShape(
        "copy",
        [
            Field("src", text, required: true, "Local path."),
            Field("dest", text, required: true, "Path on the step's role."),
            Field("mode", text, "File mode (0755)."),
        ])

    static let vm = ObjectShape(
        "vm action",
        [
            Field("start", name, "Launch this VM role with QEMU (command line built from the role)."),
            Field("stop", name, "Stop it (quit through QMP, then kill)."),
            Field("plug", name, "Hot-plug a NIC into this running VM (device_add; a VF, or its emulation in the virtual lab)."),
            Field("unplug", name, "Hot-unplug a NIC from this VM (device_del)."),
            Field("nic", name, "plug/unplug: the NIC id in the VM role."),
        ], exactlyOne: ["start", "stop", "plug", "unplug"])

    /// Shapes referenced by name with `.ref`.
    public static let definitions: [String: ObjectShape] = ["step": step]

    /// A step; recursive through blocks.
    static var step: ObjectShape {
        ObjectShape(
            "step",
            [
                Field("id", name, required: true, "Unique step id, referenced by after:."),
                Field("doc", text, "The guide's words for this step."),
                Field("guide", text, "The guide section (1.3.3)."),
                Field("on", name, "The role or session the step acts on."),
                Field("after", names, "Steps that must pass first (default: the previous step in the list)."),
                Field("when", .scalar(.condition), "Run only when this holds (${nic} == niantic)."),
                Field("requires", capabilities, "Capabilities the lab must have; otherwise skipped with the reason."),
                Field("run", text, "Shell command run non-interactively."),
                Field(
                    "undo", text,
                    "run: the shell command that reverts what the step changes on its host; in the ledger before the step runs, run at the run's end (and by labrunner cleanup), newest first."
                ),
                Field("send", text, "Line typed into the session (\"\" presses Enter)."),
                Field("prompt", .scalar(.regex), "send: wait for this instead of the session's prompt."),
                Field("qmp", qmp, "QMP command to the VM in 'on'."),
                Field("hmp", text, "HMP (monitor) command to the VM in 'on'."),
                Field("libvirt", .object(libvirt), "libvirt action."),
                Field("fastpath", fastpath, "testpmd command to the forwarder in 'on', or {start: role}."),
                Field("traffic", .object(traffic), "Traffic from the generator in 'on'."),
                Field("wait", wait, "Pause, or poll a condition."),
                Field("copy", .object(copy), "Copy a file to the role in 'on'."),
                Field("vm", .object(vm), "Start or stop a VM role."),
                Field("block", .list(.ref("step")), "A group of steps."),
                Field("always", .list(.ref("step")), "block: steps that run after it whatever happened."),
                Field("parallel", .scalar(.boolean), "block: its steps run independently, not in sequence."),
                Field("use", name, "Expand a template here; its steps get ids '<id>.<step>'."),
                Field("with", .dictionary(text), "use: values for the template's params."),
                Field("expect", .object(expect), "What the output must show."),
                Field("capture", .dictionary(capture), "Values captured from the output into names."),
                Field("timeout", .scalar(.duration), "Fail the step after this long."),
                Field("retries", .scalar(.integer), "Retry a failing step this many times."),
                Field("retry_delay", .scalar(.duration), "Delay before the first retry; doubles each time."),
            ], exactlyOne: actions)
    }

    /// The whole scenario file.
    public static var scenario: ObjectShape {
        ObjectShape(
            "scenario",
            [
                Field("name", name, required: true, "Short name, used for run directories and JUnit suites."),
                Field("title", text, required: true, "The how-to's title."),
                Field("guide", text, "The guide chapter it implements."),
                Field("doc", text, "Overview."),
                Field("requires", capabilities, "Capabilities the lab must have."),
                Field("include", .list(text), "Files whose params, roles, sessions and templates are merged in."),
                Field("params", .dictionary(.object(param)), "Typed params, overridable with --set."),
                Field("roles", .dictionary(role), "Hosts, VMs, containers, forwarders, switch, traffic generator."),
                Field("links", .list(.object(link)), "Cabling between roles."),
                Field("sessions", .dictionary(.object(session)), "Named interactive terminals, the guide's Terminal 1…4."),
                Field("templates", .dictionary(.object(template)), "Reusable step lists with params."),
                Field("steps", .list(.object(step)), "The steps."),
                Field("always", .list(.object(step)), "Steps run at the end whatever happened (cleanup)."),
                Field("rounds", .object(rounds), "The block --rounds N repeats (a migration), and the roles and sessions that swap on the way back."),
                Field(
                    "results", .list(.object(reportLine)),
                    "The figures to share when the run ends, as the guide's results template: lines of a label and a value with ${params}, ${captures} and ${lab.…}; written to results.txt, run.json and the summary."
                ),
                Field(
                    "hops", .list(.object(reportLine)),
                    "The packets each hop of the path counted in one trial, in path order (a label and a captured count): the report's per-hop table says how many each hop lost."
                ),
            ])
    }

    static let reportLine = ObjectShape(
        "report line",
        [
            Field("label", text, required: true, "What the line is (the template's Traffic Generator, Result; a hop's name)."),
            Field("value", text, required: true, "Its value: text with ${params}, ${captures} and ${lab.…}; a capture no step took says so."),
        ])

    static let rounds = ObjectShape(
        "rounds",
        [
            Field("block", name, required: true, "Id of the top-level block that is one round."),
            Field(
                "swap", .dictionary(name), required: true,
                "Roles and sessions that change places on every other round (vm1: vm1_dst, h1_mon: h2_mon, host_server_1: host_server_2…)."),
            Field("doc", text, "What a round does."),
        ])

    static var template: ObjectShape {
        ObjectShape(
            "template",
            [
                Field("params", .list(name), "Names the template's steps reference as ${name}."),
                Field("doc", text, "What it does."),
                Field("steps", .list(.ref("step")), required: true, "The steps."),
            ])
    }

    /// A file that only carries shared parts (an `include:` target).
    public static var fragment: ObjectShape {
        var shape = scenario
        shape.name = "include file"
        shape.fields = shape.fields.map { f in
            var f = f
            f.required = false
            return f
        }
        return shape
    }
}
