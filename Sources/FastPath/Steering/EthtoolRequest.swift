/// What an `ethtool` command line asks of the emulated NIC: the subset of ethtool's options the
/// flow-bifurcation how-tos use, parsed as ethtool parses them.
public enum EthtoolRequest: Sendable, Equatable {
    /// `-K DEV ntuple on|off`.
    case ntuple(device: String, on: Bool)
    /// `-N DEV flow-type …`.
    case add(device: String, rule: EthtoolRule)
    /// `-N DEV delete N`.
    case delete(device: String, location: Int)
    /// `-n DEV [rule N]`.
    case show(device: String, location: Int?)
    /// `-S DEV`.
    case statistics(device: String)

    /// The interface the request is for.
    public var device: String {
        switch self {
        case .ntuple(let d, _), .add(let d, _), .delete(let d, _), .show(let d, _), .statistics(let d): d
        }
    }

    /// Parses ethtool's arguments (without the program name); the error is ethtool's kind of message.
    public init(arguments: [String]) throws(FastPathError) {
        guard arguments.count >= 2 else { throw .invalid("ethtool: give an option and a device, such as -N eth1 flow-type udp4 … or -n eth1") }
        let device = arguments[1]
        var words = ArraySlice(arguments.dropFirst(2))
        switch arguments[0] {
        case "-K", "--features", "--offload":
            guard words.count == 2, words.first == "ntuple", let on = ["on": true, "off": false][words.last!] else {
                throw .invalid("ethtool -K: the emulated NIC has one feature to set: ntuple on|off")
            }
            self = .ntuple(device: device, on: on)
        case "-N", "-U", "--config-ntuple", "--config-nfc":
            if words.first == "delete" {
                guard words.count == 2, let n = Int(words.last!), n >= 0 else { throw .invalid("ethtool -N \(device) delete: give a rule location") }
                self = .delete(device: device, location: n)
            } else {
                self = .add(device: device, rule: try Self.rule(&words))
            }
        case "-n", "-u", "--show-ntuple", "--show-nfc":
            if words.isEmpty {
                self = .show(device: device, location: nil)
            } else {
                guard words.count == 2, words.first == "rule", let n = Int(words.last!) else { throw .invalid("ethtool -n \(device): give nothing or rule N") }
                self = .show(device: device, location: n)
            }
        case "-S", "--statistics":
            guard words.isEmpty else { throw .invalid("ethtool -S \(device): takes no more arguments") }
            self = .statistics(device: device)
        default:
            throw .invalid("ethtool \(arguments[0]): the emulated NIC serves -K (ntuple), -N, -n and -S")
        }
    }

    private static func number(_ text: String?, _ what: String) throws(FastPathError) -> UInt64 {
        guard let text else { throw .invalid("ethtool: \(what) needs a value") }
        if text == "-1" { return .max }
        let value = text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        guard let value else { throw .invalid("ethtool: invalid value for \(what): \(text)") }
        return value
    }

    private static func integer<T: FixedWidthInteger>(_ text: String?, _ what: String) throws(FastPathError) -> T {
        let v = try number(text, what)
        guard let t = T(exactly: v) else { throw .invalid("ethtool: \(what) \(text ?? ""): out of range") }
        return t
    }

    private static func ip(_ text: String?, _ what: String) throws(FastPathError) -> UInt32 {
        guard let text, let a = Probe.ipv4(text) else { throw .invalid("ethtool: invalid IPv4 address for \(what): \(text ?? "nothing")") }
        return a
    }

    private static func mac(_ text: String?, _ what: String) throws(FastPathError) -> EtherAddress {
        guard let text, let m = EtherAddress(text) else { throw .invalid("ethtool: invalid MAC address for \(what): \(text ?? "nothing")") }
        return m
    }

    private static func rule(_ words: inout ArraySlice<String>) throws(FastPathError) -> EthtoolRule {
        guard words.popFirst() == "flow-type", let name = words.popFirst(), let type = EthtoolFlowType(rawValue: name) else {
            throw .invalid("ethtool -N: start the rule with flow-type \(EthtoolFlowType.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        var rule = EthtoolRule(flowType: type)
        var action: UInt64?
        func mask(_ what: String) -> String? {
            guard words.first == "m" else { return nil }
            words.removeFirst()
            return words.popFirst() ?? ""
        }
        let l3: Set<String> = ["src-ip", "dst-ip", "src-port", "dst-port"]
        while let word = words.popFirst() {
            if type == .ether && l3.contains(word) || type != .ether && (word == "src" || word == "dst") {
                throw .invalid("ethtool -N: flow-type \(name) has no field \(word)")
            }
            if (word == "src-port" || word == "dst-port") && type == .ip4 { throw .invalid("ethtool -N: flow-type ip4 has no field \(word)") }
            switch word {
            case "src-ip", "dst-ip":
                var f = EthtoolRule.Field(value: try ip(words.popFirst(), word))
                if let m = mask(word) { f.ignore = try ip(m, "\(word) mask") }
                if word == "src-ip" { rule.sourceIP = f } else { rule.destinationIP = f }
            case "src-port", "dst-port":
                var f = EthtoolRule.Field<UInt16>(value: try integer(words.popFirst(), word))
                if let m = mask(word) { f.ignore = try integer(m, "\(word) mask") }
                if word == "src-port" { rule.sourcePort = f } else { rule.destinationPort = f }
            case "src", "dst":
                var f = EthtoolRule.MACField(value: try mac(words.popFirst(), word))
                if let m = mask(word) { f.ignore = try mac(m, "\(word) mask") }
                if word == "src" { rule.sourceMAC = f } else { rule.destinationMAC = f }
            case "vlan":
                var f = EthtoolRule.Field<UInt16>(value: try integer(words.popFirst(), word))
                if let m = mask(word) { f.ignore = try integer(m, "vlan mask") }
                rule.vlan = f
            case "user-def":
                rule.userDef = try number(words.popFirst(), word)
                if mask(word) != nil { throw .invalid("ethtool -N: the emulated NIC takes user-def without a mask") }
            case "action": action = try number(words.popFirst(), word)
            case "loc": rule.location = try integer(words.popFirst(), word)
            default: throw .invalid("ethtool -N: unknown or unsupported field \(word)")
            }
        }
        guard let action else { throw .invalid("ethtool -N: give the rule an action (a queue; on ixgbe VF + 1 in bits 39:32; -1 drops)") }
        rule.ringCookie = action
        return rule
    }
}
