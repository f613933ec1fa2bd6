/// Creates ports from `--vdev` specs.
public enum PortFactory {
    /// Opens the device `spec` names. Ring peers are connected by the caller once both exist;
    /// virtio_user shares `pool` with its back-end.
    public static func make(_ spec: DeviceSpec, pool: PacketPool) throws(FastPathError) -> any Port {
        switch spec.driver {
        case "net_null":
            return NullPort(deviceName: spec.name, devargs: spec.devargs, size: try spec.integer("size", default: 64, in: 14...PacketPool.dataRoom))
        case "net_ring":
            return try RingPort(deviceName: spec.name, devargs: spec.devargs)
        case "net_af_packet":
            guard let iface = spec["iface"] else { throw .invalid("\(spec.name): net_af_packet needs iface=<interface>") }
            guard try spec.integer("qpairs", default: 1, in: 1...1) == 1 else { throw .invalid("\(spec.name): only qpairs=1") }
            let block = try spec.integer("blocksz", default: 1 << 16, in: 4096...(1 << 22))
            guard block & (block - 1) == 0 else { throw .invalid("\(spec.name): blocksz=\(block) must be a power of two") }
            let frames = try spec.integer("framecnt", default: 512, in: 8...65536)
            return try AFPacketPort(
                deviceName: spec.name, devargs: spec.devargs, interface: iface,
                blockSize: block, blockCount: max(4, frames * 2048 / block), frameCount: frames)
        case "net_af_xdp":
            guard let iface = spec["iface"] else { throw .invalid("\(spec.name): net_af_xdp needs iface=<interface>") }
            guard try spec.integer("start_queue", default: 0, in: 0...0) == 0, try spec.integer("queue_count", default: 1, in: 1...1) == 1 else {
                throw .invalid("\(spec.name): FastPath uses queue 0 only (start_queue=0, queue_count=1)")
            }
            let mode = spec["xdp_mode"] ?? "skb"
            guard mode == "skb" || mode == "native" else { throw .invalid("\(spec.name): xdp_mode=\(mode): use skb or native") }
            let frames = try spec.integer("frames", default: 4096, in: 64...65536)
            guard frames & (frames - 1) == 0 else { throw .invalid("\(spec.name): frames=\(frames) must be a power of two") }
            return try AFXDPPort(deviceName: spec.name, devargs: spec.devargs, interface: iface, native: mode == "native", frames: frames)
        case "net_vhost":
            guard let iface = spec["iface"] else { throw .invalid("\(spec.name): net_vhost needs iface=<socket path>") }
            let pairs = try spec.integer("queues", default: 1, in: 1...PortTable.maxQueues)
            return try VhostUserPort(
                deviceName: spec.name, devargs: spec.devargs, path: iface, client: try spec.integer("client", default: 0, in: 0...1) == 1,
                queuePairs: pairs)
        case "net_sriov":
            guard let uplink = spec["uplink"] else { throw .invalid("\(spec.name): net_sriov needs uplink=<interface> (the NIC's wire)") }
            let count = try spec.integer("vfs", default: 0, in: 0...64)
            let vfs = (0..<count).map { spec["vf\($0)"] ?? "" }
            if let missing = vfs.firstIndex(of: "") { throw .invalid("\(spec.name): vfs=\(count), but vf\(missing)=<interface> is missing") }
            let modelName = spec["model"] ?? "ixgbe"
            guard let model = NICModel(name: modelName) else {
                throw .invalid("\(spec.name): model=\(modelName): use ixgbe (82599) or i40e (X710)")
            }
            var macs: [Int: EtherAddress] = [:]
            for k in 0..<count {
                guard let text = spec["vf\(k)_mac"] else { continue }
                guard let mac = EtherAddress(text), mac.bytes.0 & 1 == 0 else {
                    throw .invalid("\(spec.name): vf\(k)_mac=\(text) is not a unicast MAC address")
                }
                macs[k] = mac
            }
            return try SRIOVPort(deviceName: spec.name, devargs: spec.devargs, model: model, uplink: uplink, vfInterfaces: vfs, vfMACs: macs, pool: pool)
        case "net_virtio_user":
            guard let path = spec["path"] else { throw .invalid("\(spec.name): virtio_user needs path=<vhost-user socket or /dev/vhost-net>") }
            let pairs = try spec.integer("queues", default: 1, in: 1...PortTable.maxQueues)
            guard try spec.integer("server", default: 0, in: 0...1) == 0 else { throw .invalid("\(spec.name): FastPath's virtio_user connects (server=0)") }
            guard try spec.integer("packed_vq", default: 0, in: 0...1) == 0 else {
                throw .invalid("\(spec.name): FastPath's virtio_user uses split rings (packed_vq=0)")
            }
            let port = try VirtioUserPort(
                deviceName: spec.name, devargs: spec.devargs, path: path, pool: pool, queuePairs: pairs, tap: spec["iface"] ?? "tap%d")
            if let text = spec["mac"] {
                guard let mac = EtherAddress(text) else { throw .invalid("\(spec.name): mac=\(text) is not a MAC address") }
                port.macAddress = mac
            }
            return port
        case "net_tap":
            let mac: EtherAddress?
            if let text = spec["mac"], text != "fixed" {
                guard let m = EtherAddress(text) else { throw .invalid("\(spec.name): mac=\(text) is not a MAC address") }
                mac = m
            } else {
                mac = spec["mac"] == "fixed" ? EtherAddress(0x02, 0x64, 0x74, 0x61, 0x70, 0x00) : nil
            }
            return try TapPort(deviceName: spec.name, devargs: spec.devargs, interface: spec["iface"] ?? "dtap%d", mac: mac)
        case "net_pcap":
            guard spec["rx_pcap"] != nil || spec["tx_pcap"] != nil else {
                throw .invalid("\(spec.name): net_pcap needs rx_pcap=<file> and/or tx_pcap=<file>")
            }
            return try PcapPort(
                deviceName: spec.name, devargs: spec.devargs, rxPath: spec["rx_pcap"], txPath: spec["tx_pcap"],
                infinite: try spec.integer("infinite_rx", default: 0, in: 0...1) == 1)
        default:
            throw .invalid("\(spec.name): unknown driver")
        }
    }
}
