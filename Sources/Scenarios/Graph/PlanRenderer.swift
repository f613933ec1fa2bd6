import Foundation

/// Renders a StepGraph as text (every concrete command in order), JSON, or Graphviz dot.
public struct PlanRenderer: Sendable {
    /// The graph.
    public let graph: StepGraph

    /// Creates a renderer.
    public init(graph: StepGraph) { self.graph = graph }

    /// Numbered steps with target, command, expectations and skip reasons.
    public var text: String {
        var out = ["plan: \(graph.scenario) — \(graph.title)", "lab: \(graph.lab)"]
        if !graph.params.isEmpty {
            out.append("params: " + graph.params.map { "\($0.0)=\($0.1) (\(graph.paramSources[$0.0] ?? .scenario))" }.joined(separator: " "))
        }
        for wire in graph.wires {
            out.append("wire: \(wire.a) — \(wire.b.map(\.description) ?? "unplugged")")
        }
        for nic in graph.steeredNICs { out.append("nic: \(nic.summary)") }
        for pf in graph.emulatedPFs { out.append("nic: \(pf.summary)") }
        if let management = graph.management {
            out.append("management: every namespace at its address on lrmgmt, bridged in \(management.namespace)")
        }
        if let client = graph.sshClient {
            out.append(
                "ssh: an sshd in every host's namespace; labrunner reaches the hosts only over SSH, from \(client.namespace) at \(client.address) (keys in \(client.directory))"
            )
        }
        for host in graph.libvirtHosts {
            out.append("libvirtd: in \(host.namespace ?? host.name), listening on \(host.libvirtSocket)")
        }
        for container in graph.containers.values.sorted(by: { $0.name < $1.name }) {
            let volumes = container.volumes.map { "\($0.source):\($0.target)" }.joined(separator: " ")
            out.append(
                "container: \(container.name) in \(container.namespace) (own mount, pid, uts and ipc namespaces\(volumes.isEmpty ? "" : "; volumes \(volumes)"))"
            )
        }
        let width = String(graph.steps.count).count
        for (index, step) in graph.steps.enumerated() {
            let number = String(repeating: " ", count: width - String(index + 1).count) + "\(index + 1)"
            var head = "\(number). [\(step.id)] \(step.keyword)"
            if let on = step.on { head += " on \(on)" }
            if step.always { head += " (always)" }
            out.append("")
            out.append(head)
            let pad = String(repeating: " ", count: width + 2)
            if let guide = step.guide {
                out.append("\(pad)guide: \(guide)\(step.doc.map { " — \($0)" } ?? "")")
            } else if let doc = step.doc {
                out.append("\(pad)doc: \(doc)")
            }
            out.append("\(pad)after: \(step.after.isEmpty ? "—" : step.after.joined(separator: ", "))")
            out.append("\(pad)target: \(step.target)")
            let lines = step.command.split(separator: "\n", omittingEmptySubsequences: false)
            out.append("\(pad)$ \(lines.first ?? "")")
            for line in lines.dropFirst() { out.append("\(pad)  \(line)") }
            if case .hmp = step.action, let qmp = step.qmp { out.append("\(pad)qmp: \(qmp.rendered(pretty: false))") }
            if let undo = step.undo { out.append("\(pad)undo: \(undo)") }
            for e in Self.expectations(step) { out.append("\(pad)expect: \(e)") }
            for c in step.captures { out.append("\(pad)capture: \(c.name.value) ← \(c.parser.map { "parse \($0.rawValue)" } ?? "/\(c.regex ?? "")/")") }
            if let timeout = step.timeout { out.append("\(pad)timeout: \(timeout)s\(step.retries > 0 ? ", retries: \(step.retries)" : "")") }
            if let skip = step.skip { out.append("\(pad)SKIP: \(skip)") }
        }
        let skipped = graph.steps.filter { $0.skip != nil }.count
        out.append("")
        out.append("\(graph.steps.count) steps, \(skipped) skipped, critical path \(graph.depth) steps")
        return out.joined(separator: "\n")
    }

    /// `{scenario, title, lab, params, steps: [{id, after, on, target, action, command, …}]}`.
    public var json: String {
        let steps: [JSONValue] = graph.steps.map { step in
            var fields: [(String, JSONValue)] = [
                ("id", .string(step.id)),
                ("after", .array(step.after.map(JSONValue.string))),
                ("on", step.on.map(JSONValue.string) ?? .null),
                ("target", .string(step.target)),
                ("action", .string(step.keyword)),
                ("command", .string(step.command)),
            ]
            if let qmp = step.qmp { fields.append(("qmp", qmp)) }
            if let undo = step.undo { fields.append(("undo", .string(undo))) }
            fields.append(("always", .bool(step.always)))
            fields.append(("skip", step.skip.map(JSONValue.string) ?? .null))
            if let guide = step.guide { fields.append(("guide", .string(guide))) }
            let expectations = Self.expectations(step)
            if !expectations.isEmpty { fields.append(("expect", .array(expectations.map(JSONValue.string)))) }
            if let timeout = step.timeout { fields.append(("timeout", .double(timeout))) }
            fields.append(("location", .string(step.location.description)))
            return .object(fields)
        }
        return JSONValue.object([
            ("scenario", .string(graph.scenario)),
            ("title", .string(graph.title)),
            ("lab", .string(graph.lab)),
            ("params", .object(graph.params.map { ($0.0, .string($0.1)) })),
            ("param_sources", .object(graph.params.map { ($0.0, .string((graph.paramSources[$0.0] ?? .scenario).kind)) })),
            ("steps", .array(steps)),
        ]).rendered(pretty: true)
    }

    /// A Graphviz digraph of the steps and their dependencies; skipped steps are grey.
    public var dot: String {
        var out = ["digraph \"\(graph.scenario)\" {", "  rankdir=TB;", "  node [shape=box, fontname=\"monospace\"];"]
        for step in graph.steps {
            let label = "\(step.id)\\n\(step.keyword)".replacingOccurrences(of: "\"", with: "\\\"")
            var attrs = "label=\"\(label)\""
            if step.skip != nil { attrs += ", style=dashed, color=grey" }
            if step.always { attrs += ", peripheries=2" }
            out.append("  \"\(step.id)\" [\(attrs)];")
        }
        for step in graph.steps {
            for dep in step.after { out.append("  \"\(dep)\" -> \"\(step.id)\";") }
        }
        out.append("}")
        return out.joined(separator: "\n")
    }

    /// One line per expectation, as written.
    static func expectations(_ step: PlannedStep) -> [String] {
        let e = step.expect
        var out: [String] = []
        if let exit = e.exit { out.append("exit \(exit)") }
        out += e.contains.map { "contains \"\($0.value)\"" }
        out += e.notContains.map { "not contains \"\($0.value)\"" }
        out += e.regex.map { "matches /\($0.value)/" }
        out += e.checks.map { $0.description }
        return out
    }
}
