extension SemanticChecker {
    /// Keys whose text is a shell line: references in them are filled in as data, quoted for the
    /// quoting they stand in (ShellLine), so that quoting must be readable.
    static let shellLineKeys: Set<String> = ["run", "send", "undo"]

    /// A shell line with references closes every quote, `$(` and backquote it opens: otherwise
    /// which quoting a value stands in cannot be told, and a value could end the quote it is in.
    func checkShellLines() -> [Diagnostic] {
        unresolvedSteps.flatMap(\.allEntries).compactMap { entry in
            guard Self.shellLineKeys.contains(entry.key.value), case .scalar(let text, _, let at) = entry.value,
                let first = References.find(in: text).first, !ShellLine.scan(text).balanced
            else { return nil }
            return Diagnostic(
                .error,
                "this line leaves a quote, $( or backquote open, so labrunner cannot tell how to quote ${\(first.path)} in it; "
                    + "close it (values are quoted for you, whatever quotes they stand in)", at: at, length: text.count)
        }
    }
}
