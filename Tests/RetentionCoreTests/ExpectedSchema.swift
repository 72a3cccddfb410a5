// The schema as main's code built it before the migrations were frozen into Schema/VersionNN.swift (recorded
// from that code, commit b1137fa), for SchemaFreezeTests. Versions 1-11 never change: when version 12 is added,
// append its two fingerprints and replace `finalSchema` with what the test prints (see Migrations.swift).

enum ExpectedSchema {
    /// FNV-1a (64-bit) of each version's SQL text, version 1 first.
    static let sqlFingerprints: [UInt64] = [
        0x5d6827a030bf0357, // version 1
        0x4f076ed3213fd58c, // version 2
        0xaaeaaf08993e1719, // version 3
        0xb2056dc7984582b3, // version 4
        0xf86598154f85668c, // version 5
        0xda1fe8ec21565685, // version 6
        0x637301ce15876bc4, // version 7
        0xbe3d7f937fbedcd1, // version 8
        0x83f2dc6897317019, // version 9
        0x837c8fcc933e8d1d, // version 10
        0x1c1e225fbd04ba1f, // version 11
        0x341adf1e3000e15f, // version 12
        0xb16e405fa748a50a, // version 13
        0x3f228b121c357abf, // version 14
        0x3618fe5088ae93ae, // version 15
        0x9f6edb8883f137a9, // version 16
        0xdbf4e70ce759222d, // version 17
        0xd7fe71f1a63884f2, // version 18
        0x35ebd3b429a410d4, // version 19
    ]

    /// FNV-1a (64-bit) of the `sqlite_master` dump (see `SchemaFreezeTests.dump`) after each version, version 1 first.
    static let schemaFingerprints: [UInt64] = [
        0x8ca0d7ecb946bc04, // version 1
        0xcb46654800df27f5, // version 2
        0x5378cc398cf33d58, // version 3
        0x6390efd97883b024, // version 4
        0x5a252034d2b8548d, // version 5
        0x60272399eafef716, // version 6
        0x40f9a66733463763, // version 7
        0x1ac3e8045a92f4d6, // version 8
        0xacbe9b29ffbc7124, // version 9
        0x072d5c69eb72e448, // version 10
        0xf630ef597fc23eae, // version 11
        0xc47f8be51ceeb26a, // version 12
        0xb05e7f999be063f1, // version 13
        0x7ea9280ee9857984, // version 14
        0xff586ce9d4e511ce, // version 15
        0xbb7ba59978460204, // version 16
        0xcd712c8e12629799, // version 17
        0x0969e39f7f07300d, // version 18
        0x3cd6e70dcceaf8c0, // version 19
    ]

    /// The `sqlite_master` dump of a database built through every migration: type|name|tbl_name|sql, by type and name.
    static let finalSchema = #"""
index|audit_log_entity|audit_log|CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, at)
index|campaign_enrollments_campaign_customer|campaign_enrollments|CREATE INDEX campaign_enrollments_campaign_customer ON campaign_enrollments(campaign_id, customer_id)
index|campaign_enrollments_customer|campaign_enrollments|CREATE INDEX campaign_enrollments_customer ON campaign_enrollments(customer_id)
index|campaigns_status|campaigns|CREATE INDEX campaigns_status ON campaigns(status, campaign_type)
index|customer_tags_tag|customer_tags|CREATE INDEX customer_tags_tag ON customer_tags(tag, customer_id)
index|customers_agent|customers|CREATE INDEX customers_agent ON customers(agent_id)
index|customers_assigned|customers|CREATE INDEX customers_assigned ON customers(assigned_to) WHERE assigned_to IS NOT NULL
index|customers_erased|customers|CREATE INDEX customers_erased ON customers(erased_at) WHERE erased_at IS NOT NULL
index|customers_last_contact|customers|CREATE INDEX customers_last_contact ON customers(last_contact_date)
index|customers_name|customers|CREATE INDEX customers_name ON customers(last_name COLLATE NOCASE, first_name COLLATE NOCASE)
index|customers_queue_by_health|customers|CREATE INDEX customers_queue_by_health ON customers(health_score, id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_last_contact|customers|CREATE INDEX customers_queue_by_last_contact ON customers(coalesce(last_contact_date, 0), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_ltv|customers|CREATE INDEX customers_queue_by_ltv ON customers(coalesce(projected_ltv_cents, -1), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_name|customers|CREATE INDEX customers_queue_by_name ON customers(lower(first_name || ' ' || last_name), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_owner|customers|CREATE INDEX customers_queue_by_owner ON customers(coalesce(assigned_to, '~'), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_probability|customers|CREATE INDEX customers_queue_by_probability ON customers(coalesce(churn_probability, 0), coalesce(projected_ltv_cents, -1), id, churn_risk, snoozed_until, agent_id, assigned_to, erased_at, active_policies, churn_probability, projected_ltv_cents, uuid, first_name, last_name, email, phone, top_risk_factor, health_score, ltv_tier, next_renewal_date, last_contact_date) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_queue_by_renewal|customers|CREATE INDEX customers_queue_by_renewal ON customers(coalesce(next_renewal_date, 9223372036854775807), id) WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0
index|customers_renewal|customers|CREATE INDEX customers_renewal ON customers(coalesce(next_renewal_date, 9223372036854775807))
index|customers_risk_level|customers|CREATE INDEX customers_risk_level ON customers(churn_risk, health_score)
index|customers_risk_queue|customers|CREATE INDEX customers_risk_queue ON customers(churn_probability DESC, projected_ltv_cents DESC) WHERE churn_risk >= 1 AND erased_at IS NULL
index|customers_since|customers|CREATE INDEX customers_since ON customers(customer_since)
index|customers_snoozed|customers|CREATE INDEX customers_snoozed ON customers(snoozed_until) WHERE snoozed_until IS NOT NULL
index|customers_updated|customers|CREATE INDEX customers_updated ON customers(updated_at)
index|health_scores_customer|health_scores|CREATE INDEX health_scores_customer ON health_scores(customer_id, calculated_at DESC)
index|ltv_history_customer|ltv_history|CREATE INDEX ltv_history_customer ON ltv_history(customer_id, calculated_at DESC)
index|policies_customer|policies|CREATE INDEX policies_customer ON policies(customer_id, status, renewal_date)
index|policies_ended|policies|CREATE INDEX policies_ended ON policies(ended_at) WHERE ended_at IS NOT NULL
index|policies_inception|policies|CREATE INDEX policies_inception ON policies(inception_date)
index|policies_metrics|policies|CREATE INDEX policies_metrics ON policies(customer_id, metrics_code, inception_date, ended_at, annual_premium_cents)
index|policies_renewal_queue|policies|CREATE INDEX policies_renewal_queue ON policies(renewal_date) WHERE status IN ('active', 'pending_renewal')
index|policies_type|policies|CREATE INDEX policies_type ON policies(policy_type, status)
index|policies_updated|policies|CREATE INDEX policies_updated ON policies(updated_at)
index|premium_changes_event|premium_changes|CREATE UNIQUE INDEX premium_changes_event ON premium_changes(event_id)
index|premium_changes_priced|premium_changes|CREATE INDEX premium_changes_priced ON premium_changes(occurred_at, policy_inception, premium_before_cents, premium_after_cents)
WHERE premium_before_cents IS NOT NULL AND premium_after_cents IS NOT NULL
index|retention_events_churned|retention_events|CREATE INDEX retention_events_churned ON retention_events(occurred_at DESC, id DESC) WHERE event_type = 'customer_churned'
index|retention_events_customer|retention_events|CREATE INDEX retention_events_customer ON retention_events(customer_id, occurred_at DESC, event_type)
index|sqlite_autoindex_campaign_enrollments_1|campaign_enrollments|
index|sqlite_autoindex_campaigns_1|campaigns|
index|sqlite_autoindex_customers_1|customers|
index|sqlite_autoindex_customers_2|customers|
index|sqlite_autoindex_policies_1|policies|
index|sqlite_autoindex_policies_2|policies|
index|sqlite_autoindex_retention_events_1|retention_events|
index|sqlite_autoindex_tasks_1|tasks|
index|sqlite_autoindex_touchpoints_1|touchpoints|
index|tasks_customer|tasks|CREATE INDEX tasks_customer ON tasks(customer_id, done_at)
index|tasks_open|tasks|CREATE INDEX tasks_open ON tasks(assignee, due_at) WHERE done_at IS NULL
index|touchpoints_campaign|touchpoints|CREATE INDEX touchpoints_campaign ON touchpoints(campaign_id, status)
index|touchpoints_customer|touchpoints|CREATE INDEX touchpoints_customer ON touchpoints(customer_id, due_at DESC)
index|touchpoints_delivered_stages|touchpoints|CREATE INDEX touchpoints_delivered_stages ON touchpoints(delivered_at, opened_at, clicked_at, responded_at) WHERE delivered_at IS NOT NULL
index|touchpoints_due|touchpoints|CREATE INDEX touchpoints_due ON touchpoints(due_at) WHERE status = 'pending'
index|touchpoints_in_flight|touchpoints|CREATE INDEX touchpoints_in_flight ON touchpoints(customer_id) WHERE status = 'sending'
index|touchpoints_sent|touchpoints|CREATE INDEX touchpoints_sent ON touchpoints(sent_at) WHERE sent_at IS NOT NULL
index|touchpoints_sent_channel|touchpoints|CREATE INDEX touchpoints_sent_channel ON touchpoints(campaign_id, channel, sent_at) WHERE sent_at IS NOT NULL
index|touchpoints_updated|touchpoints|CREATE INDEX touchpoints_updated ON touchpoints(updated_at)
table|agents|agents|CREATE TABLE agents (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT,
    phone TEXT
) WITHOUT ROWID
table|audit_log|audit_log|CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    user_name    TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    details      TEXT
)
table|campaign_enrollments|campaign_enrollments|CREATE TABLE campaign_enrollments (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    policy_id    INTEGER REFERENCES policies(id),
    run_at       INTEGER NOT NULL,
    enrolled_at  INTEGER NOT NULL,
    is_control   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, run_at, customer_id)
)
table|campaigns|campaigns|CREATE TABLE campaigns (
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
)
table|churn_models|churn_models|CREATE TABLE churn_models (
    id          INTEGER PRIMARY KEY,
    trained_at  INTEGER NOT NULL,
    model       TEXT NOT NULL,
    metrics     TEXT NOT NULL
)
table|contact_preferences|contact_preferences|CREATE TABLE contact_preferences (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    opted_out   INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL,
    changed_by  TEXT NOT NULL,
    PRIMARY KEY (customer_id, channel)
) WITHOUT ROWID
table|customer_search|customer_search|CREATE VIRTUAL TABLE customer_search USING fts5(name, last_name, email, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2')
table|customer_search_config|customer_search_config|CREATE TABLE 'customer_search_config'(k PRIMARY KEY, v) WITHOUT ROWID
table|customer_search_data|customer_search_data|CREATE TABLE 'customer_search_data'(id INTEGER PRIMARY KEY, block BLOB)
table|customer_search_idx|customer_search_idx|CREATE TABLE 'customer_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID
table|customer_tags|customer_tags|CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, position)
) WITHOUT ROWID
table|customer_totals|customer_totals|CREATE TABLE customer_totals (
    agent_id TEXT PRIMARY KEY,
    active INTEGER NOT NULL DEFAULT 0,
    paid_cents INTEGER NOT NULL DEFAULT 0,
    satisfaction_count INTEGER NOT NULL DEFAULT 0,
    satisfaction_micros INTEGER NOT NULL DEFAULT 0,
    ltv_count INTEGER NOT NULL DEFAULT 0,
    ltv_cents INTEGER NOT NULL DEFAULT 0,
    scored INTEGER NOT NULL DEFAULT 0,
    health_micros INTEGER NOT NULL DEFAULT 0,
    risk_low INTEGER NOT NULL DEFAULT 0,
    risk_medium INTEGER NOT NULL DEFAULT 0,
    risk_high INTEGER NOT NULL DEFAULT 0,
    risk_critical INTEGER NOT NULL DEFAULT 0,
    band_excellent INTEGER NOT NULL DEFAULT 0,
    band_good INTEGER NOT NULL DEFAULT 0,
    band_fair INTEGER NOT NULL DEFAULT 0,
    band_poor INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID
table|customers|customers|CREATE TABLE customers (
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
)
table|health_scores|health_scores|CREATE TABLE health_scores (
    id                        INTEGER PRIMARY KEY,
    customer_id               INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    calculated_at             INTEGER NOT NULL,
    overall                   REAL NOT NULL,
    engagement                REAL NOT NULL,
    financial                 REAL NOT NULL,
    satisfaction              REAL NOT NULL,
    lifecycle                 REAL NOT NULL,
    churn_probability         REAL NOT NULL,
    churn_risk                INTEGER NOT NULL,
    model_version             INTEGER,
    last_interaction_days     INTEGER,
    interaction_frequency     INTEGER,
    email_open_rate_tenths    INTEGER,
    response_rate_tenths      INTEGER,
    payment_history_tenths    INTEGER,
    premium_growth_tenths     INTEGER,
    cross_sell_opportunities  INTEGER,
    nps_tenths                INTEGER,
    complaint_count           INTEGER,
    resolution_rate_tenths    INTEGER,
    tenure_months             INTEGER,
    policy_count              INTEGER,
    renewal_rate_tenths       INTEGER,
    churn_indicators          INTEGER,
    risk_factor_codes         INTEGER,
    recommendation_codes      INTEGER,
    document                  TEXT
)
table|ltv_history|ltv_history|CREATE TABLE ltv_history (
    id                       INTEGER PRIMARY KEY,
    customer_id              INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    calculated_at            INTEGER NOT NULL,
    current_ltv_cents        INTEGER NOT NULL,
    projected_ltv_cents      INTEGER NOT NULL,
    tier                     TEXT NOT NULL,
    category                 TEXT NOT NULL,
    projected_profit_cents   INTEGER,
    monthly_revenue_cents    INTEGER,
    annual_revenue_cents     INTEGER,
    retention_rate_tenths    INTEGER,
    churn_probability_e4     INTEGER,
    average_lifespan_tenths  INTEGER,
    acquisition_cost_cents   INTEGER,
    operational_cost_cents   INTEGER,
    profit_margin_tenths     INTEGER,
    discount_rate_tenths     INTEGER,
    total_cost_cents         INTEGER,
    auto_cents               INTEGER,
    boat_cents               INTEGER,
    commercial_cents         INTEGER,
    condo_cents              INTEGER,
    disability_cents         INTEGER,
    health_cents             INTEGER,
    home_cents               INTEGER,
    life_cents               INTEGER,
    motorcycle_cents         INTEGER,
    pet_cents                INTEGER,
    renters_cents            INTEGER,
    travel_cents             INTEGER,
    umbrella_cents           INTEGER,
    document                 TEXT
)
table|policies|policies|CREATE TABLE policies (
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
    updated_at                  INTEGER NOT NULL, metrics_code INTEGER NOT NULL DEFAULT 0,
    CHECK (expiration_date > effective_date)
)
table|premium_changes|premium_changes|CREATE TABLE premium_changes (
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
) WITHOUT ROWID
table|renewal_days|renewal_days|CREATE TABLE renewal_days (
    day                 INTEGER NOT NULL,
    line                TEXT NOT NULL,
    renewals            INTEGER NOT NULL,
    revenue_cent_months INTEGER NOT NULL,
    PRIMARY KEY (day, line)
) WITHOUT ROWID
table|retention_events|retention_events|CREATE TABLE retention_events (
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
)
table|risk_overrides|risk_overrides|CREATE TABLE risk_overrides (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    churn_risk INTEGER NOT NULL,
    reason TEXT NOT NULL,
    until_at INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
)
table|settings|settings|CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID
table|tasks|tasks|CREATE TABLE tasks (
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
)
table|touchpoints|touchpoints|CREATE TABLE touchpoints (
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
, handed_at INTEGER)
trigger|customer_search_delete|customers|CREATE TRIGGER customer_search_delete AFTER DELETE ON customers WHEN OLD.erased_at IS NULL
BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, last_name, email)
        VALUES ('delete', OLD.id, OLD.first_name || ' ' || OLD.last_name, OLD.last_name, OLD.email);
END
trigger|customer_search_insert|customers|CREATE TRIGGER customer_search_insert AFTER INSERT ON customers WHEN NEW.erased_at IS NULL
BEGIN
    INSERT INTO customer_search (rowid, name, last_name, email) VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.last_name, NEW.email);
END
trigger|customer_search_update|customers|CREATE TRIGGER customer_search_update AFTER UPDATE OF first_name, last_name, email, erased_at ON customers
WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email OR OLD.erased_at IS NOT NEW.erased_at
BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, last_name, email)
        SELECT 'delete', OLD.id, OLD.first_name || ' ' || OLD.last_name, OLD.last_name, OLD.email WHERE OLD.erased_at IS NULL;
    INSERT INTO customer_search (rowid, name, last_name, email)
        SELECT NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.last_name, NEW.email WHERE NEW.erased_at IS NULL;
END
trigger|customer_totals_delete|customers|CREATE TRIGGER customer_totals_delete AFTER DELETE ON customers WHEN OLD.active_policies > 0
BEGIN
    UPDATE customer_totals SET active = active - (1), paid_cents = paid_cents - (OLD.lifetime_value_cents), satisfaction_count = satisfaction_count - (OLD.satisfaction_score IS NOT NULL), satisfaction_micros = satisfaction_micros - (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), ltv_count = ltv_count - (OLD.projected_ltv_cents IS NOT NULL), ltv_cents = ltv_cents - (coalesce(OLD.projected_ltv_cents, 0)), scored = scored - (OLD.scored_at IS NOT NULL), health_micros = health_micros - (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), risk_low = risk_low - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), risk_medium = risk_medium - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), risk_high = risk_high - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), risk_critical = risk_critical - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), band_excellent = band_excellent - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), band_good = band_good - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), band_fair = band_fair - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), band_poor = band_poor - (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE agent_id = OLD.agent_id AND true;
END
trigger|customer_totals_insert|customers|CREATE TRIGGER customer_totals_insert AFTER INSERT ON customers WHEN NEW.active_policies > 0
BEGIN
    INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (1), (NEW.lifetime_value_cents), (NEW.satisfaction_score IS NOT NULL), (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.projected_ltv_cents IS NOT NULL), (coalesce(NEW.projected_ltv_cents, 0)), (NEW.scored_at IS NOT NULL), (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60), (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) WHERE true ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
END
trigger|customer_totals_move|customers|CREATE TRIGGER customer_totals_move AFTER UPDATE OF agent_id ON customers
WHEN OLD.agent_id IS NOT NEW.agent_id AND (OLD.active_policies > 0 OR NEW.active_policies > 0)
BEGIN
    UPDATE customer_totals SET active = active - (1), paid_cents = paid_cents - (OLD.lifetime_value_cents), satisfaction_count = satisfaction_count - (OLD.satisfaction_score IS NOT NULL), satisfaction_micros = satisfaction_micros - (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), ltv_count = ltv_count - (OLD.projected_ltv_cents IS NOT NULL), ltv_cents = ltv_cents - (coalesce(OLD.projected_ltv_cents, 0)), scored = scored - (OLD.scored_at IS NOT NULL), health_micros = health_micros - (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), risk_low = risk_low - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), risk_medium = risk_medium - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), risk_high = risk_high - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), risk_critical = risk_critical - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), band_excellent = band_excellent - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), band_good = band_good - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), band_fair = band_fair - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), band_poor = band_poor - (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE agent_id = OLD.agent_id AND OLD.active_policies > 0;
    INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (1), (NEW.lifetime_value_cents), (NEW.satisfaction_score IS NOT NULL), (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.projected_ltv_cents IS NOT NULL), (coalesce(NEW.projected_ltv_cents, 0)), (NEW.scored_at IS NOT NULL), (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60), (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) WHERE NEW.active_policies > 0 ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
END
trigger|customer_totals_update|customers|CREATE TRIGGER customer_totals_update AFTER UPDATE OF agent_id, active_policies, lifetime_value_cents, satisfaction_score ON customers
WHEN OLD.agent_id IS NEW.agent_id AND (OLD.active_policies > 0 OR NEW.active_policies > 0)
BEGIN
    INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (NEW.active_policies > 0) * (1) - (OLD.active_policies > 0) * (1), (NEW.active_policies > 0) * (NEW.lifetime_value_cents) - (OLD.active_policies > 0) * (OLD.lifetime_value_cents), (NEW.active_policies > 0) * (NEW.satisfaction_score IS NOT NULL) - (OLD.active_policies > 0) * (OLD.satisfaction_score IS NOT NULL), (NEW.active_policies > 0) * (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)) - (OLD.active_policies > 0) * (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.active_policies > 0) * (NEW.projected_ltv_cents IS NOT NULL) - (OLD.active_policies > 0) * (OLD.projected_ltv_cents IS NOT NULL), (NEW.active_policies > 0) * (coalesce(NEW.projected_ltv_cents, 0)) - (OLD.active_policies > 0) * (coalesce(OLD.projected_ltv_cents, 0)), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL), (NEW.active_policies > 0) * (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END) - (OLD.active_policies > 0) * (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE true ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
END
trigger|policies_metrics_code_insert|policies|CREATE TRIGGER policies_metrics_code_insert AFTER INSERT ON policies WHEN NEW.metrics_code IS NOT ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten'))
BEGIN
    UPDATE policies SET metrics_code = ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten')) WHERE id = NEW.id;
END
trigger|policies_metrics_code_update|policies|CREATE TRIGGER policies_metrics_code_update AFTER UPDATE OF policy_type, status, end_reason, metrics_code ON policies
WHEN NEW.metrics_code IS NOT ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten'))
BEGIN
    UPDATE policies SET metrics_code = ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten')) WHERE id = NEW.id;
END
trigger|premium_changes_delete|retention_events|CREATE TRIGGER premium_changes_delete AFTER DELETE ON retention_events
WHEN OLD.event_type IN ('policy_renewed', 'coverage_changed')
BEGIN
    DELETE FROM premium_changes WHERE event_id = OLD.id;
END
trigger|premium_changes_insert|retention_events|CREATE TRIGGER premium_changes_insert AFTER INSERT ON retention_events
WHEN NEW.event_type IN ('policy_renewed', 'coverage_changed') AND NEW.policy_id IS NOT NULL
BEGIN
    INSERT INTO premium_changes
    SELECT NEW.occurred_at, NEW.id, NEW.customer_id, p.id, NEW.event_type = 'policy_renewed', p.policy_type, p.inception_date,
           p.term_months, p.annual_premium_cents, json_extract(NEW.data, '$.premiumBefore') * 100, json_extract(NEW.data, '$.premiumAfter') * 100
    FROM policies p WHERE p.id = NEW.policy_id;
END
trigger|premium_changes_update|retention_events|CREATE TRIGGER premium_changes_update AFTER UPDATE OF data ON retention_events
WHEN NEW.event_type IN ('policy_renewed', 'coverage_changed')
BEGIN
    UPDATE premium_changes SET premium_before_cents = json_extract(NEW.data, '$.premiumBefore') * 100,
                               premium_after_cents = json_extract(NEW.data, '$.premiumAfter') * 100
    WHERE event_id = NEW.id;
END
trigger|renewal_days_delete|premium_changes|CREATE TRIGGER renewal_days_delete AFTER DELETE ON premium_changes WHEN OLD.renewal
BEGIN
    UPDATE renewal_days SET renewals = renewals - 1, revenue_cent_months = revenue_cent_months - CAST(round(coalesce(OLD.premium_after_cents, OLD.annual_premium_cents) * OLD.term_months) AS INTEGER)
WHERE day = (OLD.occurred_at - ((OLD.occurred_at % 86400) + 86400) % 86400) AND line = OLD.policy_type;
END
trigger|renewal_days_insert|premium_changes|CREATE TRIGGER renewal_days_insert AFTER INSERT ON premium_changes WHEN NEW.renewal
BEGIN
    INSERT INTO renewal_days (day, line, renewals, revenue_cent_months) SELECT (NEW.occurred_at - ((NEW.occurred_at % 86400) + 86400) % 86400), NEW.policy_type, 1, CAST(round(coalesce(NEW.premium_after_cents, NEW.annual_premium_cents) * NEW.term_months) AS INTEGER) WHERE true
    ON CONFLICT (day, line) DO UPDATE SET renewals = renewals + excluded.renewals, revenue_cent_months = revenue_cent_months + excluded.revenue_cent_months;
END
trigger|renewal_days_update|premium_changes|CREATE TRIGGER renewal_days_update AFTER UPDATE ON premium_changes WHEN OLD.renewal OR NEW.renewal
BEGIN
    UPDATE renewal_days SET renewals = renewals - 1, revenue_cent_months = revenue_cent_months - CAST(round(coalesce(OLD.premium_after_cents, OLD.annual_premium_cents) * OLD.term_months) AS INTEGER)
WHERE day = (OLD.occurred_at - ((OLD.occurred_at % 86400) + 86400) % 86400) AND line = OLD.policy_type AND OLD.renewal;
    INSERT INTO renewal_days (day, line, renewals, revenue_cent_months) SELECT (NEW.occurred_at - ((NEW.occurred_at % 86400) + 86400) % 86400), NEW.policy_type, 1, CAST(round(coalesce(NEW.premium_after_cents, NEW.annual_premium_cents) * NEW.term_months) AS INTEGER) WHERE NEW.renewal
    ON CONFLICT (day, line) DO UPDATE SET renewals = renewals + excluded.renewals, revenue_cent_months = revenue_cent_months + excluded.revenue_cent_months;
END
trigger|tasks_follow_owner|customers|CREATE TRIGGER tasks_follow_owner AFTER UPDATE OF assigned_to, agent_id ON customers
WHEN coalesce(NEW.assigned_to, NEW.agent_id) IS NOT coalesce(OLD.assigned_to, OLD.agent_id)
BEGIN
    UPDATE tasks SET assignee = coalesce(NEW.assigned_to, NEW.agent_id) WHERE customer_id = NEW.id AND done_at IS NULL;
END
"""#
}
