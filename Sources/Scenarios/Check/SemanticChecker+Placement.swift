extension SemanticChecker {
    /// A VM's host must be a host role; a forwarder runs on a host, VM or container; sessions and links name roles.
    func checkRolePlacement() -> [Diagnostic] {
        var out: [Diagnostic] = []
        for role in scenario.roles {
            guard let placement = role.placement else { continue }
            let allowed: [RoleKind] = role.kind == .forwarder ? [.host, .vm, .container] : [.host]
            let words = allowed.map(\.rawValue).joined(separator: " or ")
            guard let target = self.role(placement.value) else {
                out.append(unknownRole(placement, expected: "a \(words) role"))
                continue
            }
            if !allowed.contains(target.kind) {
                out.append(
                    Diagnostic(
                        .error, "\(role.kind.rawValue) '\(role.name.value)' must run on a \(words) role, but '\(placement.value)' is a \(target.kind.rawValue)",
                        at: placement.location, length: placement.value.count))
            }
        }
        for session in scenario.sessions {
            guard let target = role(session.on.value) else {
                out.append(unknownRole(session.on, expected: "a host, vm, container or switch role"))
                continue
            }
            if ![.host, .vm, .container, .switchDevice].contains(target.kind) {
                out.append(
                    Diagnostic(
                        .error, "session '\(session.name.value)' must be on a host, vm, container or switch, not a \(target.kind.rawValue)",
                        at: session.on.location, length: session.on.value.count))
            }
            if session.console != "shell", target.kind != .vm {
                out.append(
                    Diagnostic(
                        .error,
                        "session '\(session.name.value)': a \(session.console) console needs a vm role, but '\(session.on.value)' is a \(target.kind.rawValue)",
                        at: session.on.location, length: session.on.value.count))
            }
            if scenario.role(session.name.value) != nil {
                out.append(
                    Diagnostic(
                        .error, "session '\(session.name.value)' has the same name as a role; 'on:' would be ambiguous", at: session.name.location,
                        length: session.name.value.count))
            }
        }
        for link in scenario.links {
            for end in [link.a, link.b] {
                let name = String(end.value.split(separator: ":").first ?? "")
                if role(name) == nil {
                    out.append(unknownRole(Located(name, at: end.location), expected: "role:port"))
                }
            }
        }
        return out
    }
}
