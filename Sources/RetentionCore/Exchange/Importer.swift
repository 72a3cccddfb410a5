import Foundation

/// One rejected row of an import.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var reason: String
    public var description: String { "line \(line)\(column.map { ", column \($0)" } ?? ""): \(reason)" }
}

extension RetentionError {
    /// A key (a lead, an id, a policy number, an event's content) that an earlier line of the same file has:
    /// refused naming that line, so the user sees both rows, whatever else the file gets wrong.
    static func twiceInFile(_ code: String, _ what: String, line: Int, field: String?) -> RetentionError {
        .conflict(code, "\(what) comes twice in this file: line \(line) has it too.", field: field)
    }
}

/// What an import did (or, for a dry run, would do).
public struct ImportResult: Sendable {
    public var kind: ExchangeKind
    public var rows: Int
    /// The bad rows' problems, the first `maxProblems` of them.
    public var problems: [ImportProblem]
    /// How many problems there were in all (at least `problems.count`).
    public var problemCount: Int
    public var dryRun: Bool
    public var succeeded: Bool { problemCount == 0 }
}

extension Engine {
    /// Imports a CSV file of customers, policies or events, all or nothing.
    ///
    /// Every row is validated by the same rules as the API. If any row is bad, nothing is written and
    /// the result lists the bad rows (the first `maxProblems`), each with its line, column and reason.
    /// `dryRun` validates everything and writes nothing. Imported events are history: they do not
    /// add to policy totals again (those come from the policies file).
    ///
    /// The work is pipelined: while one batch of rows is written, the next is parsed and (for customers,
    /// whose checks need no lookups) validated on the other cores. A customer import at least as large as
    /// the book (and of 10,000 rows or more) drops the customers' secondary indexes and rebuilds them by
    /// sorting before it commits, inside the same transaction: far cheaper than inserting every row into
    /// eleven indexes at random positions, and a failed or interrupted import rolls the drop back too. A
    /// customer import of 10,000 rows or more likewise runs without the customer totals' insert trigger (which
    /// acts only for a customer inserted with policies in force, never an imported one) and the search index's,
    /// filling the search index in one pass after the rows, and writes its customers 64 to a statement
    /// (`NewCustomerRuns`: a refused row is refused as row by row, with the same message). A dry run checks by reads alone
    /// (`checkCSV`) and never takes the write lock. A storage error (a full disk) ends the import: it is not a
    /// bad row.
    ///
    /// `phases` is told each phase as it begins and ends (see `JobPhase`): reading, checking and writing the
    /// rows; building the indexes put off; indexing the new customers for search; committing. A phase that does not
    /// run is not reported.
    ///
    /// A policies import is staged (`importPoliciesStaged`): its rows are checked and kept aside without the
    /// write lock, and one short transaction writes them all; its phases are reading and checking the rows
    /// (no lock), then writing them and committing (the lock held).
    public func importCSV(_ kind: ExchangeKind, text: String, name: String = "The text", dryRun: Bool, now: Int, maxProblems: Int = 50,
                          phases observe: ((JobPhase) -> Void)? = nil) throws -> ImportResult {
        try importCSV(kind, reader: CSV.Reader(text, name: name), dryRun: dryRun, now: now, maxProblems: maxProblems, phases: observe)
    }

    /// Imports a CSV file of customers, policies or events as `importCSV(_:text:…)` does, read as it is parsed (a
    /// chunk at a time, never the whole file), so the memory an import takes does not grow with the file; a byte
    /// that is not UTF-8 is a bad file, refused with its line and column, and nothing is written. `name` (the path)
    /// names the file in errors. The file may be a pipe or standard input (its size unknown): it is read the same way.
    public func importCSV(_ kind: ExchangeKind, file: FileHandle, name: String, dryRun: Bool, now: Int, maxProblems: Int = 50,
                          phases observe: ((JobPhase) -> Void)? = nil) throws -> ImportResult {
        try importCSV(kind, reader: CSV.Reader(file: file, name: name), dryRun: dryRun, now: now, maxProblems: maxProblems, phases: observe)
    }

    /// Imports what `reader` reads (a text, or a file as it is parsed), all or nothing, as `importCSV(_:text:…)` does.
    public func importCSV(_ kind: ExchangeKind, reader: CSV.Reader, dryRun: Bool, now: Int, maxProblems: Int = 50,
                          phases observe: ((JobPhase) -> Void)? = nil) throws -> ImportResult {
        if dryRun { return try checkCSV(kind, reader: reader, now: now, maxProblems: maxProblems, phases: observe) }
        // Staging runs transactions of its own: inside a caller's transaction the rows go one by one.
        if kind == .policies && db.isAutocommit { return try importPoliciesStaged(reader: reader, now: now, maxProblems: maxProblems, phases: observe) }
        return try importCSVRowByRow(kind, reader: reader, now: now, maxProblems: maxProblems, phases: observe)
    }

    /// The import row by row, in one write transaction from the first row to the commit: customers and events
    /// always; policies only in the tests, which prove the staged import writes exactly what this path writes
    /// (each row through `createPolicy`).
    ///
    /// `inRuns: false` writes a large customer import's rows one by one as well (the tests compare the two ways);
    /// `runs` is told, at the end, how many runs of `NewCustomerRuns.rowsPerRun` customers were written whole
    /// and how many were cut short by a refused row.
    func importCSVRowByRow(_ kind: ExchangeKind, text: String, now: Int, maxProblems: Int = 50,
                           phases observe: ((JobPhase) -> Void)? = nil, inRuns: Bool = true,
                           runs: ((_ whole: Int, _ cut: Int) -> Void)? = nil) throws -> ImportResult {
        try importCSVRowByRow(kind, reader: CSV.Reader(text), now: now, maxProblems: maxProblems, phases: observe, inRuns: inRuns, runs: runs)
    }

    func importCSVRowByRow(_ kind: ExchangeKind, reader: CSV.Reader, now: Int, maxProblems: Int = 50,
                           phases observe: ((JobPhase) -> Void)? = nil, inRuns: Bool = true,
                           runs reportRuns: ((_ whole: Int, _ cut: Int) -> Void)? = nil) throws -> ImportResult {
        let dryRun = false
        var problems: [ImportProblem] = []
        var rows = 0
        var totalProblems = 0
        var phases = JobPhases(observe)
        phases.begin("read, check and write the rows")
        struct Rollback: Error {}
        do {
            try db.transaction {
                bulkImport = true
                defer { bulkImport = false }
                var reader = reader
                guard let headerRecord = try reader.next(1).first else {
                    throw CSV.Reader.emptyFile(reader.name)
                }
                let header = try Self.importHeader(headerRecord, kind: kind, name: reader.name)
                let columns = CSVColumns(header, kind: kind)   // positions and types, looked up once
                let queue = DispatchQueue(label: "retention.import")
                // Each row is kept as its line and what it became: its cells are let go on the parsing threads, not
                // freed by the writer, whose thread sets the pace of a large load.
                // The rows written are let go on that queue too (`ImportBatch`).
                // The rows are prepared in shares of about 256 handed out as the threads come free, not one half a
                // core: the half whose thread shared a core with the writer finished last while the other core
                // waited (300,000 customers into a new book, 3 runs each in turn: the rows' phase 3.09–3.31 s against
                // 3.24–3.83 s).
                func prepareBatch(after reader: CSV.Reader) -> Prefetch<(CSV.Reader, ImportBatch)> {
                    Prefetch(on: queue) {
                        var next = reader
                        let records = try next.next(2_048)
                        return (next, ImportBatch(lines: records.map(\.line), rows: records.parallelMap(sharesPerCore: 4) { Self.prepareImportRow($0, kind: kind, columns: columns, now: now) }))
                    }
                }
                var pending = prepareBatch(after: reader)
                // The line of each customer and event this import wrote, by row id, so that a lead or an id that
                // comes twice in the file names the line that had it first.
                let firstNewRowID = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM customers"))
                var customerLines = NewRowLines(firstRowID: firstNewRowID)
                var eventLines = NewRowLines(firstRowID: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM retention_events")))
                var policyLines = NewRowLines(firstRowID: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) + 1 FROM policies")))
                var rebuildIndexes: [String]?, recreateTriggers: [String] = [], recreateSearchTrigger: [String] = []
                var searchAfter = firstNewRowID - 1
                var customerRuns: NewCustomerRuns?
                var wholeRuns = 0, cutRuns = 0
                defer { reportRuns?(wholeRuns, cutRuns) }
                while true {
                    let (rest, box) = try pending.value()
                    if box.rows.isEmpty { break }
                    pending = prepareBatch(after: rest)
                    // What a large load puts off is decided once, from the file's size when it is known. A pipe's
                    // size is not: a full first batch into an empty book is taken for a large load at once, and
                    // into a book with customers the decision waits until the rows read reach the size that makes
                    // a load large (the rows before it go in with the indexes in place; the search pass then
                    // starts after them). A pipe that ends before that was a small import.
                    let book = Int(firstNewRowID - 1), readSoFar = rows + box.rows.count
                    let estimatedRows: Int? = rest.estimatedRows(afterReading: readSoFar)
                        ?? (kind != .customers ? box.rows.count
                        : book == 0 && box.rows.count >= 2_048 ? 10_000
                        : readSoFar >= max(10_000, book) ? readSoFar : nil)
                    if rebuildIndexes == nil, let estimatedRows {
                        let deferIndexes = kind == .customers && estimatedRows >= 10_000 && estimatedRows >= book
                        rebuildIndexes = deferIndexes ? try Store.dropSecondaryIndexes(db, tables: ["customers"], keeping: Self.customerIndexesFilledInOrder) : []
                        // The customer totals' insert trigger costs every INSERT a statement journal (10 µs a row,
                        // a fifth of a large import), though it never acts for an imported customer (see below).
                        if kind == .customers && estimatedRows >= 10_000 {
                            recreateTriggers = try Store.dropTriggers(db, ["customer_totals_insert"])
                        }
                        // The search index takes the new customers in one pass after the rows, in row order, instead
                        // of one trigger program (and statement journal) a row; the pass reads only the rows written
                        // from here on (the trigger indexed those before).
                        if kind == .customers && estimatedRows >= 10_000 {
                            searchAfter = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers"))
                            recreateSearchTrigger = try Store.dropTriggers(db, ["customer_search_insert"])
                        }
                        // Without those two triggers the rows go in many to a statement (`NewCustomerRuns`).
                        if kind == .customers && estimatedRows >= 10_000 && inRuns { customerRuns = try NewCustomerRuns(db) }
                    }
                    // A pipe's total is not known: its progress shows the rows and their rate, no total and no time left.
                    phases.progress(done: rows, total: rest.estimatedRows(afterReading: readSoFar).map { max(rows, $0) })
                    do {   // (a scope: the batch's arrays are let go here before the queue frees them)
                        // Read in place from the batch's two arrays (no copy of each line-and-row pair made and freed here).
                        let lines = box.lines, batch = box.rows
                        func refused(_ e: RetentionError, line: Int) {
                            // A bad row is listed and the import goes on to find the others; a storage failure (a full
                            // disk, an I/O error) ends it: SQLite may have rolled the transaction back by itself, and
                            // the rows after it must not be written one by one on their own.
                            totalProblems += 1
                            if problems.count < maxProblems {
                                problems.append(ImportProblem(line: line, column: (e.field?.isEmpty ?? true) ? nil : e.field, reason: e.message))
                            }
                        }
                        // One row on its own: every row of a small import, and of a large one each row that is not
                        // written in a run (`NewCustomerRuns`), or that follows a refused row in its run.
                        func writeAlone(_ k: Int) throws {
                            let line = lines[k]
                            do {
                                switch batch[k] {
                                case .problem(let e): throw e
                                case .customer(let customer):
                                    do {
                                        customerLines.note(rowID: try writeNewCustomer(customer, now: now), line: line)
                                    } catch let e as RetentionError where e.code == "duplicate_lead_id" || e.code == "duplicate_id" {
                                        let byLead = e.code == "duplicate_lead_id"
                                        throw try customerLines.naming(e, byLead ? "Lead \(customer.leadId)" : "Id \(customer.id)", table: "customers",
                                                                       column: byLead ? "lead_id" : "uuid", key: byLead ? customer.leadId : customer.id, in: db)
                                    }
                                case .policy(let policy):
                                    do {
                                        let written = try db.transaction { try createPolicy(policy, now: now, allowIdentity: true) }
                                        policyLines.note(rowID: written.rowID, line: line)
                                    } catch let e as RetentionError where e.code == "duplicate_policy_number" || e.code == "duplicate_id" {
                                        let byNumber = e.code == "duplicate_policy_number", id = policy.id?.lowercased() ?? ""
                                        throw try policyLines.naming(e, byNumber ? "Policy number \(policy.policyNumber)" : "Id \(id)", table: "policies",
                                                                     column: byNumber ? "policy_number" : "uuid", key: byNumber ? policy.policyNumber : id, in: db)
                                    }
                                case .event(let event):
                                    do {
                                        let written = try db.transaction { try createEvent(event, now: now, applySideEffects: false) }
                                        eventLines.note(rowID: written.rowID, line: line)
                                    } catch let e as RetentionError where e.code == "duplicate_id" {
                                        guard let id = event.id?.lowercased() else { throw e }
                                        throw try eventLines.naming(e, "Id \(id)", table: "retention_events", column: "uuid", key: id, in: db)
                                    }
                                }
                            } catch let e as RetentionError where e.kind != .storage {
                                refused(e, line: line)
                            }
                        }
                        // The customers waiting to be written in one run, by their place in the batch, with their plans'
                        // places (`NewCustomerRuns.plans`).
                        var run: [(Int, Int)] = []
                        run.reserveCapacity(NewCustomerRuns.rowsPerRun)
                        func writeRun() throws {
                            guard let runs = customerRuns, run.count == NewCustomerRuns.rowsPerRun else {
                                for (k, _) in run { try writeAlone(k) }
                                run.removeAll(keepingCapacity: true)
                                return
                            }
                            func customer(_ r: Int) -> PreparedCustomer {
                                guard case .customer(let c) = batch[run[r].0] else { preconditionFailure("a run holds customers only") }
                                return c
                            }
                            var written = run.count
                            do {
                                try runs.write(now: now, batch: batch, run: run)
                                wholeRuns += 1
                            } catch let e as RetentionError where e.kind != .storage {
                                written = db.changes   // the rows before the refused one (`OR FAIL`)
                                cutRuns += 1
                            }
                            let firstRowID = db.lastInsertRowID - Int64(written - 1)
                            for r in 0 ..< written {
                                let rowID = firstRowID + Int64(r), line = lines[run[r].0]
                                customerLines.note(rowID: rowID, line: line)
                                do { try writeNewCustomerDetails(customer(r), rowID: rowID, now: now) } catch let e as RetentionError where e.kind != .storage {
                                    refused(e, line: line)
                                }
                            }
                            // The refused row is refused again on its own, with the message a row-by-row import gives.
                            for (k, _) in run[written...] { try writeAlone(k) }
                            run.removeAll(keepingCapacity: true)
                        }
                        for k in batch.indices {
                            rows += 1
                            if let runs = customerRuns, case .customer(let c) = batch[k], let plan = runs.plan(for: c) {
                                run.append((k, plan))
                                if run.count == NewCustomerRuns.rowsPerRun { try writeRun() }
                            } else {
                                try writeRun()
                                try writeAlone(k)
                            }
                        }
                        try writeRun()
                    }
                    // The rows written are freed on the parsing queue: the writing thread sets the pace.
                    queue.async { box.free() }
                }
                phases.end()
                if dryRun || totalProblems > 0 { throw Rollback() }
                if let indexes = rebuildIndexes, !indexes.isEmpty {
                    phases.begin("build the indexes put off")
                    try Store.createIndexes(db, indexes)
                }
                if !recreateTriggers.isEmpty {
                    // Nothing to catch up: the totals' insert trigger acts only for a customer inserted with policies
                    // in force (`WHEN NEW.active_policies > 0`), and an imported customer is inserted with none (the
                    // counters come from its policies, imported after). Rebuilding the totals from the table cost a
                    // million-customer load 0.9 s for no change.
                    try Store.createTriggers(db, recreateTriggers)
                }
                if !recreateSearchTrigger.isEmpty {
                    phases.begin("index the new customers for search")
                    try db.run(Store.fillCustomerSearch, [.int(searchAfter)])
                    try Store.createTriggers(db, recreateSearchTrigger)
                }
                phases.begin("commit")
                // A file with no rows (a header, blank lines) changes nothing, so it leaves no "imported 0" in the audit trail.
                if rows > 0 {
                    try audit("import.\(kind.rawValue)", entity: "import", id: kind.rawValue, details: .object([("rows", .int(rows))]), now: now)
                }
            }
            phases.end()
        } catch is Rollback {}
        return ImportResult(kind: kind, rows: rows, problems: problems, problemCount: totalProblems, dryRun: dryRun)
    }

    /// A dry run of an import, by reads alone: it never takes the write lock, so a check of a large file makes
    /// no other writer wait (it held the lock 12 s for 2,000,000 customers, run as an import rolled back).
    /// Each row gets the import's own checks (`prepareImportRow`, the typed input's `validate`), then those
    /// writing it would make, with the same messages: for customers, a lead or id the book holds already or
    /// an earlier line of the file has; for policies (`checkNewPolicy`), the customer exists and an erased
    /// one's policy holds no personal data, the policy number and id are new to the book and to the lines
    /// before; for events (`checkNewEvent`), the customer and the policy exist and belong together, the
    /// event's rules, its amount, an id new to the book and to the lines before. A line that is refused
    /// takes nothing from the lines after it, as in a real import, where it is not written.
    ///
    /// `stage`, for a staged policies import, is given each policy that passed every check, with its line, its
    /// id and its customer's row (row id, agent, erased at); `stagedBatch` after each batch of rows (2,048).
    func checkCSV(_ kind: ExchangeKind, text: String, name: String = "The text", now: Int, maxProblems: Int, phases observe: ((JobPhase) -> Void)? = nil,
                  stage: ((Int, NewPolicy, String, (Int64, String, Int?)) throws -> Void)? = nil,
                  stagedBatch: (() throws -> Void)? = nil) throws -> ImportResult {
        try checkCSV(kind, reader: CSV.Reader(text, name: name), now: now, maxProblems: maxProblems, phases: observe, stage: stage, stagedBatch: stagedBatch)
    }

    ///
    /// `staged` (with `stage`) finds the line of a policy number or an id among the policies staged so far, in
    /// place of the maps of the lines before, so that what a staged import holds does not grow with its file.
    func checkCSV(_ kind: ExchangeKind, reader: CSV.Reader, now: Int, maxProblems: Int, phases observe: ((JobPhase) -> Void)? = nil,
                  stage: ((Int, NewPolicy, String, (Int64, String, Int?)) throws -> Void)? = nil,
                  stagedBatch: (() throws -> Void)? = nil,
                  staged: (number: (String) throws -> Int?, id: (String) throws -> Int?)? = nil) throws -> ImportResult {
        var problems: [ImportProblem] = []
        var rows = 0, totalProblems = 0
        var phases = JobPhases(observe)
        phases.begin("read and check the rows")
        var reader = reader
        guard let headerRecord = try reader.next(1).first else {
            throw CSV.Reader.emptyFile(reader.name)
        }
        let header = try Self.importHeader(headerRecord, kind: kind, name: reader.name)
        let columns = CSVColumns(header, kind: kind)   // positions and types, looked up once
        // What the lines before would have written: customers' leads and ids (by line), policies' numbers and ids, events' ids.
        var leadLines: [String: Int32] = [:], idLines: [String: Int32] = [:]
        var policyNumbers: [String: Int] = [:], ids: [String: Int] = [:]
        let leadExists = try db.statement("SELECT 1 FROM customers WHERE lead_id = ?")
        let idExists = try db.statement("SELECT 1 FROM customers WHERE uuid = ?")
        func exists(_ statement: Statement, _ value: String) throws -> Bool {
            try statement.bind([.text(value)])
            defer { statement.reset() }
            return try statement.step()
        }
        while true {
            let batch = try reader.next(2_048).parallelMap { ($0, Self.prepareImportRow($0, kind: kind, columns: columns, now: now)) }
            if batch.isEmpty { break }
            phases.progress(done: rows, total: reader.estimatedRows(afterReading: rows + batch.count).map { max(rows, $0) })
            for (record, prepared) in batch {
                rows += 1
                var problem: RetentionError?
                do {
                    switch prepared {
                    case .problem(let e): throw e
                    case .customer(let c):
                        if try exists(leadExists, c.leadId) {
                            throw RetentionError.conflict("duplicate_lead_id", "A customer already exists for lead \(c.leadId).", field: "leadId")
                        } else if let line = leadLines[c.leadId] {
                            throw RetentionError.twiceInFile("duplicate_lead_id", "Lead \(c.leadId)", line: Int(line), field: "leadId")
                        } else if try exists(idExists, c.id) {
                            throw RetentionError.conflict("duplicate_id", "A customer with id \(c.id) already exists.", field: "id")
                        } else if let line = idLines[c.id] {
                            throw RetentionError.twiceInFile("duplicate_id", "Id \(c.id)", line: Int(line), field: "id")
                        }
                        leadLines[c.leadId] = Int32(clamping: record.line)
                        idLines[c.id] = Int32(clamping: record.line)
                    case .policy(let policy):
                        try policy.validate()
                        let (id, customer) = try checkNewPolicy(policy, allowIdentity: true, alsoTaken: staged == nil ? (policyNumbers, ids) : nil, staged: staged)
                        try stage?(record.line, policy, id, customer)
                        if staged == nil {
                            policyNumbers[policy.policyNumber] = record.line
                            ids[id] = record.line
                        }
                    case .event(let event):
                        try event.validate(now: now, keepsHistory: true)
                        if let id = event.id?.lowercased(), let line = ids[id] {
                            throw RetentionError.twiceInFile("duplicate_id", "Id \(id)", line: line, field: "id")
                        }
                        let (id, _, _) = try checkNewEvent(event, importing: true)
                        _ = try Self.eventAmountCents(event.data)
                        if event.id != nil { ids[id] = record.line }
                    }
                } catch let e as RetentionError where e.kind != .storage {
                    problem = e
                }
                if let e = problem {
                    totalProblems += 1
                    if problems.count < maxProblems {
                        problems.append(ImportProblem(line: record.line, column: (e.field?.isEmpty ?? true) ? nil : e.field, reason: e.message))
                    }
                }
            }
            try stagedBatch?()
        }
        phases.end()
        return ImportResult(kind: kind, rows: rows, problems: problems, problemCount: totalProblems, dryRun: true)
    }

    /// The customers' indexes a large import keeps, because it fills them in their own order: a new customer has
    /// no scores, renewal or contact yet (one run of equal keys, entries arriving in row order), few or no
    /// owners, erasures or risk (partial indexes), and one of a few agents (each agent's entries in row order).
    /// Adding their entries as the rows are written costs less than a pass over the whole table for each after
    /// (at a million customers an import spent 7.6 s building nine indexes by sorting; the name and start
    /// date indexes, whose keys come in any order, are still built that way).
    ///
    /// The same holds for the indexes whose condition no new customer meets (the at-risk queue's orders need a
    /// policy in force and a churn risk, which a customer gets only after the import), for the snoozed (few), and
    /// for the last-updated order (every new row has the import's time, in row order): at a million customers
    /// building those nine by sorting after took 3 of the 4.6 s the put-off indexes cost, and filling them as
    /// the rows go costs next to nothing.
    static let customerIndexesFilledInOrder: Set<String> = [
        "customers_agent", "customers_risk_queue", "customers_risk_level", "customers_assigned", "customers_erased",
        "customers_renewal", "customers_last_contact", "customers_snoozed", "customers_updated",
        "customers_queue_by_probability", "customers_queue_by_health", "customers_queue_by_ltv", "customers_queue_by_renewal",
        "customers_queue_by_last_contact", "customers_queue_by_owner", "customers_queue_by_name",
    ]

    /// A row of an import, made ready on the parsing thread: a validated customer, a decoded policy or
    /// event (the checks that look up the customer run as each is written), or what is wrong with it.
    enum PreparedImportRow: Sendable {
        case customer(PreparedCustomer)
        case policy(NewPolicy)
        case event(NewEvent)
        case problem(RetentionError)
    }

    static func prepareImportRow(_ record: CSV.Record, kind: ExchangeKind, header: [String], types: [ExchangeKind.CellType],
                                 now: Int) -> PreparedImportRow {
        prepareImportRow(record, kind: kind, columns: CSVColumns(header, types: types), now: now)
    }

    /// Reads one row: a customer's cells straight into `NewCustomer` (`CSVCellReader`, no JSON body in between),
    /// validated; a policy's likewise into `NewPolicy` (its checks against the book run as it is written or
    /// staged); an event's through the API's body (`jsonBody`).
    static func prepareImportRow(_ record: CSV.Record, kind: ExchangeKind, columns: CSVColumns, now: Int) -> PreparedImportRow {
        do {
            guard record.fields.count == columns.names.count else {
                throw RetentionError.invalid("", "has \(record.fields.count) cells but the header has \(columns.names.count)")
            }
            switch kind {
            case .customers:
                var cells = try CSVCellReader(record.fields, columns)
                return .customer(try preparedImportCustomer(&cells, now: now))
            case .policies:
                var cells = try CSVCellReader(record.fields, columns)
                return .policy(try NewPolicy(reading: &cells, allowIdentity: true))
            case .events: return .event(try NewEvent(json: try jsonBody(record.fields, header: columns.names, types: columns.types), allowIdentity: true))
            }
        } catch let e as RetentionError {
            return .problem(e)
        } catch {
            return .problem(RetentionError.invalid("", "\(error)"))
        }
    }

    /// The column names of an import's header row: every one known, none twice, the required ones present.
    /// Errors name the file (`name`, its path), the line and the column, as the reader's own do.
    static func importHeader(_ record: CSV.Record, kind: ExchangeKind, name: String) throws -> [String] {
        let header = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let known = Set(kind.columns.map(\.name))
        for (i, column) in header.enumerated() where !known.contains(column) {
            throw RetentionError(.invalid, code: "unknown_column",
                "\(name): line \(record.line), column \(i + 1): unknown column \"\(column)\"; known columns: \(kind.columns.map(\.name).joined(separator: ", ")).",
                field: column, line: record.line, column: i + 1)
        }
        if let (i, dup) = header.enumerated().first(where: { i, c in header[..<i].contains(c) }) {
            throw RetentionError(.invalid, code: "duplicate_column", "\(name): line \(record.line), column \(i + 1): column \"\(dup)\" appears twice.",
                                 field: dup, line: record.line, column: i + 1)
        }
        let missing = kind.requiredColumns.subtracting(header)
        if !missing.isEmpty {
            throw RetentionError(.invalid, code: "missing_column", "\(name): line \(record.line): the header lacks the required column(s) \(missing.sorted().joined(separator: ", ")).",
                                 line: record.line)
        }
        return header
    }

    /// Turns the cells of one row into the API's JSON body, typed by column. Empty cells are omitted.
    /// `types` are the header's columns' types, by position.
    static func jsonBody(_ cells: [String], header: [String], types: [ExchangeKind.CellType]) throws -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        pairs.reserveCapacity(cells.count)
        for (k, raw) in cells.enumerated() where k < header.count {
            if raw.isEmpty { continue }
            let name = header[k]
            let cell = FormulaGuard.restore(raw)
            if cell.isEmpty { continue }
            switch types[k] {
            case .text: pairs.append((name, .string(cell)))
            case .number:
                guard let d = Double(cell.trimmedOfWhitespace), d.isFinite else {
                    throw RetentionError.invalid(name, "must be a number, got \"\(cell)\"")
                }
                pairs.append((name, .number(d)))
            case .integer:
                guard let v = Int(cell.trimmedOfWhitespace) else { throw RetentionError.invalid(name, "must be a whole number, got \"\(cell)\"") }
                pairs.append((name, .int(v)))
            case .boolean:
                switch cell.lowercased() {
                case "true", "yes", "1": pairs.append((name, .bool(true)))
                case "false", "no", "0": pairs.append((name, .bool(false)))
                default: throw RetentionError.invalid(name, "must be true or false, got \"\(cell)\"")
                }
            case .list:
                pairs.append((name, .array(cell.split(separator: ";").map { .string(String($0).trimmedOfWhitespace) })))
            case .json:
                do { pairs.append((name, try JSONValue.parse(cell))) } catch let e as RetentionError {
                    throw RetentionError.invalid(name, "must be JSON: \(e.message)")
                }
            }
        }
        return .object(pairs)
    }
}

/// One batch of an import's prepared rows, made on the parsing queue and written by the writing thread, which
/// hands it back to that queue to be let go (`free`): freeing two thousand rows' strings and values was about a
/// tenth of the writing thread's own time, and that thread sets the pace of a large load.
final class ImportBatch: @unchecked Sendable {
    /// Each row's line in the file, and what the row became.
    private(set) var lines: [Int]
    private(set) var rows: [Engine.PreparedImportRow]
    init(lines: [Int], rows: [Engine.PreparedImportRow]) { self.lines = lines; self.rows = rows }
    func free() { lines = []; rows = [] }
}
