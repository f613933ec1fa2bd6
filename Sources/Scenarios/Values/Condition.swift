import Foundation

/// A `when:` condition: comparisons of params with words, joined by `and` / `or` (`and` binds tighter).
///
/// `${nic} == niantic`, `${nic} != fortville and ${accel} == kvm`, `${with_vf}`.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    /// One comparison.
    public struct Term: Sendable, Hashable {
        /// The param compared.
        public let param: String
        /// `==` when true, `!=` when false.
        public let equal: Bool
        /// The word compared with (`true` for a bare `${flag}`).
        public let value: String
    }

    /// Disjunction of conjunctions.
    public let clauses: [[Term]]

    /// Why a condition does not parse.
    public struct ParseError: Error, CustomStringConvertible {
        /// The explanation.
        public let description: String
    }

    /// Parses a condition.
    public init(parsing text: String) throws {
        var clauses: [[Term]] = []
        for clause in Self.split(text, on: "or") {
            var terms: [Term] = []
            for part in Self.split(clause, on: "and") {
                terms.append(try Self.term(part, in: text))
            }
            clauses.append(terms)
        }
        self.clauses = clauses
    }

    /// Every param the condition reads.
    public var params: [String] { clauses.flatMap { $0.map(\.param) } }

    /// Evaluates against param values (as text).
    public func holds(_ values: [String: String]) -> Bool {
        clauses.contains { clause in
            clause.allSatisfy { term in
                let actual = values[term.param] ?? ""
                return (actual == term.value || (ScalarFormat.boolean(actual) != nil && ScalarFormat.boolean(actual) == ScalarFormat.boolean(term.value)))
                    == term.equal
            }
        }
    }

    /// The canonical text.
    public var description: String {
        clauses.map { $0.map { "${\($0.param)} \($0.equal ? "==" : "!=") \($0.value)" }.joined(separator: " and ") }
            .joined(separator: " or ")
    }

    private static func split(_ text: String, on word: String) -> [String] {
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        var parts: [[Substring]] = [[]]
        for token in tokens {
            if token == word { parts.append([]) } else { parts[parts.count - 1].append(token) }
        }
        return parts.map { $0.joined(separator: " ") }
    }

    private static func term(_ text: String, in whole: String) throws -> Term {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for op in ["==", "!="] {
            if let range = trimmed.range(of: op) {
                let lhs = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                var rhs = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if rhs.count >= 2, rhs.first == rhs.last, rhs.first == "'" || rhs.first == "\"" { rhs = String(rhs.dropFirst().dropLast()) }
                guard let param = reference(lhs) else {
                    throw ParseError(description: "condition '\(whole)': left of '\(op)' must be a param reference like ${nic}")
                }
                guard !rhs.isEmpty, !rhs.contains(" ") else {
                    throw ParseError(description: "condition '\(whole)': right of '\(op)' must be one word")
                }
                return Term(param: param, equal: op == "==", value: rhs)
            }
        }
        guard let param = reference(trimmed) else {
            throw ParseError(description: "condition '\(whole)' is not like '${param} == value' (terms joined by 'and'/'or')")
        }
        return Term(param: param, equal: true, value: "true")
    }

    private static func reference(_ text: String) -> String? {
        guard text.hasPrefix("${"), text.hasSuffix("}") else { return nil }
        let name = String(text.dropFirst(2).dropLast())
        return ScalarFormat.isIdentifier(name) ? name : nil
    }
}
