// FROZEN: schema version 8 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 8: the win-back queue. Former customers are listed from the events that record their leaving,
    /// the most recent first; a partial index holds just those events (a few per hundred customers), so the
    /// queue's first page is read in order however large the book and the other events pay nothing.
    enum Version08 {
        static let sql = """
        CREATE INDEX retention_events_churned ON retention_events(occurred_at DESC, id DESC) WHERE event_type = 'customer_churned';
        """
    }
}
