import Foundation
import Testing

@testable import Scenarios

/// Values filled into shell lines stay data: run by real shells, every hostile value comes out as
/// exactly its own text, one word, whatever quoting it stands in, and nothing it holds runs.
@Suite struct ShellLineTests {
    static let marker = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-injected-\(getpid())").path
    static let payloads = [
        "'", "a'b", "$(touch \(marker))", "`touch \(marker)`", "; touch \(marker)", "x' ; touch \(marker); echo '", "\" ; touch \(marker); echo \"",
        "a b  c", "\\", "\\'", "$HOME", "${HOME}", "*", "-n", "", "| touch \(marker)", "&& touch \(marker)", ")", "$(", "é ünïcode",
    ]
    /// Lines as a scenario writes them, and what each prints around the value.
    static let lines: [(line: String, prefix: String, suffix: String)] = [
        ("printf '%s\\n' ${v}", "", ""),
        ("printf '%s\\n' '${v}'", "", ""),
        ("printf '%s\\n' \"${v}\"", "", ""),
        ("printf '%s\\n' x${v}y", "x", "y"),
        ("printf '%s\\n' 'pre ${v} post'", "pre ", " post"),
        ("printf '%s\\n' \"pre ${v} post\"", "pre ", " post"),
        ("printf '%s\\n' \"$(printf '%s' ${v})\"", "", ""),
        ("printf '%s\\n' \"`printf '%s' ${v}`\"", "", ""),
    ]

    @Test(arguments: ["/bin/sh", "/bin/bash"]) func everyValueStaysOneWordWithItsText(shell: String) throws {
        for payload in Self.payloads {
            for (line, prefix, suffix) in Self.lines {
                let filled = try ShellLine.substitute(line) { $0 == "v" ? .word(payload) : nil }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: shell)
                process.arguments = ["-c", filled]
                let out = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                try process.run()
                let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(printed == prefix + payload + suffix + "\n", "\(shell): \(line) with \(payload) ran as \(filled)")
                #expect(!FileManager.default.fileExists(atPath: Self.marker), "\(shell): \(filled) ran the payload")
                try? FileManager.default.removeItem(atPath: Self.marker)
            }
        }
    }

    @Test func aLabsToolIsItsWordsAndUnknownReferencesWait() throws {
        let line = try ShellLine.substitute("${lab.fastpath} -l 0-1 --vdev ${vdev} ${later}") {
            switch $0 {
            case "lab.fastpath": .words(["labrunner", "fastpath"])
            case "vdev": .word("net_vhost0,iface=/tmp/a b")
            default: nil
            }
        }
        #expect(line == "labrunner fastpath -l 0-1 --vdev 'net_vhost0,iface=/tmp/a b' ${later}")
    }

    @Test func controlCharactersAndOpenQuotesAreRefused() {
        #expect(throws: ShellLine.Problem.controlCharacter(reference: "v")) { try ShellLine.substitute("echo ${v}") { _ in .word("a\nreboot") } }
        #expect(throws: ShellLine.Problem.unbalanced(reference: "v")) { try ShellLine.substitute("echo '${v}") { _ in .word("a") } }
        #expect(throws: ShellLine.Problem.controlCharacter(reference: "v")) { try ShellLine.plain("show port ${v}") { _ in "0\rquit" } }
        // An apostrophe in a comment opens no quote.
        #expect(ShellLine.scan("true # don't\necho ${v}").balanced)
    }

    /// The engine's last step before a step runs: captured values in each kind of action.
    @Test func capturesResolveAsDataInEveryAction() throws {
        let hostile = "x'; touch /tmp/p; echo '<y>&"
        let lookup: (String) -> String? = { $0 == "cap" ? hostile : nil }
        guard case .run(let line, _) = try PlannedAction.run("echo ${cap}", session: nil).resolving(lookup) else {
            Issue.record("run")
            return
        }
        #expect(line == "echo 'x'\\''; touch /tmp/p; echo '\\''<y>&'")
        guard case .traffic(let traffic, _) = try PlannedAction.traffic(Shell.join(["labrunner", "traffic", "--dst-mac", "${cap}"])).resolving(lookup)
        else {
            Issue.record("traffic")
            return
        }
        #expect(traffic == "labrunner traffic --dst-mac 'x'\\''; touch /tmp/p; echo '\\''<y>&'")
        var call = LibvirtCall(action: "define", domain: "vm", uri: "test:///default", argument: nil, migrationURI: nil, live: false)
        call.xml = "<domain><name>${cap}</name></domain>"
        guard case .libvirt(let resolved) = try PlannedAction.libvirt(call).resolving(lookup) else {
            Issue.record("libvirt")
            return
        }
        #expect(resolved.xml == "<domain><name>x&apos;; touch /tmp/p; echo &apos;&lt;y&gt;&amp;</name></domain>")
        let qmp = JSONValue.object([("execute", .string("migrate")), ("arguments", .object([("uri", .string("tcp:${cap}"))]))])
        guard case .qmp(let json, _) = try PlannedAction.qmp(qmp, migration: true).resolving(lookup) else {
            Issue.record("qmp")
            return
        }
        #expect(json["arguments"]?["uri"]?.string == "tcp:" + hostile)
        #expect(throws: ShellLine.Problem.controlCharacter(reference: "cap")) {
            try PlannedAction.forwarderCommand(role: "fwd", text: "show port ${cap}").resolving { _ in "0\nquit" }
        }
    }
}
