// FROZEN: schema version 14 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 14, for `retention rescore --changed`: the customers, policies and touchpoints changed since a
    /// time, each found through an index on `updated_at` instead of a scan of the table (the events are found
    /// by their row id, which grows as they are written). A rescore does not change `updated_at`, so it moves
    /// none of these index entries.
    enum Version14 {
        static let sql = """
        CREATE INDEX customers_updated ON customers(updated_at);
        CREATE INDEX policies_updated ON policies(updated_at);
        CREATE INDEX touchpoints_updated ON touchpoints(updated_at);
        """
    }
}
