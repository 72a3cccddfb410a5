import Foundation

/// Settings of the lifetime-value calculation, stored in the database (`settings`), with defaults.
public struct LTVSettings: Sendable, Equatable {
    /// Annual discount rate d (default 10 %).
    public var discountRate = 0.10
    /// Share of premium kept as profit m (default 15 %: an agency's commission and fees on premium).
    public var profitMargin = 0.15
    /// Cost of winning the customer, in cents (default $200, the spec's example).
    public var acquisitionCostCents = 20_000

    public init() {}

    static let keys = ["ltv.discountRate", "ltv.profitMargin", "ltv.acquisitionCost"]
}

/// A customer's lifetime value (spec section 3) from the sBG retention model of each policy's line.
///
/// - currentLTV = premiums paid to date (Σ totalPaid).
/// - For each policy in force with term m months, premium per term P = annual premium × m/12, renewals
///   made n, the line's sBG (α, β) and the per-term discount rate d_m = (1 + d)^(m/12) − 1:
///   future value = P × DERL(d_m | α, β, n).
/// - projectedLTV = currentLTV + Σ future values (revenue, discounted).
/// - totalRevenue = projectedLTV; totalCost = totalRevenue × (1 − m) + acquisition cost; netProfit = totalRevenue − totalCost.
/// - retentionRate = premium-weighted r_{n+1} of the policies in force (the chance each renews next time).
/// - averageLifespan = tenure so far + premium-weighted expected further months (undiscounted, capped at 50 years).
/// - Tier on projectedLTV: platinum ≥ $10,000, gold ≥ $5,000, silver ≥ $2,000, bronze below.
/// - Category, first that applies: at_risk (churn risk high or critical); new (tenure < 6 months);
///   declining (premium down > 5 % in 12 months, a policy cancelled or lapsed in the window, or engagement < 40);
///   growing (premium up > 5 % or a policy added in the last 12 months); stable otherwise.
public struct LifetimeValue: Sendable {
    public struct PolicyLine: Sendable {
        public var type: PolicyType
        public var annualPremiumCents: Int
        public var termMonths: Int
        public var renewals: Int
        public var inceptionDate: Int
    }

    public var currentCents: Int
    public var projectedCents: Int
    public var monthlyRevenueCents: Int
    public var annualRevenueCents: Int
    public var retentionRate: Double?
    public var averageLifespanMonths: Double
    public var totalCostCents: Int
    public var netProfitCents: Int
    public var revenueByType: [(String, Int)]
    public var tier: String
    public var category: String
    public var settings: LTVSettings

    public static func tier(projectedCents: Int) -> String {
        projectedCents >= 1_000_000 ? "platinum" : projectedCents >= 500_000 ? "gold" : projectedCents >= 200_000 ? "silver" : "bronze"
    }

    /// When a line has too little history to fit, this model (mean retention about 88 % a year, spread like the
    /// paper's "regular" cohort) stands in.
    public static let fallbackModel = ShiftedBetaGeometric(alpha: 0.7, beta: 5.2)

    public static func compute(currentCents: Int, policies: [PolicyLine], models: [PolicyType: ShiftedBetaGeometric], settings: LTVSettings,
                               signals: CustomerSignals, risk: ChurnRisk, engagement: Double, now: Int) -> LifetimeValue {
        var future = 0.0, annual = 0, weightedRetention = 0.0, weightedMonths = 0.0, weight = 0.0
        var byType: [String: Double] = [:]
        for p in policies {
            let model = models[p.type] ?? fallbackModel
            let termPremium = Double(p.annualPremiumCents) * Double(p.termMonths) / 12
            let perTerm = pow(1 + settings.discountRate, Double(p.termMonths) / 12) - 1
            let value = termPremium * model.discountedExpectedResidualLifetime(renewals: p.renewals, discountRate: perTerm)
            future += value
            annual += p.annualPremiumCents
            byType[p.type.rawValue, default: 0] += value
            let w = Double(p.annualPremiumCents)
            weightedRetention += w * model.retentionRate(period: p.renewals + 2)
            weightedMonths += w * model.expectedResidualPeriods(renewals: p.renewals, cap: 600 / max(1, p.termMonths)) * Double(p.termMonths)
            weight += w
        }
        let projected = currentCents + Int(future.rounded())
        let cost = Int((Double(projected) * (1 - settings.profitMargin)).rounded()) + settings.acquisitionCostCents
        let growth = signals.premiumYearAgoCents > 0 ? Double(signals.premiumNowCents - signals.premiumYearAgoCents) / Double(signals.premiumYearAgoCents) : 0
        let addedRecently = policies.contains { $0.inceptionDate > now - 365 * 86_400 } && signals.tenureMonths >= 12
        let category: String
        if risk >= .high { category = "at_risk" }
        else if signals.tenureMonths < 6 { category = "new" }
        else if growth < -0.05 || signals.cancellationsInWindow > 0 || signals.renewalsLost > 0 || engagement < 40 { category = "declining" }
        else if growth > 0.05 || addedRecently { category = "growing" }
        else { category = "stable" }
        return LifetimeValue(
            currentCents: currentCents, projectedCents: projected, monthlyRevenueCents: annual / 12, annualRevenueCents: annual,
            retentionRate: weight > 0 ? weightedRetention / weight : nil,
            averageLifespanMonths: Double(signals.tenureMonths) + (weight > 0 ? weightedMonths / weight : 0),
            totalCostCents: cost, netProfitCents: projected - cost,
            revenueByType: byType.sorted { $0.key < $1.key }.map { ($0.key, Int($0.value.rounded())) },
            tier: tier(projectedCents: projected), category: category, settings: settings)
    }

    /// The key structure of `json(customerID:at:)`, for storing it as values in the history (see `DocumentShape`).
    static let documentShape: DocumentShape = .object([
        ("customerId", .customerID), ("currentLTV", .value), ("projectedLTV", .value),
        ("averageRevenue", .object([("monthly", .value), ("annual", .value)])),
        ("retentionRate", .value), ("averageLifespan", .value), ("acquisitionCost", .value), ("profitMargin", .value), ("discountRate", .value),
        ("breakdown", .object([("totalRevenue", .value), ("totalCost", .value), ("netProfit", .value), ("policyRevenue", .value)])),
        ("segments", .object([("tier", .value), ("category", .value)])),
        ("calculatedAt", .calculatedAt),
    ])

    /// The spec's LTV response.
    public func json(customerID: String, at now: Int) -> JSONValue {
        .object([
            ("customerId", .string(customerID)), ("currentLTV", .money(currentCents)), ("projectedLTV", .money(projectedCents)),
            ("averageRevenue", .object([("monthly", .money(monthlyRevenueCents)), ("annual", .money(annualRevenueCents))])),
            ("retentionRate", retentionRate.map { .rounded($0 * 100, 1) } ?? .null),
            ("averageLifespan", .rounded(averageLifespanMonths, 1)),
            ("acquisitionCost", .money(settings.acquisitionCostCents)), ("profitMargin", .rounded(settings.profitMargin * 100, 1)),
            ("discountRate", .rounded(settings.discountRate * 100, 1)),
            ("breakdown", .object([("totalRevenue", .money(projectedCents)), ("totalCost", .money(totalCostCents)),
                                   ("netProfit", .money(netProfitCents)),
                                   ("policyRevenue", .object(revenueByType.map { ($0.0, .money($0.1)) }))])),
            ("segments", .object([("tier", .string(tier)), ("category", .string(category))])),
            ("calculatedAt", .string(Timestamp.formatInstant(now))),
        ])
    }
}

extension Engine {
    public func ltvSettings() throws -> LTVSettings {
        var s = LTVSettings()
        for (key, value) in try db.query("SELECT key, value FROM settings WHERE key LIKE 'ltv.%'", [], { ($0.text(0), $0.text(1)) }) {
            guard let v = Double(value) else { continue }
            switch key {
            case "ltv.discountRate": s.discountRate = v
            case "ltv.profitMargin": s.profitMargin = v
            case "ltv.acquisitionCost": s.acquisitionCostCents = Int((v * 100).rounded())
            default: break
            }
        }
        return s
    }

    /// Sets one LTV setting (`retention config set KEY VALUE`), validated and audited.
    public func setLTVSetting(_ key: String, _ value: String, now: Int) throws {
        guard LTVSettings.keys.contains(key) else {
            throw RetentionError.invalid("key", "\"\(key)\" is not a setting; known: \(LTVSettings.keys.joined(separator: ", "))")
        }
        guard let v = Double(value), v.isFinite else { throw RetentionError.invalid(key, "must be a number, got \"\(value)\"") }
        switch key {
        case "ltv.discountRate": guard (0...1).contains(v) else { throw RetentionError.invalid(key, "must be a rate from 0 to 1 (0.10 is 10 %)") }
        case "ltv.profitMargin": guard (0...1).contains(v) else { throw RetentionError.invalid(key, "must be a share from 0 to 1 (0.15 is 15 %)") }
        default: guard v >= 0 && v < 1e9 else { throw RetentionError.invalid(key, "must be an amount of dollars of zero or more") }
        }
        try db.transaction {
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [.text(key), .text(value)])
            try audit("settings.set", entity: "setting", id: key, details: .object([("value", .string(value))]), now: now)
        }
    }

    /// Fits the sBG model of each line of business to the book's policy histories, in one aggregate read:
    /// a policy that ended (lapsed, expired, or cancelled other than as a rewrite) after n renewals left in
    /// period n + 1; one still in force has survived n renewals (censored).
    ///
    /// One sequential read of the policies, tallied here by line, renewals and outcome (reading through
    /// the index on line and status fetched every policy out of order, and grouping in SQL sorted them all:
    /// 5 s at a million customers, now about 0.7 s).
    public func fitRetentionModels() throws -> [PolicyType: ShiftedBetaGeometric] {
        let lines = PolicyType.allCases
        var churned = Array(repeating: [Int: Double](), count: lines.count), censored = churned
        try db.forEach("""
            SELECT policy_type, renewal_count, status IN ('active', 'pending_renewal') FROM policies NOT INDEXED
            WHERE status IN ('active', 'pending_renewal', 'lapsed', 'expired') OR (status = 'cancelled' AND coalesce(end_reason, '') != 'rewritten')
            """) { r in
            guard let line = r.position(0, in: PolicyType.names) else { return } // a line Retention does not know has no model
            let renewals = r.int(1)
            if r.bool(2) { censored[line][renewals, default: 0] += 1 } else { churned[line][renewals + 1, default: 0] += 1 }
        }
        var models: [PolicyType: ShiftedBetaGeometric] = [:]
        for (i, type) in lines.enumerated() where !churned[i].isEmpty || !censored[i].isEmpty {
            if let m = try? ShiftedBetaGeometric.fit(churned: churned[i], censored: censored[i]) { models[type] = m }
        }
        return models
    }

    /// The retention models a single customer's LTV uses: those the last rescore fitted to the whole book
    /// (saved with it), else fitted now. Fitting reads every policy, which an interactive request should
    /// not wait for on a large book; the models move slowly, as the book does.
    public func retentionModels() throws -> [PolicyType: ShiftedBetaGeometric] {
        if let text = try db.queryOne("SELECT value FROM settings WHERE key = 'ltv.retentionModels'", [], { $0.text(0) }),
           let saved = try? JSONDecoder().decode([String: ShiftedBetaGeometric].self, from: Data(text.utf8)) {
            return Dictionary(uniqueKeysWithValues: saved.compactMap { key, model in PolicyType(rawValue: key).map { ($0, model) } })
        }
        return try fitRetentionModels()
    }

    /// Saves the models a rescore fitted, for `retentionModels()`. Runs inside the caller's transaction.
    func saveRetentionModels(_ models: [PolicyType: ShiftedBetaGeometric]) throws {
        let json = JSONValue.object(models.sorted { $0.key.rawValue < $1.key.rawValue }.map { type, m in
            (type.rawValue, .object([("alpha", .number(m.alpha)), ("beta", .number(m.beta))]))
        })
        try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('ltv.retentionModels', ?)", [.text(json.serialized())])
    }

    func policyLines(customerRows: ClosedRange<Int64>) throws -> [Int64: [LifetimeValue.PolicyLine]] {
        var out: [Int64: [LifetimeValue.PolicyLine]] = [:]
        try db.forEach("""
            SELECT customer_id, policy_type, annual_premium_cents, term_months, renewal_count, inception_date FROM policies
            WHERE customer_id BETWEEN ? AND ? AND status IN ('active', 'pending_renewal')
            """, [.int(customerRows.lowerBound), .int(customerRows.upperBound)]) { r in
            out[r.int64(0), default: []].append(LifetimeValue.PolicyLine(type: PolicyType(rawValue: r.text(1)) ?? .auto, annualPremiumCents: r.int(2),
                                                                          termMonths: r.int(3), renewals: r.int(4), inceptionDate: r.int(5)))
        }
        return out
    }

    /// Stores a customer's LTV on the customer and in the history. Runs inside the caller's transaction.
    func store(_ ltv: LifetimeValue, customerRow: Int64, customerID: String, now: Int) throws {
        try updatingScoreTotals(of: customerRow...customerRow) {
            try db.run("UPDATE customers SET projected_ltv_cents = ?, ltv_tier = ? WHERE id = ?",
                       [.int(Int64(ltv.projectedCents)), .text(ltv.tier), .int(customerRow)])
        }
        try db.run(Engine.ltvHistoryInsert, Engine.ltvHistoryValues(ltv, customerRow: customerRow, document: LifetimeValue.documentShape.stored(
            ltv.json(customerID: customerID, at: now), customerID: customerID, calculatedAt: now), now: now))
    }

    /// Adds an LTV history row (the values of `ltvHistoryValues`).
    static let ltvHistoryInsert = """
        INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, document)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    /// The LTV history row of a value; `document` is the spec's response as the history route returns it, stored
    /// as `LifetimeValue.documentShape` keeps it.
    static func ltvHistoryValues(_ ltv: LifetimeValue, customerRow: Int64, document: String, now: Int) -> [SQLValue] {
        [.int(customerRow), .int(Int64(now)), .int(Int64(ltv.currentCents)), .int(Int64(ltv.projectedCents)), .text(ltv.tier),
         .text(ltv.category), .text(document)]
    }

    /// Computes, stores and returns a customer's LTV (`POST /customers/:id/ltv`).
    @discardableResult
    public func calculateLTV(customerId: String, now: Int) throws -> JSONValue {
        try db.transaction {
            let c = try customer(id: customerId)
            var signals: CustomerSignals?
            try forEachCustomerSignals(asOf: now, customerRows: c.rowID...c.rowID) { signals = $0 }
            guard let s = signals else { throw RetentionError.conflict("customer_erased", "Customer \(customerId) was erased.") }
            let health = HealthScore.compute(s)
            let ltv = LifetimeValue.compute(currentCents: c.lifetimeValueCents, policies: try policyLines(customerRows: c.rowID...c.rowID)[c.rowID] ?? [],
                                            models: try retentionModels(), settings: try ltvSettings(), signals: s, risk: c.churnRisk,
                                            engagement: health.engagement.score, now: now)
            try store(ltv, customerRow: c.rowID, customerID: customerId, now: now)
            return ltv.json(customerID: customerId, at: now)
        }
    }

    /// Stored LTV calculations, newest first (`GET /customers/:id/ltv?limit=`).
    public func ltvHistory(customerId: String, limit: Int) throws -> [JSONValue] {
        let rowID = try customerRowID(customerId)
        return try db.query("SELECT document, calculated_at FROM ltv_history WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT ?",
                            [.int(rowID), .int(Int64(max(1, min(limit, 1000))))]) {
            try LifetimeValue.documentShape.expand($0.text(0), customerID: customerId, calculatedAt: $0.int(1))
        }
    }
}
