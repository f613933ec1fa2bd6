import Foundation

/// The testpmd runtime commands a `fastpath:` step may send, as word patterns.
/// `<n>` is a number, `<word>` any single word, `<rest>` anything to the end.
public enum ForwarderVocabulary {
    /// Command patterns, from testpmd's documentation and the how-to guide.
    public static let patterns: [String] = [
        "start", "start tx_first", "start tx_first <n>", "stop", "quit",
        "show port info all", "show port info <n>", "show port stats all", "show port stats <n>",
        "clear port stats all", "clear port stats <n>", "show config fwd", "show config rxtx",
        "show bonding config <n>", "create bonded device <n> <n>", "add bonding slave <n> <n>",
        "remove bonding slave <n> <n>", "set bonding primary <n> <n>", "set bonding mode <n> <n>",
        "set fwd <word>", "set fwd <word> retry", "set portlist <word>", "set eth-peer <n> <word>",
        "set promisc all <word>", "set promisc <n> <word>", "set burst <n>", "set txpkts <word>",
        "set nbcore <n>", "set nbport <n>", "set verbose <n>",
        "mac_addr add <n> <word>", "mac_addr add port <n> vf <n> <word>", "mac_addr remove <n> <word>",
        "port start <word>", "port stop <word>", "port close <word>", "port attach <word>", "port detach <n>",
        "set tx loopback <n> <word>", "set vf mac addr <n> <n> <word>", "set vf mac antispoof <n> <n> <word>",
        "set vf vlan antispoof <n> <n> <word>", "set vf vlan insert <n> <n> <n>", "set vf vlan stripq <n> <n> <word>",
        "rx_vlan add <n> port <n> vf <word>", "rx_vlan rm <n> port <n> vf <word>",
        "set all queues drop <n> <word>", "set all queues drop <word>", "set vf split drop <n> <n> <word>",
        "set port <n> vf <n> rate <n> queue_mask <word>", "set port <n> vf <n> rx <word>", "set port <n> vf <n> tx <word>",
        "set port <n> vf <n> rxmode <word> <word>", "set vf broadcast <n> <n> <word>", "set vf allmulti <n> <n> <word>",
        "set vf promisc <n> <n> <word>", "set vf tx max-bandwidth <n> <n> <n>", "set vf tc tx min-bandwidth <n> <n> <word>",
        "set vf tc tx max-bandwidth <n> <n> <n> <n>", "set tx strict-link-priority <n> <word>",
        "show vf stats <n> <n>", "clear vf stats <n> <n>", "set link-up port <n>", "set link-down port <n>",
    ]

    /// Whether `command` matches a known pattern.
    public static func knows(_ command: String) -> Bool {
        let words = command.split(separator: " ")
        return patterns.contains { matches(words, $0.split(separator: " ")) }
    }

    /// The known pattern closest to `command`, for suggestions.
    public static func nearest(_ command: String) -> String? {
        EditDistance.suggestion(for: command, among: patterns.map { $0.replacingOccurrences(of: " <n>", with: "").replacingOccurrences(of: " <word>", with: "") })
    }

    private static func matches(_ words: [Substring], _ pattern: [Substring]) -> Bool {
        guard words.count == pattern.count else { return false }
        for (w, p) in zip(words, pattern) {
            switch p {
            case "<n>": if !w.hasPrefix("${") && Int(w) == nil { return false }
            case "<word>": continue
            default: if w != p { return false }
            }
        }
        return true
    }
}
