extension VFCommand {
    /// Parses a VFd command from its words; nil when the words are no VFd command (others may be).
    /// Errors start as testpmd's parser does: "Bad arguments".
    static func parse(_ w: [String]) throws(FastPathError) -> VFCommand? {
        func bad(_ form: String) -> FastPathError { .invalid("Bad arguments: \(form)") }
        func number(_ i: Int, _ form: String) throws(FastPathError) -> Int {
            guard i < w.count else { throw bad(form) }
            let text = w[i]
            let value = text.hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
            guard let value, value >= 0 else { throw bad(form) }
            return value
        }
        func onOff(_ i: Int, _ form: String) throws(FastPathError) -> Bool {
            guard i < w.count, w[i] == "on" || w[i] == "off" else { throw bad(form) }
            return w[i] == "on"
        }
        func count(_ n: Int, _ form: String) throws(FastPathError) {
            guard w.count == n else { throw bad(form) }
        }
        let at = { (i: Int) in i < w.count ? w[i] : "" }
        switch (at(0), at(1), at(2), at(3)) {
        case ("set", "vf", "mac", "addr"):
            let form = "set vf mac addr <port_id> <vf_id> <mac_addr>"
            try count(7, form)
            guard let mac = EtherAddress(w[6]) else { throw bad(form) }
            return .macAddress(port: try number(4, form), vf: try number(5, form), mac)
        case ("mac_addr", "add", "port", _):
            let form = "mac_addr add port <port_id> vf <vf_id> <mac_addr>"
            guard w.count == 7, w[4] == "vf", let mac = EtherAddress(w[6]) else { throw bad(form) }
            return .addMAC(port: try number(3, form), vf: try number(5, form), mac)
        case ("set", "vf", "mac", "antispoof"):
            let form = "set vf mac antispoof <port_id> <vf_id> on|off"
            try count(7, form)
            return .macAntiSpoof(port: try number(4, form), vf: try number(5, form), try onOff(6, form))
        case ("set", "vf", "vlan", let what):
            let form = "set vf vlan antispoof|insert|stripq|tag <port_id> <vf_id> on|off|<vlan_id>"
            try count(7, form)
            let port = try number(4, form), vf = try number(5, form)
            switch what {
            case "antispoof": return .vlanAntiSpoof(port: port, vf: vf, try onOff(6, form))
            case "insert": return .vlanInsert(port: port, vf: vf, UInt16(truncatingIfNeeded: min(try number(6, form), 65535)))
            case "stripq": return .vlanStrip(port: port, vf: vf, try onOff(6, form))
            case "tag": return .vlanTag(port: port, vf: vf, try onOff(6, form))
            default: throw bad(form)
            }
        case ("set", "vf", "split", "drop"):
            let form = "set vf split drop <port_id> <vf_id> on|off"
            try count(7, form)
            return .splitDrop(port: try number(4, form), vf: try number(5, form), try onOff(6, form))
        case ("set", "vf", "broadcast", _), ("set", "vf", "allmulti", _), ("set", "vf", "promisc", _):
            let form = "set vf \(w[2]) <port_id> <vf_id> on|off"
            try count(6, form)
            return .mode(port: try number(3, form), vf: try number(4, form), Mode(rawValue: w[2])!, try onOff(5, form))
        case ("set", "vf", "tx", "max-bandwidth"):
            let form = "set vf tx max-bandwidth <port_id> <vf_id> <bandwidth>"
            try count(7, form)
            return .maxBandwidth(port: try number(4, form), vf: try number(5, form), mbps: try number(6, form))
        case ("set", "vf", "tc", "tx"):
            guard w.count > 4 else { throw bad("set vf tc tx min-bandwidth|max-bandwidth …") }
            if w[4] == "min-bandwidth" {
                let form = "set vf tc tx min-bandwidth <port_id> <vf_id> (<bw1>,<bw2>,…)"
                try count(8, form)
                let list = w[7].trimmingPrefix("(").split(separator: ")").first.map(String.init) ?? ""
                var shares: [Int] = []
                for part in list.split(separator: ",") {
                    guard let v = Int(part), v >= 0 else { throw bad(form) }
                    shares.append(v)
                }
                guard w[7].hasPrefix("(") && w[7].hasSuffix(")") else { throw bad(form) }
                return .tcMinBandwidth(port: try number(5, form), vf: try number(6, form), shares)
            }
            let form = "set vf tc tx max-bandwidth <port_id> <vf_id> <tc_no> <bandwidth>"
            guard w[4] == "max-bandwidth" else { throw bad(form) }
            try count(9, form)
            return .tcMaxBandwidth(port: try number(5, form), vf: try number(6, form), tc: try number(7, form), mbps: try number(8, form))
        case ("set", "tx", "loopback", _):
            let form = "set tx loopback <port_id> on|off"
            try count(5, form)
            return .txLoopback(port: try number(3, form), try onOff(4, form))
        case ("set", "tx", "strict-link-priority", _):
            let form = "set tx strict-link-priority <port_id> <tc_bitmap>"
            try count(5, form)
            return .strictPriority(port: try number(3, form), tcMap: try number(4, form))
        case ("set", "all", "queues", "drop"):
            let form = "set all queues drop <port_id> on|off"
            if w.count == 5 { return .allQueuesDrop(port: nil, try onOff(4, form)) }
            try count(6, form)
            return .allQueuesDrop(port: try number(4, form), try onOff(5, form))
        case ("set", "port", _, "vf"):
            let form = "set port <port_id> vf <vf_id> rate <rate> queue_mask <mask> | rx|tx on|off | rxmode AUPE|ROPE|BAM|MPE on|off"
            guard w.count > 5 else { throw bad(form) }
            let port = try number(2, form), vf = try number(4, form)
            switch w[5] {
            case "rate":
                guard w.count == 9, w[7] == "queue_mask" else { throw bad(form) }
                return .rate(port: port, vf: vf, mbps: try number(6, form), queueMask: UInt64(try number(8, form)))
            case "rx", "tx":
                try count(7, form)
                return .traffic(port: port, vf: vf, receive: w[5] == "rx", try onOff(6, form))
            case "rxmode":
                try count(8, form)
                guard let mode = Mode(rawValue: w[6]), mode.rawValue == w[6].uppercased() else { throw bad(form) }
                return .mode(port: port, vf: vf, mode, try onOff(7, form))
            default: throw bad(form)
            }
        case ("rx_vlan", "add", _, "port"), ("rx_vlan", "rm", _, "port"):
            let form = "rx_vlan add|rm <vlan_id> port <port_id> vf <vf_mask>"
            guard w.count == 7, w[5] == "vf" else { throw bad(form) }
            return .vlanFilter(add: w[1] == "add", vlan: try number(2, form), port: try number(4, form), vfMask: UInt64(try number(6, form)))
        case ("show", "vf", "stats", _), ("clear", "vf", "stats", _):
            let form = "\(w[0]) vf stats <port_id> <vf_id>"
            try count(5, form)
            let port = try number(3, form), vf = try number(4, form)
            return w[0] == "show" ? .showStats(port: port, vf: vf) : .clearStats(port: port, vf: vf)
        case ("set", "link-up", "port", _), ("set", "link-down", "port", _):
            let form = "set link-up|link-down port <port_id>"
            try count(4, form)
            return .link(port: try number(3, form), up: w[1] == "link-up")
        default:
            return nil
        }
    }
}
