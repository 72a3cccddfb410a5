// FROZEN: schema version 1 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 1: the first released schema (every table the product started with).
    enum Version01 {
        static let sql = """
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
    }
}
