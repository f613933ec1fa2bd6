/// Makes a remote login shell look like the virtual lab's terminals: prompt `# `, no echo.
enum RemoteShell {
    /// Sets the prompt and turns echo off, then waits until that took effect: the marker is computed by
    /// the shell, so the echo of the typed line cannot match it. An empty line then asks for a fresh
    /// prompt, which stays unread for the session's first wait.
    static func prepare(_ session: any InteractiveSession) async throws {
        try await session.send("PS1='# '; stty -echo; echo __labrunner_ready_$((40 + 2))")
        _ = try await session.expect(#"__labrunner_ready_42\r?\n# $"#, timeout: .seconds(30))
        try await session.send("")
    }
}
