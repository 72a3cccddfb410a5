import Foundation

/// Settings of the lifetime-value calculation, stored in the database (`settings`), with defaults.
public struct LTVSettings: Sendable, Equatable {
    /// Annual discount rate d (default 10 %). 0 is allowed: the value is then the undiscounted expected
    /// premium within the 50-year horizon (`LifetimeValue.horizonMonths`).
    public var discountRate = 0.10
    /// Share of premium kept after paying for the cover, μ (default 15 %: an agency's commission and fees).
    public var profitMargin = 0.15
    /// Cost of winning the customer, in cents (default $200, the spec's example).
    public var acquisitionCostCents = 20_000
    /// Operational cost c of keeping one policy in force for a year, in cents (servicing, billing, claims
    /// handling not paid by the carrier; default 0, so the spec's example holds: cost = revenue × (1 − margin)).
    public var operationalCostCents = 0

    public init() {}

    static let keys = ["ltv.discountRate", "ltv.profitMargin", "ltv.acquisitionCost", "ltv.operationalCost"]
}

/// A customer's lifetime value (spec section 3): revenue to date, the premium still expected (each line's sBG
/// retention curve, with the customer's own churn probability governing the coming year's renewals),
/// the profit both leave, tier and category. Formulas.md, "Lifetime value", has the symbols and a worked example.
///
/// For each policy in force: term m months, premium per term P = annual premium × m/12, renewals made n, the
/// line's sBG (α, β), the customer's churn probability p (a 12-month probability), per-term discount
/// d_m = (1 + d)^(m/12) − 1, horizon H = ⌊600/m⌋ terms (50 years):
/// - the year's renewals k = max(1, ⌊12/m⌋) each keep the customer with q = (1 − p)^(1/k) (so q^k = 1 − p);
///   after them the line's curve: s_j = q^j (j ≤ k), s_j = (1 − p)·S(n + j)/S(n + k) (j > k);
/// - DERL = Σ_{j=1..H} s_j/(1 + d_m)^(j − 1) (Fader & Hardie 2010: the next renewal's payment is not discounted);
/// - N = Σ_{j=1..H} s_j, the expected further renewals.
///
/// Then, with R the premiums paid to date (every policy), F = Σ P·DERL, μ the margin, c the operational cost
/// per policy-year, Y the policy-years in force to date and A the acquisition cost:
/// - currentLTV = R; projectedLTV = R + F (revenue, discounted); the tier is on projectedLTV;
/// - breakdown (to date, as in the spec's example): totalRevenue = R, totalCost = R·(1 − μ) + c·Y,
///   netProfit = R − totalCost, policyRevenue = R by line;
/// - projectedProfit = netProfit + Σ (μ·P − c·m/12)·DERL − A;
/// - retentionRate = premium-weighted q (the chance each policy renews at its next renewal);
/// - averageLifespan = tenure + premium-weighted (months left in the term + m·N).
/// - Category, first that applies: at_risk (churn risk high or critical); new (tenure < 6 months);
///   declining (premium down > 5 % in 12 months, a policy cancelled or lapsed in the window, or engagement < 40);
///   growing (premium up > 5 % or a policy added in the last 12 months); stable otherwise.
public struct LifetimeValue: Sendable {
    public struct PolicyLine: Sendable {
        /// The line; nil for one Retention does not know (valued with `fallbackModel`).
        public var type: PolicyType?
        public var annualPremiumCents: Int
        public var termMonths: Int
        public var renewals: Int
        public var inceptionDate: Int
        /// The day the next term would start (the end of the term paid for).
        public var renewalDate: Int
    }

    /// What a customer holds and has paid, from all their policies (ended ones too).
    public struct Holdings: Sendable {
        /// The policies in force, valued forward.
        public var inForce: [PolicyLine] = []
        /// Premiums paid to date by line, every policy, sorted by line.
        public var paidByLine: [(line: String, cents: Int)] = []
        /// Years in force to date, summed over every policy (for the operational costs to date).
        public var policyYears = 0.0

        public init(inForce: [PolicyLine] = [], paidByLine: [(line: String, cents: Int)] = [], policyYears: Double = 0) {
            self.inForce = inForce
            self.paidByLine = paidByLine.sorted { $0.line < $1.line }
            self.policyYears = policyYears
        }

        /// Premiums paid to date, Σ totalPaid (the customer's `lifetimeValue`).
        public var paidCents: Int { paidByLine.reduce(0) { $0 + $1.cents } }

        mutating func addPaid(_ cents: Int, line: String) {
            if let i = paidByLine.firstIndex(where: { $0.line == line }) { paidByLine[i].cents += cents; return }
            paidByLine.insert((line, cents), at: paidByLine.firstIndex { $0.line > line } ?? paidByLine.endIndex)
        }
    }

    public var currentCents: Int
    public var projectedCents: Int
    public var projectedProfitCents: Int
    public var monthlyRevenueCents: Int
    public var annualRevenueCents: Int
    public var retentionRate: Double?
    public var churnProbability: Double
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

    /// How far ahead a customer is valued: 50 years. Without a horizon the undiscounted sums (the lifespan, and
    /// DERL at a discount rate of 0) are infinite for a line with α ≤ 1.
    public static let horizonMonths = 600

    /// A month of the lifespan: 365.25/12 days.
    static let secondsPerMonth = 365.25 / 12 * Double(Timestamp.secondsPerDay)

    public static func compute(holdings: Holdings, churnProbability: Double, models: [PolicyType: ShiftedBetaGeometric], settings: LTVSettings,
                               signals: CustomerSignals, risk: ChurnRisk, engagement: Double, now: Int) -> LifetimeValue {
        let p = min(1, max(0, churnProbability.isFinite ? churnProbability : 0))
        var future = 0.0, futureServiceYears = 0.0, annual = 0, weightedRetention = 0.0, weightedMonths = 0.0, weight = 0.0
        for line in holdings.inForce {
            let model = line.type.flatMap { models[$0] } ?? fallbackModel
            let m = max(1, line.termMonths)
            let k = max(1, 12 / m)
            let q = pow(1 - p, 1 / Double(k))
            let termShare = Double(m) / 12
            let perTerm = pow(1 + settings.discountRate, termShare) - 1
            let r = model.residual(renewals: line.renewals, nextRenewals: k, rate: q, discountRate: perTerm, periods: max(1, horizonMonths / m))
            future += Double(line.annualPremiumCents) * termShare * r.discounted
            futureServiceYears += termShare * r.discounted
            annual += line.annualPremiumCents
            let w = Double(line.annualPremiumCents)
            weightedRetention += w * q
            weightedMonths += w * (Double(max(0, line.renewalDate - now)) / secondsPerMonth + Double(m) * r.expected)
            weight += w
        }
        let paid = holdings.paidCents
        let projected = paid + Int(future.rounded())
        let margin = settings.profitMargin, serviceCost = Double(settings.operationalCostCents)
        let cost = Int((Double(paid) * (1 - margin) + serviceCost * holdings.policyYears).rounded())
        let profitToCome = Int((margin * future - serviceCost * futureServiceYears).rounded())
        let growth = signals.premiumYearAgoCents > 0 ? Double(signals.premiumNowCents - signals.premiumYearAgoCents) / Double(signals.premiumYearAgoCents) : 0
        let addedRecently = holdings.inForce.contains { $0.inceptionDate > now - 365 * 86_400 } && signals.tenureMonths >= 12
        let category: String
        if risk >= .high { category = "at_risk" }
        else if signals.tenureMonths < 6 { category = "new" }
        else if growth < -0.05 || signals.cancellationsInWindow > 0 || signals.renewalsLost > 0 || engagement < 40 { category = "declining" }
        else if growth > 0.05 || addedRecently { category = "growing" }
        else { category = "stable" }
        return LifetimeValue(
            currentCents: paid, projectedCents: projected, projectedProfitCents: paid - cost + profitToCome - settings.acquisitionCostCents,
            monthlyRevenueCents: annual / 12, annualRevenueCents: annual,
            retentionRate: weight > 0 ? weightedRetention / weight : nil, churnProbability: p,
            averageLifespanMonths: Double(signals.tenureMonths) + (weight > 0 ? weightedMonths / weight : 0),
            totalCostCents: cost, netProfitCents: paid - cost,
            revenueByType: holdings.paidByLine.map { ($0.line, $0.cents) },
            tier: tier(projectedCents: projected), category: category, settings: settings)
    }

    /// The key structure of `CustomerLifetimeValue.json`, for storing it as values in the history (see `DocumentShape`).
    static let documentShape: DocumentShape = .object([
        ("customerId", .customerID), ("currentLTV", .value), ("projectedLTV", .value), ("projectedProfit", .value),
        ("averageRevenue", .object([("monthly", .value), ("annual", .value)])),
        ("retentionRate", .value), ("churnProbability", .value), ("averageLifespan", .value), ("acquisitionCost", .value),
        ("operationalCost", .value), ("profitMargin", .value), ("discountRate", .value),
        ("breakdown", .object([("totalRevenue", .value), ("totalCost", .value), ("netProfit", .value), ("policyRevenue", .value)])),
        ("segments", .object([("tier", .value), ("category", .value)])),
        ("calculatedAt", .calculatedAt),
    ])

    /// The history row's document of a value: the API's response as it was calculated (its JSON is
    /// `CustomerLifetimeValue.json`, made in API/Encoding/ScoringEncoding.swift), stored compact.
    static func storedDocument(_ ltv: LifetimeValue, customerID: String, at now: Int) -> String {
        documentShape.stored(CustomerLifetimeValue(customerId: customerID, value: ltv, calculatedAt: now).json, customerID: customerID, calculatedAt: now)
    }

    /// The one place a stored LTV document is read back as typed values (`StoredLifetimeValue`): the history
    /// entry (`LTVHistoryRow.document`: rebuilt from the row's numbers, or its stored document expanded with the
    /// shape it was written with), then its members read. A member a row does not hold (projectedProfit before
    /// it existed) is nil.
    static func storedValue(_ d: JSONValue, calculatedAt: Int) -> StoredLifetimeValue {
        let b = d["breakdown"], segments = d["segments"]
        return StoredLifetimeValue(
            currentLTV: d["currentLTV"]?.doubleValue, projectedLTV: d["projectedLTV"]?.doubleValue, projectedProfit: d["projectedProfit"]?.doubleValue,
            retentionRate: d["retentionRate"]?.doubleValue, churnProbability: d["churnProbability"]?.doubleValue,
            averageLifespanMonths: d["averageLifespan"]?.doubleValue,
            totalRevenue: b?["totalRevenue"]?.doubleValue, totalCost: b?["totalCost"]?.doubleValue, netProfit: b?["netProfit"]?.doubleValue,
            revenueByLine: (b?["policyRevenue"]?.objectPairs ?? []).map { StoredLifetimeValue.LineRevenue(line: $0.0, amount: $0.1.doubleValue) },
            tier: segments?["tier"]?.stringValue, category: segments?["category"]?.stringValue, calculatedAt: calculatedAt)
    }

    /// The shape of the history rows written before projected profit and operational costs (breakdown.totalRevenue
    /// was then the projected LTV): those rows still read back as they were calculated.
    static let documentShapeBeforeProfit: DocumentShape = .object([
        ("customerId", .customerID), ("currentLTV", .value), ("projectedLTV", .value),
        ("averageRevenue", .object([("monthly", .value), ("annual", .value)])),
        ("retentionRate", .value), ("averageLifespan", .value), ("acquisitionCost", .value), ("profitMargin", .value), ("discountRate", .value),
        ("breakdown", .object([("totalRevenue", .value), ("totalCost", .value), ("netProfit", .value), ("policyRevenue", .value)])),
        ("segments", .object([("tier", .value), ("category", .value)])),
        ("calculatedAt", .calculatedAt),
    ])

}

/// A lifetime value as the history stored it when it was calculated (`Engine.lifetimeValueHistory`): money in
/// currency units, `retentionRate` in percent (1 decimal), `averageLifespanMonths` to 1 decimal, as the
/// `POST /customers/:id/ltv` response of then said. Nil where that row holds no such member.
public struct StoredLifetimeValue: Sendable, Equatable {
    /// Premiums paid to date on one line of business.
    public struct LineRevenue: Sendable, Equatable {
        public var line: String
        public var amount: Double?
    }
    public var currentLTV: Double?
    public var projectedLTV: Double?
    public var projectedProfit: Double?
    public var retentionRate: Double?
    public var churnProbability: Double?
    public var averageLifespanMonths: Double?
    public var totalRevenue: Double?
    public var totalCost: Double?
    public var netProfit: Double?
    /// Revenue to date by line, in the stored order.
    public var revenueByLine: [LineRevenue]
    public var tier: String?
    public var category: String?
    public var calculatedAt: Int
}

/// A customer's lifetime value as `POST /customers/:id/ltv` answers (its JSON is made in
/// API/Encoding/ScoringEncoding.swift): the spec's LTV response, plus projectedProfit, the churn probability
/// used, the operational cost per policy-year and the discount rate. The breakdown is to date, as in the
/// spec's example.
public struct CustomerLifetimeValue: Sendable {
    public var customerId: String
    public var value: LifetimeValue
    public var calculatedAt: Int
}

extension Engine {
    /// The LTV settings in force (`Settings.discountRate` and the others; the defaults for any not set).
    public func ltvSettings() throws -> LTVSettings {
        let settings = db.settings
        var s = LTVSettings()
        s.discountRate = try settings.value(Settings.discountRate)
        s.profitMargin = try settings.value(Settings.profitMargin)
        s.acquisitionCostCents = try settings.value(Settings.acquisitionCost)
        s.operationalCostCents = try settings.value(Settings.operationalCost)
        return s
    }

    /// Sets one LTV setting (`retention config set KEY VALUE`), validated and audited.
    public func setLTVSetting(_ key: String, _ value: String, now: Int) throws {
        guard LTVSettings.keys.contains(key) else {
            throw RetentionError.invalid("key", "\"\(key)\" is not a setting; known: \(LTVSettings.keys.joined(separator: ", "))")
        }
        try setSetting(key, value, now: now)
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
            SELECT policy_type, renewal_count, status IN \(PolicyStatus.inForceSQL) FROM policies NOT INDEXED
            WHERE status IN \(PolicyStatus.inForceSQL) OR status IN ('lapsed', 'expired') OR (status = 'cancelled' AND coalesce(end_reason, '') != 'rewritten')
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
        if let saved = try db.settings.stored(Settings.retentionModels), let models = saved { return models }
        return try fitRetentionModels()
    }

    /// Saves the models a rescore fitted, for `retentionModels()`. Runs inside the caller's transaction.
    func saveRetentionModels(_ models: [PolicyType: ShiftedBetaGeometric]) throws {
        try db.settings.set(Settings.retentionModels, models)
    }

    /// What the customers whose row ids fall in `customerRows` hold and have paid, in one read of their
    /// policies (every status): the policies in force for the valuation, premiums paid by line and the years
    /// each policy was in force up to `now` (an ended one until it ended, else until its expiration date).
    func holdings(customerRows: ClosedRange<Int64>, now: Int) throws -> [Int64: LifetimeValue.Holdings] {
        var out: [Int64: LifetimeValue.Holdings] = [:]
        let year = 365.25 * Double(Timestamp.secondsPerDay)
        try db.forEach("""
            SELECT customer_id, policy_type, status IN \(PolicyStatus.inForceSQL), annual_premium_cents, term_months, renewal_count,
                   inception_date, renewal_date, total_paid_cents, coalesce(ended_at, expiration_date) FROM policies
            WHERE customer_id BETWEEN ? AND ?
            """, [.int(customerRows.lowerBound), .int(customerRows.upperBound)]) { r in
            let type = r.position(1, in: PolicyType.names).map { PolicyType.allCases[$0] }
            let inForce = r.bool(2), inception = r.int(6)
            func add(to h: inout LifetimeValue.Holdings) {   // in place: no copy of the customer's arrays per row
                if inForce {
                    h.inForce.append(LifetimeValue.PolicyLine(type: type, annualPremiumCents: r.int(3), termMonths: r.int(4), renewals: r.int(5),
                                                              inceptionDate: inception, renewalDate: r.int(7)))
                }
                h.addPaid(r.int(8), line: type?.rawValue ?? r.text(1))
                h.policyYears += Double(max(0, (inForce ? now : min(now, r.int(9))) - inception)) / year
            }
            add(to: &out[r.int64(0), default: LifetimeValue.Holdings()])
        }
        return out
    }

    /// Stores a customer's LTV on the customer and in the history. Runs inside the caller's transaction.
    func store(_ ltv: LifetimeValue, customerRow: Int64, customerID: String, now: Int) throws {
        try updatingScoreTotals(of: customerRow...customerRow) {
            try db.run("UPDATE customers SET projected_ltv_cents = ?, ltv_tier = ? WHERE id = ?",
                       [.int(Int64(ltv.projectedCents)), .text(ltv.tier), .int(customerRow)])
        }
        try db.run(Engine.ltvHistoryInsert, Engine.ltvHistoryValues(ltv, customerRow: customerRow, customerID: customerID, now: now))
    }

    /// Adds an LTV history row (the values of `ltvHistoryValues`).
    static let ltvHistoryInsert = """
        INSERT INTO ltv_history (customer_id, calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, \(LTVHistoryRow.numberColumns), document)
        VALUES (?, ?, ?, ?, ?, ?, \(Array(repeating: "?", count: LTVHistoryRow.numberColumnCount + 1).joined(separator: ", ")))
        """

    /// The LTV history row of a value: its numbers (`LTVHistoryRow.numbers`, from which the history route rebuilds the
    /// spec's response), or, when they cannot rebuild it exactly, the response stored as `LifetimeValue.documentShape`
    /// keeps it (the number columns NULL).
    static func ltvHistoryValues(_ ltv: LifetimeValue, customerRow: Int64, customerID: String, now: Int) -> [SQLValue] {
        let numbers = LTVHistoryRow.numbers(ltv)
            ?? Array(repeating: .null, count: LTVHistoryRow.numberColumnCount) + [.text(LifetimeValue.storedDocument(ltv, customerID: customerID, at: now))]
        return [.int(customerRow), .int(Int64(now)), .int(Int64(ltv.currentCents)), .int(Int64(ltv.projectedCents)), .text(ltv.tier),
                .text(ltv.category)] + numbers
    }

    /// Computes, stores and returns a customer's LTV (`POST /customers/:id/ltv`).
    @discardableResult
    public func calculateLTV(customerId: String, now: Int) throws -> CustomerLifetimeValue {
        try db.transaction {
            let c = try customer(id: customerId)
            var signals: CustomerSignals?
            try forEachCustomerSignals(asOf: now, customerRows: c.rowID...c.rowID) { signals = $0 }
            guard let s = signals else { throw RetentionError.conflict("customer_erased", "Customer \(customerId) was erased.") }
            let health = HealthScore.compute(s)
            // The churn score the customer shows (the last one stored); never scored, the model in force scores them now.
            var (probability, risk) = (c.churnProbability ?? 0, c.churnRisk)
            if c.churnProbability == nil {
                let (model, _) = try currentChurnModel()
                let prediction = score(s, model: model, medians: try bookMedians()).prediction
                (probability, risk) = (prediction.probability, prediction.risk)
            }
            let ltv = LifetimeValue.compute(holdings: try holdings(customerRows: c.rowID...c.rowID, now: now)[c.rowID] ?? LifetimeValue.Holdings(),
                                            churnProbability: probability, models: try retentionModels(), settings: try ltvSettings(), signals: s,
                                            risk: risk, engagement: health.engagement.score, now: now)
            try store(ltv, customerRow: c.rowID, customerID: customerId, now: now)
            return CustomerLifetimeValue(customerId: customerId, value: ltv, calculatedAt: now)
        }
    }

    /// Stored LTV calculations, newest first, typed (the dashboard's detail reads the latest): decoded by
    /// `LifetimeValue.storedValue`. The API's history route returns the documents (`ltvHistory`).
    public func lifetimeValueHistory(customerId: String, limit: Int) throws -> [StoredLifetimeValue] {
        let rowID = try customerRowID(customerId)
        return try db.query("SELECT \(LTVHistoryRow.readColumns) FROM ltv_history WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT ?",
                            [.int(rowID), .int(Int64(max(1, min(limit, 1000))))]) {
            LifetimeValue.storedValue(try LTVHistoryRow.document($0, customerID: customerId), calculatedAt: $0.int(0))
        }
    }

    /// Stored LTV calculations, newest first (`GET /customers/:id/ltv?limit=`): each row's numbers rebuilt into the
    /// response it stands for, or the document it holds (`LTVHistoryRow.document`).
    public func ltvHistory(customerId: String, limit: Int) throws -> [JSONValue] {
        let rowID = try customerRowID(customerId)
        return try db.query("SELECT \(LTVHistoryRow.readColumns) FROM ltv_history WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT ?",
                            [.int(rowID), .int(Int64(max(1, min(limit, 1000))))]) {
            try LTVHistoryRow.document($0, customerID: customerId)
        }
    }
}
