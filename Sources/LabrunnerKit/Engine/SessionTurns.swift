/// One conversation at a time per interactive session: two steps the graph lets run at once on the
/// same session (or the same forwarder's prompt) would otherwise read each other's replies and wait
/// out their timeouts. Turns are given in the order they were asked for.
actor SessionTurns {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` once session `name` is free, holding it meanwhile.
    func withTurn<T: Sendable>(_ name: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(name)
        do {
            let result = try await body()
            release(name)
            return result
        } catch {
            release(name)
            throw error
        }
    }

    private func acquire(_ name: String) async {
        guard busy.contains(name) else {
            busy.insert(name)
            return
        }
        await withCheckedContinuation { waiting[name, default: []].append($0) }
    }

    private func release(_ name: String) {
        if var queue = waiting[name], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[name] = queue
            next.resume()  // the turn passes on; the session stays busy
        } else {
            busy.remove(name)
        }
    }
}
