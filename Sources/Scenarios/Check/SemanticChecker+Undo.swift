extension SemanticChecker {
    /// `undo:` belongs to a `run:` step on a host, a container or this machine (in a session: the
    /// session's host): the ledger replays it there as a command of its own.
    func checkUndo() -> [Diagnostic] {
        flat.steps.compactMap { item in
            let step = item.step
            guard let undo = step.undo else { return nil }
            guard case .run = step.action else {
                return Diagnostic(
                    .error, "undo: reverts a run: step's change on its host; step '\(step.id.value)' is a \(step.action.keyword) step", at: undo.location,
                    length: undo.value.count)
            }
            // In a session, the undo runs as a command of its own on the session's host; a VM's
            // console has no such way in.
            if let on = item.on, let session = scenario.session(on.value), let role = scenario.role(session.on.value),
                role.kind != .host && role.kind != .container
            {
                return Diagnostic(
                    .error,
                    "undo: runs as a command of its own on the step's host; session '\(on.value)' is on \(role.kind.rawValue) '\(role.name.value)', which labrunner reaches only through it",
                    at: undo.location, length: undo.value.count)
            }
            return nil
        }
    }
}
