// FROZEN: schema version 16 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 16: health-score history rows hold numbers, not documents. The spec's response a row stands for
    /// (`GET /customers/:id/health-score` history) is a function of the row's scores, the components' factor
    /// values (counts as they are; rates and growth, which the scoring rounds to one decimal, in tenths), the
    /// churn risk and probability, and the risk factors' titles and recommendations' actions as codes (a code
    /// table, `HealthHistoryRow`: base-16 digits, the first item in the lowest). The response is rebuilt on read.
    ///
    /// Every existing row is converted in one statement (the table is rebuilt without its `document` text, in
    /// id order): its compact document's values are read with `json_extract` and kept as numbers only where
    /// they rebuild it exactly (each value is checked: the scores equal the row's columns, the band and risk
    /// their rules, every rate a whole number of tenths, every title and action a known one). A row that fails
    /// any check (a text the code table does not know, a shape an older release wrote, a whole document) keeps
    /// its document as it was in `document`, NULL for every other row.
    enum Version16 {
        static let sql = """
        ALTER TABLE health_scores RENAME TO health_scores_v15;
        CREATE TABLE health_scores (
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
        );
        INSERT INTO health_scores (id, customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability,
            churn_risk, model_version, last_interaction_days, interaction_frequency, email_open_rate_tenths, response_rate_tenths, payment_history_tenths, premium_growth_tenths, cross_sell_opportunities, nps_tenths, complaint_count, resolution_rate_tenths, tenure_months, policy_count, renewal_rate_tenths, churn_indicators,
            risk_factor_codes, recommendation_codes, document)
        SELECT id, customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, model_version,
            CASE WHEN typeof(v3) = 'integer' THEN v3 END,
            CASE WHEN typeof(v4) = 'integer' THEN v4 END,
            CASE WHEN typeof(v5) IN ('integer', 'real') THEN CAST(round(v5 * 10) AS INTEGER) END,
            CASE WHEN typeof(v6) IN ('integer', 'real') THEN CAST(round(v6 * 10) AS INTEGER) END,
            CASE WHEN typeof(v8) IN ('integer', 'real') THEN CAST(round(v8 * 10) AS INTEGER) END,
            CASE WHEN typeof(v9) IN ('integer', 'real') THEN CAST(round(v9 * 10) AS INTEGER) END,
            CASE WHEN typeof(v10) = 'integer' THEN v10 END,
            CASE WHEN typeof(v12) IN ('integer', 'real') THEN CAST(round(v12 * 10) AS INTEGER) END,
            CASE WHEN typeof(v13) = 'integer' THEN v13 END,
            CASE WHEN typeof(v14) IN ('integer', 'real') THEN CAST(round(v14 * 10) AS INTEGER) END,
            CASE WHEN typeof(v16) = 'integer' THEN v16 END,
            CASE WHEN typeof(v17) = 'integer' THEN v17 END,
            CASE WHEN typeof(v18) IN ('integer', 'real') THEN CAST(round(v18 * 10) AS INTEGER) END,
            CASE WHEN typeof(v19) = 'integer' THEN v19 END,
            rf, rc,
            CASE WHEN v0 = overall
                 AND v1 = CASE WHEN overall >= 80 THEN 'excellent' WHEN overall >= 60 THEN 'good' WHEN overall >= 40 THEN 'fair' ELSE 'poor' END
                 AND v2 = engagement AND v7 = financial AND v11 = satisfaction AND v15 = lifecycle
                 AND v20 = CASE churn_risk WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' WHEN 3 THEN 'critical' END
                 AND typeof(v21) IN ('integer', 'real') AND v21 = round(churn_probability * 10000) / 10000.0
                 AND (v3 IS NULL OR typeof(v3) = 'integer')
                 AND typeof(v4) = 'integer'
                 AND (v5 IS NULL OR (typeof(v5) IN ('integer', 'real') AND round(v5 * 10) / 10.0 = v5))
                 AND (v6 IS NULL OR (typeof(v6) IN ('integer', 'real') AND round(v6 * 10) / 10.0 = v6))
                 AND (typeof(v8) IN ('integer', 'real') AND round(v8 * 10) / 10.0 = v8)
                 AND (typeof(v9) IN ('integer', 'real') AND round(v9 * 10) / 10.0 = v9)
                 AND typeof(v10) = 'integer'
                 AND (v12 IS NULL OR (typeof(v12) IN ('integer', 'real') AND round(v12 * 10) / 10.0 = v12))
                 AND typeof(v13) = 'integer'
                 AND (typeof(v14) IN ('integer', 'real') AND round(v14 * 10) / 10.0 = v14)
                 AND typeof(v16) = 'integer'
                 AND typeof(v17) = 'integer'
                 AND (v18 IS NULL OR (typeof(v18) IN ('integer', 'real') AND round(v18 * 10) / 10.0 = v18))
                 AND typeof(v19) = 'integer'
                 AND rf IS NOT NULL AND rc IS NOT NULL
            THEN NULL ELSE document END
        FROM (
            SELECT h.*, json_extract(a, '$[0]') AS v0, json_extract(a, '$[1]') AS v1, json_extract(a, '$[2]') AS v2, json_extract(a, '$[3]') AS v3,
                   json_extract(a, '$[4]') AS v4, json_extract(a, '$[5]') AS v5, json_extract(a, '$[6]') AS v6, json_extract(a, '$[7]') AS v7,
                   json_extract(a, '$[8]') AS v8, json_extract(a, '$[9]') AS v9, json_extract(a, '$[10]') AS v10, json_extract(a, '$[11]') AS v11,
                   json_extract(a, '$[12]') AS v12, json_extract(a, '$[13]') AS v13, json_extract(a, '$[14]') AS v14, json_extract(a, '$[15]') AS v15,
                   json_extract(a, '$[16]') AS v16, json_extract(a, '$[17]') AS v17, json_extract(a, '$[18]') AS v18, json_extract(a, '$[19]') AS v19,
                   json_extract(a, '$[20]') AS v20, json_extract(a, '$[21]') AS v21,
              CASE WHEN json_type(a, '$[22]') = 'array' THEN (
                SELECT CASE WHEN count(*) = count(c) AND count(*) <= 15 THEN coalesce(sum(c * w), 0) END
                FROM (SELECT CASE value WHEN 'Low engagement' THEN 1 WHEN 'Payment issues' THEN 2 WHEN 'No recent contact' THEN 3 WHEN 'No active policies' THEN 4 WHEN 'High claims frequency' THEN 5 WHEN 'Declining satisfaction' THEN 6 END AS c,
                             CASE key WHEN 0 THEN 1 WHEN 1 THEN 16 WHEN 2 THEN 256 WHEN 3 THEN 4096 WHEN 4 THEN 65536 WHEN 5 THEN 1048576 WHEN 6 THEN 16777216 WHEN 7 THEN 268435456 WHEN 8 THEN 4294967296 WHEN 9 THEN 68719476736 WHEN 10 THEN 1099511627776 WHEN 11 THEN 17592186044416 WHEN 12 THEN 281474976710656 WHEN 13 THEN 4503599627370496 WHEN 14 THEN 72057594037927936 END AS w
                      FROM json_each(a, '$[22]'))) END AS rf,
              CASE WHEN json_type(a, '$[23]') = 'array' THEN (
                SELECT CASE WHEN count(*) = count(c) AND count(*) <= 15 THEN coalesce(sum(c * w), 0) END
                FROM (SELECT CASE value WHEN 'Send personalized re-engagement campaign' THEN 1 WHEN 'Offer a flexible payment plan' THEN 2 WHEN 'Schedule a check-in call' THEN 3 WHEN 'Make a win-back offer' THEN 4 WHEN 'Review the policy and coverage with the customer' THEN 5 WHEN 'Offer a retention incentive or loyalty discount' THEN 6 WHEN 'Immediate outreach required - schedule personal call' THEN 7 WHEN 'Identify cross-sell opportunities' THEN 8 END AS c,
                             CASE key WHEN 0 THEN 1 WHEN 1 THEN 16 WHEN 2 THEN 256 WHEN 3 THEN 4096 WHEN 4 THEN 65536 WHEN 5 THEN 1048576 WHEN 6 THEN 16777216 WHEN 7 THEN 268435456 WHEN 8 THEN 4294967296 WHEN 9 THEN 68719476736 WHEN 10 THEN 1099511627776 WHEN 11 THEN 17592186044416 WHEN 12 THEN 281474976710656 WHEN 13 THEN 4503599627370496 WHEN 14 THEN 72057594037927936 END AS w
                      FROM json_each(a, '$[23]'))) END AS rc
            FROM (SELECT *, CASE WHEN json_valid(document) AND json_type(document) = 'array' AND json_array_length(document) = 24 THEN document END AS a
                  FROM health_scores_v15 LIMIT -1 OFFSET 0) h
            LIMIT -1 OFFSET 0);
        DROP TABLE health_scores_v15;
        CREATE INDEX health_scores_customer ON health_scores(customer_id, calculated_at DESC);
        """
    }
}
