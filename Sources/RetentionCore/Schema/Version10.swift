// FROZEN: schema version 10 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 10: the metrics' campaign figures read from indexes alone. The period's delivered touchpoints
    /// and how far each went (opened, clicked, responded), and the cost of the touches each campaign sent
    /// (its channels), were read a table row per touchpoint; these two indexes hold what those reads need
    /// (the delivered-time index they replace is dropped).
    enum Version10 {
        static let sql = """
        CREATE INDEX touchpoints_delivered_stages ON touchpoints(delivered_at, opened_at, clicked_at, responded_at) WHERE delivered_at IS NOT NULL;
        DROP INDEX touchpoints_delivered;
        CREATE INDEX touchpoints_sent_channel ON touchpoints(campaign_id, channel, sent_at) WHERE sent_at IS NOT NULL;
        """
    }
}
