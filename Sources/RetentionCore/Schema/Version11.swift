// FROZEN: schema version 11 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 11: what a dispatcher stopped mid-send needs for recovery (see `Engine.recoverStrandedSends`).
    /// - `touchpoints.handed_at`: when the message was handed to a `command`/`sendmail` program (NULL until
    ///   then), so a send whose outcome is unknown is told from one never handed over;
    /// - an index on the touchpoints in flight, so each dispatch pass finds stranded claims without a scan.
    /// The status `needs_review` needs no schema change (status is free text).
    enum Version11 {
        static let sql = """
        ALTER TABLE touchpoints ADD COLUMN handed_at INTEGER;
        CREATE INDEX touchpoints_in_flight ON touchpoints(customer_id) WHERE status = 'sending';
        """
    }
}
