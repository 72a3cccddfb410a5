/// The schema's triggers that bulk loads run without, and how each is caught up after the load: which
/// triggers a load of events or of customers and policies drops (`withTriggersDeferred`, Database/BulkLoads),
/// and the set-based statements and routines that do afterwards what they would have done row by row.
///
/// The triggers themselves are the frozen schema's (versions 2 and 7): a bulk load saves the definition it
/// drops, as `sqlite_master` holds it, and creates exactly that again. The catch-up statements here are the
/// current code's twins of those triggers; `SchemaFreezeTests` checks that the expressions they share with the
/// frozen triggers (the policies' metrics code, the customer totals' refill, the renewal days' sums) are
/// still the frozen text, so a change to them fails there and asks for a new schema version.
extension Store {
    /// The routines a catch-up can name (saved by name, so a killed load is finished by the next open).
    static let catchUpRoutines: [String: @Sendable (Database, [Int64]) throws -> Void] = [
        "renewal_days": { db, params in try RenewalDays.catchUp(db, afterEvent: params.first ?? 0) },
        "customer_totals": { db, _ in try CustomerTotals.rebuild(db) },
    ]

    /// The set-based twin of the `premium_changes_insert` trigger (schema v2): the `premium_changes` row of
    /// every renewal or coverage change event after event `?1` that has none yet, from the event and its
    /// policy as they are now. A test checks it writes exactly the rows the trigger writes.
    static let fillPremiumChanges = """
        INSERT OR IGNORE INTO premium_changes
        SELECT ev.occurred_at, ev.id, ev.customer_id, p.id, ev.event_type = 'policy_renewed', p.policy_type, p.inception_date, p.term_months,
               p.annual_premium_cents, json_extract(ev.data, '$.premiumBefore') * 100, json_extract(ev.data, '$.premiumAfter') * 100
        FROM retention_events ev JOIN policies p ON p.id = ev.policy_id
        WHERE ev.id > ?1 AND ev.event_type IN ('policy_renewed', 'coverage_changed')
        """

    /// The triggers a load of events runs without: the premium changes of renewal and coverage change
    /// events (the `premium_changes_insert` trigger reads the policy when the event is written, the pass
    /// after the load: only for loads that write policies before their events and do not change those
    /// policies afterwards) and the renewals' days (`RenewalDays`), caught up from the last event before.
    ///
    /// A load that writes each event's `premium_changes` row itself, with the event (`writtenByLoad`: the demo
    /// book, which knows its renewals' premiums), needs no pass over the events after it (a read of every
    /// event row: about 0.6 s of CPU at 100,000 customers).
    static func premiumChangeTriggers(_ db: Database) throws -> [DeferredTrigger] { try premiumChangeTriggers(db, writtenByLoad: false) }

    static func premiumChangeTriggers(_ db: Database, writtenByLoad: Bool) throws -> [DeferredTrigger] {
        let lastEvent = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM retention_events"))
        return [DeferredTrigger(name: "premium_changes_insert", catchUp: writtenByLoad ? [] : [.sql(fillPremiumChanges, [lastEvent])]),
                DeferredTrigger(name: "renewal_days_insert", catchUp: [.routine("renewal_days", [lastEvent])])]
    }

    /// The `premium_changes` row of a renewal event, as `premium_changes_insert` writes it, for a load that writes
    /// the rows itself (`premiumChangeTriggers(_:writtenByLoad:)`). Values: occurred_at, event id, customer id,
    /// policy id, line, inception, term months, the policy's annual premium in cents, and the premiums before and
    /// after as the event's JSON writes them (text such as `1234.56`): SQLite reads them as `json_extract` does,
    /// so the row is the trigger's to the last bit.
    static let insertRenewalPremiumChange = """
        INSERT INTO premium_changes (occurred_at, event_id, customer_id, policy_id, renewal, policy_type, policy_inception, term_months,
          annual_premium_cents, premium_before_cents, premium_after_cents)
        VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, CAST(? AS REAL) * 100, CAST(? AS REAL) * 100)
        """

    /// The set-based twin of the `customer_search_insert` trigger (schema v12): every customer after row `?1`
    /// that is not erased, into the search index, in row order.
    static let fillCustomerSearch = """
        INSERT INTO customer_search (rowid, name, last_name, email)
        SELECT id, first_name || ' ' || last_name, last_name, email FROM customers WHERE id > ?1 AND erased_at IS NULL ORDER BY id
        """

    /// The search index's insert trigger, put off for a load of customers: the customers after the last one
    /// before are put in the index after the load.
    static func customerSearchTrigger(_ db: Database) throws -> DeferredTrigger {
        let lastCustomer = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers"))
        return DeferredTrigger(name: "customer_search_insert", catchUp: [.sql(fillCustomerSearch, [lastCustomer])])
    }

    /// The triggers a load of customers and policies runs without: the customer totals (rebuilt from the
    /// table after), the search index (filled for the customers loaded) and the policies' metrics codes (put
    /// right for the policies after the last one before).
    static func customerAndPolicyTriggers(_ db: Database) throws -> [DeferredTrigger] {
        let lastPolicy = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM policies"))
        let code = PolicyMetricsCode.sqlExpression("policies")
        return [DeferredTrigger(name: "customer_totals_insert", catchUp: [.routine("customer_totals", [])]),
                try customerSearchTrigger(db),
                DeferredTrigger(name: "policies_metrics_code_insert",
                                catchUp: [.sql("UPDATE policies SET metrics_code = \(code) WHERE id > ?1 AND metrics_code IS NOT \(code)", [lastPolicy])])]
    }

}
