#!/usr/bin/env python3
"""Sends marked Ethernet frames on one interface and counts the marked frames other interfaces
receive: the wire-level probe of the emulated SR-IOV NIC's tests. Run inside the test's namespace.

  wire_frames.py SEND_IF DST SRC VLAN COUNT SIZE PPS LISTEN_IF...

VLAN 0 sends untagged frames; PPS 0 sends as fast as it can. Prints one JSON object: for each
listening interface, the marked frames it received, their VLAN tags (null: untagged) and bytes.
"""
import json, socket, struct, sys, time

MARK = b"LRSRIOV1"


def mac(text):
    return bytes(int(part, 16) for part in text.split(":"))


def main():
    send_if, dst, src, vlan, count, size, pps = sys.argv[1:8]
    vlan, count, size, pps = int(vlan), int(count), int(size), float(pps)
    listeners = {}
    for name in sys.argv[8:]:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        s.setsockopt(263, 8, 1)  # SOL_PACKET, PACKET_AUXDATA: the 802.1Q tag the kernel took out
        s.bind((name, 0))
        s.setblocking(False)
        listeners[name] = s
    out = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    out.bind((send_if, 0))
    header = mac(dst) + mac(src) + (struct.pack("!HH", 0x8100, vlan) if vlan else b"")
    counts = {name: {"frames": 0, "vlans": [], "bytes": 0} for name in listeners}

    def drain():
        for name, s in listeners.items():
            while True:
                try:
                    frame, ancillary, _, address = s.recvmsg(65536, 64)
                except BlockingIOError:
                    break
                if address[2] == socket.PACKET_OUTGOING or MARK not in frame:
                    continue
                tag = None
                for level, kind, data in ancillary:
                    if level == 263 and kind == 8 and len(data) >= 20:
                        status, _, _, _, _, tci = struct.unpack("=IIIHHH", data[:18])
                        if status & 0x10 or tci:  # TP_STATUS_VLAN_VALID
                            tag = tci & 0x0FFF
                if tag is None and frame[12:14] == b"\x81\x00":
                    tag = struct.unpack("!H", frame[14:16])[0] & 0x0FFF
                c = counts[name]
                c["frames"] += 1
                c["bytes"] += len(frame) + (4 if tag is not None and frame[12:14] != b"\x81\x00" else 0)
                if tag not in c["vlans"]:
                    c["vlans"].append(tag)

    start = time.monotonic()
    for i in range(count):
        body = b"\x88\xb5" + MARK + struct.pack("!I", i)
        frame = header + body + b"\x00" * max(0, size - len(header) - len(body))
        out.send(frame)
        if pps > 0:
            due = start + (i + 1) / pps
            while time.monotonic() < due:
                drain()
                time.sleep(0.0005)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        drain()
        time.sleep(0.01)
    print(json.dumps(counts))


main()
