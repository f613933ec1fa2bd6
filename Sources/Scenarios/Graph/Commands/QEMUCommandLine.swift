import Foundation

/// Builds the QEMU command line for a VM role on a lab host. The same builder serves the plan
/// and the QEMU launcher, so what the plan prints is what runs.
public struct QEMUCommandLine: Sendable {
    /// The VM role.
    public let role: Role
    /// The lab.
    public let lab: Lab
    /// The lab host it runs on.
    public let host: LabHost
    /// Whether a forwarder role runs in this guest (the lab then attaches its FastPath disk to it).
    public let runsForwarder: Bool

    /// Creates a builder.
    public init(role: Role, lab: Lab, host: LabHost, runsForwarder: Bool = false) {
        self.role = role
        self.lab = lab
        self.host = host
        self.runsForwarder = runsForwarder
    }

    /// The initrd a disk-less guest boots.
    public var initrd: String? { role.vm?.initrd ?? lab.guestInitrd }

    /// Whether the guest runs under TCG (the lab says so, or lacks a working KVM).
    public var usesTCG: Bool { lab.accel == "tcg" || (lab.accel == "auto" && !lab.has("kvm", on: host)) }

    /// QEMU 7.2 with vhost-user under TCG crashes unless MSI-X is off; a QEMU that does not (the
    /// host's `vhost-user-msix` capability, found from its version on the virtual lab) keeps it.
    var offMSIX: Bool { usesTCG && !lab.has(Capability.vhostUserMSIX.rawValue, on: host) }

    /// Path of the QMP socket labrunner talks to.
    public var qmpSocket: String { role.vm?.qmp ?? "\(host.workdir)/\(role.name.value).qmp" }
    /// The monitor as QEMU's -qmp names it: `unix:PATH` or `tcp:HOST:PORT`.
    public var qmpAddress: String { qmpSocket.hasPrefix("tcp:") ? qmpSocket : "unix:\(qmpSocket)" }

    /// Path of the serial console socket (guest console sessions).
    public var consoleSocket: String { "\(host.workdir)/\(role.name.value).console" }

    /// The arguments, starting with the binary (and `taskset` when pinned).
    public var arguments: [String] {
        guard let vm = role.vm else { return [] }
        var a: [String] = []
        // The virtual lab has its own few cores; the scenario's pinning is for real hosts.
        if let pin = vm.pin, !lab.isVirtual { a += ["taskset", "-c", pin.value.description] }
        a.append(lab.qemuPath)
        a += ["-name", vm.name ?? role.name.value]
        if let machine = vm.machine { a += ["-machine", machine] }
        a += usesTCG ? ["-accel", "tcg", "-cpu", "max"] : ["-enable-kvm", "-cpu", vm.cpu ?? "host"]
        let mib = Int(vm.memory.value.converted(to: .MiB))
        a += ["-m", "\(mib)", "-smp", "\(vm.vcpus.value)"]
        if let backing = effectiveBacking {
            switch backing.type {
            case "memfd":
                a += ["-object", "memory-backend-memfd,id=mem,size=\(mib)M,share=\(backing.share ? "on" : "off")"]
            case "file", "hugepages":
                a += ["-object", "memory-backend-file,id=mem,size=\(mib)M,mem-path=\(memoryPath ?? ""),share=\(backing.share ? "on" : "off")"]
            default:
                a += ["-object", "memory-backend-ram,id=mem,size=\(mib)M"]
            }
            a += ["-numa", "node,memdev=mem"]
            if backing.prealloc { a.append("-mem-prealloc") }
        }
        a += ["-no-reboot", "-nographic", "-vnc", "none", "-net", "none"]
        if let disk = bootDisk {
            a += ["-hda", disk]
        } else if let kernel = bootKernel {
            a += ["-kernel", kernel]
            if let initrd { a += ["-initrd", initrd] }
            a += ["-append", vm.append ?? "console=ttyS0 quiet"]
        }
        for nic in vm.nics where !nic.hotplug { a += arguments(for: nic) }
        // In the last slot of the bus, the same on a migration's source and destination whatever NICs
        // either has (a slot given by order would move with a hot-plugged VF, and the migration fail).
        if let image = forwarderImage {
            a += ["-drive", "file=\(image),if=none,id=lrfastpath,format=raw,readonly=on", "-device", "virtio-blk-pci,drive=lrfastpath,addr=0x1f"]
        }
        if let incoming = vm.incoming { a += ["-incoming", incoming] }
        if let monitor = vm.monitor { a += ["-monitor", monitor] }
        a += ["-qmp", "\(qmpAddress),server=on,wait=off"]
        if lab.isVirtual { a += ["-serial", "unix:\(consoleSocket),server=on,wait=off"] }
        return a
    }

    /// The QMP commands that hot-plug a NIC: `device_add` of the VF (vfio-pci), or in the virtual lab a
    /// `netdev_add` of a tap plus `device_add` of the emulated NIC that stands in for it.
    public func hotplug(_ nic: VMNIC) -> [JSONValue] {
        func command(_ name: String, _ arguments: [(String, JSONValue)]) -> JSONValue {
            .object([("execute", .string(name)), ("arguments", .object(arguments))])
        }
        var device: [(String, JSONValue)]
        var out: [JSONValue] = []
        if nic.type == "vf", !emulatesVF {
            device = [("driver", .string("vfio-pci")), ("host", .string(nic.hostPCI?.description ?? "")), ("id", .string(nic.id.value))]
        } else {
            let netdev = nic.type == "vf" ? "\(nic.id.value)-net" : nic.id.value
            out.append(
                command(
                    "netdev_add",
                    [
                        ("type", .string("tap")), ("id", .string(netdev)), ("ifname", .string(tapName(nic))),
                        ("script", .string("no")), ("downscript", .string("no")),
                    ]))
            device = [("driver", .string(nic.type == "vf" ? "e1000" : "virtio-net-pci")), ("netdev", .string(netdev)), ("id", .string(nic.id.value))]
            if let mac = guestMAC(nic) { device.append(("mac", .string(mac))) }
        }
        if let pci = nic.pci { device.append(("addr", .string("0x\(String(pci.device, radix: 16))"))) }
        out.append(command("device_add", device))
        return out
    }

    private func tapName(_ nic: VMNIC) -> String { Self.tapName(nic, role: role.name.value) }

    /// The tap a NIC of VM role `role` gets (its `ifname`, else made from the role's and NIC's names).
    static func tapName(_ nic: VMNIC, role: String) -> String { nic.ifname ?? "\(role.prefix(8))-\(nic.id.value)" }

    /// `mac` with its multicast bit cleared (see `guestMAC`).
    static func unicast(_ mac: String) -> String {
        guard let first = UInt8(mac.prefix(2), radix: 16), first & 1 == 1 else { return mac }
        return String(format: "%02x", first & 0xFE) + mac.dropFirst(2)
    }

    /// Whether VFs are emulated (virtual lab without SR-IOV).
    public var emulatesVF: Bool { lab.emulate.contains("sriov") && !host.capabilities.contains("sriov") }

    /// The directory QEMU puts the guest's memory file in (a file or hugepages backing): a hugetlbfs mount
    /// as a rule. QEMU makes a file of its own there and removes it; a path that is not a directory it
    /// would create as one file that every VM started with it shares.
    public var memoryPath: String? {
        guard let backing = effectiveBacking, backing.type == "file" || backing.type == "hugepages" else { return nil }
        return backing.path ?? "/dev/hugepages"
    }

    /// The disk the guest boots: the scenario's, except on the virtual lab, which boots its own small guest.
    var bootDisk: String? { lab.isVirtual && lab.guestKernel != nil ? nil : role.vm?.disk }

    /// The kernel booted directly when there is no boot disk: the virtual lab's own first, a real lab the scenario's.
    var bootKernel: String? {
        guard bootDisk == nil, let vm = role.vm else { return nil }
        return lab.isVirtual ? lab.guestKernel ?? vm.kernel : vm.kernel ?? lab.guestKernel
    }

    /// The virtual lab's read-only disk of FastPath and its libraries, for a disk-less guest a forwarder runs in.
    var forwarderImage: String? { runsForwarder && lab.isVirtual && bootDisk == nil ? lab.guestFastPath : nil }

    /// The memory backing QEMU gets: the scenario's, or memfd where the lab says (the virtual lab has no hugepages to spare).
    var effectiveBacking: MemoryBacking? {
        guard let vm = role.vm else { return nil }
        let written = vm.backing
        guard lab.memoryBacking == "memfd", let written, written.type != "anonymous" else { return written }
        return MemoryBacking(type: "memfd", path: nil, share: written.share, prealloc: false, pageSize: nil)
    }

    /// The NIC's MAC as the guest gets it. On the virtual lab the guest's kernel drives every NIC (FastPath
    /// forwards over AF_PACKET on it), and Linux will not bring up an interface whose address has the
    /// multicast bit set — which the guide's `DD:BB:BB:BB:BB:BB` has (its DPDK never asks the kernel) —
    /// so that bit is cleared there.
    func guestMAC(_ nic: VMNIC) -> String? {
        guard let written = nic.mac?.value.description else { return nil }
        return lab.isVirtual ? Self.unicast(written) : written
    }

    private func arguments(for nic: VMNIC) -> [String] {
        var device = ["virtio-net-pci", "netdev=\(nic.id.value)"]
        if let mac = guestMAC(nic) { device.append("mac=\(mac)") }
        if let pci = nic.pci, pci.bus == 0 { device.append("addr=0x\(String(pci.device, radix: 16))") }
        if let size = nic.rxQueueSize { device.append("rx_queue_size=\(size)") }
        if let options = nic.options { device.append(options) }
        switch nic.type {
        case "vhost-user":
            let chardev = "chr-\(nic.id.value)"
            var cd = "socket,id=\(chardev),path=\(nic.socket?.value ?? "")"
            if nic.mode == "server" { cd += ",server=on,wait=off" }
            var netdev = "type=vhost-user,id=\(nic.id.value),chardev=\(chardev),vhostforce=on"
            if let q = nic.queues, q > 1 {
                netdev += ",queues=\(q)"
                device.append("mq=on")
                if !offMSIX { device.append("vectors=\(2 * q + 2)") }
            }
            if offMSIX { device.append("vectors=0") }
            return ["-chardev", cd, "-netdev", netdev, "-device", device.joined(separator: ",")]
        case "tap", "bridge":
            var netdev = "type=tap,id=\(nic.id.value),script=no,downscript=no"
            if let ifname = nic.ifname { netdev += ",ifname=\(ifname)" }
            return ["-netdev", netdev, "-device", device.joined(separator: ",")]
        case "vf":
            if emulatesVF {
                var e1000 = ["e1000", "netdev=\(nic.id.value)-net", "id=\(nic.id.value)"]
                if let mac = guestMAC(nic) { e1000.append("mac=\(mac)") }
                if let pci = nic.pci { e1000.append("addr=0x\(String(pci.device, radix: 16))") }
                return [
                    "-netdev", "type=tap,id=\(nic.id.value)-net,script=no,downscript=no,ifname=\(tapName(nic))",
                    "-device", e1000.joined(separator: ","),
                ]
            }
            return [
                "-device",
                "vfio-pci,host=\(nic.hostPCI?.description ?? ""),id=\(nic.id.value)" + (nic.pci.map { ",addr=0x\(String($0.device, radix: 16))" } ?? ""),
            ]
        default:
            return ["-netdev", "type=user,id=\(nic.id.value)", "-device", device.joined(separator: ",")]
        }
    }
}
