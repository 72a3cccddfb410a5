/// The database schema, as forward-only migrations keyed by `PRAGMA user_version`.
///
/// A migration is never edited once released; a change is a new migration appended to the list.
/// Conventions: times are Unix seconds (UTC) in INTEGER columns ending in `_at` or `_date`; money is
/// integer cents in columns ending in `_cents`; internal joins use INTEGER keys, and the public ids the
/// API shows are UUID text in `uuid` columns. JSON documents are TEXT columns.
public enum Migrations {
    /// A stamp in `application_id` that marks a file as a Retention database.
    public static let applicationID: Int32 = 0x5245_544E // "RETN"

    public static let all: [String] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11]

    static let v1 = """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE agents (
        id    TEXT PRIMARY KEY,
        name  TEXT NOT NULL,
        email TEXT,
        phone TEXT
    ) WITHOUT ROWID;

    CREATE TABLE customers (
        id                        INTEGER PRIMARY KEY,
        uuid                      TEXT NOT NULL UNIQUE,
        lead_id                   TEXT NOT NULL UNIQUE,
        agent_id                  TEXT NOT NULL,
        first_name                TEXT NOT NULL,
        last_name                 TEXT NOT NULL,
        email                     TEXT NOT NULL,
        phone                     TEXT,
        date_of_birth             INTEGER,
        street                    TEXT,
        city                      TEXT,
        state                     TEXT,
        zip_code                  TEXT,
        country                   TEXT,
        time_zone                 TEXT,
        customer_since            INTEGER NOT NULL,
        total_policies            INTEGER NOT NULL DEFAULT 0,
        active_policies           INTEGER NOT NULL DEFAULT 0,
        lifetime_value_cents      INTEGER NOT NULL DEFAULT 0,
        satisfaction_score        REAL,
        health_score              REAL NOT NULL DEFAULT 50.0,
        churn_risk                INTEGER NOT NULL DEFAULT 0,
        churn_probability         REAL,
        top_risk_factor           TEXT,
        projected_ltv_cents       INTEGER,
        ltv_tier                  TEXT,
        scored_at                 INTEGER,
        last_contact_date         INTEGER,
        next_renewal_date         INTEGER,
        preferred_contact_method  TEXT,
        do_not_contact            INTEGER NOT NULL DEFAULT 0,
        assigned_to               TEXT,
        snoozed_until             INTEGER,
        metadata                  TEXT,
        erased_at                 INTEGER,
        version                   INTEGER NOT NULL DEFAULT 1,
        created_at                INTEGER NOT NULL,
        updated_at                INTEGER NOT NULL
    );
    CREATE INDEX customers_agent ON customers(agent_id);
    CREATE INDEX customers_risk_queue ON customers(churn_probability DESC, projected_ltv_cents DESC) WHERE churn_risk >= 1 AND erased_at IS NULL;
    CREATE INDEX customers_risk_level ON customers(churn_risk, health_score);
    CREATE INDEX customers_health ON customers(health_score);
    CREATE INDEX customers_name ON customers(last_name COLLATE NOCASE, first_name COLLATE NOCASE);
    CREATE INDEX customers_email ON customers(email COLLATE NOCASE);
    CREATE INDEX customers_since ON customers(customer_since);
    CREATE INDEX customers_assigned ON customers(assigned_to) WHERE assigned_to IS NOT NULL;

    CREATE TABLE customer_tags (
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        tag         TEXT NOT NULL,
        PRIMARY KEY (customer_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id);

    CREATE TABLE contact_preferences (
        customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        channel     TEXT NOT NULL,
        opted_out   INTEGER NOT NULL,
        changed_at  INTEGER NOT NULL,
        changed_by  TEXT NOT NULL,
        PRIMARY KEY (customer_id, channel)
    ) WITHOUT ROWID;

    CREATE TABLE policies (
        id                          INTEGER PRIMARY KEY,
        uuid                        TEXT NOT NULL UNIQUE,
        customer_id                 INTEGER NOT NULL REFERENCES customers(id),
        agent_id                    TEXT NOT NULL,
        policy_number               TEXT NOT NULL UNIQUE,
        policy_type                 TEXT NOT NULL,
        status                      TEXT NOT NULL,
        premium_cents               INTEGER NOT NULL CHECK (premium_cents > 0),
        premium_frequency           TEXT NOT NULL,
        premium_currency            TEXT NOT NULL DEFAULT 'USD',
        annual_premium_cents        INTEGER NOT NULL,
        coverage_type               TEXT NOT NULL,
        coverage_amount_cents       INTEGER NOT NULL,
        coverage_deductible_cents   INTEGER,
        coverage_limits             TEXT,
        inception_date              INTEGER NOT NULL,
        effective_date              INTEGER NOT NULL,
        expiration_date             INTEGER NOT NULL,
        renewal_date                INTEGER NOT NULL,
        term_months                 INTEGER NOT NULL,
        last_renewal_date           INTEGER,
        renewal_count               INTEGER NOT NULL DEFAULT 0,
        total_paid_cents            INTEGER NOT NULL DEFAULT 0,
        claims_count                INTEGER NOT NULL DEFAULT 0,
        total_claim_cents           INTEGER NOT NULL DEFAULT 0,
        underwriter                 TEXT,
        documents                   TEXT,
        metadata                    TEXT,
        ended_at                    INTEGER,
        end_reason                  TEXT,
        version                     INTEGER NOT NULL DEFAULT 1,
        created_at                  INTEGER NOT NULL,
        updated_at                  INTEGER NOT NULL,
        CHECK (expiration_date > effective_date)
    );
    CREATE INDEX policies_customer ON policies(customer_id, status);
    CREATE INDEX policies_renewal_queue ON policies(renewal_date) WHERE status IN ('active', 'pending_renewal');
    CREATE INDEX policies_type ON policies(policy_type, status);
    CREATE INDEX policies_ended ON policies(ended_at) WHERE ended_at IS NOT NULL;
    CREATE INDEX policies_inception ON policies(inception_date);

    CREATE TABLE health_scores (
        id                 INTEGER PRIMARY KEY,
        customer_id        INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        calculated_at      INTEGER NOT NULL,
        overall            REAL NOT NULL,
        engagement         REAL NOT NULL,
        financial          REAL NOT NULL,
        satisfaction       REAL NOT NULL,
        lifecycle          REAL NOT NULL,
        churn_probability  REAL NOT NULL,
        churn_risk         INTEGER NOT NULL,
        model_version      INTEGER,
        document           TEXT NOT NULL
    );
    CREATE INDEX health_scores_customer ON health_scores(customer_id, calculated_at DESC);

    CREATE TABLE ltv_history (
        id                   INTEGER PRIMARY KEY,
        customer_id          INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        calculated_at        INTEGER NOT NULL,
        current_ltv_cents    INTEGER NOT NULL,
        projected_ltv_cents  INTEGER NOT NULL,
        tier                 TEXT NOT NULL,
        category             TEXT NOT NULL,
        document             TEXT NOT NULL
    );
    CREATE INDEX ltv_history_customer ON ltv_history(customer_id, calculated_at DESC);

    CREATE TABLE churn_models (
        id          INTEGER PRIMARY KEY,
        trained_at  INTEGER NOT NULL,
        model       TEXT NOT NULL,
        metrics     TEXT NOT NULL
    );

    CREATE TABLE retention_events (
        id                 INTEGER PRIMARY KEY,
        uuid               TEXT NOT NULL UNIQUE,
        customer_id        INTEGER NOT NULL REFERENCES customers(id),
        policy_id          INTEGER REFERENCES policies(id),
        event_type         TEXT NOT NULL,
        severity           TEXT NOT NULL,
        data               TEXT,
        triggered_actions  TEXT,
        occurred_at        INTEGER NOT NULL,
        created_by         TEXT NOT NULL,
        created_at         INTEGER NOT NULL
    );
    CREATE INDEX retention_events_customer ON retention_events(customer_id, occurred_at DESC);
    CREATE INDEX retention_events_type ON retention_events(event_type, occurred_at);

    CREATE TABLE campaigns (
        id                INTEGER PRIMARY KEY,
        uuid              TEXT NOT NULL UNIQUE,
        name              TEXT NOT NULL,
        description       TEXT,
        campaign_type     TEXT NOT NULL,
        status            TEXT NOT NULL,
        target_segment    TEXT NOT NULL,
        schedule          TEXT NOT NULL,
        sequence          TEXT NOT NULL,
        goals             TEXT,
        control_fraction  REAL NOT NULL DEFAULT 0.1,
        created_by        TEXT NOT NULL,
        status_changed_at INTEGER,
        paused_at         INTEGER,
        next_run_at       INTEGER,
        version           INTEGER NOT NULL DEFAULT 1,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
    );
    CREATE INDEX campaigns_status ON campaigns(status, campaign_type);

    CREATE TABLE campaign_enrollments (
        id           INTEGER PRIMARY KEY,
        campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
        customer_id  INTEGER NOT NULL REFERENCES customers(id),
        policy_id    INTEGER REFERENCES policies(id),
        run_at       INTEGER NOT NULL,
        enrolled_at  INTEGER NOT NULL,
        is_control   INTEGER NOT NULL DEFAULT 0,
        UNIQUE (campaign_id, run_at, customer_id)
    );
    CREATE INDEX campaign_enrollments_customer ON campaign_enrollments(customer_id);

    CREATE TABLE touchpoints (
        id              INTEGER PRIMARY KEY,
        uuid            TEXT NOT NULL UNIQUE,
        campaign_id     INTEGER REFERENCES campaigns(id),
        enrollment_id   INTEGER REFERENCES campaign_enrollments(id),
        customer_id     INTEGER NOT NULL REFERENCES customers(id),
        policy_id       INTEGER REFERENCES policies(id),
        step_index      INTEGER NOT NULL DEFAULT 0,
        channel         TEXT NOT NULL,
        template        TEXT,
        status          TEXT NOT NULL,
        due_at          INTEGER NOT NULL,
        sent_at         INTEGER,
        delivered_at    INTEGER,
        opened_at       INTEGER,
        clicked_at      INTEGER,
        responded_at    INTEGER,
        failed_at       INTEGER,
        subject         TEXT,
        content         TEXT,
        response        TEXT,
        metadata        TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        skip_reason     TEXT,
        claimed_by      TEXT,
        claimed_at      INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE INDEX touchpoints_due ON touchpoints(due_at) WHERE status = 'pending';
    CREATE INDEX touchpoints_campaign ON touchpoints(campaign_id, status);
    CREATE INDEX touchpoints_customer ON touchpoints(customer_id, due_at DESC);
    CREATE INDEX touchpoints_sent ON touchpoints(sent_at) WHERE sent_at IS NOT NULL;

    CREATE TABLE audit_log (
        id           INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        user_name    TEXT NOT NULL,
        action       TEXT NOT NULL,
        entity_type  TEXT NOT NULL,
        entity_id    TEXT NOT NULL,
        details      TEXT
    );
    CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, at);
    """

    /// v2, for a large book:
    /// - an index on touchpoints' delivery time (the metrics' campaign group counts deliveries in a period);
    /// - an index on enrolments by campaign and customer (a campaign's next run skips customers it already
    ///   enrolled with one lookup each, not a scan of its enrolments);
    /// - `premium_changes`, one narrow row per renewal or coverage change, maintained by triggers on
    ///   `retention_events` (so every write path keeps it: API, import, demo, erasure). It holds what the
    ///   revenue metrics read about such an event (the premiums before and after, and the policy's line,
    ///   inception, term and annual premium when the event was recorded), stored in time order, so a
    ///   period's renewals are one sequential range instead of a random read of every event row and its policy.
    static let v2 = """
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

    /// The metrics' read of every policy in customer order, with the columns the period totals need, from
    /// one covering index instead of the wide table rows. A customer's policies by status also carry the
    /// renewal date, so a campaign finds each enrolled customer's next renewing policy from the index alone.
    /// (The customers' scores get no covering index: every rescore rewrites them, and such an index cost a
    /// million-customer rescore 20 s to save the metrics 0.8 s.)
    static let v3 = """
    DROP INDEX IF EXISTS policies_customer;
    CREATE INDEX policies_customer ON policies(customer_id, status, renewal_date);
    CREATE INDEX policies_metrics ON policies(customer_id, policy_type, inception_date, ended_at, status, end_reason, annual_premium_cents);
    """

    /// v4, for searching and listing a large book:
    /// - an index on the first name (case-insensitive): a customer search unions the first-name, name and
    ///   e-mail indexes instead of reading every customer (4.7 s at a million customers);
    /// - a partial index of erased customers: the unfiltered customer list counts the table less them
    ///   from indexes alone.
    static let v4 = """
    CREATE INDEX customers_first_name ON customers(first_name COLLATE NOCASE);
    CREATE INDEX customers_erased ON customers(erased_at) WHERE erased_at IS NOT NULL;
    """

    /// v5, for rescoring and generating a large book:
    /// - a customer's events by time also carry their type, so a rescore counts each customer's events of
    ///   each kind from the index alone instead of fetching every event row (12.7 million at a million
    ///   customers; the rows themselves are read only for the claims' amounts and the latest NPS score);
    /// - the index of all events by type and time goes: every query of events is a customer's (the
    ///   dispatcher's "renewed" check was the last to read all renewals since a date), and building it was
    ///   the costliest step of loading a book (sorting 12.7 million text keys: 2.8 s of 20 at 100k customers).
    static let v5 = """
    DROP INDEX IF EXISTS retention_events_customer;
    CREATE INDEX retention_events_customer ON retention_events(customer_id, occurred_at DESC, event_type);
    DROP INDEX IF EXISTS retention_events_type;
    """

    /// v6, for the customer list sorted by next renewal or by last contact, which sorted every customer
    /// (0.5–1.4 s at a million): both orders get an index. Customers with no renewal sort after every date,
    /// so the renewal order is the date with a missing one read as the largest integer (the list's sort key
    /// is the same expression, `CustomerQuery.Sort.renewalKey`). Neither column changes in a rescore; the
    /// scores' own orders (risk, LTV) get no index for that reason (see v3).
    static let v6 = """
    CREATE INDEX customers_renewal ON customers(coalesce(next_renewal_date, 9223372036854775807));
    CREATE INDEX customers_last_contact ON customers(last_contact_date);
    """

    /// v7, for the metrics on a large book:
    /// - `customer_totals`, the sums the metrics read about active customers (counts, premiums paid,
    ///   projected LTV, satisfaction, health and risk) per agent, kept by triggers on `customers` and filled
    ///   here from the table in one pass (see `CustomerTotals`, which generates its part). The metrics read
    ///   a few rows instead of every customer's; unlike a covering index of the scores (v3's note), a rescore
    ///   pays for it one upsert into a table of a page or two per customer;
    /// - `policies.metrics_code`, a policy's line, ending and rewrite in one integer (see `PolicyMetricsCode`),
    ///   kept by triggers, and the metrics index rebuilt on it in place of the three text columns;
    /// - `renewal_days`, the book's renewals and their premium per day and line, kept by triggers on
    ///   `premium_changes` (see `RenewalDays`), and an index of the premium changes that carry a premium
    ///   before and after.
    static let v7 = [PolicyMetricsCode.schema, CustomerTotals.schema, RenewalDays.schema].joined(separator: "\n")

    /// Version 8: the win-back queue. Former customers are listed from the events that record their leaving,
    /// the most recent first; a partial index holds just those events (a few per hundred customers), so the
    /// queue's first page is read in order however large the book and the other events pay nothing.
    static let v8 = """
    CREATE INDEX retention_events_churned ON retention_events(occurred_at DESC, id DESC) WHERE event_type = 'customer_churned';
    """

    /// v9, the agents' tasks: a follow-up a person owes a customer, raised by an event's `agent_notification`
    /// action (see `Engine.raiseTask`). A task is assigned to the customer's owner (`assigned_to`) if they
    /// have one, else to their agent; it is open until someone marks it done. Open tasks follow the customer:
    /// a trigger moves them when the owner or the agent changes, whichever write path changes them. Indexed
    /// for the two reads the product makes: one assignee's open tasks, the earliest due first (the dashboard,
    /// `GET /tasks`), and one customer's tasks (the detail pane, the open task an action would repeat,
    /// access and erasure).
    static let v9 = """
    CREATE TABLE tasks (
        id               INTEGER PRIMARY KEY,
        uuid             TEXT NOT NULL UNIQUE,
        customer_id      INTEGER NOT NULL REFERENCES customers(id),
        assignee         TEXT NOT NULL,
        reason           TEXT NOT NULL,
        title            TEXT NOT NULL,
        source_event_id  INTEGER REFERENCES retention_events(id),
        created_at       INTEGER NOT NULL,
        due_at           INTEGER NOT NULL,
        done_at          INTEGER,
        done_by          TEXT,
        created_by       TEXT NOT NULL
    );
    CREATE INDEX tasks_open ON tasks(assignee, due_at) WHERE done_at IS NULL;
    CREATE INDEX tasks_customer ON tasks(customer_id, done_at);

    CREATE TRIGGER tasks_follow_owner AFTER UPDATE OF assigned_to, agent_id ON customers
    WHEN coalesce(NEW.assigned_to, NEW.agent_id) IS NOT coalesce(OLD.assigned_to, OLD.agent_id)
    BEGIN
        UPDATE tasks SET assignee = coalesce(NEW.assigned_to, NEW.agent_id) WHERE customer_id = NEW.id AND done_at IS NULL;
    END;
    """

    /// Version 10: the metrics' campaign figures read from indexes alone. The period's delivered touchpoints
    /// and how far each went (opened, clicked, responded), and the cost of the touches each campaign sent
    /// (its channels), were read a table row per touchpoint; these two indexes hold what those reads need
    /// (the delivered-time index they replace is dropped).
    static let v10 = """
    CREATE INDEX touchpoints_delivered_stages ON touchpoints(delivered_at, opened_at, clicked_at, responded_at) WHERE delivered_at IS NOT NULL;
    DROP INDEX touchpoints_delivered;
    CREATE INDEX touchpoints_sent_channel ON touchpoints(campaign_id, channel, sent_at) WHERE sent_at IS NOT NULL;
    """
}
