import Glibc

/// The emulated SR-IOV NIC of a kernel PF (`labrunner nic sriov`), as the virtual lab runs it for a
/// host whose PF stays with the kernel (the bonded-VF migration how-to): the PF is a TAP interface
/// with the PF's name, the wire and VFs as for `net_sriov`; VF drivers reach the PF through the
/// mailbox (`VFMailbox`). It runs until SIGINT or SIGTERM.
public enum KernelPFNIC {
    /// One VF: its interface, and the address it starts with (else one made from the wire's).
    public struct VF: Sendable {
        public var interface: String
        public var mac: EtherAddress?

        /// Parses `IF` or `IF=MAC`.
        public init(_ text: String) throws(FastPathError) {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            interface = parts[0]
            guard !interface.isEmpty, interface.count < 16 else {
                throw .invalid("--vf \(text): give an interface name (at most 15 characters), optionally =MAC")
            }
            if parts.count == 2 {
                guard let m = EtherAddress(parts[1]), m.bytes.0 & 1 == 0 else { throw .invalid("--vf \(text): \(parts[1]) is not a unicast MAC address") }
                mac = m
            }
        }
    }

    /// Runs the NIC; `ready` is called once it serves (the wire and the PF's TAP open).
    public static func run(model: NICModel, uplink: String, pf: String, vfs: [VF], ready: () -> Void) throws(FastPathError) {
        let signals = SignalPipe.install()
        let pool = try PacketPool(count: 256)
        var macs: [Int: EtherAddress] = [:]
        for (k, vf) in vfs.enumerated() { macs[k] = vf.mac }
        let nic = try SRIOVNIC(model: model, uplink: uplink, vfInterfaces: vfs.map(\.interface), vfMACs: macs, kernelPF: pf, pool: pool)
        ready()
        var fd = pollfd(fd: signals, events: Int16(POLLIN), revents: 0)
        while SignalPipe.drain(signals).isEmpty { _ = poll(&fd, 1, -1) }
        nic.close()
    }
}
