// FROZEN: schema version 17 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 17: the at-risk queue's default order index (`customers_queue_by_probability`, version 13) also
    /// carries every column the queue's list shows and filters on, so the dashboard's first page and the
    /// queue's counts read the index alone, not one customer row per entry. At a million customers the first
    /// page from a cold cache took 37 ms (301 rows scattered over the customers table) against 5 ms, and the
    /// count of the queue under a one-letter search 0.26 s against 0.10 s (a queue of 145,000). Same name,
    /// same order and same condition: every query that names it reads the same rows in the same order.
    enum Version17 {
        static let sql = """
        DROP INDEX customers_queue_by_probability;
        CREATE INDEX customers_queue_by_probability ON customers(coalesce(churn_probability, 0), coalesce(projected_ltv_cents, -1), id, churn_risk, snoozed_until, agent_id, assigned_to, erased_at, active_policies, churn_probability, projected_ltv_cents, uuid, first_name, last_name, email, phone, top_risk_factor, health_score, ltv_tier, next_renewal_date, last_contact_date) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        """
    }
}
