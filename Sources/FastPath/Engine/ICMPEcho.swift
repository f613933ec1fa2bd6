/// The icmpecho mode's answers, as testpmd's: an ARP request (for any address) becomes the reply
/// that gives the port's own MAC address, an ICMP echo request becomes its echo reply (addresses
/// swapped, type 0, checksum updated), and anything else is dropped. An optional 802.1Q tag is kept.
/// Frames come from peers nobody controls: every field read is bounded by the frame's length, and a
/// request with a group address for its source or destination gets no reply.
enum ICMPEcho {
    /// Rewrites `frame` (`length` bytes) in place into its reply from `own` (the tx port's address,
    /// as words); false when it gets none and is to be dropped.
    static func answer(_ frame: UnsafeMutableRawPointer, length: Int, own: (UInt32, UInt16)) -> Bool {
        guard length >= 14 else { return false }
        var l3 = 14
        var etherType = load16(frame, 12)
        if etherType == 0x8100 {
            guard length >= 18 else { return false }
            etherType = load16(frame, 16)
            l3 = 18
        }
        switch etherType {
        case 0x0806: return arpReply(frame, l3: l3, length: length, own: own)
        case 0x0800: return echoReply(frame, l3: l3, length: length)
        default: return false
        }
    }

    /// ARP over Ethernet and IPv4 (htype 1, ptype 0x0800, sizes 6 and 4), request (op 1) only.
    private static func arpReply(_ frame: UnsafeMutableRawPointer, l3: Int, length: Int, own: (UInt32, UInt16)) -> Bool {
        guard length >= l3 + 28, load16(frame, l3) == 1, load16(frame, l3 + 2) == 0x0800, frame.load(fromByteOffset: l3 + 4, as: UInt8.self) == 6,
            frame.load(fromByteOffset: l3 + 5, as: UInt8.self) == 4, load16(frame, l3 + 6) == 1
        else { return false }
        let sender = l3 + 8, target = l3 + 18
        guard frame.load(fromByteOffset: sender, as: UInt8.self) & 1 == 0 else { return false }
        let askedFor = frame.loadUnaligned(fromByteOffset: target + 6, as: UInt32.self)
        let requesterIP = frame.loadUnaligned(fromByteOffset: sender + 6, as: UInt32.self)
        // The requester's address becomes both the frame's destination and the ARP target.
        copy6(frame, from: sender, to: 0)
        copy6(frame, from: sender, to: target)
        frame.storeBytes(of: own.0, toByteOffset: 6, as: UInt32.self)
        frame.storeBytes(of: own.1, toByteOffset: 10, as: UInt16.self)
        frame.storeBytes(of: own.0, toByteOffset: sender, as: UInt32.self)
        frame.storeBytes(of: own.1, toByteOffset: sender + 4, as: UInt16.self)
        frame.storeBytes(of: askedFor, toByteOffset: sender + 6, as: UInt32.self)
        frame.storeBytes(of: requesterIP, toByteOffset: target + 6, as: UInt32.self)
        store16(frame, l3 + 6, 2)
        return true
    }

    /// An IPv4 ICMP echo request (type 8, code 0), not a fragment, within its frame.
    private static func echoReply(_ frame: UnsafeMutableRawPointer, l3: Int, length: Int) -> Bool {
        guard length >= l3 + 20 else { return false }
        let versionAndLength = frame.load(fromByteOffset: l3, as: UInt8.self)
        let headerLength = Int(versionAndLength & 0x0F) * 4
        let total = Int(load16(frame, l3 + 2))
        guard versionAndLength >> 4 == 4, headerLength >= 20, total >= headerLength + 8, l3 + total <= length,
            frame.load(fromByteOffset: l3 + 9, as: UInt8.self) == 1, load16(frame, l3 + 6) & 0x3FFF == 0
        else { return false }
        let icmp = l3 + headerLength
        guard frame.load(fromByteOffset: icmp, as: UInt8.self) == 8, frame.load(fromByteOffset: icmp + 1, as: UInt8.self) == 0,
            frame.load(fromByteOffset: 0, as: UInt8.self) & 1 == 0, frame.load(fromByteOffset: 6, as: UInt8.self) & 1 == 0
        else { return false }
        let source = frame.loadUnaligned(fromByteOffset: l3 + 12, as: UInt32.self)
        let destination = frame.loadUnaligned(fromByteOffset: l3 + 16, as: UInt32.self)
        // No reply from a multicast or broadcast address (the IPv4 header's sum is unchanged by the swap).
        let first = UInt8(truncatingIfNeeded: destination)
        guard first < 224, destination != 0xFFFF_FFFF else { return false }
        HeaderEdit.swapAddresses(frame)
        frame.storeBytes(of: destination, toByteOffset: l3 + 12, as: UInt32.self)
        frame.storeBytes(of: source, toByteOffset: l3 + 16, as: UInt32.self)
        frame.storeBytes(of: 0, toByteOffset: icmp, as: UInt8.self)
        // Type 8 → 0 changes the first 16-bit word by 0x0800 (RFC 1624's incremental update).
        var sum = UInt32(~load16(frame, icmp + 2)) + UInt32(~UInt16(0x0800))
        sum = (sum & 0xFFFF) + (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16)
        store16(frame, icmp + 2, ~UInt16(sum))
        return true
    }

    @inline(__always) private static func load16(_ p: UnsafeMutableRawPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) private static func store16(_ p: UnsafeMutableRawPointer, _ offset: Int, _ value: UInt16) {
        p.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always) private static func copy6(_ p: UnsafeMutableRawPointer, from: Int, to: Int) {
        p.storeBytes(of: p.loadUnaligned(fromByteOffset: from, as: UInt32.self), toByteOffset: to, as: UInt32.self)
        p.storeBytes(of: p.loadUnaligned(fromByteOffset: from + 4, as: UInt16.self), toByteOffset: to + 4, as: UInt16.self)
    }
}
