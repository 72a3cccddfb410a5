import Foundation

/// Writes a large customer import's rows `rowsPerRun` to one `INSERT OR FAIL INTO customers … VALUES (…), (…), …`,
/// each row exactly as the one-row INSERT of `Engine.writeNewCustomer` would have written it.
///
/// Why: each run of a statement costs SQLite a fixed amount beside its rows (the program starts, a cursor is
/// opened and closed for the table and each of its indexes). Run a row at a time, that was most of the writing
/// thread's time. Measured on this machine (100,000 customers of the 1M bench file into a new book with the
/// import's indexes and triggers, `journal_mode=OFF`, SQLite 3.40.1): one row a statement 9.5–10.1 µs a row,
/// 64 rows a statement 4.8–4.9 µs (16: 5.1; 32: 5.0; 128–512: 4.7–4.8). Without `OR FAIL` (a statement
/// journal for each run) 5.2 µs. An earlier round found no gain in multi-row statements: then the book was
/// written through the write-ahead log and every run paid its statement journal.
///
/// A row is written by the run only when it fits the run's columns: every column it gives is one of
/// `optionalColumns`, and every one it leaves out has no default but NULL (bound NULL, it is stored as the
/// one-row INSERT stores the column left out). Any other row (an erased customer, a future column) is written by
/// `writeNewCustomer`, in its turn.
///
/// How a refused row stays what it was: `OR FAIL` stops the statement at the first row a constraint refuses (a lead
/// or id the book or an earlier line has) and keeps the rows before it, so `Database.changes` says how many of the
/// run went in, and those are the rows a row-by-row import would have written by then. The importer writes their
/// tags and consent, then the refused row and the rest of the run one by one through `writeNewCustomer`, which is
/// refused on the same row, with the same message. (With `OR ABORT` SQLite would undo the run's rows before the
/// refused one, which needs a statement journal, and the rows written would depend on where runs begin.) An
/// import with a bad row is rolled back whole, as before.
///
/// Only for an import that runs without the customers' insert triggers (`init` refuses otherwise): `OR FAIL`
/// would also become the conflict policy of every statement a trigger runs.
final class NewCustomerRuns {
    static let rowsPerRun = 64
    /// The columns every new customer's row gives, bound first (`writeNewCustomer` binds them the same).
    static let fixedColumns = ["uuid", "lead_id", "customer_since", "created_at", "updated_at"]
    /// The columns a new (not erased) customer's row may give (`CustomerFields`).
    static let optionalColumns = ["agent_id", "first_name", "last_name", "email", "phone", "date_of_birth", "street", "city", "state", "zip_code",
                                  "country", "time_zone", "preferred_contact_method", "metadata", "satisfaction_score", "do_not_contact",
                                  "assigned_to", "snoozed_until"]

    /// Where a row's values go: the positions (0-based, after the fixed columns) of the columns it gives, in its
    /// order, and of those it leaves out (bound NULL).
    struct Plan {
        var given: [Int32]
        var missing: [Int32]
    }

    private let statement: Statement
    private let columnsPerRow: Int32
    /// Each optional column's position, and whether it may be left NULL (nullable, no default).
    private let position: [String: (Int32, leftNull: Bool)]
    private var plans: [[String]: Plan?] = [:]
    private var lastPlan: ([String], Plan?)?

    /// Nil when the book's customers table has an insert trigger, or lacks one of the columns.
    init?(_ db: Database) throws {
        let triggers = try db.scalarInt("""
            SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers' AND upper(sql) LIKE '%INSERT ON CUSTOMERS%'
            """)
        guard triggers == 0 else { return nil }
        let info = try db.query("SELECT name, \"notnull\", dflt_value IS NULL FROM pragma_table_info('customers')") { ($0.text(0), $0.bool(1), $0.bool(2)) }
        var position: [String: (Int32, leftNull: Bool)] = [:]
        for (i, column) in Self.optionalColumns.enumerated() {
            guard let (_, notNull, noDefault) = info.first(where: { $0.0 == column }) else { return nil }
            position[column] = (Int32(i), !notNull && noDefault)
        }
        self.position = position
        let columns = Self.fixedColumns + Self.optionalColumns
        columnsPerRow = Int32(columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        statement = try db.statement("INSERT OR FAIL INTO customers (\(columns.joined(separator: ", "))) VALUES "
                                     + Array(repeating: tuple, count: Self.rowsPerRun).joined(separator: ", "))
    }

    /// How `c` goes in a run, or nil when it cannot (it is written alone). Looked up once for each list of
    /// columns; the last one is tried first (an import's rows mostly give the same columns).
    func plan(for c: PreparedCustomer) -> Plan? {
        let assignments = c.fields.assignments
        if let (columns, plan) = lastPlan, columns.count == assignments.count, zip(columns, assignments).allSatisfy({ $0 == $1.0 }) {
            return plan
        }
        let columns = assignments.map(\.0)
        let plan: Plan?
        if let known = plans[columns] {
            plan = known
        } else {
            var given: [Int32] = []
            for column in columns {
                guard let (slot, _) = position[column], !given.contains(slot) else { given = []; break }
                given.append(slot)
            }
            let missing = Self.optionalColumns.indices.map(Int32.init).filter { !given.contains($0) }
            plan = given.count == columns.count && missing.allSatisfy({ position[Self.optionalColumns[Int($0)]]!.leftNull }) ? Plan(given: given, missing: missing) : nil
            plans[columns] = plan
        }
        lastPlan = (columns, plan)
        return plan
    }

    /// Writes one full run (`rowsPerRun` rows, each with its plan), value by value. Throws the statement's error
    /// when a row is refused: the rows before it are written (`Database.changes` of them), the rest are not.
    func write(_ count: Int, now: Int, _ row: (Int) -> (PreparedCustomer, Plan)) throws {
        precondition(count == Self.rowsPerRun)
        statement.reset()
        defer { statement.reset() }
        for r in 0 ..< count {
            let (c, plan) = row(r)
            let base = Int32(r) * columnsPerRow
            try statement.bind(.text(c.id), at: base + 1)
            try statement.bind(.text(c.leadId), at: base + 2)
            try statement.bind(.int(Int64(c.since)), at: base + 3)
            try statement.bind(.int(Int64(now)), at: base + 4)
            try statement.bind(.int(Int64(now)), at: base + 5)
            let first = base + Int32(Self.fixedColumns.count) + 1
            for (i, (_, value)) in c.fields.assignments.enumerated() { try statement.bind(value, at: first + plan.given[i]) }
            for slot in plan.missing { try statement.bind(.null, at: first + slot) }
        }
        while try statement.step() {}
    }
}
