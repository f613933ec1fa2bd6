/// A command at the `testpmd>` prompt or on the control socket, parsed.
public enum Command: Equatable, Sendable {
    /// A set of ports: `all` or one id.
    public enum Ports: Equatable, Sendable {
        case all
        case one(Int)
    }

    case start(txFirst: Int)
    case stop
    case quit
    case help
    case showPortInfo(Ports)
    case showPortStats(Ports)
    case showProbeStats(Ports)
    case clearPortStats(Ports)
    case showConfigFwd
    case showFwdStats
    case showMemory
    case setFwd(ForwardMode, retry: Bool)
    case setPortList([Int])
    case setEthPeer(port: Int, EtherAddress)
    case setPromisc(Ports, Bool)
    case setBurst(Int)
    case setTxPackets(Int)
    case setCoreCount(Int)
    case macAdd(port: Int, EtherAddress)
    case macRemove(port: Int, EtherAddress)
    case portStart(Ports)
    case portStop(Ports)
    case portClose(Ports)
    case portAttach(String)
    case portDetach(Int)
    case createBond(mode: Int, socket: Int)
    case addSlave(slave: Int, bond: Int)
    case removeSlave(slave: Int, bond: Int)
    case setPrimary(slave: Int, bond: Int)
    case showBondingConfig(Int)
    /// A PF's VF control (an emulated SR-IOV NIC's).
    case vf(VFCommand)
}
