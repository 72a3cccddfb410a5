import Foundation

/// Filters, sort and page of a customer list (`GET /customers`).
public struct CustomerQuery: Sendable, Equatable {
    public enum Sort: String, CaseIterable, Sendable {
        case name, health, risk, ltv, renewal, lastContact = "last_contact", since

        /// The renewal order's key: the next renewal date, a customer without one after every date. The
        /// expression of the `customers_renewal` index (schema v6), written the same way so SQLite reads the
        /// order from it.
        static let renewalKey = "coalesce(c.next_renewal_date, 9223372036854775807)"
    }
    public var churnRisk: [ChurnRisk] = []
    public var healthScoreMin: Double?
    public var healthScoreMax: Double?
    public var agentId: String?
    public var tag: String?
    /// Finds customers whose name, last name or e-mail starts with these words, in any case and with or
    /// without accents (`Engine.nameSearchCondition`).
    public var search: String?
    public var sort: Sort = .name
    public var descending = false
    public var page = 1
    public var limit = 50
    public init() {}
}

/// One page of a list, with the total that matched.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var page: Int
    public var limit: Int
    public var total: Int
    public var totalPages: Int { limit > 0 ? (total + limit - 1) / limit : 0 }
}

extension Engine {
    // MARK: Create

    /// Creates a customer from a converted lead (`POST /customers`). `leadId` must be new. An import
    /// (`allowIdentity`) may keep the customer's id and history and restore an erased customer.
    @discardableResult
    public func createCustomer(_ new: NewCustomer, now: Int, allowIdentity: Bool = false) throws -> Customer {
        try new.validate(now: now, importing: allowIdentity)
        let prepared = new.prepared(now: now)
        return try db.transaction { try customer(rowID: try writeNewCustomer(prepared, now: now)) }
    }

    /// Decodes and validates an import's row (its CSV cells, `CSVCellReader`) without touching the database
    /// (an import runs this on other threads while one writes).
    static func preparedImportCustomer<Source: FieldSource>(_ fields: inout Source, now: Int) throws -> PreparedCustomer {
        let new = try NewCustomer(reading: &fields, allowIdentity: true)
        try new.validate(now: now, importing: true)
        return new.prepared(now: now)
    }

    /// Stores a validated new customer. A lead or id that already exists is refused with a conflict naming
    /// the field: found by the unique indexes as the row is inserted, so no lookup precedes the write. The
    /// caller holds a transaction: on a conflict nothing of this customer was written.
    func writeNewCustomer(_ c: PreparedCustomer, now: Int) throws -> Int64 {
        let insert = try newCustomerInserts.value(for: c.fields.assignments) { given in
            let columns = PreparedCustomer.fixedColumns + given
            return try db.statement("INSERT INTO customers (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
        }
        do {
            insert.reset()
            defer { insert.reset() }
            try c.bindFixedColumns(now: now, to: insert, from: 1)
            let first = Int32(PreparedCustomer.fixedColumns.count) + 1
            for (i, (_, value)) in c.fields.assignments.enumerated() { try insert.bind(value, at: first + Int32(i)) }
            while try insert.step() {}
        } catch let e as RetentionError where e.code == "constraint_violation" {
            if e.message.contains("customers.lead_id") {
                throw RetentionError.conflict("duplicate_lead_id", "A customer already exists for lead \(c.leadId).", field: "leadId")
            }
            if e.message.contains("customers.uuid") {
                throw RetentionError.conflict("duplicate_id", "A customer with id \(c.id) already exists.", field: "id")
            }
            throw e
        }
        let rowID = db.lastInsertRowID
        try writeNewCustomerDetails(c, rowID: rowID, now: now)
        return rowID
    }

    /// What follows a new customer's row (`writeNewCustomer`), written once the row is in as `rowID`: its tags,
    /// its channels' consent, and (outside an import) its audit entry. An import writing its customers many to
    /// a statement (`NewCustomerRuns`) writes each one's details through here after the statement.
    func writeNewCustomerDetails(_ c: PreparedCustomer, rowID: Int64, now: Int) throws {
        if let tags = c.fields.tags { try replaceTags(rowID, tags, new: true) }
        try applyChannelPreferences(rowID, c.fields, now: now, createdAs: c.id)
        // An import audits itself once (`import.customers`): no entry a customer, nor its details built.
        if !bulkImport { try audit("customer.create", entity: "customer", id: c.id, details: .object([("leadId", .string(c.leadId))]), now: now) }
    }

    // MARK: Read

    public func customer(id: String) throws -> Customer {
        guard let c = try db.queryOne("SELECT \(Customer.columns) FROM customers WHERE uuid = ?", [.text(id)], Customer.init(row:)) else {
            throw RetentionError.notFound("Customer", id)
        }
        return try withDetails(c)
    }

    func customer(rowID: Int64) throws -> Customer {
        guard let c = try db.queryOne("SELECT \(Customer.columns) FROM customers WHERE id = ?", [.int(rowID)], Customer.init(row:)) else {
            throw RetentionError.notFound("Customer", "#\(rowID)")
        }
        return try withDetails(c)
    }

    private func withDetails(_ c: Customer) throws -> Customer {
        var c = c
        c.tags = try db.query("SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY position", [.int(c.rowID)]) { $0.text(0) }
        c.optedOutChannels = try db.query("SELECT channel FROM contact_preferences WHERE customer_id = ? AND opted_out = 1 ORDER BY channel",
                                          [.int(c.rowID)]) { ContactChannel(rawValue: $0.text(0)) }.compactMap { $0 }
        return c
    }

    // MARK: Update

    /// Partial update (`PATCH /customers/:id`): only the fields present change. When the body holds
    /// `version`, the update is refused with a conflict if someone else changed the customer since
    /// that version was read.
    @discardableResult
    public func updateCustomer(id: String, _ patch: CustomerPatch, now: Int) throws -> Customer {
        try db.transaction {
            let before = try customer(id: id)
            let expectedVersion = patch.version
            try patch.validate(now: now)
            let fields = CustomerFields(patch.snoozeInTheCustomersZone(timeZone: patch.timeZone ?? before.timeZone, state: patch.state ?? before.state))
            if before.erasedAt != nil {
                throw RetentionError.conflict("customer_erased", "Customer \(id) was erased and can no longer be changed.")
            }
            if let expectedVersion, expectedVersion != before.version {
                let who = try db.queryOne("SELECT user_name, at FROM audit_log WHERE entity_type = 'customer' AND entity_id = ? ORDER BY id DESC LIMIT 1",
                                          [.text(id)]) { "\($0.text(0)) at \(Timestamp.formatInstant($0.int(1)))" } ?? "someone else"
                throw RetentionError.conflict("edit_conflict",
                    "Customer \(id) was changed by \(who) since you loaded it (version \(expectedVersion), now \(before.version)). Reload and apply your change again.",
                    field: "version")
            }
            if !fields.assignments.isEmpty {
                let sets = fields.assignments.map { "\($0.0) = ?" }.joined(separator: ", ")
                try db.run("UPDATE customers SET \(sets), version = version + 1, updated_at = ? WHERE id = ?",
                           fields.assignments.map(\.1) + [.int(Int64(now)), .int(before.rowID)])
            } else {
                try db.run("UPDATE customers SET version = version + 1, updated_at = ? WHERE id = ?", [.int(Int64(now)), .int(before.rowID)])
            }
            if let tags = fields.tags { try replaceTags(before.rowID, tags) }
            try applyChannelPreferences(before.rowID, fields, now: now)
            let changed = fields.changedFieldNames + (fields.tags != nil ? ["tags"] : [])
            try audit("customer.update", entity: "customer", id: id,
                      details: .object([("fields", .array(changed.map { .string($0) }))]), now: now)
            return try customer(rowID: before.rowID)
        }
    }

    /// Sets a customer's tags (a customer just created has none to remove).
    private func replaceTags(_ rowID: Int64, _ tags: [String], new: Bool = false) throws {
        if !new { try db.run("DELETE FROM customer_tags WHERE customer_id = ?", [.int(rowID)]) }
        if tags.isEmpty { return }
        // One statement looked up per customer and bound value by value (an import writes a million of these);
        // a tag given twice is stored once, at its first position (at most 50 tags: validated).
        let insert = try db.statement("INSERT INTO customer_tags (customer_id, position, tag) VALUES (?, ?, ?)")
        for (i, tag) in tags.enumerated() where !tag.isEmpty && !tags[..<i].contains(tag) {
            insert.reset()
            defer { insert.reset() }
            try insert.bind(.int(rowID), at: 1)
            try insert.bind(.int(Int64(i)), at: 2)
            try insert.bind(.text(tag), at: 3)
            while try insert.step() {}
        }
    }

    /// Applies opt-out changes and audits each change of consent with who and when. `createdAs` is the
    /// public id of a customer just created (who has no preferences yet).
    private func applyChannelPreferences(_ rowID: Int64, _ fields: CustomerFields, now: Int, createdAs newID: String? = nil) throws {
        guard let optedOut = fields.optedOutChannels else { return }
        let uuid = try newID ?? db.queryOne("SELECT uuid FROM customers WHERE id = ?", [.int(rowID)]) { $0.text(0) } ?? ""
        let current: Set<String> = newID != nil ? [] : Set(try db.query("SELECT channel FROM contact_preferences WHERE customer_id = ? AND opted_out = 1", [.int(rowID)]) { $0.text(0) })
        for channel in ContactChannel.allCases {
            let want = optedOut.contains(channel)
            guard want != current.contains(channel.rawValue) else { continue }
            try recordConsent(customerRow: rowID, customerID: uuid, channel: channel, optedOut: want, now: now)
        }
    }

    /// Stores one channel's consent for a customer, with who and when, and audits the change.
    func recordConsent(customerRow rowID: Int64, customerID: String? = nil, channel: ContactChannel, optedOut: Bool, now: Int) throws {
        let uuid = try customerID ?? db.queryOne("SELECT uuid FROM customers WHERE id = ?", [.int(rowID)]) { $0.text(0) } ?? ""
        try db.run("""
            INSERT INTO contact_preferences (customer_id, channel, opted_out, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (customer_id, channel) DO UPDATE SET opted_out = excluded.opted_out, changed_at = excluded.changed_at, changed_by = excluded.changed_by
            """, [.int(rowID), .text(channel.rawValue), .int(optedOut ? 1 : 0), .int(Int64(now)), .text(user)])
        try audit(optedOut ? "customer.opt_out" : "customer.opt_in", entity: "customer", id: uuid,
                  details: .object([("channel", .string(channel.rawValue))]), now: now)
    }

    // MARK: List

    /// How a customer list finds its page.
    enum ListPlan {
        /// Chosen from the match count (below).
        case automatic
        /// Read the matches through the filters' indexes and sort them.
        case sortMatches
        /// Walk the first `budget` entries of the sort's own index in order, testing each customer; sort
        /// the matches when that did not give the whole page. The health order has no index of its own: for it,
        /// a walk is the merge of the risk levels' orders, unbudgeted, when the matches are dense, else a sort.
        case walkSortIndex(budget: Int)
    }

    /// One page of customers in health order (ties by row id, in the same direction) among those matching
    /// `whereSQL` (alias `c`, its values `params`), merged from the risk levels' orders in `customers_risk_level`.
    static func healthOrderPage(levels: [ChurnRisk], whereSQL: String, params: [SQLValue], descending: Bool,
                                limit: Int, offset: Int) -> (sql: String, params: [SQLValue]) {
        let dir = descending ? "DESC" : "ASC"
        let arm = "SELECT c.id, c.health_score FROM customers c INDEXED BY customers_risk_level WHERE c.churn_risk = ? AND \(whereSQL)"
        return ("""
            SELECT \(Customer.qualifiedColumns)
            FROM (\(levels.map { _ in arm }.joined(separator: " UNION ALL ")) ORDER BY 2 \(dir), 1 \(dir) LIMIT ? OFFSET ?) AS p
            CROSS JOIN customers c ON c.id = p.id ORDER BY p.health_score \(dir), p.id \(dir)
            """, levels.flatMap { [.int(Int64($0.rank))] + params } + [.int(Int64(limit)), .int(Int64(offset))])
    }

    /// Lists customers with the spec's filters plus agent, tag and a name/e-mail search, sorted and paged.
    ///
    /// Two ways to a filtered page: read every match and sort them, or walk the index of the sort order
    /// (name, renewal, last contact or customer-since) and stop once the page is full; the health order is
    /// merged from the four risk levels' orders (`healthOrderPage`), each walked until the page is full. With M matches among about N
    /// customers, spread evenly, a walk reads about (offset + limit) × N / M index entries and sorting reads
    /// M rows, so the walk is tried first when M² > (offset + limit) × N (a one-letter search at a million
    /// customers: 129,000 matches, 1 s to sort), for at most four times the entries an even spread needs.
    public func listCustomers(_ q: CustomerQuery) throws -> Page<Customer> {
        try listCustomers(q, plan: .automatic)
    }

    func listCustomers(_ q: CustomerQuery, plan: ListPlan) throws -> Page<Customer> {
        // The erased filter first (the count below takes the rest as the query's own filters), then the query's.
        var conditions = ["c.erased_at IS NULL"]
        var params: [SQLValue] = []
        if !q.churnRisk.isEmpty {
            conditions.append("c.churn_risk IN (\(q.churnRisk.map { _ in "?" }.joined(separator: ", ")))")
            params += q.churnRisk.map { .int(Int64($0.rank)) }
        }
        // A health range is read from the risk-level index (churn_risk, health_score), one range per level: with
        // no level asked for, every level is named so that index can serve it.
        if q.churnRisk.isEmpty && (q.healthScoreMin != nil || q.healthScoreMax != nil) { conditions.append(ChurnRisk.everyLevelSQL) }
        if let v = q.healthScoreMin { conditions.append("c.health_score >= ?"); params.append(.double(v)) }
        if let v = q.healthScoreMax { conditions.append("c.health_score <= ?"); params.append(.double(v)) }
        if let v = q.agentId { conditions.append("c.agent_id = ?"); params.append(.text(v)) }
        if let v = q.tag { conditions.append("c.id IN (SELECT customer_id FROM customer_tags WHERE tag = ?)"); params.append(.text(v)) }
        if let (condition, values) = Engine.nameSearchCondition(q.search) {
            conditions.append(condition)
            params += values
        }
        let whereSQL = conditions.joined(separator: " AND ")
        let dir = q.descending ? "DESC" : "ASC"
        // The sort keys, and the index that holds them in order (with the row id last) when there is one.
        let keys: [String], sortIndex: String?
        switch q.sort {
        case .name: (keys, sortIndex) = (["c.last_name", "c.first_name"], "customers_name")
        case .health: (keys, sortIndex) = (["c.health_score"], nil)   // merged from the risk levels' orders (below)
        case .risk: (keys, sortIndex) = (["c.churn_probability"], nil)
        case .ltv: (keys, sortIndex) = (["c.projected_ltv_cents"], nil)
        case .renewal: (keys, sortIndex) = ([CustomerQuery.Sort.renewalKey], "customers_renewal")
        case .lastContact: (keys, sortIndex) = (["c.last_contact_date"], "customers_last_contact")
        case .since: (keys, sortIndex) = (["c.customer_since"], "customers_since")
        }
        let collation = q.sort == .name ? " COLLATE NOCASE" : ""
        /// ORDER BY, ties broken by row id in the same direction (the order of the sort's index). `indexable:
        /// false` writes each key as `(+key)`, the same value that no index can supply, so SQLite finds the
        /// matches through the filters' indexes and sorts them.
        func orderBy(indexable: Bool) -> String {
            "ORDER BY " + keys.map { (indexable ? $0 : "(+\($0))") + "\(collation) \(dir)" }.joined(separator: ", ") + ", c.id \(dir)"
        }
        let limit = max(1, min(q.limit, 1000))
        let page = max(1, q.page)
        // The count is every customer the filters match less the erased ones among them: the first count is
        // read from the index a filter uses (or, with no filter, the smallest index) without fetching each
        // row to test `erased_at`, the second from the small index of erased customers.
        // A search alone is counted in its own index, which holds exactly the customers not erased: no row read.
        let filters = conditions.dropFirst().joined(separator: " AND ")
        let total: Int
        if let s = q.search?.trimmingCharacters(in: .whitespaces), !s.isEmpty, conditions.count == 2 {
            total = try db.scalarInt("SELECT count(*) FROM customer_search WHERE customer_search MATCH ?", [.text(Engine.searchMatch(s))])
        } else {
            total = try db.scalarInt("""
                SELECT (SELECT count(*) FROM customers c \(filters.isEmpty ? "" : "WHERE \(filters)"))
                     - (SELECT count(*) FROM customers c INDEXED BY customers_erased WHERE c.erased_at IS NOT NULL \(filters.isEmpty ? "" : "AND \(filters)"))
                """, params + params)
        }
        let offset = (page - 1) * limit
        let pageParams = params + [.int(Int64(limit)), .int(Int64(offset))]
        func items(_ rows: [Customer]) throws -> Page<Customer> { Page(items: try rows.map(withDetails), page: page, limit: limit, total: total) }
        // The health order is kept per risk level (`customers_risk_level (churn_risk, health_score)`, schema 19): the
        // page is SQLite's merge of the levels' orders (a compound SELECT ordered as the index is: `MERGE (UNION
        // ALL)`, each level read in index order, the filters tested on each entry, stopping at the page's end), and
        // only the page's rows are then read whole. With every customer matching, or matches dense enough that an
        // order's walk finds the page soon (as for the walk below), that is the page; sparse matches are sorted
        // instead. A page past the last match is empty without a read.
        let customers = try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers")   // about N, from the end of the table's b-tree
        let dense = total > 0 && Double(total) * Double(total) > Double(offset + limit) * Double(customers)
        if q.sort == .health, filters.isEmpty || { if case .sortMatches = plan { return false } else { return dense } }() {
            if offset >= total { return try items([]) }
            let levels = q.churnRisk.isEmpty ? ChurnRisk.allCases : ChurnRisk.allCases.filter(q.churnRisk.contains)
            let merged = Self.healthOrderPage(levels: levels, whereSQL: whereSQL, params: params, descending: q.descending, limit: limit, offset: offset)
            return try items(try db.query(merged.sql, merged.params, Customer.init(row:)))
        }
        if filters.isEmpty {
            // Every customer matches: the sort index (if any) gives the page directly.
            return try items(try db.query("SELECT \(Customer.qualifiedColumns) FROM customers c WHERE \(whereSQL) \(orderBy(indexable: true)) LIMIT ? OFFSET ?",
                                          pageParams, Customer.init(row:)))
        }
        // A bounded walk of the sort index: its first `budget` entries in order, the filters tested on each.
        // The page it gives is exact when it is full (the walk met at least offset + limit matches, and they
        // come first in the order) or when it holds the last of all `total` matches; otherwise the matches
        // were not where an even spread put them (a surname, a risk level at the far end of the health
        // order), and the page is sorted from the matches after all.
        var budget: Int?
        switch plan {
        case .sortMatches: break
        case .walkSortIndex(let entries): budget = entries
        case .automatic:
            if dense { budget = max(1_000, Int(4 * Double(offset + limit) * Double(customers) / Double(total))) }
        }
        if let sortIndex, let budget {
            // Where the walk stops: the first sort key of the index entry `budget` places in (read from the
            // index alone); none when the index is shorter. The index name is a constant, never user text.
            let first = keys[0] + collation
            let bound = try db.queryOne("SELECT \(first) FROM customers c INDEXED BY \(sortIndex) \(orderBy(indexable: true)) LIMIT 1 OFFSET ?",
                                        [.int(Int64(budget))]) { $0.value(0) }
            let range = bound == nil ? "" : "AND \(first) \(q.descending ? ">=" : "<=") ?"
            let rows = try db.query("""
                SELECT \(Customer.qualifiedColumns) FROM customers c INDEXED BY \(sortIndex)
                WHERE \(whereSQL) \(range) \(orderBy(indexable: true)) LIMIT ? OFFSET ?
                """, params + (bound.map { [$0] } ?? []) + [.int(Int64(limit)), .int(Int64(offset))], Customer.init(row:))
            if rows.count == limit || offset + rows.count == total { return try items(rows) }
        }
        // Sorting the matches, read the way SQLite finds cheapest (an index of a filter may even give the order,
        // as the risk-level index does for `churnRisk` by health). Lacking statistics on how many customers a
        // range of health scores holds, it may instead plan to walk the whole sort index (3.5 s at a million
        // for `healthScoreMin=90` by name, which 28 customers match); that plan is refused.
        let sortSQL = { (indexable: Bool) in "SELECT \(Customer.qualifiedColumns) FROM customers c WHERE \(whereSQL) \(orderBy(indexable: indexable)) LIMIT ? OFFSET ?" }
        var sql = sortSQL(true)
        if let sortIndex, try db.query("EXPLAIN QUERY PLAN \(sql)", pageParams, { $0.text(3) }).contains(where: { $0.hasPrefix("SCAN c USING INDEX \(sortIndex)") }) {
            sql = sortSQL(false)
        }
        let rows = try db.query(sql, pageParams, Customer.init(row:))
        return try items(rows)
    }

    /// The customers a search finds: those not erased whose name ("first last"), last name or e-mail starts
    /// with the words of `text`, in any case and with or without accents (`ZOË` finds `Zoë`, `elodie d` finds
    /// `Élodie Dupont`, `j.smith@ex` finds `j.smith@example.com`); nil when `text` less its outer spaces is
    /// empty. Read from the full-text index `customer_search` (schema v12), never by testing every customer.
    ///
    /// The rule, as the index applies it: text is cut into words at every character that is not a letter or a
    /// digit (spaces, `.`, `@`, `-`, `'`, `_`), each word folded to lower case without its accents; a field
    /// matches when its words start with the search's words in order, the last of them as a prefix. So
    /// `mary ann s` finds Mary Ann Smith and `ann-smi` finds the last name Ann-Smith, but `smith` does not
    /// find the e-mail `john.smith@…` (that e-mail starts with `john`). A search with no letter or digit finds
    /// no one. `table` is the alias of the customers table in the query.
    static func nameSearchCondition(_ text: String?, table c: String = "c") -> (sql: String, params: [SQLValue])? {
        guard let s = text?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return ("\(c).id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ?)", [.text(searchMatch(s))])
    }

    /// The customers a search finds, as a query of their row ids (`id`) from the search index alone, for a
    /// search that drives a query (the at-risk queue's); nil when `text` is no search.
    static func nameSearchDriver(_ text: String?) -> (sql: String, params: [SQLValue])? {
        guard let s = text?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        return ("SELECT rowid AS id FROM customer_search WHERE customer_search MATCH ?", [.text(searchMatch(s))])
    }

    /// The FTS5 query of a search: one phrase (the text quoted, its quotes doubled, so no character of it is
    /// FTS5 syntax) anchored at the start of a field (`^`), its last word a prefix (`*`).
    static func searchMatch(_ s: String) -> String {
        "^\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"*"
    }

    /// Recomputes the counters a customer row caches from its policies, so they stay true under every change:
    /// `totalPolicies`, `activePolicies` (active or pending renewal), `nextRenewalDate` (earliest renewal of
    /// an in-force policy) and `lifetimeValue` (premiums paid to date, Σ totalPaid). `customerSince` moves back
    /// to the first policy's inception when a policy starts before it (a back-dated policy: the customer has
    /// been one since then, as their tenure says).
    func refreshCustomerCounters(_ rowID: Int64, now: Int) throws {
        try db.run("""
            UPDATE customers SET
              total_policies = (SELECT count(*) FROM policies WHERE customer_id = ?1),
              active_policies = (SELECT count(*) FROM policies WHERE customer_id = ?1 AND status IN \(PolicyStatus.inForceSQL)),
              next_renewal_date = (SELECT min(renewal_date) FROM policies WHERE customer_id = ?1 AND status IN \(PolicyStatus.inForceSQL)),
              customer_since = min(customer_since, coalesce((SELECT min(inception_date) FROM policies WHERE customer_id = ?1), customer_since)),
              lifetime_value_cents = (SELECT coalesce(sum(total_paid_cents), 0) FROM policies WHERE customer_id = ?1),
              updated_at = ?2
            WHERE id = ?1
            """, [.int(rowID), .int(Int64(now))])
    }
}
