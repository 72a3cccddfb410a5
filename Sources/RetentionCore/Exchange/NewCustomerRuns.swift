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
/// A run's texts are bound from one arena (`TextArena`, `Statement.bind(text:at:arena:)`), not copied by SQLite each
/// into an allocation of its own (about 14 a row, freed when the run is bound again), and a row's plan is found by the
/// set of columns it gives rather than by hashing their names: with the parsing threads' byte-level shortcuts, a
/// million-customer load took 0.82–0.92 of the time before, pair by pair (README, "Performance").
///
/// A row is written by the run only when it fits the run's columns: every column it gives is one of
/// `optionalColumns`, and every one it leaves out has a default the run can bind as the one-row INSERT stores it:
/// NULL for a nullable column without a default, the literal for a number or text default (`do_not_contact`'s 0:
/// a file without that column is the usual agency export). Any other row (an erased customer, a column whose
/// default is an expression) is written by `writeNewCustomer`, in its turn.
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
    /// The columns a new (not erased) customer's row may give (`CustomerFields`).
    static let optionalColumns = ["agent_id", "first_name", "last_name", "email", "phone", "date_of_birth", "street", "city", "state", "zip_code",
                                  "country", "time_zone", "preferred_contact_method", "metadata", "satisfaction_score", "do_not_contact",
                                  "assigned_to", "snoozed_until"]

    /// Where a row's values go: the positions (0-based, after the fixed columns) of the columns it gives, in its
    /// order, and of those it leaves out with the value each is bound (its default).
    struct Plan {
        var given: [Int32]
        var missing: [(slot: Int32, value: SQLValue)]
    }

    private let statement: Statement
    private let columnsPerRow: Int32
    /// Each optional column's position, and the value a row leaving it out stores (nil: none the run can bind).
    private let position: [String: (Int32, leftOut: SQLValue?)]
    /// The plans worked out so far; a row's plan is its place in this list (`plan(for:)`).
    private(set) var plans: [Plan] = []
    /// The plan of each list of columns seen, by the set of `optionalColumns` it gives when it gives them in
    /// their order (as `CustomerFields` lists them), else by the list itself; -1: the list cannot go in a run.
    private var plansByColumnSet: [UInt32: Int] = [:]
    private var plansByColumnList = ByColumnList<Int>()
    private var lastColumnSet: (UInt32, Int)?
    /// The texts bound to the run being written, bound from here (`Statement.bind(text:at:arena:)`). The run's
    /// statement is this object's own, not the connection's cached one, so no statement outlives the arena holding
    /// pointers into it; and every parameter of a run is bound anew before it steps (a plan's given and missing
    /// columns are all of `optionalColumns`, checked in `makePlan`): a reset alone does not unbind.
    private let arena = TextArena()

    /// Nil when the book's customers table has an insert trigger, or lacks one of the columns.
    init?(_ db: Database) throws {
        let triggers = try db.query("""
            SELECT sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = 'customers'
            UNION ALL SELECT sql FROM sqlite_temp_master WHERE type = 'trigger' AND lower(tbl_name) = 'customers'
            """) { $0.isNull(0) ? "" : $0.text(0) }
        guard !triggers.contains(where: Self.firesOnInsert) else { return nil }
        let info = try db.query("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('customers')") { ($0.text(0), $0.bool(1), $0.isNull(2) ? nil : $0.text(2)) }
        var position: [String: (Int32, leftOut: SQLValue?)] = [:]
        for (i, column) in Self.optionalColumns.enumerated() {
            guard let (_, notNull, defaultSQL) = info.first(where: { $0.0 == column }) else { return nil }
            position[column] = (Int32(i), defaultSQL.map(Self.literal) ?? (notNull ? nil : .null))
        }
        self.position = position
        let columns = PreparedCustomer.fixedColumns + Self.optionalColumns
        columnsPerRow = Int32(columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        precondition(Self.optionalColumns.count <= UInt32.bitWidth, "a row's column set is a UInt32")
        statement = try db.uncachedStatement("INSERT OR FAIL INTO customers (\(columns.joined(separator: ", "))) VALUES "
                                     + Array(repeating: tuple, count: Self.rowsPerRun).joined(separator: ", "))
    }

    /// Whether the trigger `sql` may fire on an INSERT: its event (`triggerEvent`) is not DELETE or UPDATE. A head
    /// this cannot read counts as firing: such a book's import goes row by row, slower, never wrong.
    static func firesOnInsert(_ sql: String) -> Bool {
        guard let event = triggerEvent(sql) else { return true }
        return event != "DELETE" && event != "UPDATE"
    }

    /// The event word of `CREATE [TEMP|TEMPORARY] TRIGGER [IF NOT EXISTS] [schema.]name [BEFORE|AFTER|INSTEAD OF]
    /// event ON …`, upper-cased, read past comments and quoted names however spaced (`"t"INSERT`, `AFTER/**/INSERT`,
    /// a trigger named BEGIN); nil when the head is not that.
    static func triggerEvent(_ sql: String) -> String? {
        let b = Array(sql.utf8)
        func isWordByte(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x24 || c >= 0x80
        }
        var words: [String] = [], i = 0
        while i < b.count && words.count < 12 {
            let c = b[i], next = i + 1 < b.count ? b[i + 1] : 0
            if c == UInt8(ascii: "-") && next == UInt8(ascii: "-") {                          // -- to the line's end
                while i < b.count && b[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "/") && next == UInt8(ascii: "*") {                   // /* … */
                i += 2
                while i < b.count && !(b[i] == UInt8(ascii: "*") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") || c == UInt8(ascii: "'") || c == UInt8(ascii: "[") {
                let close = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c                      // a quoted name, one word
                i += 1
                while i < b.count {
                    if b[i] == close {
                        if close != UInt8(ascii: "]") && i + 1 < b.count && b[i + 1] == close { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                words.append("\u{0}quoted")
            } else if isWordByte(c) {
                let start = i
                while i < b.count && isWordByte(b[i]) { i += 1 }
                words.append(String(decoding: b[start..<i], as: UTF8.self).uppercased())
            } else {
                if c == UInt8(ascii: ".") { words.append(".") }
                i += 1
            }
        }
        var k = 0
        func take(_ word: String) -> Bool {
            guard k < words.count, words[k] == word else { return false }
            k += 1
            return true
        }
        guard take("CREATE") else { return nil }
        _ = take("TEMP") || take("TEMPORARY")
        guard take("TRIGGER") else { return nil }
        if take("IF") { guard take("NOT"), take("EXISTS") else { return nil } }
        k += 1                                                    // the name, or its schema
        if take(".") { k += 1 }
        if !take("BEFORE") && !take("AFTER") && take("INSTEAD") { guard take("OF") else { return nil } }
        return k < words.count ? words[k] : nil
    }

    /// The value a column default written as `sql` (`pragma_table_info`'s `dflt_value`) stores: an integer, or a
    /// text in single quotes; nil for anything else (an expression, a real), which the run leaves to the one-row
    /// INSERT.
    static func literal(_ sql: String) -> SQLValue? {
        if let n = Int64(sql) { return .int(n) }
        if sql.count >= 2, sql.hasPrefix("'"), sql.hasSuffix("'") {
            return .text(String(sql.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        }
        return sql.uppercased() == "NULL" ? .null : nil
    }

    /// How `c` goes in a run (its plan's place in `plans`), or nil when it cannot (it is written alone). Worked out
    /// once for each list of columns. The usual list, a subset of `optionalColumns` in their order, is known by that
    /// subset (a few comparisons of the columns' names, no hashing of the list); any other by the list itself
    /// (`ByColumnList`).
    func plan(for c: PreparedCustomer) -> Int? {
        let assignments = c.fields.assignments
        var set: UInt32 = 0, slot = 0, inOrder = true
        let names = Self.optionalColumns
        for (column, _) in assignments {
            while slot < names.count && names[slot] != column { slot += 1 }
            if slot == names.count { inOrder = false; break }
            set |= 1 << UInt32(slot)
            slot += 1
        }
        let found: Int
        if inOrder {
            if let (lastSet, lastPlan) = lastColumnSet, lastSet == set { return lastPlan < 0 ? nil : lastPlan }
            if let known = plansByColumnSet[set] {
                found = known
            } else {
                found = makePlan(assignments.map(\.0))
                plansByColumnSet[set] = found
            }
            lastColumnSet = (set, found)
        } else {
            found = plansByColumnList.value(for: assignments, make: makePlan)
        }
        return found < 0 ? nil : found
    }

    /// The plan of a list of columns, appended to `plans` (its place), or -1 when that list cannot go in a run.
    private func makePlan(_ columns: [String]) -> Int {
        var given: [Int32] = []
        for column in columns {
            guard let (slot, _) = position[column], !given.contains(slot) else { return -1 }
            given.append(slot)
        }
        var missing: [(slot: Int32, value: SQLValue)] = []
        for slot in Self.optionalColumns.indices.map(Int32.init) where !given.contains(slot) {
            guard let value = position[Self.optionalColumns[Int(slot)]]!.leftOut else { return -1 }
            missing.append((slot, value))
        }
        precondition(given.count + missing.count == Self.optionalColumns.count, "a run binds every column of every row")
        plans.append(Plan(given: given, missing: missing))
        return plans.count - 1
    }

    /// Writes one full run (`rowsPerRun` rows: the customers at `run`'s places in `batch`, each with its plan's
    /// place in `plans`), value by value, the texts bound from `arena`. Throws the statement's error when a row is
    /// refused: the rows before it are written (`Database.changes` of them), the rest are not.
    func write(now: Int, batch: [Engine.PreparedImportRow], run: [(Int, Int)]) throws {
        precondition(run.count == Self.rowsPerRun)
        statement.reset()
        arena.clear()   // the last run's texts are read no more: every parameter is bound anew below before the step
        defer { statement.reset() }
        let fixed = Int32(PreparedCustomer.fixedColumns.count)
        for r in 0 ..< run.count {
            let (k, p) = run[r]
            guard case .customer(let c) = batch[k] else { preconditionFailure("a run holds customers only") }
            let base = Int32(r) * columnsPerRow
            try c.bindFixedColumns(now: now, to: statement, from: base + 1, arena: arena)
            let first = base + fixed + 1
            precondition(plans[p].given.count == c.fields.assignments.count, "a row's plan fits its columns")
            try plans[p].given.withUnsafeBufferPointer { given in
                try c.fields.assignments.withUnsafeBufferPointer { values in
                    for i in values.indices { try statement.bind(values[i].1, at: first + given[i], arena: arena) }
                }
            }
            for (slot, value) in plans[p].missing { try statement.bind(value, at: first + slot) }
        }
        while try statement.step() {}
    }
}
