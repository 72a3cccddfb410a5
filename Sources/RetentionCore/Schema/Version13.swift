// FROZEN: schema version 13 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 13: the at-risk queue in every order the dashboard offers, read by the store over the whole
    /// queue (`Engine.atRiskWindow`), and its true size (`Engine.atRiskCount`).
    /// - one partial index per order (`QueueSort.expressions`), on the queue only (scored at risk, not
    ///   erased, a policy in force), with the row id last so ties break the same way in both directions;
    /// - an index on the snoozed customers, so the queue's count subtracts them without reading the queue.
    enum Version13 {
        static let sql = """
        CREATE INDEX customers_queue_by_probability ON customers(coalesce(churn_probability, 0), coalesce(projected_ltv_cents, -1), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_health ON customers(health_score, id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_ltv ON customers(coalesce(projected_ltv_cents, -1), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_renewal ON customers(coalesce(next_renewal_date, 9223372036854775807), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_last_contact ON customers(coalesce(last_contact_date, 0), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_owner ON customers(coalesce(assigned_to, '~'), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_queue_by_name ON customers(lower(first_name || ' ' || last_name), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0;
        CREATE INDEX customers_snoozed ON customers(snoozed_until) WHERE snoozed_until IS NOT NULL;
        """
    }
}
