import Foundation

/// Builds libvirt domain XML from a VM role: vhost-user interfaces, shared/hugepage memory,
/// vCPU pinning, direct kernel boot — the PVP how-to's libvirt way.
public struct DomainXML: Sendable {
    /// The VM role.
    public let role: Role
    /// QEMU details (accelerator, backing, paths) shared with the command line.
    public let qemu: QEMUCommandLine

    /// Creates a builder.
    public init(role: Role, qemu: QEMUCommandLine) {
        self.role = role
        self.qemu = qemu
    }

    /// The domain XML.
    public var xml: String {
        guard let vm = role.vm else { return "" }
        let kib = Int(vm.memory.value.converted(to: .KiB))
        var x: [String] = []
        x.append("<domain type='\(qemu.usesTCG ? "qemu" : "kvm")'>")
        x.append("  <name>\(Self.escape(vm.name ?? role.name.value))</name>")
        x.append("  <memory unit='KiB'>\(kib)</memory>")
        x.append("  <currentMemory unit='KiB'>\(kib)</currentMemory>")
        if let backing = qemu.effectiveBacking {
            x.append("  <memoryBacking>")
            if backing.type == "hugepages" {
                let page = Int((backing.pageSize ?? Quantity(2, .MiB)).converted(to: .KiB))
                x.append("    <hugepages>")
                x.append("      <page size='\(page)' unit='KiB' nodeset='0'/>")
                x.append("    </hugepages>")
            } else if backing.type == "memfd" {
                x.append("    <source type='memfd'/>")
            }
            if backing.share { x.append("    <access mode='shared'/>") }
            if backing.prealloc { x.append("    <locked/>") }
            x.append("  </memoryBacking>")
        }
        x.append("  <vcpu placement='static'>\(vm.vcpus.value)</vcpu>")
        // The virtual lab has its own few cores; the scenario's pinning is for real hosts (as with QEMU's taskset).
        if let pin = vm.pin, !qemu.lab.isVirtual {
            x.append("  <cputune>")
            for (vcpu, core) in zip(0..<vm.vcpus.value, pin.value.cores.cycled(count: vm.vcpus.value)) {
                x.append("    <vcpupin vcpu='\(vcpu)' cpuset='\(core)'/>")
            }
            x.append("    <emulatorpin cpuset='\(pin.value.cores.first ?? 0)'/>")
            x.append("  </cputune>")
        }
        x.append("  <os>")
        x.append("    <type arch='x86_64' machine='\(Self.escape(vm.machine ?? "pc"))'>hvm</type>")
        if let kernel = qemu.bootKernel {
            x.append("    <kernel>\(Self.escape(kernel))</kernel>")
            if let initrd = qemu.initrd { x.append("    <initrd>\(Self.escape(initrd))</initrd>") }
            x.append("    <cmdline>\(Self.escape(vm.append ?? "console=ttyS0 quiet"))</cmdline>")
        } else {
            x.append("    <boot dev='hd'/>")
        }
        x.append("  </os>")
        // Without <acpi/> libvirt 9 passes QEMU -no-acpi, an option QEMU 10 no longer has.
        x.append("  <features><acpi/></features>")
        x.append(qemu.usesTCG ? "  <cpu mode='custom' match='exact'><model>qemu64</model>" : "  <cpu mode='host-passthrough'>")
        x.append("    <numa>")
        x.append("      <cell id='0' cpus='0-\(vm.vcpus.value - 1)' memory='\(kib)' unit='KiB'\(vm.backing?.share == true ? " memAccess='shared'" : "")/>")
        x.append("    </numa>")
        x.append("  </cpu>")
        x.append("  <devices>")
        if let disk = qemu.bootDisk {
            // libvirt never probes a disk's format (it takes raw): a qcow2 image must say so.
            let format = disk.lowercased().hasSuffix(".qcow2") ? "qcow2" : "raw"
            x.append(
                "    <disk type='file' device='disk'><driver name='qemu' type='\(format)'/><source file='\(Self.escape(disk))'/><target dev='hda' bus='ide'/></disk>"
            )
        }
        for nic in vm.nics where !nic.hotplug {
            x += interface(nic)
        }
        if let image = qemu.forwarderImage {
            x.append(
                "    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\(Self.escape(image))'/><target dev='vda' bus='virtio'/><readonly/></disk>"
            )
        }
        if qemu.lab.isVirtual {
            // The console socket labrunner's console sessions connect to, as with QEMU launched directly.
            let socket = Self.escape(qemu.consoleSocket)
            x.append("    <serial type='unix'><source mode='bind' path='\(socket)'/><target port='0'/></serial>")
            x.append("    <console type='unix'><source mode='bind' path='\(socket)'/><target type='serial' port='0'/></console>")
        } else {
            x.append("    <serial type='pty'><target port='0'/></serial>")
            x.append("    <console type='pty'><target type='serial' port='0'/></console>")
        }
        x.append("  </devices>")
        x.append("</domain>")
        return x.joined(separator: "\n")
    }

    private func interface(_ nic: VMNIC) -> [String] {
        var x: [String] = []
        switch nic.type {
        case "vhost-user":
            x.append("    <interface type='vhostuser'>")
            if let mac = qemu.guestMAC(nic) { x.append("      <mac address='\(mac)'/>") }
            x.append("      <source type='unix' path='\(Self.escape(nic.socket?.value ?? ""))' mode='\(nic.mode)'/>")
            x.append("      <model type='virtio'/>")
            var driver = "      <driver name='vhost'"
            if let q = nic.queues { driver += " queues='\(q)'" }
            if let size = nic.rxQueueSize { driver += " rx_queue_size='\(size)'" }
            x.append(driver + "/>")
        case "vf":
            x.append("    <hostdev mode='subsystem' type='pci' managed='yes'>")
            if let pci = nic.hostPCI {
                x.append("      <source><address \(pci.libvirtAttributes)/></source>")
            }
            x.append("    </hostdev>")
            return x
        case "tap", "bridge":
            x.append(nic.bridge != nil ? "    <interface type='bridge'>" : "    <interface type='ethernet'>")
            if let mac = qemu.guestMAC(nic) { x.append("      <mac address='\(mac)'/>") }
            if let bridge = nic.bridge { x.append("      <source bridge='\(Self.escape(bridge))'/>") }
            if let ifname = nic.ifname { x.append("      <target dev='\(Self.escape(ifname))'/>") }
            x.append("      <model type='virtio'/>")
        default:
            x.append("    <interface type='user'>")
            if let mac = qemu.guestMAC(nic) { x.append("      <mac address='\(mac)'/>") }
            x.append("      <model type='virtio'/>")
        }
        if let pci = nic.pci {
            x.append("      <address type='pci' \(pci.libvirtAttributes)/>")
        }
        x.append("    </interface>")
        return x
    }

    /// `s` as XML text or a single-quoted attribute value.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&apos;")
    }
}

extension Array where Element == Int {
    /// The elements repeated until there are `count` of them.
    func cycled(count: Int) -> [Int] {
        guard !isEmpty else { return [] }
        return (0..<count).map { self[$0 % self.count] }
    }
}
