/// The emulated NIC's whole state, as the one element of the BPF array map its steering program reads
/// (and pinned with it): the rule slots in the order the program tries them (the most specific rule
/// first: the one comparing the most bits, then the lower location), the miss counter, where frames go, the
/// model and whether n-tuple filtering is on. `bytes` is the map value; the offsets here are the only
/// description of its layout, used by the program generator and by the tools alike.
public struct SteeringTable: Sendable, Equatable {
    /// Rule slots, and rule locations 0 up to this.
    public static let slotCount = 32
    /// The most VFs a NIC is created with.
    public static let maximumVFs = 8

    /// Offsets in a slot.
    enum SlotField {
        static let mask = 0, value = 48, target = 96, flags = 100, hits = 104, ringCookie = 112, userDef = 120, flowType = 128, queue = 132, location = 136
        static let size = 144
    }

    /// Offsets in the table after the slots.
    enum TableField {
        static let misses = SteeringTable.slotCount * SlotField.size
        static let pfTarget = misses + 8, model = misses + 12, ntuple = misses + 16, vfCount = misses + 20
        static let vfTargets = misses + 24
        static let size = vfTargets + 4 * SteeringTable.maximumVFs + 4
    }

    /// Slot flags.
    enum SlotFlag {
        static let valid: UInt32 = 1, drop: UInt32 = 2
    }

    /// The map value.
    public private(set) var bytes: [UInt8]

    /// An empty table: no rules, n-tuple filtering on.
    public init(model: NICModel, pfTarget: Int32, vfTargets: [Int32]) {
        bytes = [UInt8](repeating: 0, count: TableField.size)
        write(UInt32(bitPattern: pfTarget), at: TableField.pfTarget)
        write(model.code, at: TableField.model)
        write(UInt32(1), at: TableField.ntuple)
        write(UInt32(vfTargets.count), at: TableField.vfCount)
        for (i, t) in vfTargets.prefix(Self.maximumVFs).enumerated() { write(UInt32(bitPattern: t), at: TableField.vfTargets + 4 * i) }
    }

    /// A table read back from the map; nil when its size is not the layout's.
    public init?(bytes: [UInt8]) {
        guard bytes.count == TableField.size else { return nil }
        self.bytes = bytes
    }

    private func read<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        (0..<T.bitWidth / 8).reduce(T.zero) { $0 | T(truncatingIfNeeded: bytes[offset + $1]) << ($1 * 8) }
    }

    private mutating func write<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0..<T.bitWidth / 8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (i * 8)) }
    }

    /// The NIC's model.
    public var model: NICModel { NICModel(code: read(UInt32.self, at: TableField.model)) ?? .niantic }
    /// Where unmatched frames go (the wire end of the PF's interface).
    public var pfTarget: Int32 { Int32(bitPattern: read(UInt32.self, at: TableField.pfTarget)) }
    /// The wire ends of the VFs' interfaces, by VF number.
    public var vfTargets: [Int32] {
        (0..<Int(read(UInt32.self, at: TableField.vfCount))).map { Int32(bitPattern: read(UInt32.self, at: TableField.vfTargets + 4 * $0)) }
    }
    /// Frames no rule matched.
    public var misses: UInt64 { read(UInt64.self, at: TableField.misses) }
    /// Whether n-tuple filtering is on (`ethtool -K dev ntuple on`).
    public var ntuple: Bool {
        get { read(UInt32.self, at: TableField.ntuple) != 0 }
        set { write(UInt32(newValue ? 1 : 0), at: TableField.ntuple) }
    }

    /// The rules, by location.
    public var rules: [SteeringSlot] {
        get { (0..<Self.slotCount).compactMap(slot).sorted { $0.location < $1.location } }
        set {
            let ordered = newValue.sorted { ($0.match.specificity, -Int($0.location)) > ($1.match.specificity, -Int($1.location)) }
            for i in 0..<Self.slotCount { setSlot(i, i < ordered.count ? ordered[i] : nil) }
        }
    }

    /// The rule at a location, or nil.
    public func rule(at location: Int) -> SteeringSlot? { rules.first { Int($0.location) == location } }

    /// The rule in a slot, or nil for a free one.
    private func slot(_ index: Int) -> SteeringSlot? {
        let base = index * SlotField.size
        let flags = read(UInt32.self, at: base + SlotField.flags)
        guard flags & SlotFlag.valid != 0 else { return nil }
        var match = FlowMatch()
        for k in 0..<6 {
            match.mask[k] = read(UInt64.self, at: base + SlotField.mask + 8 * k)
            match.value[k] = read(UInt64.self, at: base + SlotField.value + 8 * k)
        }
        return SteeringSlot(
            match: match, target: Int32(bitPattern: read(UInt32.self, at: base + SlotField.target)), drop: flags & SlotFlag.drop != 0,
            hits: read(UInt64.self, at: base + SlotField.hits), ringCookie: read(UInt64.self, at: base + SlotField.ringCookie),
            userDef: read(UInt64.self, at: base + SlotField.userDef), flowType: read(UInt32.self, at: base + SlotField.flowType),
            queue: read(UInt32.self, at: base + SlotField.queue), location: read(UInt32.self, at: base + SlotField.location))
    }

    /// Puts a rule in a slot, or frees the slot.
    private mutating func setSlot(_ index: Int, _ slot: SteeringSlot?) {
        let base = index * SlotField.size
        for i in 0..<SlotField.size { bytes[base + i] = 0 }
        guard let slot else { return }
        for k in 0..<6 {
            write(slot.match.mask[k], at: base + SlotField.mask + 8 * k)
            write(slot.match.value[k] & slot.match.mask[k], at: base + SlotField.value + 8 * k)
        }
        write(UInt32(bitPattern: slot.target), at: base + SlotField.target)
        write(SlotFlag.valid | (slot.drop ? SlotFlag.drop : 0), at: base + SlotField.flags)
        write(slot.ringCookie, at: base + SlotField.ringCookie)
        write(slot.userDef, at: base + SlotField.userDef)
        write(slot.flowType, at: base + SlotField.flowType)
        write(slot.queue, at: base + SlotField.queue)
        write(slot.location, at: base + SlotField.location)
        write(slot.hits, at: base + SlotField.hits)
    }
}
