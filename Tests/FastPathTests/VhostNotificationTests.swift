import CFastPath
import Foundation
import Testing

@testable import FastPath

/// Notification suppression: with VIRTIO_RING_F_EVENT_IDX the back-end calls the front-end only when
/// the used index passes the used_event it published, and asks for kicks by setting avail_event;
/// without it, by the rings' flags.
@Suite struct VhostNotificationTests {
    private func frames(_ ring: VhostSafetyTests.Ring, count: Int) {
        for i in 0..<count {
            ring.descriptor(i, address: VhostSafetyTests.Ring.base + 0x10000 + UInt64(i) * 0x100, length: 76, flags: 0, next: 0)
        }
        ring.offer((0..<count).map(UInt16.init))
    }

    /// How many times the call eventfd was signalled since the last look.
    private func calls(_ fd: Int32) -> UInt64 {
        var value: UInt64 = 0
        return read(fd, &value, 8) == 8 ? value : 0
    }

    @Test(arguments: [true, false])
    func callsFollowUsedEventOrTheFlag(eventIndex: Bool) throws {
        let pool = try PacketPool(count: 256)
        var cache = PoolCache(pool: pool)
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 8)
        defer { burst.deallocate() }
        let ring = try VhostSafetyTests.Ring()
        let call = cfp_eventfd()
        defer { close(call) }
        ring.queue.call = call
        ring.queue.eventIndex = eventIndex
        // The front-end wants an interrupt once the used index passes 2.
        (ring.host + 0x1000).storeBytes(of: UInt16(2), toByteOffset: 4 + 2 * 256, as: UInt16.self)
        frames(ring, count: 4)
        var signalled: [UInt64] = []
        for _ in 0..<4 {
            #expect(ring.queue.dequeue(into: burst, max: 1, header: 12, memory: ring.memory.view, log: nil, cache: &cache) == 1)
            cache.give(burst[0])
            signalled.append(calls(call))
        }
        #expect(ring.usedIndex == 4)
        // EVENT_IDX: the first publish since the queue started (a call the front-end waits for may
        // have been lost before), then only the one that moved the used index from 2 to 3 past used_event.
        #expect(signalled == (eventIndex ? [1, 0, 1, 0] : [1, 1, 1, 1]))
    }

    @Test func askingForKicksSetsAvailEventWithEventIndexAndTheFlagWithout() throws {
        let ring = try VhostSafetyTests.Ring()
        let used = ring.host + 0x2000
        ring.queue.lastAvailable = 41
        ring.queue.eventIndex = true
        ring.queue.setNotifications(false, log: nil)
        #expect(used.load(fromByteOffset: 4 + 8 * 256, as: UInt16.self) == 0)
        ring.queue.setNotifications(true, log: nil)
        #expect(used.load(fromByteOffset: 4 + 8 * 256, as: UInt16.self) == 41)
        #expect(used.load(as: UInt16.self) == 0)  // the flag stays as it was
        ring.queue.eventIndex = false
        ring.queue.setNotifications(false, log: nil)
        #expect(used.load(as: UInt16.self) == 1)
        ring.queue.setNotifications(true, log: nil)
        #expect(used.load(as: UInt16.self) == 0)
    }

    @Test func theEventRuleWrapsAround() {
        #expect(VirtQueue.needsEvent(65535, new: 1, old: 65534))
        #expect(!VirtQueue.needsEvent(5, new: 5, old: 3))
        #expect(VirtQueue.needsEvent(4, new: 5, old: 3))
        #expect(!VirtQueue.needsEvent(7, new: 5, old: 3))
    }

    @Test func aNewCallDescriptorIsSignalledAtOnceAndOnTheNextPublish() throws {
        let device = VhostDevice()
        device.queues[0].started = true
        device.queues[0].publishedIndex = 7
        let call = cfp_eventfd()
        // SET_VRING_CALL (13) for queue 0, its eventfd passed along (the device keeps it).
        _ = try device.handle(VhostMessage(code: 13, flags: 1, payload: [0, 0, 0, 0, 0, 0, 0, 0], fds: [call]))
        #expect(calls(call) == 1)
        #expect(device.queues[0].publishedIndex == nil)
        device.reset()
    }
}
