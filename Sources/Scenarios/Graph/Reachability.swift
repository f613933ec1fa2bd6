/// Answers "does step B (transitively) wait for step A?" without materialising every ancestor set:
/// a backward search from B that never visits steps ordered before A.
struct Reachability {
    private let deps: [[Int]]
    private let order: [Int]
    private let index: [String: Int]

    init(_ steps: [FlatStep]) {
        var index: [String: Int] = [:]
        for (i, s) in steps.enumerated() where index[s.id] == nil { index[s.id] = i }
        let deps = steps.map { $0.after.compactMap { index[$0] } }
        // Topological position (longest-path level); cycles leave some at 0, which only weakens pruning.
        var level = [Int](repeating: -1, count: steps.count)
        func visit(_ i: Int, _ depth: Int) -> Int {
            if level[i] >= 0 { return level[i] }
            level[i] = 0
            if depth > 10_000 { return 0 }
            level[i] = (deps[i].map { visit($0, depth + 1) }.max() ?? -1) + 1
            return level[i]
        }
        for i in steps.indices { _ = visit(i, 0) }
        self.deps = deps
        self.order = level
        self.index = index
    }

    /// Whether `later` waits, directly or not, for `earlier`.
    func runsBefore(_ earlier: String, _ later: String) -> Bool {
        guard let a = index[earlier], let b = index[later], a != b else { return false }
        var seen = Set<Int>()
        var stack = [b]
        while let current = stack.popLast() {
            for d in deps[current] where seen.insert(d).inserted {
                if d == a { return true }
                if order[d] > order[a] { stack.append(d) }
            }
        }
        return false
    }
}
