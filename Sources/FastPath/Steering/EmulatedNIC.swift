import CFastPath
import Glibc

/// A PF with VFs and a flow director, emulated with XDP on veth pairs (the virtual lab's stand-in for
/// ixgbe's and i40e's flow bifurcation). Frames arrive on the uplink (the lab's link); its steering
/// program sends those a rule matches to a VF's interface (where a DPDK application serves it, over
/// AF_XDP) and the rest to the PF's interface (the kernel's). The PF's and the VFs' interfaces are
/// veth pairs whose other ends (the wire ends) send what the kernel and the VFs transmit out of the
/// uplink. VF-to-VF and VF-to-PF frames are not switched inside the NIC: they leave on the uplink.
///
/// The state outlives the process that made it: the programs' links and the table map are pinned
/// in a bpf filesystem at `root` (one directory per network namespace and PF), so later `ethtool`
/// calls change rules in place and `destroy` (unpinning) detaches everything. A rule change rewrites
/// the table: hits counted while it is written may be lost.
public final class EmulatedNIC {
    /// The PF's interface (the name the host and ethtool know).
    public let pf: String
    /// Where its objects are pinned.
    public let directory: String
    private let tableFD: Int32

    private init(pf: String, directory: String, tableFD: Int32) {
        self.pf = pf
        self.directory = directory
        self.tableFD = tableFD
    }

    deinit { Glibc.close(tableFD) }

    /// XDP_FLAGS_SKB_MODE (a macro Swift does not import): every program runs in the generic path,
    /// which redirects between veths.
    static let skbMode: UInt32 = 1 << 1

    /// The bpffs directory holding all emulated NICs.
    public static let root = "/run/labrunner-bpf"

    /// Mounts the bpf filesystem at `root` unless one is there. Call it outside network namespaces'
    /// mount namespaces (`ip netns exec` gives each command a private /sys, which is why the NICs are
    /// not pinned under /sys/fs/bpf): mounted inside one, it would vanish with the command.
    public static func mountFilesystem() throws(FastPathError) {
        if cfp_bpf_fs(root) == 1 { return }
        mkdir(root, 0o700)
        guard mount("bpf", root, "bpf", 0, nil) == 0 else { throw .system("mounting a bpf filesystem at \(root)", errno) }
    }

    /// The pin directory of the NIC whose PF is `pf` in this thread's network namespace.
    static func directory(pf: String) -> String { "\(root)/nic-\(cfp_netns_inode())-\(pf)" }

    private static func index(_ name: String) throws(FastPathError) -> Int32 {
        let i = if_nametoindex(name)
        guard i != 0 else { throw .invalid("\(name): no such interface in this network namespace") }
        return Int32(i)
    }

    private static func check(_ result: Int32, _ what: @autoclosure () -> String) throws(FastPathError) -> Int32 {
        guard result >= 0 else { throw .system(what(), -result) }
        return result
    }

    private static func load(_ program: [UInt64], name: String) throws(FastPathError) -> Int32 {
        var log = [CChar](repeating: 0, count: 1 << 16)
        let fd = program.withUnsafeBytes { cfp_bpf_xdp_load($0.baseAddress, UInt32(program.count), name, &log, UInt32(log.count)) }
        guard fd >= 0 else {
            let text = String(decoding: log.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let tail = text.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw .system("loading the \(name) XDP program\(tail.isEmpty ? "" : " (verifier: \(tail))")", -fd)
        }
        return fd
    }

    /// Creates the NIC: the table, the steering program on `uplink`, and the uplink programs on the
    /// wire ends of the PF's and each VF's interface (`vfs[i]` is VF i's wire end). All interfaces must
    /// exist and be up. A NIC already made for this PF is an error.
    public static func create(pf: String, model: NICModel, uplink: String, pfWire: String, vfWires: [String]) throws(FastPathError) -> EmulatedNIC {
        guard vfWires.count <= SteeringTable.maximumVFs else {
            throw .invalid("\(vfWires.count) VFs: the emulated NIC has at most \(SteeringTable.maximumVFs)")
        }
        guard cfp_bpf_fs(root) == 1 else {
            throw .invalid(
                "\(root) is not a bpf filesystem: mount one there (mkdir -p \(root) && mount -t bpf bpf \(root)) outside any network namespace's mount namespace, so the emulated NIC can keep its state"
            )
        }
        let directory = directory(pf: pf)
        guard access(directory, F_OK) != 0 else { throw .invalid("\(pf): an emulated NIC exists already (\(directory))") }
        let uplinkIndex = try index(uplink)
        _ = try index(pf)
        let pfTarget = try index(pfWire)
        var vfTargets: [Int32] = []
        for wire in vfWires { vfTargets.append(try index(wire)) }
        guard mkdir(directory, 0o700) == 0 else { throw .system("creating \(directory)", errno) }
        var made = false
        defer { if !made { removePins(directory) } }
        let table = SteeringTable(model: model, pfTarget: pfTarget, vfTargets: vfTargets)
        let map = try check(cfp_bpf_map_create(2, 4, UInt32(table.bytes.count), 1, "lr_nic_table"), "creating the NIC's table map")
        var key: UInt32 = 0
        _ = try check(table.bytes.withUnsafeBytes { cfp_bpf_map_update(map, &key, $0.baseAddress) }, "writing the NIC's table")
        _ = try check(cfp_bpf_pin(map, "\(directory)/table"), "pinning the NIC's table")
        let nic = EmulatedNIC(pf: pf, directory: directory, tableFD: map)
        try attach(try load(try SteeringProgram.steering(map: map), name: "lr_nic_steer"), name: "steering", on: uplinkIndex, pin: "\(directory)/uplink")
        let back = try load(try SteeringProgram.toUplink(uplinkIndex), name: "lr_nic_uplink")
        defer { Glibc.close(back) }
        for (name, target) in [("pf", pfTarget)] + vfTargets.enumerated().map({ ("vf\($0.offset)", $0.element) }) {
            let link = try check(cfp_bpf_xdp_link(back, target, skbMode), "attaching the uplink program to \(name)'s wire end")
            defer { Glibc.close(link) }
            _ = try check(cfp_bpf_pin(link, "\(directory)/\(name)"), "pinning \(name)'s link")
        }
        made = true
        return nic
    }

    private static func attach(_ program: Int32, name: String, on interface: Int32, pin: String) throws(FastPathError) {
        defer { Glibc.close(program) }
        let link = try check(cfp_bpf_xdp_link(program, interface, skbMode), "attaching the \(name) program")
        defer { Glibc.close(link) }
        _ = try check(cfp_bpf_pin(link, pin), "pinning the \(name) link")
    }

    /// The NIC whose PF is `pf` in this network namespace; an error says when there is none.
    public static func open(pf: String) throws(FastPathError) -> EmulatedNIC {
        let directory = directory(pf: pf)
        let fd = cfp_bpf_pinned("\(directory)/table")
        guard fd >= 0 else {
            throw fd == -ENOENT
                ? .invalid("\(pf): not an emulated NIC of the virtual lab (Cannot get driver information: Operation not supported)")
                : .system("opening \(directory)/table", -fd)
        }
        return EmulatedNIC(pf: pf, directory: directory, tableFD: fd)
    }

    /// The table as it is now (hit counters included).
    public func table() throws(FastPathError) -> SteeringTable {
        var bytes = [UInt8](repeating: 0, count: SteeringTable.TableField.size)
        var key: UInt32 = 0
        _ = try Self.check(bytes.withUnsafeMutableBytes { cfp_bpf_map_lookup(tableFD, &key, $0.baseAddress) }, "reading \(pf)'s table")
        guard let table = SteeringTable(bytes: bytes) else { throw .invalid("\(pf): the table has another layout") }
        return table
    }

    /// Replaces the table.
    public func write(_ table: SteeringTable) throws(FastPathError) {
        var key: UInt32 = 0
        _ = try Self.check(table.bytes.withUnsafeBytes { cfp_bpf_map_update(tableFD, &key, $0.baseAddress) }, "writing \(pf)'s table")
    }

    /// Removes the NIC: its programs detach as their pins go.
    public func destroy() { Self.removePins(directory) }

    private static func removePins(_ directory: String) {
        guard let dir = opendir(directory) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink("\(directory)/\(name)") }
        }
        closedir(dir)
        rmdir(directory)
    }
}
