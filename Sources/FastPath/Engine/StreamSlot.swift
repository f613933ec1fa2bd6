/// A stream as its lcore runs it: the two ports as unretained references (the port table keeps them
/// alive while forwarding runs), the addresses mac mode writes, and the generator's state.
struct StreamSlot {
    /// The receive and transmit ports, as the hot loop calls them (`receiver.port` for anything else).
    let receiver: PortHandle
    let sender: PortHandle
    let rxId: Int
    let txId: Int
    /// This stream's own counters (rx, tx, tx-dropped), in its lcore's block.
    let counters: UnsafeMutablePointer<PortCounters>
    let destination: (UInt32, UInt16)
    let source: (UInt32, UInt16)
    /// The frame txonly/flowgen copy, built for this stream's tx port and peer.
    let template: UnsafeMutableRawPointer
    let templateLength: Int
    var sequence: UInt64 = 0
    var flow: UInt32 = 0
    /// Generator credit: packets it may still send under the rate limit.
    var credit: Double = 0
    /// vhost-switch: the ports a frame may go to, and the address table.
    var fabric: SwitchFabric? = nil
}
