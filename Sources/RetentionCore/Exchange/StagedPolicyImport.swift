import Foundation

extension Engine {
    /// The columns of a new policy row as `createPolicy` writes them, in the order of `stagedPolicyValues`.
    static let stagedPolicyColumns = """
        uuid, customer_id, agent_id, policy_number, policy_type, status, premium_cents, premium_frequency,
          premium_currency, annual_premium_cents, coverage_type, coverage_amount_cents, coverage_deductible_cents, coverage_limits,
          effective_date, expiration_date, renewal_date, term_months, last_renewal_date, renewal_count, total_paid_cents,
          claims_count, total_claim_cents, underwriter, documents, metadata, ended_at, end_reason, created_at, updated_at, inception_date,
          metrics_code
        """

    /// Imports a policies file in two steps, all or nothing, holding the write lock only for the second.
    ///
    /// 1. Without the write lock: every row is read and checked by reads alone (`checkCSV`, the dry run's
    ///    checks, with the same messages: the API's rules, the customer exists, an erased customer's policy
    ///    holds no personal data, the policy number and id are new to the book and to the lines before), and
    ///    each policy that passes is written, as the row `createPolicy` would insert, into a TEMP table (it
    ///    lives in this connection's temporary database: writing it takes no lock on the book). A bad row
    ///    ends the import there, nothing written, with the rows listed as a row-by-row import lists them.
    /// 2. One write transaction: what may have changed since the check is checked again, set-based against
    ///    the staged rows (the customer still exists under the key the row names; erased since, the row holds
    ///    no personal data; the policy number and the id still free), and a row that now conflicts fails the
    ///    whole import, named by its line. Then the rows are copied in file order (`INSERT … SELECT`, so they
    ///    get the row ids a row-by-row import gives them, the agent the customer has now where the row names
    ///    none), the counters of the customers touched are recomputed once each (what `refreshCustomerCounters`
    ///    does after each row: the end state is the same, the customer totals' update trigger adds the
    ///    difference), and one audit row records the import.
    ///
    /// A kill before step 2 leaves nothing (the TEMP table goes with the connection); during it, SQLite rolls
    /// the transaction back. Imported policies record no `policy_created` event and no audit row each, as
    /// before (they bring their history in the events file).
    func importPoliciesStaged(text: String, name: String = "The text", now: Int, maxProblems: Int, phases observe: ((JobPhase) -> Void)?) throws -> ImportResult {
        try importPoliciesStaged(reader: CSV.Reader(text, name: name), now: now, maxProblems: maxProblems, phases: observe)
    }

    /// The staged import of a file read as it is checked (`CSV.Reader(file:name:)`: a chunk at a time): what
    /// the import holds is the staged rows in the TEMP table (on disk past a small cache), never the file.
    func importPoliciesStaged(reader: CSV.Reader, now: Int, maxProblems: Int, phases observe: ((JobPhase) -> Void)?) throws -> ImportResult {
        var phases = JobPhases(observe)
        try db.execute("""
            DROP TABLE IF EXISTS temp.staged_policies;
            CREATE TEMP TABLE staged_policies (line INTEGER PRIMARY KEY, customer_key TEXT NOT NULL, agent_given TEXT,
              \(Self.stagedPolicyColumns.replacingOccurrences(of: "agent_id, ", with: "")));
            CREATE INDEX temp.staged_policies_number ON staged_policies(policy_number);
            CREATE INDEX temp.staged_policies_uuid ON staged_policies(uuid);
            """)
        defer { try? db.execute("DROP TABLE IF EXISTS temp.staged_policies") }
        let insert = try db.statement("""
            INSERT INTO temp.staged_policies (line, customer_key, agent_given, \(Self.stagedPolicyColumns.replacingOccurrences(of: "agent_id, ", with: "")))
            VALUES (\(Array(repeating: "?", count: 34).joined(separator: ", ")))
            """)
        // A number or id that an earlier line of the file has is found among the rows staged (indexed, on disk past
        // a small cache), not in sets of every line before: what the import holds does not grow with its file.
        let stagedNumber = try db.statement("SELECT min(line) FROM temp.staged_policies WHERE policy_number = ?")
        let stagedID = try db.statement("SELECT min(line) FROM temp.staged_policies WHERE uuid = ?")
        func earlierLine(_ statement: Statement, _ value: String) throws -> Int? {
            try statement.bind([.text(value)])
            defer { statement.reset() }
            return try statement.step() ? statement.row.optionalInt(0) : nil
        }
        // The staging rows go in a batch (2,048 rows) at a time, each batch one transaction that writes the
        // temporary database alone: its reads of the book hold a snapshot only while the batch is checked (in
        // WAL mode that stops no writer), and none is held between batches or when the check ends.
        precondition(db.isAutocommit, "a staged import runs its own transactions")
        var checked: ImportResult
        var batchOpen = false
        do {
            checked = try checkCSV(.policies, reader: reader, now: now, maxProblems: maxProblems, phases: observe, stage: { line, new, id, customer in
                if !batchOpen { try self.db.execute("BEGIN"); batchOpen = true }
                try self.db.run(insert, Self.stagedPolicyValues(new, line: line, id: id, customerRow: customer.0, now: now))
            }, stagedBatch: {
                if batchOpen { batchOpen = false; try self.db.execute("COMMIT") }
            }, staged: (number: { try earlierLine(stagedNumber, $0) }, id: { try earlierLine(stagedID, $0) }))
        } catch {
            if batchOpen && !db.isAutocommit { try? db.execute("ROLLBACK") }
            throw error
        }
        checked.dryRun = false
        if !checked.problems.isEmpty || checked.rows == 0 { return checked }

        struct Conflicts: Error { var problems: [ImportProblem] }
        do {
            phases.begin("write the rows")
            try db.transaction {
                let conflicts = try recheckStagedPolicies(limit: maxProblems)
                if !conflicts.isEmpty { throw Conflicts(problems: conflicts) }
                try db.run("""
                    INSERT INTO policies (\(Self.stagedPolicyColumns))
                    SELECT \(Self.stagedPolicyColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                               .map { $0 == "agent_id" ? "coalesce(s.agent_given, c.agent_id)" : "s." + $0 }.joined(separator: ", "))
                    FROM temp.staged_policies s JOIN customers c ON c.id = s.customer_id ORDER BY s.line
                    """)
                try refreshCustomerCounters(in: "SELECT customer_id FROM temp.staged_policies", now: now)
                phases.begin("commit")
                try audit("import.policies", entity: "import", id: "policies", details: .object([("rows", .int(checked.rows))]), now: now)
            }
            phases.end()
        } catch let conflicts as Conflicts {
            phases.end()
            return ImportResult(kind: .policies, rows: checked.rows, problems: conflicts.problems, problemCount: conflicts.problems.count, dryRun: false)
        }
        return checked
    }

    /// The staged rows that now conflict with the book (another writer changed it after the check), each with
    /// the message the check gives: the customer is gone (or the key names another row now), an erased
    /// customer's row holds personal data, the policy number or the id is taken. The first `limit`, by line.
    func recheckStagedPolicies(limit: Int) throws -> [ImportProblem] {
        var problems = try db.query("""
            SELECT s.line, s.customer_key FROM temp.staged_policies s
            WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id AND (c.uuid = s.customer_key OR c.lead_id = s.customer_key))
            ORDER BY s.line LIMIT ?1
            """, [.int(Int64(limit))]) { row -> ImportProblem in
            let e = RetentionError(.notFound, code: "customer_not_found", "Customer \(row.text(1)) was not found.", field: "customerId")
            return ImportProblem(line: row.int(0), column: e.field, reason: e.message)
        }
        problems += try db.query("""
            SELECT s.line, s.customer_key, CASE WHEN s.documents <> '[]' THEN 'documents' WHEN s.metadata IS NOT NULL THEN 'metadata' ELSE 'underwriter' END
            FROM temp.staged_policies s JOIN customers c ON c.id = s.customer_id
            WHERE c.erased_at IS NOT NULL AND (s.documents <> '[]' OR s.metadata IS NOT NULL OR s.underwriter IS NOT NULL)
            ORDER BY s.line LIMIT ?1
            """, [.int(Int64(limit))]) { row -> ImportProblem in
            let e = RetentionError.invalid(row.text(2), "must be empty: customer \(row.text(1)) was erased, and an erased customer's policies hold no personal data")
            return ImportProblem(line: row.int(0), column: e.field, reason: e.message)
        }
        problems += try db.query("""
            SELECT s.line, s.policy_number FROM temp.staged_policies s JOIN policies p ON p.policy_number = s.policy_number ORDER BY s.line LIMIT ?1
            """, [.int(Int64(limit))]) { row -> ImportProblem in
            let e = Self.duplicatePolicyNumber(row.text(1))
            return ImportProblem(line: row.int(0), column: e.field, reason: e.message)
        }
        problems += try db.query("""
            SELECT s.line, s.uuid FROM temp.staged_policies s JOIN policies p ON p.uuid = s.uuid ORDER BY s.line LIMIT ?1
            """, [.int(Int64(limit))]) { row -> ImportProblem in
            let e = Self.duplicatePolicyID(row.text(1))
            return ImportProblem(line: row.int(0), column: e.field, reason: e.message)
        }
        // One problem a line (the first found, in the order the check runs), the first `limit` lines.
        var seen = Set<Int>()
        return Array(problems.sorted { $0.line < $1.line }.filter { seen.insert($0.line).inserted }.prefix(limit))
    }

    /// The staged row of a checked policy: its line, the customer key it names, the agent it names (nil: the
    /// customer's, read when it is written), then the values `createPolicy` inserts, but the agent.
    static func stagedPolicyValues(_ new: NewPolicy, line: Int, id: String, customerRow: Int64, now: Int) -> [SQLValue] {
        [.int(Int64(line)), .text(new.customer), .init(new.agentId), .text(id), .int(customerRow)] + new.columnValues(now: now)
    }
}
