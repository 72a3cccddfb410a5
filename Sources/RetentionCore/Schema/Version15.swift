// FROZEN: schema version 15 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 15: a specialist's manual risk level (`Engine.setRiskOverride`). One row per customer at most:
    /// the level (a `ChurnRisk` rank), why, until when (it lapses at that instant), who set it and when. The
    /// model's own level stays in `customers.churn_risk`, written by every rescore; the override lives apart,
    /// so no rescore overwrites it.
    enum Version15 {
        static let sql = """
        CREATE TABLE risk_overrides (
            customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
            churn_risk INTEGER NOT NULL,
            reason TEXT NOT NULL,
            until_at INTEGER NOT NULL,
            set_by TEXT NOT NULL,
            set_at INTEGER NOT NULL
        );
        """
    }
}
