import Foundation

/// Writes many rows through one INSERT of several value tuples, for bulk loads.
///
/// Each run of a statement costs SQLite a fixed amount beside the rows it writes: the program starts, a
/// cursor is opened (and allocated) for the table and for each of its indexes, and everything is reset
/// afterwards. Writing 64 rows per run pays that once per 64 rows. The rows are written in order, each as
/// a one-row INSERT would have written it; a run that fails writes none of its rows, so a load using this
/// inside a transaction stays all or nothing.
public final class BatchedInsert {
    /// Rows per run of the multi-row statement; the rows left over are written one by one.
    public let rowsPerRun: Int
    /// Parameters per row.
    public let columns: Int
    private let many: Statement
    private let one: Statement

    /// `sql` is an ordinary one-row `INSERT … VALUES (…)` ending with its value tuple, whose `?` parameters
    /// take a row's values in order (the tuple may also hold constants).
    public init(_ db: Database, _ sql: String, rowsPerRun: Int = 64) throws {
        guard let values = sql.range(of: "VALUES", options: .backwards) else {
            throw RetentionError.storage("Internal error: a batched insert needs `INSERT … VALUES (…)`: \(sql.prefix(80))")
        }
        let tuple = sql[values.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        guard tuple.hasPrefix("("), tuple.hasSuffix(")") else {
            throw RetentionError.storage("Internal error: a batched insert must end with its value tuple: \(sql.prefix(80))")
        }
        one = try db.statement(sql)
        columns = one.parameterCount
        self.rowsPerRun = max(1, min(rowsPerRun, 32_000 / max(1, columns)))
        many = try db.statement(String(sql[..<values.upperBound]) + " " + Array(repeating: tuple, count: self.rowsPerRun).joined(separator: ", "))
    }

    /// Writes the rows, in order.
    public func insert(_ rows: [[SQLValue]]) throws {
        var next = rows.startIndex
        while rows.endIndex - next >= rowsPerRun {
            try many.bind(rows: rows[next ..< next + rowsPerRun], columns: columns)
            _ = try many.step()
            next += rowsPerRun
        }
        for row in rows[next...] {
            try one.bind(row)
            _ = try one.step()
        }
    }
}
