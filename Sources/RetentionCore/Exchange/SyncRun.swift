import Foundation

/// One sync of a file into the book (`Engine.syncCSV`): the plan (each row new, changed or unchanged, or
/// refused), then its writes.
struct SyncRun {
    let engine: Engine
    let kind: ExchangeKind
    let header: [String]
    /// The ids of the new events planned so far (an id twice in a file is refused on its second line).
    private var eventIDs = Set<String>()
    let now: Int
    let maxProblems: Int
    let observe: ((JobPhase) -> Void)?
    var result: SyncResult
    var planned: [SyncStep] = []
    private var fieldCounts: [String: Int] = [:]
    private var eventCounts: [String: Int] = [:]
    /// The ids (and policy numbers) of the new rows planned so far.
    /// The ids and policy numbers of the new rows planned so far, by line (an earlier line's is refused naming it).
    private var newIDs: [String: Int] = [:], newNumbers: [String: Int] = [:]

    init(engine: Engine, kind: ExchangeKind, header: [String], now: Int, maxProblems: Int, observe: ((JobPhase) -> Void)?) {
        self.engine = engine
        self.kind = kind
        self.header = header
        self.now = now
        self.maxProblems = maxProblems
        self.observe = observe
        result = SyncResult(kind: kind, dryRun: true)
    }

    /// The columns a sync matches rows by, which its file must have.
    static func keyColumns(_ kind: ExchangeKind) -> Set<String> {
        switch kind {
        case .customers: ["leadId"]
        case .policies: ["policyNumber"]
        case .events: ["customerId", "eventType"]
        }
    }

    private var db: Database { engine.db }

    /// Counts a refused row and keeps its problem while it is among the first `maxProblems` by line: the checks
    /// find problems out of line order (a key twice as the rows are read, a bad value as they are compared), so
    /// the problems are kept sorted by line (a line's own in the order found) and trimmed, never more than twice
    /// `maxProblems` held.
    mutating func refuse(_ line: Int, _ e: RetentionError) {
        result.problemCount += 1
        result.problems.append(ImportProblem(line: line, column: (e.field?.isEmpty ?? true) ? nil : e.field, reason: e.message))
        if result.problems.count >= 2 * max(1, maxProblems) { keepFirstProblemsByLine() }
    }

    /// The first `maxProblems` problems by line, a line's own in the order found.
    mutating func keepFirstProblemsByLine() {
        result.problems = Array(result.problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element).prefix(maxProblems))
    }

    private func progress(_ phase: String, _ done: Int, _ total: Int) {
        if done % 2_048 == 0 || done == total { observe?(.progress(phase, done: done, total: total)) }
    }

    // MARK: Plan

    /// Reads the file a batch of rows (8,192) at a time: stages the batch's keys, reads the book's rows for
    /// them (one join), compares each row on all cores, and runs the checks a new row gets from an import, by
    /// reads alone. Fills `planned` (new and changed rows only: memory grows with the changes, not the file;
    /// events too go a batch at a time, only their keys kept to find one twice in the file) and `result`
    /// (counts, refused rows).
    mutating func plan(_ reader: inout CSV.Reader, phase: String) throws {
        let keyIndex = header.firstIndex(of: kind == .customers ? "leadId" : kind == .policies ? "policyNumber" : "id")
        let stage = try db.statement("INSERT INTO temp.sync_keys (line, key, customer_key, event_type, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?)")
        let columns = CSVColumns(header, kind: kind)
        // Events: the key is the id, else the customer, type, time and data (parsed as the import parses them).
        var firstLineOfKey: [String: Int] = [:]
        while true {
            let batch = try reader.next(8_192)
            if batch.isEmpty { break }
            result.rows += batch.count
            var refusedLines = Set<Int>()
            var events: [Int: Engine.PreparedImportRow] = [:]
            for record in batch {
                var key = keyIndex.flatMap { $0 < record.fields.count ? FormulaGuard.restore(record.fields[$0]) : nil } ?? ""
                var values: [SQLValue] = [.int(Int64(record.line)), .text(key), .null, .null, .null, .null]
                if kind == .events {
                    let prepared = Engine.prepareImportRow(record, kind: .events, columns: columns, now: now)
                    events[record.line] = prepared
                    if case .event(let e) = prepared {
                        key = e.id?.lowercased() ?? ""
                        values = [.int(Int64(record.line)), .text(key), .text(e.customer), .text(e.type.rawValue), .init(e.occurredAt), .init(e.data?.serialized())]
                        if key.isEmpty { key = "\(e.customer)\u{1F}\(e.type.rawValue)\u{1F}\(e.occurredAt ?? -1)\u{1F}\(e.data?.serialized() ?? "")" }
                    } else { continue }
                }
                if key.isEmpty { continue }
                if let earlier = firstLineOfKey[key] {
                    events[record.line] = nil
                    refusedLines.insert(record.line)
                    if kind == .events && values[1] == .text("") {
                        // The same event twice without an id (customer, type, time and data): refused, as any key twice.
                        refuse(record.line, RetentionError.twiceInFile("duplicate_key", "This event (customer, eventType, occurredAt and data)",
                                                                    line: earlier, field: "eventType"))
                        continue
                    }
                    let (field, what) = kind == .customers ? ("leadId", "Lead") : kind == .policies ? ("policyNumber", "Policy number") : ("id", "Id")
                    refuse(record.line, RetentionError.twiceInFile("duplicate_key", "\(what) \(key)", line: earlier, field: field))
                    continue
                }
                firstLineOfKey[key] = record.line
                try db.run(stage, values)
            }
            let rows = batch.filter { !refusedLines.contains($0.line) }
            switch kind {
            case .customers: try planCustomers(rows)
            case .policies: try planPolicies(rows)
            case .events: try planEvents(rows, events)
            }
            observe?(.progress(phase, done: result.rows, total: nil))
        }
        result.fieldCounts = header.compactMap { f in fieldCounts[f].map { (f, $0) } }
            + fieldCounts.filter { !header.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        result.eventCounts = eventCounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The batch's rows with the book's row each names (nil: new to the book), in file order.
    private func booked(_ rows: [CSV.Record], _ select: String, _ read: (Row) -> SyncBookRow) throws -> [(CSV.Record, SyncBookRow?)] {
        guard let first = rows.first?.line, let last = rows.last?.line else { return [] }
        var book: [Int: SyncBookRow] = [:]
        try db.forEach(select + " WHERE s.line BETWEEN ?1 AND ?2", [.int(Int64(first)), .int(Int64(last))]) { row in let b = read(row); book[b.line] = b }
        return rows.map { ($0, book[$0.line]) }
    }

    private mutating func count(_ change: SyncChange) {
        for f in change.fields { fieldCounts[f, default: 0] += 1 }
        for e in change.events { eventCounts[e.type.rawValue, default: 0] += 1 }
    }

    private mutating func planCustomers(_ batch: [CSV.Record]) throws {
        let columns = kind.columns.count
        let rows = try booked(batch, """
            SELECT \(Engine.exportColumns(.customers)), s.line, c.id FROM temp.sync_keys s JOIN customers c ON c.lead_id = s.key
            """) { SyncBookRow(line: $0.int(Int32(columns)), cells: Engine.exportCells(.customers, $0).map(FormulaGuard.neutralise),
                               rowID: $0.int64(Int32(columns + 1))) }
        let header = self.header, now = self.now
        let outcomes = rows.parallelMap { SyncCompare.customer($0.0, header: header, book: $0.1, now: now) }
        let idExists = try db.statement("SELECT 1 FROM customers WHERE uuid = ?")
        for ((record, _), outcome) in zip(rows, outcomes) {
            switch outcome {
            case .refused(let e): refuse(record.line, e)
            case .unchanged: result.unchanged += 1
            case .changed(let change): result.changed += 1; count(change); planned.append(.change(record.line, change))
            case .new(.customer(let c)):
                try idExists.bind([.text(c.id)])
                let taken = try idExists.step()
                idExists.reset()
                if let line = newIDs[c.id] {
                    refuse(record.line, RetentionError.twiceInFile("duplicate_id", "Id \(c.id)", line: line, field: "id"))
                    continue
                }
                if taken {
                    refuse(record.line, RetentionError.conflict("duplicate_id", "A customer with id \(c.id) already exists.", field: "id"))
                    continue
                }
                newIDs[c.id] = record.line
                result.new += 1
                planned.append(.new(record.line, .customer(c)))
            case .new(let other): planned.append(.new(record.line, other))
            }
        }
    }

    private mutating func planPolicies(_ batch: [CSV.Record]) throws {
        let columns = kind.columns.count
        let rows = try booked(batch, """
            SELECT \(Engine.exportColumns(.policies)), s.line, p.id, p.customer_id, c.lead_id, c.erased_at IS NOT NULL, p.annual_premium_cents
            FROM temp.sync_keys s JOIN policies p ON p.policy_number = s.key JOIN customers c ON c.id = p.customer_id
            """) { r in
            let n = Int32(columns)
            return SyncBookRow(line: r.int(n), cells: Engine.exportCells(.policies, r).map(FormulaGuard.neutralise), rowID: r.int64(n + 1),
                               customerRowID: r.int64(n + 2), customerLead: r.text(n + 3), erased: r.bool(n + 4))
        }
        let header = self.header, now = self.now
        let outcomes = rows.parallelMap { SyncCompare.policy($0.0, header: header, book: $0.1, now: now) }
        for ((record, _), outcome) in zip(rows, outcomes) {
            switch outcome {
            case .refused(let e): refuse(record.line, e)
            case .unchanged: result.unchanged += 1
            case .changed(let change): result.changed += 1; count(change); planned.append(.change(record.line, change))
            case .new(.policy(let p)):
                do {
                    let (id, _) = try engine.checkNewPolicy(p, allowIdentity: true, alsoTaken: (newNumbers, newIDs))
                    newNumbers[p.policyNumber] = record.line; newIDs[id] = record.line
                    result.new += 1
                    planned.append(.new(record.line, .policy(p)))
                } catch let e as RetentionError where e.kind != .storage { refuse(record.line, e) }
            case .new(let other): planned.append(.new(record.line, other))
            }
        }
    }

    /// A batch of an events file's rows (`prepared`: each line's event as the import reads it).
    private mutating func planEvents(_ records: [CSV.Record], _ prepared: [Int: Engine.PreparedImportRow]) throws {
        guard let first = records.first?.line, let last = records.last?.line else { return }
        let lines: [SQLValue] = [.int(Int64(first)), .int(Int64(last))]
        // Events with an id in the book: the book's cells, to tell the same event from one rewritten.
        var book: [Int: [String]] = [:]
        try db.forEach("""
            SELECT \(Engine.exportColumns(.events)), s.line, c.lead_id FROM temp.sync_keys s JOIN retention_events e ON e.uuid = s.key
            JOIN customers c ON c.id = e.customer_id LEFT JOIN policies p ON p.id = e.policy_id WHERE s.key <> '' AND s.line BETWEEN ?1 AND ?2
            """, lines) { r in book[r.int(8)] = Engine.exportCells(.events, r) + [r.text(9)] }
        // Events without an id found in the book by customer (id or lead id), type, time and data.
        let found = Set(try db.query("""
            SELECT s.line FROM temp.sync_keys s WHERE s.key = '' AND s.line BETWEEN ?1 AND ?2 AND EXISTS (
              SELECT 1 FROM retention_events e
              WHERE e.customer_id IN (SELECT id FROM customers WHERE uuid = s.customer_key UNION ALL SELECT id FROM customers WHERE lead_id = s.customer_key)
                AND e.occurred_at = s.occurred_at AND e.event_type = s.event_type AND e.data IS s.data)
            """, lines) { $0.int(0) })
        for record in records {
            guard let row = prepared[record.line] else { continue }
            do {
                guard case .event(let event) = row else {
                    if case .problem(let e) = row { throw e }
                    continue
                }
                try event.validate(now: now, keepsHistory: true)
                if let cells = book[record.line] {
                    // kind.columns: id, customerId, policyId, eventType, severity, data, triggeredActions, occurredAt
                    let customerMatches = event.customer.lowercased() == cells[1] || event.customer == cells[8]
                    let differs: String? = !customerMatches ? "customerId" : event.type.rawValue != cells[3] ? "eventType"
                        : event.occurredAt.map(Timestamp.formatInstant) != nil && event.occurredAt.map(Timestamp.formatInstant) != cells[7] ? "occurredAt"
                        : event.data.map({ $0.serialized() }) != nil && event.data?.serialized() != cells[5] ? "data" : nil
                    if let field = differs {
                        throw RetentionError.conflict("event_rewritten",
                            "Event \(event.id ?? "") is in the book with another \(field): events are history, and a sync does not rewrite them.", field: field)
                    }
                    result.unchanged += 1
                    continue
                }
                if event.id == nil {
                    guard event.occurredAt != nil else {
                        throw RetentionError.invalid("occurredAt", "is required to match an event that has no id with the book's")
                    }
                    if found.contains(record.line) { result.unchanged += 1; continue }
                }
                if let id = event.id?.lowercased(), eventIDs.contains(id) { throw Engine.duplicateEventID(id) }
                _ = try engine.checkNewEvent(event, importing: true)
                _ = try Engine.eventAmountCents(event.data)
                if let id = event.id { eventIDs.insert(id.lowercased()) }
                result.new += 1
                planned.append(.new(record.line, .event(event)))
            } catch let e as RetentionError where e.kind != .storage {
                refuse(record.line, e)
            }
        }
    }

    /// `--full`: the book's customers (not erased) or policies whose key the file does not hold.
    mutating func reportAbsent() throws {
        let (table, key, condition) = kind == .customers ? ("customers", "lead_id", "erased_at IS NULL AND ") : ("policies", "policy_number", "")
        let absent = "FROM \(table) b WHERE \(condition)NOT EXISTS (SELECT 1 FROM temp.sync_keys s WHERE s.key = b.\(key))"
        result.absentCount = try db.scalarInt("SELECT count(*) \(absent)")
        result.absentKeys = try db.query("SELECT b.\(key) \(absent) ORDER BY b.\(key) LIMIT 5") { $0.text(0) }
    }

    // MARK: Write

    /// Writes the plan inside the caller's transaction. A row whose write fails (it cannot, after the plan's
    /// checks, but for storage) is refused by line and the caller rolls everything back.
    mutating func write() throws {
        let phase = "write the changes"
        var policyUpdates: [String: Statement] = [:]
        let insertEvent = try db.statement("""
            INSERT INTO retention_events (uuid, customer_id, policy_id, event_type, severity, data, triggered_actions, occurred_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)
            """)
        var churnCandidates: [Int64] = []
        try db.execute("DROP TABLE IF EXISTS temp.sync_touched; CREATE TEMP TABLE sync_touched (customer_id INTEGER PRIMARY KEY)")
        defer { try? db.execute("DROP TABLE IF EXISTS temp.sync_touched") }
        let touch = try db.statement("INSERT OR IGNORE INTO temp.sync_touched VALUES (?)")
        for (i, step) in planned.enumerated() {
            progress(phase, i + 1, planned.count)
            do {
                switch step {
                case .new(_, let row):
                    engine.bulkImport = true
                    defer { engine.bulkImport = false }
                    switch row {
                    case .customer(let c): _ = try engine.writeNewCustomer(c, now: now)
                    case .policy(let p): _ = try engine.createPolicy(p, now: now, allowIdentity: true)
                    case .event(let e): _ = try engine.createEvent(e, now: now, applySideEffects: false)
                    case .problem(let e): throw e
                    }
                case .change(_, let change):
                    switch change.target {
                    case .customer(let id, let patch):
                        _ = try engine.updateCustomer(id: id, patch, now: now)
                    case .policy(let p):
                        let columns = p.assignments.map(\.0)
                        let key = columns.joined(separator: ",")
                        let statement: Statement
                        if let cached = policyUpdates[key] { statement = cached } else {
                            statement = try db.statement("UPDATE policies SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")), version = version + 1, updated_at = ? WHERE id = ?")
                            policyUpdates[key] = statement
                        }
                        try db.run(statement, p.assignments.map(\.1) + [.int(Int64(now)), .int(p.rowID)])
                        for event in change.events {
                            try db.run(insertEvent, [.text(Engine.newID()), .int(p.customerRowID), .int(p.rowID), .text(event.type.rawValue),
                                                     .text(event.severity.rawValue), .init(event.data?.serialized()), .int(Int64(event.occurredAt ?? now)),
                                                     .text(engine.user), .int(Int64(now))])
                        }
                        try engine.audit("policy.update", entity: "policy", id: p.uuid,
                                         details: .object([("fields", .array(change.fields.map { .string($0) })), ("sync", .bool(true))]), now: now)
                        try db.run(touch, [.int(p.customerRowID)])
                        if p.endsInForce { churnCandidates.append(p.customerRowID) }
                    }
                }
            } catch let e as RetentionError where e.kind != .storage {
                refuse(step.line, e)
            }
        }
        if result.problemCount > 0 { return }
        try engine.refreshCustomerCounters(in: "SELECT customer_id FROM temp.sync_touched", now: now)
        var churned = 0
        for customer in Set(churnCandidates).sorted() where try engine.recordChurnIfLastPolicyEnded(customerRow: customer, datedAtLastEnd: true, now: now) { churned += 1 }
        if churned > 0 {
            eventCounts["customer_churned", default: 0] += churned
            result.eventCounts = eventCounts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        try engine.audit("import.sync.\(kind.rawValue)", entity: "import", id: kind.rawValue,
                         details: .object([("rows", .int(result.rows)), ("new", .int(result.new)), ("changed", .int(result.changed)),
                                           ("unchanged", .int(result.unchanged))]), now: now)
    }
}

/// A step of a sync's plan: a row new to the book, or a change of a record, with the file's line.
enum SyncStep {
    case new(Int, Engine.PreparedImportRow)
    case change(Int, SyncChange)

    var line: Int {
        switch self { case .new(let l, _), .change(let l, _): l }
    }
}

/// The book's row a file's row names: its cells as an export writes them, its row id; for a policy, its
/// customer's row, lead and whether they were erased.
struct SyncBookRow: Sendable {
    var line: Int
    var cells: [String]
    var rowID: Int64
    var customerRowID: Int64 = 0
    var customerLead = ""
    var erased = false
}
