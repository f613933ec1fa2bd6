import CFastPath
import Glibc

/// The back-end's data path over a split virtqueue: dequeue (the front-end transmitted: its buffers
/// become FastPath packets) and enqueue (FastPath packets are written into the front-end's receive
/// buffers, across several when MRG_RXBUF allows). Every write to guest memory is logged when a
/// migration asked for it. A queue whose front-end breaks the rules is marked broken, never trusted.
extension VirtQueue {
    @inline(__always) private var availableIndex: UInt16 {
        cfp_load_acquire_u16(available!.advanced(by: 2).assumingMemoryBound(to: UInt16.self))
    }

    @inline(__always) private func availableEntry(_ i: UInt16) -> Int {
        Int(available!.loadUnaligned(fromByteOffset: 4 + 2 * Int(i & UInt16(truncatingIfNeeded: size - 1)), as: UInt16.self))
    }

    @inline(__always) private mutating func putUsed(id: Int, length: Int, log: DirtyLogView?) {
        let slot = Int(usedIndex & UInt16(truncatingIfNeeded: size - 1))
        used!.storeBytes(of: UInt32(id), toByteOffset: 4 + 8 * slot, as: UInt32.self)
        used!.storeBytes(of: UInt32(length), toByteOffset: 8 + 8 * slot, as: UInt32.self)
        log?.mark(usedGuestPhysical &+ 4 &+ 8 * UInt64(slot), length: 8)
        usedIndex &+= 1
    }

    /// Publishes the used index and signals the front-end unless it asked not to be interrupted: by
    /// the flag, or with EVENT_IDX by a used_event these new entries did not pass.
    @inline(__always) private mutating func publish(log: DirtyLogView?) {
        cfp_store_release_u16(used!.advanced(by: 2).assumingMemoryBound(to: UInt16.self), usedIndex)
        log?.mark(usedGuestPhysical &+ 2, length: 2)
        cfp_fence()
        let old = publishedIndex
        publishedIndex = usedIndex
        let wanted: Bool
        if eventIndex {
            let usedEvent = available!.loadUnaligned(fromByteOffset: 4 + 2 * size, as: UInt16.self)
            wanted = old.map { Self.needsEvent(usedEvent, new: usedIndex, old: $0) } ?? true
        } else {
            wanted = available!.loadUnaligned(as: UInt16.self) & 1 == 0
        }
        if wanted { signal() }
    }

    /// Signals the front-end through the call eventfd, if it gave one.
    @inline(__always) func signal() {
        guard call >= 0 else { return }
        _ = cfp_eventfd_add(call)
    }

    /// The virtio rule for EVENT_IDX: the other side wants a notification when the index moved from
    /// `old` to `new` past `event`.
    @inline(__always)
    static func needsEvent(_ event: UInt16, new: UInt16, old: UInt16) -> Bool {
        new &- event &- 1 < new &- old
    }

    /// Copies a frame: small ones inline in 16-byte steps (a libc call per 64-byte frame costs more
    /// than the copy), large ones with memmove.
    @inline(__always)
    static func copy(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer, _ count: Int) {
        if count > 256 {
            to.copyMemory(from: from, byteCount: count)
            return
        }
        var i = 0
        while i + 16 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i, as: SIMD16<UInt8>.self)
            i += 16
        }
        while i < count {
            to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }

    /// Asks the front-end not to kick (we poll) or to kick (we are about to sleep). With EVENT_IDX,
    /// asking means setting avail_event to the next entry we would take; not asking leaves it behind.
    public mutating func setNotifications(_ on: Bool, log: DirtyLogView?) {
        guard let used else { return }
        if eventIndex {
            guard on else { return }
            used.storeBytes(of: lastAvailable, toByteOffset: 4 + 8 * size, as: UInt16.self)
            log?.mark(usedGuestPhysical &+ 4 &+ 8 * UInt64(size), length: 2)
        } else {
            used.storeBytes(of: on ? 0 : 1, as: UInt16.self)
            log?.mark(usedGuestPhysical, length: 2)
        }
        cfp_fence()
    }

    /// Whether the front-end has made buffers available that we have not taken.
    public var hasAvailable: Bool { usable && availableIndex != lastAvailable }

    /// Takes up to `max` packets the front-end transmitted. Returns how many; a broken chain marks the
    /// queue broken (its packet is dropped, the rest of the queue is not trusted).
    mutating func dequeue(
        into burst: UnsafeMutablePointer<PacketRef>, max: Int, header: Int, memory: GuestMemoryView,
        log: DirtyLogView?, cache: inout PoolCache
    ) -> Int {
        let pending = Int(availableIndex &- lastAvailable)
        if pending == 0 { return 0 }
        guard pending <= size else {
            broken = true
            return 0
        }
        let n = cache.take(Swift.min(pending, max), into: burst)
        // The front-end just wrote these descriptors on another core: start loading them all at once.
        for i in 0..<n {
            let h = availableEntry(lastAvailable &+ UInt16(truncatingIfNeeded: i))
            if h < size { cfp_prefetch(descriptors! + 16 * h) }
        }
        var got = 0
        let first = lastAvailable
        for _ in 0..<n {
            let head = availableEntry(lastAvailable)
            lastAvailable &+= 1
            guard head < size else {
                broken = true
                break
            }
            let packet = burst[got]
            // The common case: one descriptor holding header and frame (VERSION_1 / ANY_LAYOUT).
            let d = descriptors! + 16 * head
            let flags = d.loadUnaligned(fromByteOffset: 12, as: UInt16.self)
            let total = Int(d.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            if flags == 0 && total > header && total - header <= PacketPool.dataRoom,
                let b = memory.pointer(guest: d.loadUnaligned(as: UInt64.self), length: total)
            {
                Self.copy(packet.data, b + header, total - header)
                packet.length = total - header
                got += 1
                continue
            }
            var chain = DescriptorChain(queue: self, head: head, memory: memory)
            var skip = header
            var length = 0
            var ok = true
            do {
                while let b = try chain.next() {
                    var offset = 0
                    if skip > 0 {
                        offset = Swift.min(skip, b.length)
                        skip -= offset
                    }
                    let take = Swift.min(b.length - offset, PacketPool.dataRoom - length)
                    if take > 0 {
                        (packet.data + length).copyMemory(from: b.pointer + offset, byteCount: take)
                        length += take
                    }
                }
            } catch {
                ok = false
                broken = true
            }
            if ok && length > 0 {
                packet.length = length
                got += 1
            }
            if !ok { break }
        }
        if got < n { cache.give(n - got, from: burst + got) }
        // The used entries in one pass after the copies (each buffer in order, length 0: nothing was
        // written into it), so the used ring's lines are written together.
        var entry = first
        while entry != lastAvailable {
            let head = availableEntry(entry)
            entry &+= 1
            if head < size { putUsed(id: head, length: 0, log: log) }
        }
        publish(log: log)
        return got
    }

    /// Writes packets into the front-end's receive buffers. Returns how many it took (their buffers go
    /// back to `cache`); it stops when the front-end has no room.
    mutating func enqueue(
        _ burst: UnsafeMutablePointer<PacketRef>, count: Int, header: Int, mergeable: Bool,
        memory: GuestMemoryView, log: DirtyLogView?, cache: inout PoolCache
    ) -> Int {
        var sent = 0
        var availableEnd = availableIndex
        packets: while sent < count {
            let packet = burst[sent]
            let total = header + packet.length
            var written = 0  // of header + frame
            var chains = 0
            var firstHeader: UnsafeMutableRawPointer?  // set only when the first buffer holds the whole header
            var firstHeaderPhysical: UInt64 = 0
            let startAvailable = lastAvailable, startUsed = usedIndex
            while written < total {
                if lastAvailable == availableEnd {
                    availableEnd = availableIndex
                    if lastAvailable == availableEnd {
                        // No room: undo this packet's partial use of buffers and stop.
                        lastAvailable = startAvailable
                        usedIndex = startUsed
                        break packets
                    }
                }
                guard Int(availableEnd &- lastAvailable) <= size else {
                    broken = true
                    break packets
                }
                let head = availableEntry(lastAvailable)
                lastAvailable &+= 1
                guard head < size else {
                    broken = true
                    break packets
                }
                chains += 1
                var chain = DescriptorChain(queue: self, head: head, memory: memory)
                var inChain = 0
                do {
                    while written < total, let b = try chain.next() {
                        guard b.writable else { throw VhostError.malformed("a receive buffer that is not device-writable") }
                        var offset = 0
                        while offset < b.length && written < total {
                            let n: Int
                            if written < header {
                                n = Swift.min(header - written, b.length - offset)
                                if written == 0 && b.length - offset >= header {
                                    firstHeader = b.pointer + offset
                                    firstHeaderPhysical = b.guestPhysical + UInt64(offset)
                                }
                                (b.pointer + offset).initializeMemory(as: UInt8.self, repeating: 0, count: n)
                            } else {
                                n = Swift.min(total - written, b.length - offset)
                                (b.pointer + offset).copyMemory(from: packet.data + (written - header), byteCount: n)
                            }
                            log?.mark(b.guestPhysical + UInt64(offset), length: n)
                            offset += n
                            written += n
                            inChain += n
                        }
                    }
                } catch {
                    broken = true
                    break packets
                }
                putUsed(id: head, length: inChain, log: log)
                if !mergeable { break }
            }
            // The header's num_buffers (virtio 1.0 and MRG_RXBUF headers carry it at byte 10).
            if header >= 12, let h = firstHeader {
                h.storeBytes(of: UInt16(chains), toByteOffset: 10, as: UInt16.self)
                log?.mark(firstHeaderPhysical + 10, length: 2)
            }
            sent += 1
        }
        if sent > 0 {
            publish(log: log)
            cache.give(sent, from: burst)
        }
        return sent
    }
}
