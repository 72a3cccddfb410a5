// FROZEN: schema version 7 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v7, for the metrics on a large book:
    /// - `customer_totals`, the sums the metrics read about active customers (counts, premiums paid,
    ///   projected LTV, satisfaction, health and risk) per agent, kept by triggers on `customers` and filled
    ///   here from the table in one pass (see `CustomerTotals`). The metrics read
    ///   a few rows instead of every customer's; unlike a covering index of the scores (v3's note), a rescore
    ///   pays for it one upsert into a table of a page or two per customer;
    /// - `policies.metrics_code`, a policy's line, ending and rewrite in one integer (see `PolicyMetricsCode`),
    ///   kept by triggers, and the metrics index rebuilt on it in place of the three text columns;
    /// - `renewal_days`, the book's renewals and their premium per day and line, kept by triggers on
    ///   `premium_changes` (see `RenewalDays`), and an index of the premium changes that carry a premium
    ///   before and after.
    ///
    /// Frozen as the text `PolicyMetricsCode`, `CustomerTotals` and `RenewalDays` generated when it was released
    /// (they no longer generate it): a change to their columns or expressions is a new version, never an edit here.
    enum Version07 {
        static let sql = """
        ALTER TABLE policies ADD COLUMN metrics_code INTEGER NOT NULL DEFAULT 0;
        UPDATE policies SET metrics_code = ((CASE policies.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE policies.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (policies.end_reason IS 'rewritten'));
        DROP INDEX IF EXISTS policies_metrics;
        CREATE INDEX policies_metrics ON policies(customer_id, metrics_code, inception_date, ended_at, annual_premium_cents);

        CREATE TRIGGER policies_metrics_code_insert AFTER INSERT ON policies WHEN NEW.metrics_code IS NOT ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten'))
        BEGIN
            UPDATE policies SET metrics_code = ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten')) WHERE id = NEW.id;
        END;

        CREATE TRIGGER policies_metrics_code_update AFTER UPDATE OF policy_type, status, end_reason, metrics_code ON policies
        WHEN NEW.metrics_code IS NOT ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten'))
        BEGIN
            UPDATE policies SET metrics_code = ((CASE NEW.policy_type WHEN 'auto' THEN 0 WHEN 'home' THEN 1 WHEN 'renters' THEN 2 WHEN 'condo' THEN 3 WHEN 'life' THEN 4 WHEN 'health' THEN 5 WHEN 'umbrella' THEN 6 WHEN 'commercial' THEN 7 WHEN 'motorcycle' THEN 8 WHEN 'boat' THEN 9 WHEN 'pet' THEN 10 WHEN 'travel' THEN 11 WHEN 'disability' THEN 12 ELSE 63 END) * 16 + (CASE NEW.status WHEN 'active' THEN 0 WHEN 'pending_renewal' THEN 0 WHEN 'expired' THEN 3 WHEN 'cancelled' THEN 1 WHEN 'lapsed' THEN 2 ELSE 0 END) * 2 + (NEW.end_reason IS 'rewritten')) WHERE id = NEW.id;
        END;
        CREATE TABLE customer_totals (
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
        ) WITHOUT ROWID;

        CREATE TRIGGER customer_totals_insert AFTER INSERT ON customers WHEN NEW.active_policies > 0
        BEGIN
            INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (1), (NEW.lifetime_value_cents), (NEW.satisfaction_score IS NOT NULL), (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.projected_ltv_cents IS NOT NULL), (coalesce(NEW.projected_ltv_cents, 0)), (NEW.scored_at IS NOT NULL), (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60), (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) WHERE true ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
        END;

        CREATE TRIGGER customer_totals_delete AFTER DELETE ON customers WHEN OLD.active_policies > 0
        BEGIN
            UPDATE customer_totals SET active = active - (1), paid_cents = paid_cents - (OLD.lifetime_value_cents), satisfaction_count = satisfaction_count - (OLD.satisfaction_score IS NOT NULL), satisfaction_micros = satisfaction_micros - (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), ltv_count = ltv_count - (OLD.projected_ltv_cents IS NOT NULL), ltv_cents = ltv_cents - (coalesce(OLD.projected_ltv_cents, 0)), scored = scored - (OLD.scored_at IS NOT NULL), health_micros = health_micros - (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), risk_low = risk_low - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), risk_medium = risk_medium - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), risk_high = risk_high - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), risk_critical = risk_critical - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), band_excellent = band_excellent - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), band_good = band_good - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), band_fair = band_fair - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), band_poor = band_poor - (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE agent_id = OLD.agent_id AND true;
        END;

        CREATE TRIGGER customer_totals_update AFTER UPDATE OF agent_id, active_policies, lifetime_value_cents, satisfaction_score ON customers
        WHEN OLD.agent_id IS NEW.agent_id AND (OLD.active_policies > 0 OR NEW.active_policies > 0)
        BEGIN
            INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (NEW.active_policies > 0) * (1) - (OLD.active_policies > 0) * (1), (NEW.active_policies > 0) * (NEW.lifetime_value_cents) - (OLD.active_policies > 0) * (OLD.lifetime_value_cents), (NEW.active_policies > 0) * (NEW.satisfaction_score IS NOT NULL) - (OLD.active_policies > 0) * (OLD.satisfaction_score IS NOT NULL), (NEW.active_policies > 0) * (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)) - (OLD.active_policies > 0) * (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.active_policies > 0) * (NEW.projected_ltv_cents IS NOT NULL) - (OLD.active_policies > 0) * (OLD.projected_ltv_cents IS NOT NULL), (NEW.active_policies > 0) * (coalesce(NEW.projected_ltv_cents, 0)) - (OLD.active_policies > 0) * (coalesce(OLD.projected_ltv_cents, 0)), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL), (NEW.active_policies > 0) * (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END) - (OLD.active_policies > 0) * (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), (NEW.active_policies > 0) * (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) - (OLD.active_policies > 0) * (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE true ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
        END;

        CREATE TRIGGER customer_totals_move AFTER UPDATE OF agent_id ON customers
        WHEN OLD.agent_id IS NOT NEW.agent_id AND (OLD.active_policies > 0 OR NEW.active_policies > 0)
        BEGIN
            UPDATE customer_totals SET active = active - (1), paid_cents = paid_cents - (OLD.lifetime_value_cents), satisfaction_count = satisfaction_count - (OLD.satisfaction_score IS NOT NULL), satisfaction_micros = satisfaction_micros - (coalesce(CAST(round(OLD.satisfaction_score * 1000000) AS INTEGER), 0)), ltv_count = ltv_count - (OLD.projected_ltv_cents IS NOT NULL), ltv_cents = ltv_cents - (coalesce(OLD.projected_ltv_cents, 0)), scored = scored - (OLD.scored_at IS NOT NULL), health_micros = health_micros - (CASE WHEN OLD.scored_at IS NOT NULL THEN CAST(round(OLD.health_score * 1000000) AS INTEGER) ELSE 0 END), risk_low = risk_low - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 0), risk_medium = risk_medium - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 1), risk_high = risk_high - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 2), risk_critical = risk_critical - (OLD.scored_at IS NOT NULL AND OLD.churn_risk = 3), band_excellent = band_excellent - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 80), band_good = band_good - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 60 AND OLD.health_score < 80), band_fair = band_fair - (OLD.scored_at IS NOT NULL AND OLD.health_score >= 40 AND OLD.health_score < 60), band_poor = band_poor - (OLD.scored_at IS NOT NULL AND OLD.health_score < 40) WHERE agent_id = OLD.agent_id AND OLD.active_policies > 0;
            INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT NEW.agent_id, (1), (NEW.lifetime_value_cents), (NEW.satisfaction_score IS NOT NULL), (coalesce(CAST(round(NEW.satisfaction_score * 1000000) AS INTEGER), 0)), (NEW.projected_ltv_cents IS NOT NULL), (coalesce(NEW.projected_ltv_cents, 0)), (NEW.scored_at IS NOT NULL), (CASE WHEN NEW.scored_at IS NOT NULL THEN CAST(round(NEW.health_score * 1000000) AS INTEGER) ELSE 0 END), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 0), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 1), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 2), (NEW.scored_at IS NOT NULL AND NEW.churn_risk = 3), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 60 AND NEW.health_score < 80), (NEW.scored_at IS NOT NULL AND NEW.health_score >= 40 AND NEW.health_score < 60), (NEW.scored_at IS NOT NULL AND NEW.health_score < 40) WHERE NEW.active_policies > 0 ON CONFLICT (agent_id) DO UPDATE SET active = active + excluded.active, paid_cents = paid_cents + excluded.paid_cents, satisfaction_count = satisfaction_count + excluded.satisfaction_count, satisfaction_micros = satisfaction_micros + excluded.satisfaction_micros, ltv_count = ltv_count + excluded.ltv_count, ltv_cents = ltv_cents + excluded.ltv_cents, scored = scored + excluded.scored, health_micros = health_micros + excluded.health_micros, risk_low = risk_low + excluded.risk_low, risk_medium = risk_medium + excluded.risk_medium, risk_high = risk_high + excluded.risk_high, risk_critical = risk_critical + excluded.risk_critical, band_excellent = band_excellent + excluded.band_excellent, band_good = band_good + excluded.band_good, band_fair = band_fair + excluded.band_fair, band_poor = band_poor + excluded.band_poor;
        END;

        INSERT INTO customer_totals (agent_id, active, paid_cents, satisfaction_count, satisfaction_micros, ltv_count, ltv_cents, scored, health_micros, risk_low, risk_medium, risk_high, risk_critical, band_excellent, band_good, band_fair, band_poor) SELECT c.agent_id, sum(1), sum(c.lifetime_value_cents), sum(c.satisfaction_score IS NOT NULL), sum(coalesce(CAST(round(c.satisfaction_score * 1000000) AS INTEGER), 0)), sum(c.projected_ltv_cents IS NOT NULL), sum(coalesce(c.projected_ltv_cents, 0)), sum(c.scored_at IS NOT NULL), sum(CASE WHEN c.scored_at IS NOT NULL THEN CAST(round(c.health_score * 1000000) AS INTEGER) ELSE 0 END), sum(c.scored_at IS NOT NULL AND c.churn_risk = 0), sum(c.scored_at IS NOT NULL AND c.churn_risk = 1), sum(c.scored_at IS NOT NULL AND c.churn_risk = 2), sum(c.scored_at IS NOT NULL AND c.churn_risk = 3), sum(c.scored_at IS NOT NULL AND c.health_score >= 80), sum(c.scored_at IS NOT NULL AND c.health_score >= 60 AND c.health_score < 80), sum(c.scored_at IS NOT NULL AND c.health_score >= 40 AND c.health_score < 60), sum(c.scored_at IS NOT NULL AND c.health_score < 40) FROM customers c WHERE c.active_policies > 0 GROUP BY c.agent_id;
        CREATE TABLE renewal_days (
            day                 INTEGER NOT NULL,
            line                TEXT NOT NULL,
            renewals            INTEGER NOT NULL,
            revenue_cent_months INTEGER NOT NULL,
            PRIMARY KEY (day, line)
        ) WITHOUT ROWID;

        CREATE TRIGGER renewal_days_insert AFTER INSERT ON premium_changes WHEN NEW.renewal
        BEGIN
            INSERT INTO renewal_days (day, line, renewals, revenue_cent_months) SELECT (NEW.occurred_at - ((NEW.occurred_at % 86400) + 86400) % 86400), NEW.policy_type, 1, CAST(round(coalesce(NEW.premium_after_cents, NEW.annual_premium_cents) * NEW.term_months) AS INTEGER) WHERE true
            ON CONFLICT (day, line) DO UPDATE SET renewals = renewals + excluded.renewals, revenue_cent_months = revenue_cent_months + excluded.revenue_cent_months;
        END;

        CREATE TRIGGER renewal_days_delete AFTER DELETE ON premium_changes WHEN OLD.renewal
        BEGIN
            UPDATE renewal_days SET renewals = renewals - 1, revenue_cent_months = revenue_cent_months - CAST(round(coalesce(OLD.premium_after_cents, OLD.annual_premium_cents) * OLD.term_months) AS INTEGER)
        WHERE day = (OLD.occurred_at - ((OLD.occurred_at % 86400) + 86400) % 86400) AND line = OLD.policy_type;
        END;

        CREATE TRIGGER renewal_days_update AFTER UPDATE ON premium_changes WHEN OLD.renewal OR NEW.renewal
        BEGIN
            UPDATE renewal_days SET renewals = renewals - 1, revenue_cent_months = revenue_cent_months - CAST(round(coalesce(OLD.premium_after_cents, OLD.annual_premium_cents) * OLD.term_months) AS INTEGER)
        WHERE day = (OLD.occurred_at - ((OLD.occurred_at % 86400) + 86400) % 86400) AND line = OLD.policy_type AND OLD.renewal;
            INSERT INTO renewal_days (day, line, renewals, revenue_cent_months) SELECT (NEW.occurred_at - ((NEW.occurred_at % 86400) + 86400) % 86400), NEW.policy_type, 1, CAST(round(coalesce(NEW.premium_after_cents, NEW.annual_premium_cents) * NEW.term_months) AS INTEGER) WHERE NEW.renewal
            ON CONFLICT (day, line) DO UPDATE SET renewals = renewals + excluded.renewals, revenue_cent_months = revenue_cent_months + excluded.revenue_cent_months;
        END;

        INSERT INTO renewal_days (day, line, renewals, revenue_cent_months)
        SELECT (pc.occurred_at - ((pc.occurred_at % 86400) + 86400) % 86400), pc.policy_type, count(*), total(CAST(round(coalesce(pc.premium_after_cents, pc.annual_premium_cents) * pc.term_months) AS INTEGER)) FROM premium_changes pc
        WHERE pc.renewal GROUP BY 1, 2;

        CREATE INDEX premium_changes_priced ON premium_changes(occurred_at, policy_inception, premium_before_cents, premium_after_cents)
        WHERE premium_before_cents IS NOT NULL AND premium_after_cents IS NOT NULL;
        """
    }
}
