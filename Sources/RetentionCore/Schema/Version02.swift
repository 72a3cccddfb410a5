// FROZEN: schema version 2 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v2, for a large book:
    /// - an index on touchpoints' delivery time (the metrics' campaign group counts deliveries in a period);
    /// - an index on enrolments by campaign and customer (a campaign's next run skips customers it already
    ///   enrolled with one lookup each, not a scan of its enrolments);
    /// - `premium_changes`, one narrow row per renewal or coverage change, maintained by triggers on
    ///   `retention_events` (so every write path keeps it: API, import, demo, erasure). It holds what the
    ///   revenue metrics read about such an event (the premiums before and after, and the policy's line,
    ///   inception, term and annual premium when the event was recorded), stored in time order, so a
    ///   period's renewals are one sequential range instead of a random read of every event row and its policy.
    enum Version02 {
        static let sql = """
        CREATE INDEX touchpoints_delivered ON touchpoints(delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE INDEX campaign_enrollments_campaign_customer ON campaign_enrollments(campaign_id, customer_id);

        CREATE TABLE premium_changes (
            occurred_at           INTEGER NOT NULL,
            event_id              INTEGER NOT NULL,
            customer_id           INTEGER NOT NULL,
            policy_id             INTEGER NOT NULL,
            renewal               INTEGER NOT NULL,
            policy_type           TEXT NOT NULL,
            policy_inception      INTEGER NOT NULL,
            term_months           INTEGER NOT NULL,
            annual_premium_cents  INTEGER NOT NULL,
            premium_before_cents  REAL,
            premium_after_cents   REAL,
            PRIMARY KEY (occurred_at, event_id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX premium_changes_event ON premium_changes(event_id);

        CREATE TRIGGER premium_changes_insert AFTER INSERT ON retention_events
        WHEN NEW.event_type IN ('policy_renewed', 'coverage_changed') AND NEW.policy_id IS NOT NULL
        BEGIN
            INSERT INTO premium_changes
            SELECT NEW.occurred_at, NEW.id, NEW.customer_id, p.id, NEW.event_type = 'policy_renewed', p.policy_type, p.inception_date,
                   p.term_months, p.annual_premium_cents, json_extract(NEW.data, '$.premiumBefore') * 100, json_extract(NEW.data, '$.premiumAfter') * 100
            FROM policies p WHERE p.id = NEW.policy_id;
        END;

        CREATE TRIGGER premium_changes_update AFTER UPDATE OF data ON retention_events
        WHEN NEW.event_type IN ('policy_renewed', 'coverage_changed')
        BEGIN
            UPDATE premium_changes SET premium_before_cents = json_extract(NEW.data, '$.premiumBefore') * 100,
                                       premium_after_cents = json_extract(NEW.data, '$.premiumAfter') * 100
            WHERE event_id = NEW.id;
        END;

        CREATE TRIGGER premium_changes_delete AFTER DELETE ON retention_events
        WHEN OLD.event_type IN ('policy_renewed', 'coverage_changed')
        BEGIN
            DELETE FROM premium_changes WHERE event_id = OLD.id;
        END;

        INSERT INTO premium_changes
        SELECT ev.occurred_at, ev.id, ev.customer_id, p.id, ev.event_type = 'policy_renewed', p.policy_type, p.inception_date, p.term_months,
               p.annual_premium_cents, json_extract(ev.data, '$.premiumBefore') * 100, json_extract(ev.data, '$.premiumAfter') * 100
        FROM retention_events ev JOIN policies p ON p.id = ev.policy_id
        WHERE ev.event_type IN ('policy_renewed', 'coverage_changed');
        """
    }
}
