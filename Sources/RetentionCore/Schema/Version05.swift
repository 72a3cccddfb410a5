// FROZEN: schema version 5 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v5, for rescoring and generating a large book:
    /// - a customer's events by time also carry their type, so a rescore counts each customer's events of
    ///   each kind from the index alone instead of fetching every event row (12.7 million at a million
    ///   customers; the rows themselves are read only for the claims' amounts and the latest NPS score);
    /// - the index of all events by type and time goes: every query of events is a customer's (the
    ///   dispatcher's "renewed" check was the last to read all renewals since a date), and building it was
    ///   the costliest step of loading a book (sorting 12.7 million text keys: 2.8 s of 20 at 100k customers).
    enum Version05 {
        static let sql = """
        DROP INDEX IF EXISTS retention_events_customer;
        CREATE INDEX retention_events_customer ON retention_events(customer_id, occurred_at DESC, event_type);
        DROP INDEX IF EXISTS retention_events_type;
        """
    }
}
