// FROZEN: schema version 19 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 19: the customers' health score is kept in one index instead of two. `customers_health
    /// (health_score)` goes; `customers_risk_level (churn_risk, health_score)` stays and gives the health order
    /// within each risk level, which the customer list merges across the four levels (`listCustomers`).
    ///
    /// Every customer whose health moves moved an entry in both indexes. At a million customers, `rescore
    /// --changed` of 10,000 customers whose scores all move took 0.85 of the time pair by pair with only the index
    /// dropped from one of two copies of the book, and 0.93 with this release against the one before (8 rounds
    /// each); a full rescore rebuilds one index less, and the file holds about 16 MB less (after `maintenance`).
    enum Version19 {
        static let sql = """
        DROP INDEX IF EXISTS customers_health;
        """
    }
}
