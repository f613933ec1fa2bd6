/// Walks a descriptor chain — direct or through one indirect table — with every index and every
/// address checked: an index past the table, a chain longer than its table (a loop), a nested
/// indirect table, or a buffer outside guest memory stops the walk with an error.
struct DescriptorChain {
    /// One buffer of the chain, translated.
    struct Buffer {
        let pointer: UnsafeMutableRawPointer
        let guestPhysical: UInt64
        let length: Int
        let writable: Bool
    }

    private var table: UnsafeRawPointer
    private var tableSize: Int
    private var index: Int
    private var steps = 0
    private var indirect = false
    private var done = false
    private let memory: GuestMemoryView

    static let next: UInt16 = 1
    static let write: UInt16 = 2
    static let indirectFlag: UInt16 = 4

    init(queue: VirtQueue, head: Int, memory: GuestMemoryView) {
        table = UnsafeRawPointer(queue.descriptors!)
        tableSize = queue.size
        index = head
        self.memory = memory
    }

    /// The next buffer, nil at the end of the chain; throws on a broken chain.
    @inline(__always)
    mutating func next() throws(VhostError) -> Buffer? {
        if done { return nil }
        while true {
            guard index < tableSize else { throw .malformed("descriptor index \(index) past a table of \(tableSize)") }
            guard steps < tableSize else { throw .malformed("descriptor chain longer than its table of \(tableSize) (a loop)") }
            steps += 1
            let d = table + 16 * index
            let address = d.loadUnaligned(as: UInt64.self)
            let length = Int(d.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let flags = d.loadUnaligned(fromByteOffset: 12, as: UInt16.self)
            let nextIndex = Int(d.loadUnaligned(fromByteOffset: 14, as: UInt16.self))
            if flags & Self.indirectFlag != 0 {
                guard !indirect else { throw .malformed("nested indirect descriptor table") }
                guard length >= 16 && length % 16 == 0 && length <= 16 * 32768 else { throw .malformed("indirect table of \(length) bytes") }
                guard let t = memory.pointer(guest: address, length: length) else {
                    throw .badAddress("indirect table at 0x\(String(address, radix: 16)) (\(length) bytes)")
                }
                table = UnsafeRawPointer(t)
                tableSize = length / 16
                index = 0
                steps = 0
                indirect = true
                continue
            }
            guard let p = memory.pointer(guest: address, length: length) else {
                throw .badAddress("buffer at 0x\(String(address, radix: 16)) (\(length) bytes)")
            }
            if flags & Self.next != 0 { index = nextIndex } else { done = true }
            return Buffer(pointer: p, guestPhysical: address, length: length, writable: flags & Self.write != 0)
        }
    }
}
