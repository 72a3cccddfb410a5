// FROZEN: schema version 18 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// Version 18: lifetime-value history rows hold numbers, not documents (as schema 16 did for health scores).
    /// The spec's response a row stands for (`GET /customers/:id/ltv` history) is a function of the row's money
    /// in cents, its rates in tenths of a percent (retention rate, profit margin, discount rate) or tenths
    /// (average lifespan, months), the churn probability in ten-thousandths, tier, category and the revenue to
    /// date of each known line of business (one column a line; the lines appear in name order). The response is
    /// rebuilt on read (`LTVHistoryRow`).
    ///
    /// Every existing row is converted in one statement (the table is rebuilt without its `document` text, in id
    /// order): its compact document's values are read with `json_extract` and kept as numbers only where they
    /// rebuild it exactly (each value is checked: money a whole number of cents, the current and projected LTV the
    /// row's columns, total revenue the current LTV, net profit its difference with total cost, each rate a whole
    /// number of its unit, tier and category the row's, every line a known one, in name order). A row that fails
    /// any check (a shape an older release wrote, a whole document, a line Retention does not know) keeps its
    /// document as it was in `document`, NULL for every other row.
    enum Version18 {
        static let sql = """
        ALTER TABLE ltv_history RENAME TO ltv_history_v17;
        CREATE TABLE ltv_history (
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
        );
        INSERT INTO ltv_history (id, customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category,
            projected_profit_cents, monthly_revenue_cents, annual_revenue_cents, retention_rate_tenths, churn_probability_e4, average_lifespan_tenths,
            acquisition_cost_cents, operational_cost_cents, profit_margin_tenths, discount_rate_tenths, total_cost_cents,
            auto_cents, boat_cents, commercial_cents, condo_cents, disability_cents, health_cents, home_cents, life_cents, motorcycle_cents,
            pet_cents, renters_cents, travel_cents, umbrella_cents, document)
        SELECT id, customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category,
            CASE WHEN ok THEN CAST(round(v2 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v3 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v4 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v5 * 10) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v6 * 10000) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v7 * 10) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v8 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v9 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v10 * 10) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v11 * 10) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(v13 * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].auto') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].boat') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].commercial') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].condo') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].disability') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].health') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].home') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].life') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].motorcycle') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].pet') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].renters') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].travel') * 100) AS INTEGER) END,
            CASE WHEN ok THEN CAST(round(json_extract(a, '$[15].umbrella') * 100) AS INTEGER) END,
            CASE WHEN ok THEN NULL ELSE document END
        FROM (
            SELECT *, coalesce(
                   typeof(v0) IN ('integer', 'real') AND round(v0 * 100) = current_ltv_cents AND round(v0 * 100) / 100.0 = v0
               AND typeof(v1) IN ('integer', 'real') AND round(v1 * 100) = projected_ltv_cents AND round(v1 * 100) / 100.0 = v1
               AND typeof(v2) IN ('integer', 'real') AND round(v2 * 100) / 100.0 = v2
               AND typeof(v3) IN ('integer', 'real') AND round(v3 * 100) / 100.0 = v3
               AND typeof(v4) IN ('integer', 'real') AND round(v4 * 100) / 100.0 = v4
               AND (v5 IS NULL OR (typeof(v5) IN ('integer', 'real') AND round(v5 * 10) / 10.0 = v5))
               AND typeof(v6) IN ('integer', 'real') AND round(v6 * 10000) / 10000.0 = v6
               AND typeof(v7) IN ('integer', 'real') AND round(v7 * 10) / 10.0 = v7
               AND typeof(v8) IN ('integer', 'real') AND round(v8 * 100) / 100.0 = v8
               AND typeof(v9) IN ('integer', 'real') AND round(v9 * 100) / 100.0 = v9
               AND typeof(v10) IN ('integer', 'real') AND round(v10 * 10) / 10.0 = v10
               AND typeof(v11) IN ('integer', 'real') AND round(v11 * 10) / 10.0 = v11
               AND typeof(v12) IN ('integer', 'real') AND round(v12 * 100) = current_ltv_cents AND round(v12 * 100) / 100.0 = v12
               AND typeof(v13) IN ('integer', 'real') AND round(v13 * 100) / 100.0 = v13
               AND typeof(v14) IN ('integer', 'real') AND round(v14 * 100) = current_ltv_cents - round(v13 * 100) AND round(v14 * 100) / 100.0 = v14
               AND json_type(a, '$[15]') = 'object'
               AND NOT EXISTS (SELECT 1 FROM json_each(a, '$[15]') e
                               WHERE e.key NOT IN ('auto', 'boat', 'commercial', 'condo', 'disability', 'health', 'home', 'life', 'motorcycle', 'pet', 'renters', 'travel', 'umbrella')
                                  OR e.type NOT IN ('integer', 'real') OR round(e.value * 100) / 100.0 <> e.value)
               AND NOT EXISTS (SELECT 1 FROM json_each(a, '$[15]') e1, json_each(a, '$[15]') e2 WHERE e1.id < e2.id AND e1.key >= e2.key)
               AND v16 IS tier AND json_type(a, '$[16]') = 'text' AND v17 IS category AND json_type(a, '$[17]') = 'text', 0) AS ok
            FROM (
                SELECT h.*, json_extract(a, '$[0]') AS v0, json_extract(a, '$[1]') AS v1, json_extract(a, '$[2]') AS v2, json_extract(a, '$[3]') AS v3,
                       json_extract(a, '$[4]') AS v4, json_extract(a, '$[5]') AS v5, json_extract(a, '$[6]') AS v6, json_extract(a, '$[7]') AS v7,
                       json_extract(a, '$[8]') AS v8, json_extract(a, '$[9]') AS v9, json_extract(a, '$[10]') AS v10, json_extract(a, '$[11]') AS v11,
                       json_extract(a, '$[12]') AS v12, json_extract(a, '$[13]') AS v13, json_extract(a, '$[14]') AS v14,
                       json_extract(a, '$[16]') AS v16, json_extract(a, '$[17]') AS v17
                FROM (SELECT *, CASE WHEN json_valid(document) AND json_type(document) = 'array' AND json_array_length(document) = 18 THEN document END AS a
                      FROM ltv_history_v17 LIMIT -1 OFFSET 0) h
                LIMIT -1 OFFSET 0)
            LIMIT -1 OFFSET 0);
        DROP TABLE ltv_history_v17;
        CREATE INDEX ltv_history_customer ON ltv_history(customer_id, calculated_at DESC);
        """
    }
}
