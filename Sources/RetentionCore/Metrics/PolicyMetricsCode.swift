/// What the metrics need of a policy's three text columns (line, status, end reason), in one small integer
/// kept in `policies.metrics_code` (schema v7), so the metrics' pass over every policy reads five integers
/// from the `policies_metrics` index instead of three texts matched row by row:
///
///     code = line × 16 + ending × 2 + rewritten
///
/// - line: the position of `policy_type` in `PolicyType.allCases` (auto = 0 … disability = 12), or 63 for a
///   line Retention does not know (the pass then reads the policy's line by name);
/// - ending: 0 none (active, pending renewal), 1 cancelled, 2 lapsed, 3 expired (`BookTotals.Ending`);
/// - rewritten: 1 when `end_reason` is "rewritten".
///
/// Triggers keep the column right on every insert and on every change of the three columns (or of the code
/// itself): they recompute it with `sqlExpression` (its text is frozen in schema v7's triggers,
/// `Migrations.Version07`; `PolicyMetricsCodeTests` checks triggers and function agree) and rewrite it when it differs. A bulk load writes the
/// code itself (`code(type:status:endReason:)`, the same function in Swift), so its rows need no fix-up.
enum PolicyMetricsCode {
    static let unknownLine = 63

    static func code(type: String, status: String, endReason: String?) -> Int {
        let line = PolicyType(rawValue: type).flatMap { PolicyType.allCases.firstIndex(of: $0) } ?? unknownLine
        let ending = PolicyStatus(rawValue: status).map { BookTotals.ending($0).rawValue } ?? BookTotals.Ending.none.rawValue
        return line * 16 + ending * 2 + (endReason == "rewritten" ? 1 : 0)
    }

    /// The line (nil when unknown), ending and rewrite of a code.
    static func decode(_ code: Int) -> (line: Int?, ending: BookTotals.Ending, rewritten: Bool) {
        let line = code >> 4
        return (line == unknownLine ? nil : line, BookTotals.Ending(rawValue: (code >> 1) & 7) ?? .none, code & 1 == 1)
    }

    /// The same computation in SQL, over the columns of `row` (`NEW` in a trigger, a table alias in a query).
    static func sqlExpression(_ row: String) -> String {
        let lines = PolicyType.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0)" }.joined(separator: " ")
        let endings = PolicyStatus.allCases.map { "WHEN '\($0.rawValue)' THEN \(BookTotals.ending($0).rawValue)" }.joined(separator: " ")
        return "((CASE \(row).policy_type \(lines) ELSE \(unknownLine) END) * 16 + (CASE \(row).status \(endings) ELSE 0 END) * 2 + (\(row).end_reason IS 'rewritten'))"
    }
}
