import Foundation

/// A customer's health score with their churn risk, as `POST /customers/:id/health-score` answers (its
/// JSON is made in API/Encoding/ScoringEncoding.swift).
public struct CustomerHealthScore: Sendable, Equatable {
    public var customerId: String
    /// The overall score (`health.overall`), its band and its four components.
    public var health: HealthScore
    public var churnRisk: ChurnRisk
    /// The churn probability, rounded to 4 decimals.
    public var churnProbability: Double
    /// The titles of the risk factors that fired, the one whose feature contributes most first.
    public var riskFactors: [String]
    /// The recommended actions, each once, in the prediction's order.
    public var recommendations: [String]
    public var calculatedAt: Int

    init(customerId: String, _ sc: CustomerScore, at now: Int) {
        var recs: [String] = []
        for r in sc.prediction.recommendations where !recs.contains(r.action) { recs.append(r.action) }
        self.customerId = customerId
        health = sc.health
        churnRisk = sc.prediction.risk
        churnProbability = (sc.prediction.probability * 10_000).rounded() / 10_000
        riskFactors = sc.prediction.riskFactors.map(\.title)
        recommendations = recs
        calculatedAt = now
    }
}

/// A churn prediction for one customer, as `POST /customers/:id/churn-prediction` answers (its JSON is made
/// in API/Encoding/ScoringEncoding.swift): beside the spec's members, the top factor (`ChurnPrediction.top`,
/// what the at-risk list shows) and the model that made it (trained or the untrained defaults).
public struct CustomerChurnPrediction: Sendable {
    public var customerId: String
    public var prediction: ChurnPrediction
    public var customerStatus: CustomerStatus
    /// The features the prediction was made from (the customer's, with a what-if's overrides).
    public var features: ChurnFeatures
    public var model: Engine.ChurnModelInfo
    public var predictedAt: Int
    /// Why, in words, from the customer's own data (not the what-if's): `Engine.riskReasons`.
    public var reasons: [RiskReason] = []
}

/// One stored health score (`Engine.healthHistory`): the overall score, its four components, the churn
/// probability and risk stored with it, and when it was calculated.
public struct HealthScorePoint: Sendable, Equatable {
    public var overall: Double
    public var engagement: Double
    public var financial: Double
    public var satisfaction: Double
    public var lifecycle: Double
    public var churnProbability: Double
    public var churnRisk: ChurnRisk
    public var calculatedAt: Int

    /// The components by their names in the spec's `components` object, in its order.
    public var components: [(name: String, score: Double)] {
        [("engagement", engagement), ("financial", financial), ("satisfaction", satisfaction), ("lifecycle", lifecycle)]
    }
}

/// One customer's scores as computed now.
public struct CustomerScore: Sendable {
    public var customerRowID: Int64
    public var signals: CustomerSignals
    public var health: HealthScore
    public var features: ChurnFeatures
    public var prediction: ChurnPrediction
}

extension Engine {
    /// The churn model in force: the newest trained one, else the documented defaults.
    public func currentChurnModel() throws -> (model: LogisticModel, version: Int?) {
        let info = try churnModelInfo()
        return (info.model, info.version)
    }

    /// The book's median of each churn feature, saved by the last rescore (the default model's means before one).
    public func bookMedians() throws -> ChurnFeatures {
        ChurnFeatures(values: try db.settings.value(Settings.scoringMedians))
    }

    func score(_ s: CustomerSignals, model: LogisticModel, medians: ChurnFeatures) -> CustomerScore {
        let health = HealthScore.compute(s)
        let features = ChurnFeatures(signals: s, health: health)
        let factors = RiskFactor.detect(signals: s, health: health, features: features)
        let prediction = ChurnPrediction.explain(features: features, model: model, medians: medians, riskFactors: factors,
                                                 completeness: ChurnPrediction.completeness(s),
                                                 crossSellOpportunities: health.financial.crossSellOpportunities)
        return CustomerScore(customerRowID: s.customerRowID, signals: s, health: health, features: features, prediction: prediction)
    }

    /// The key structure of `CustomerHealthScore.json`, for storing it as values in the history (see `DocumentShape`).
    static let healthDocumentShape: DocumentShape = .object([
        ("customerId", .customerID), ("overallScore", .value), ("band", .value), ("components", HealthScore.componentsShape),
        ("churnRisk", .value), ("churnProbability", .value), ("riskFactors", .value), ("recommendations", .value), ("calculatedAt", .calculatedAt),
    ])

    /// The history row's document of a computed score: the API's response as it was calculated (its JSON is
    /// `CustomerHealthScore.json`, made in API/Encoding/ScoringEncoding.swift), stored compact.
    func storedHealthDocument(customerID: String, _ sc: CustomerScore, at now: Int) -> String {
        Engine.healthDocumentShape.stored(CustomerHealthScore(customerId: customerID, sc, at: now).json, customerID: customerID, calculatedAt: now)
    }

    /// Stores a score: the customer's current values, a history row, and an event when the risk level
    /// crosses into (or out of) high or critical. Runs inside the caller's transaction.
    func store(_ sc: CustomerScore, customerID: String, previousRisk: ChurnRisk, modelVersion: Int?, now: Int) throws {
        let p = sc.prediction
        try updatingScoreTotals(of: sc.customerRowID...sc.customerRowID) {
            try db.run("""
                UPDATE customers SET health_score = ?, churn_risk = ?, churn_probability = ?, top_risk_factor = ?, scored_at = ? WHERE id = ?
                """, [.double(sc.health.overall), .int(Int64(p.risk.rank)), .double(p.probability), .init(p.topFactor?.title),
                      .int(Int64(now)), .int(sc.customerRowID)])
        }
        try db.run(Engine.healthHistoryInsert, Engine.healthHistoryValues(sc, customerID: customerID, modelVersion: modelVersion, now: now))
        try recordRiskChange(customerRow: sc.customerRowID, from: previousRisk, to: p.risk, probability: p.probability, now: now)
    }

    /// Adds a health-score history row (the values of `healthHistoryValues`): numbers, or the document where
    /// they cannot rebuild it (`HealthHistoryRow`).
    static let healthHistoryInsert = """
        INSERT INTO health_scores (customer_id, calculated_at, overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, model_version,
          \(HealthHistoryRow.numberColumns), document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(Array(repeating: "?", count: HealthHistoryRow.numberColumnCount).joined(separator: ", ")), ?)
        """

    /// The health-score history row of a score: its numbers (`HealthHistoryRow.numbers`), from which the history
    /// route rebuilds the spec's response; `document` (the response as `storedHealthDocument` keeps it) is
    /// stored only when the numbers cannot rebuild it exactly (never, for the scores this release computes).
    static func healthHistoryValues(_ sc: CustomerScore, document: @autoclosure () -> String, modelVersion: Int?, now: Int) -> [SQLValue] {
        let head: [SQLValue] = [.int(sc.customerRowID), .int(Int64(now)), .double(sc.health.overall), .double(sc.health.engagement.score),
                                .double(sc.health.financial.score), .double(sc.health.satisfaction.score), .double(sc.health.lifecycle.score),
                                .double(sc.prediction.probability), .int(Int64(sc.prediction.risk.rank)), .init(modelVersion)]
        if let numbers = HealthHistoryRow.numbers(sc) { return head + numbers + [.null] }
        return head + Array(repeating: .null, count: HealthHistoryRow.numberColumnCount) + [.text(document())]
    }

    /// `healthHistoryValues` for customer `customerID`'s score, building the document only when it is stored.
    static func healthHistoryValues(_ sc: CustomerScore, customerID: String, modelVersion: Int?, now: Int) -> [SQLValue] {
        healthHistoryValues(sc, document: Engine.healthDocumentShape.stored(CustomerHealthScore(customerId: customerID, sc, at: now).json,
                                                                           customerID: customerID, calculatedAt: now),
                            modelVersion: modelVersion, now: now)
    }

    /// The risk a score is compared with for a risk-change alert: the stored one, or the new one itself (no
    /// change, so no alert and no task) for a first scoring (`stored` nil) and for a former customer, who has
    /// nothing in force and so is no churn risk any more.
    static func riskBefore(_ stored: ChurnRisk?, _ sc: CustomerScore) -> ChurnRisk {
        riskBefore(stored, risk: sc.prediction.risk, activePolicies: sc.signals.activePolicies)
    }

    /// `riskBefore` of a new risk `risk` for a customer with `activePolicies` policies in force.
    static func riskBefore(_ stored: ChurnRisk?, risk: ChurnRisk, activePolicies: Int) -> ChurnRisk {
        activePolicies > 0 ? stored ?? risk : risk
    }

    /// An event when the risk level crosses into (or out of) high or critical. A rise carries out its
    /// `agent_notification` action: a task for the customer's owner or agent (one open task per customer
    /// for it, brought up to date by a later rise; see `raiseTask`).
    func recordRiskChange(customerRow: Int64, from previousRisk: ChurnRisk, to risk: ChurnRisk, probability: Double, now: Int) throws {
        if risk >= .high && risk > previousRisk {
            let severity: EventSeverity = risk == .critical ? .critical : .warning
            let data = JSONValue.object([("from", .string(previousRisk.rawValue)), ("to", .string(risk.rawValue)), ("probability", .rounded(probability, 4))])
            let event = try insertEvent(customerRow: customerRow, policyRow: nil, type: .churn_risk_increased, severity: severity, data: data,
                                        actions: [TriggeredAction.agent_notification.rawValue], occurredAt: now, now: now)
            try raiseTask(customerRow: customerRow, reason: .churn_risk_increased, severity: severity, data: data, sourceEventRow: event.rowID, now: now)
        } else if previousRisk >= .high && risk < previousRisk {
            try insertEvent(customerRow: customerRow, policyRow: nil, type: .churn_risk_decreased, severity: .info,
                            data: .object([("from", .string(previousRisk.rawValue)), ("to", .string(risk.rawValue)),
                                           ("probability", .rounded(probability, 4))]),
                            actions: [], occurredAt: now, now: now)
        }
    }

    /// Scores one customer now with the model in force (nothing stored).
    func scoreOne(customerId: String, now: Int) throws -> (Customer, CustomerScore, ChurnModelInfo, ChurnFeatures) {
        let c = try customer(id: customerId)
        let info = try churnModelInfo()
        let medians = try bookMedians()
        var result: CustomerScore?
        try forEachCustomerSignals(asOf: now, customerRows: c.rowID...c.rowID) { result = score($0, model: info.model, medians: medians) }
        guard let sc = result else { throw RetentionError.conflict("customer_erased", "Customer \(customerId) was erased and has no score.") }
        return (c, sc, info, medians)
    }

    /// Computes, stores and returns one customer's health score (`POST /customers/:id/health-score`).
    @discardableResult
    public func calculateHealthScore(customerId: String, now: Int) throws -> CustomerHealthScore {
        try db.transaction {
            let (c, sc, info, _) = try scoreOne(customerId: customerId, now: now)
            try store(sc, customerID: customerId, previousRisk: Engine.riskBefore(c.scoredAt == nil ? nil : c.churnRisk, sc),
                      modelVersion: info.version, now: now)
            return CustomerHealthScore(customerId: customerId, sc, at: now)
        }
    }

    /// The stored health scores of a customer, newest first (`GET /customers/:id/health-score?limit=`): each
    /// row's numbers rebuilt into the spec's response (`HealthHistoryRow.document`), byte for byte what the
    /// calculation returned.
    public func healthScoreHistory(customerId: String, limit: Int) throws -> [JSONValue] {
        let rowID = try customerRowID(customerId)
        return try db.query("SELECT \(HealthHistoryRow.readColumns) FROM health_scores WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT ?",
                            [.int(rowID), .int(Int64(max(1, min(limit, 1000))))]) {
            try HealthHistoryRow.document($0, customerID: customerId)
        }
    }

    /// The stored health scores of a customer, newest first, typed: what the dashboard's detail draws (the
    /// trend and the components). Read from the row's own columns (`healthHistoryValues`): the same numbers
    /// as the history entry's `overallScore` and `components.*.score`. The API's history route returns the
    /// entries (`healthScoreHistory`).
    public func healthHistory(customerId: String, limit: Int) throws -> [HealthScorePoint] {
        let rowID = try customerRowID(customerId)
        return try db.query("""
            SELECT overall, engagement, financial, satisfaction, lifecycle, churn_probability, churn_risk, calculated_at
            FROM health_scores WHERE customer_id = ? ORDER BY calculated_at DESC, id DESC LIMIT ?
            """, [.int(rowID), .int(Int64(max(1, min(limit, 1000))))]) {
            HealthScorePoint(overall: $0.double(0), engagement: $0.double(1), financial: $0.double(2), satisfaction: $0.double(3),
                             lifecycle: $0.double(4), churnProbability: $0.double(5), churnRisk: ChurnRisk(rank: $0.int(6)) ?? .low,
                             calculatedAt: $0.int(7))
        }
    }

    /// A churn prediction, optionally a what-if with some features overridden (`POST /customers/:id/churn-prediction`).
    /// Nothing is stored.
    public func predictChurn(customerId: String, features overrides: JSONValue?, now: Int) throws -> CustomerChurnPrediction {
        var (c, sc, info, medians) = try scoreOne(customerId: customerId, now: now)
        let reasons = try riskReasons(customerRow: c.rowID, score: sc, model: info.model, now: now)
        let features = try sc.features.applying(overrides)
        sc.prediction = ChurnPrediction.explain(features: features, model: info.model, medians: medians, riskFactors: sc.prediction.riskFactors,
                                                completeness: ChurnPrediction.completeness(sc.signals),
                                                crossSellOpportunities: sc.health.financial.crossSellOpportunities)
        return CustomerChurnPrediction(customerId: customerId, prediction: sc.prediction,
                                       customerStatus: CustomerStatus(activePolicies: sc.signals.activePolicies, totalPolicies: sc.signals.totalPolicies),
                                       features: features, model: info, predictedAt: now, reasons: reasons)
    }

    /// What a rescore did.
    public struct RescoreSummary: Sendable {
        public var customers = 0
        /// The customers with a policy in force by their new risk level (snoozed and erased ones too: the at-risk
        /// queue, and the dashboard's "High risk", leave those out).
        public var byRisk: [ChurnRisk: Int] = [:]
        /// The customers scored with no policy in force (former customers and prospects): scored, as the spec
        /// asks, but never in the at-risk queue or its counts.
        public var outOfForce = 0
        /// The customers scored for the first time: a first score has no earlier risk to rise from, so it
        /// raises no alert and is not among `riskIncreases`.
        public var firstScores = 0
        public var riskIncreases = 0
        /// The customers given a history row (health and LTV): those whose score moved materially or whose
        /// last row is older than the interval (`HistorySettings`).
        public var historyRows = 0
    }

    /// Which customers a rescore scores.
    public enum RescoreScope: Sendable, Equatable {
        /// Every customer (the nightly rescore: the time-driven inputs move for everyone).
        case all
        /// Only customers with a row newer than their last score (`changedCustomerRows`), for after a sync or import.
        case changed
    }

    /// One customer scored and valued by a rescore, reduced on the reading thread to the values the writer
    /// stores: the writing thread is the one that limits a rescore, so it neither builds nor frees the
    /// scores' working objects (freeing them cost it a tenth of its time).
    struct RescoredCustomer {
        var customerRowID: Int64
        var previousRisk: ChurnRisk
        var risk: ChurnRisk
        var probability: Double
        /// Whether the customer holds a policy in force (else a former customer or a prospect: not in the queue).
        var inForce: Bool
        /// Whether this is the customer's first score (it raises no alert: there is no earlier risk to rise from).
        var firstScore: Bool
        /// The values of the writer's score UPDATE: the new score columns, then the customer's row id.
        var scoreColumns: [SQLValue]
        /// The history rows' values; nil when the score did not move materially (`HistorySettings.records`).
        var healthHistory: [SQLValue]?
        var ltvHistory: [SQLValue]?
    }

    /// A range of customers read and scored: what the writer stores, and what the rescore's summary needs.
    struct RescoredRange {
        var customers: [RescoredCustomer] = []
        /// The churn features of the customers with a policy in force, one column per feature (for the book's medians).
        var featureColumns = Array(repeating: [Double](), count: ChurnFeatures.names.count)
    }

    /// Everything a rescore needs that stays the same for the whole book.
    struct RescoreInputs: @unchecked Sendable {
        var model: LogisticModel
        var modelVersion: Int?
        var medians: ChurnFeatures
        var retentionModels: [PolicyType: ShiftedBetaGeometric]
        var ltvSettings: LTVSettings
        var history: HistorySettings
        var now: Int
        /// The customers to score (nil: all in the range).
        var only: Set<Int64>?
    }

    /// Reads and scores the customers whose row ids fall in `groups`' ranges, range after range (nothing is written).
    func scoreRanges(_ groups: [ClosedRange<Int64>], _ inputs: RescoreInputs) throws -> RescoredRange {
        guard groups.count > 1 else { return try groups.first.map { try scoreRange($0, inputs) } ?? RescoredRange() }
        var all = RescoredRange()
        for rows in groups {
            let one = try scoreRange(rows, inputs)
            all.customers += one.customers
            for (i, column) in one.featureColumns.enumerated() { all.featureColumns[i] += column }
        }
        return all
    }

    /// A customer's score as far as a rescore needs it for every customer: the health score, the churn features,
    /// probability, risk and top factor, the same values `score` gives (`ChurnPrediction.explain` computes them
    /// so). The rest of the prediction (factors, risk factors, recommendations with their expected impact, a
    /// model evaluation per factor) goes only into a history row, and is computed for the few customers who get one.
    struct RescoreCore {
        var signals: CustomerSignals
        var health: HealthScore
        var features: ChurnFeatures
        var probability: Double
        var risk: ChurnRisk
        var topFactor: ChurnPrediction.TopFactor?

        init(_ s: CustomerSignals, model: LogisticModel) {
            signals = s
            health = HealthScore.compute(s)
            features = ChurnFeatures(signals: s, health: health)
            probability = model.probability(features.values)
            risk = ChurnRisk(probability: probability)
            topFactor = ChurnPrediction.top(features: features, model: model)
        }
    }

    /// Reads and scores the customers whose row ids fall in `rows` (nothing is written).
    func scoreRange(_ rows: ClosedRange<Int64>, _ inputs: RescoreInputs) throws -> RescoredRange {
        var scores: [RescoreCore] = []
        try forEachCustomerSignals(asOf: inputs.now, customerRows: rows) { s in
            if inputs.only?.contains(s.customerRowID) ?? true { scores.append(RescoreCore(s, model: inputs.model)) }
        }
        // The risk before this scoring: none for a customer never scored (a first scoring is not a "rise from
        // low": it raises no alert and no task), read as unchanged below; and the last history row, which the
        // new score must move away from to get a row of its own (one index probe per customer).
        typealias Info = (uuid: String, stored: ChurnRisk?, last: HistorySettings.LastPoint?)
        let info = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT c.id, c.uuid, CASE WHEN c.scored_at IS NOT NULL THEN c.churn_risk END,
                   h.overall, h.churn_probability, h.churn_risk, h.calculated_at
            FROM customers c LEFT JOIN health_scores h
              ON h.id = (SELECT s.id FROM health_scores s WHERE s.customer_id = c.id ORDER BY s.calculated_at DESC LIMIT 1)
            WHERE c.id BETWEEN ? AND ?
            """, [.int(rows.lowerBound), .int(rows.upperBound)]) { r -> (Int64, Info) in
            let last = r.isNull(6) ? nil : HistorySettings.LastPoint(overall: r.double(3), churnProbability: r.double(4),
                                                                      risk: ChurnRisk(rank: r.int(5)) ?? .low, calculatedAt: r.int(6))
            return (r.int64(0), (r.text(1), r.optionalInt(2).flatMap { ChurnRisk(rank: $0) }, last))
        })
        let holdings = try holdings(customerRows: rows, now: inputs.now)
        let nothing = LifetimeValue.Holdings()
        var range = RescoredRange()
        range.customers.reserveCapacity(scores.count)
        for sc in scores {
            let row = sc.signals.customerRowID
            guard let (uuid, stored, last) = info[row] else { continue }
            let previous = Engine.riskBefore(stored, risk: sc.risk, activePolicies: sc.signals.activePolicies)
            let ltv = LifetimeValue.compute(holdings: holdings[row] ?? nothing, churnProbability: sc.probability,
                                            models: inputs.retentionModels, settings: inputs.ltvSettings, signals: sc.signals, risk: sc.risk,
                                            engagement: sc.health.engagement.score, now: inputs.now)
            let records = inputs.history.records(overall: sc.health.overall, churnProbability: sc.probability, risk: sc.risk,
                                                 now: inputs.now, since: last)
            range.customers.append(RescoredCustomer(
                customerRowID: row, previousRisk: previous, risk: sc.risk, probability: sc.probability,
                inForce: sc.signals.activePolicies > 0, firstScore: stored == nil,
                scoreColumns: [.double(sc.health.overall), .int(Int64(sc.risk.rank)), .double(sc.probability), .init(sc.topFactor?.title),
                               .int(Int64(inputs.now)), .int(Int64(ltv.projectedCents)), .text(ltv.tier), .int(row)],
                healthHistory: records ? Engine.healthHistoryValues(score(sc.signals, model: inputs.model, medians: inputs.medians), customerID: uuid,
                                                                    modelVersion: inputs.modelVersion, now: inputs.now) : nil,
                ltvHistory: records ? Engine.ltvHistoryValues(ltv, customerRow: row, customerID: uuid, now: inputs.now) : nil))
            if sc.signals.activePolicies > 0 { for (i, v) in sc.features.values.enumerated() { range.featureColumns[i].append(v) } }
        }
        return range
    }

    /// The connection's TEMP table a rescore collects the new current scores in (customer order, keyed by the
    /// customer's row id) before it applies them to `customers` with one `UPDATE … FROM` per run of customers
    /// (`applyRescored`). Its columns are `RescoredCustomer.scoreColumns`' in that order, the row id last.
    static let rescoredScoresTable = """
        CREATE TEMP TABLE IF NOT EXISTS rescored_scores (
          health_score REAL, churn_risk INTEGER, churn_probability REAL, top_risk_factor TEXT, scored_at INTEGER,
          projected_ltv_cents INTEGER, ltv_tier TEXT, id INTEGER PRIMARY KEY)
        """

    /// Writes a batch of rescored customers inside the caller's transaction, all but their current scores:
    /// the health and LTV history rows, the risk-change events (and their tasks), and the new scores into
    /// `temp.rescored_scores`, which `applyRescored` moves into `customers` (with `customer_totals`).
    func stageRescored(_ batch: [RescoredCustomer], _ inputs: RescoreInputs) throws {
        precondition(db.isInTransaction, "a rescore's rows are written inside its transaction")
        // Prepared once per batch (finding a cached statement by its text costs a hash of the text per row).
        let stage = try db.statement("""
            INSERT INTO temp.rescored_scores (health_score, churn_risk, churn_probability, top_risk_factor, scored_at,
              projected_ltv_cents, ltv_tier, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertHealth = try db.statement(Engine.healthHistoryInsert), insertLTV = try db.statement(Engine.ltvHistoryInsert)
        for r in batch {
            try db.run(stage, r.scoreColumns)
            if let values = r.healthHistory { try db.run(insertHealth, values) }
            if let values = r.ltvHistory { try db.run(insertLTV, values) }
            try recordRiskChange(customerRow: r.customerRowID, from: r.previousRisk, to: r.risk, probability: r.probability, now: inputs.now)
        }
    }

    /// The score columns a full rescore writes for every customer (`applyRescored`'s first UPDATE): the customers'
    /// indexes that name one of them (key, covered column or condition) move entries for nearly every customer,
    /// and are rebuilt by sorting instead (`withScoreIndexesRebuilt`). The churn risk is not among them: it is
    /// written only where it changed, a few customers a night, so an index that names it alone (the queue's
    /// indexes by renewal, last contact, owner and name, whose condition is `churn_risk >= 1`) is kept and
    /// moves just those customers' entries.
    static let everyCustomersScoreColumns = ["health_score", "churn_probability", "top_risk_factor", "scored_at",
                                             "projected_ltv_cents", "ltv_tier"]

    /// Moves the staged scores (`stageRescored`) into `customers`, set-wise, inside the caller's transaction:
    /// per run of nearby customers (`rows`: sorted row ids), one `UPDATE … FROM temp.rescored_scores` of the
    /// score columns every customer gets (`everyCustomersScoreColumns`) and one of the churn risk where it
    /// changed, each reading the customers in row order, with that run's move in `customer_totals`
    /// (`updatingScoreTotals`). Then empties the staging table.
    func applyRescored(rows: [Int64]) throws {
        precondition(db.isInTransaction, "the scores move inside the rescore's transaction")
        let update = try db.statement("""
            UPDATE customers SET health_score = s.health_score, churn_probability = s.churn_probability,
              top_risk_factor = s.top_risk_factor, scored_at = s.scored_at, projected_ltv_cents = s.projected_ltv_cents, ltv_tier = s.ltv_tier
            FROM temp.rescored_scores AS s WHERE customers.id = s.id AND customers.id BETWEEN ?1 AND ?2
            """)
        let updateRisk = try db.statement("""
            UPDATE customers SET churn_risk = s.churn_risk
            FROM temp.rescored_scores AS s WHERE customers.id = s.id AND customers.id BETWEEN ?1 AND ?2 AND customers.churn_risk IS NOT s.churn_risk
            """)
        for run in Engine.ranges(covering: rows, chunk: Int(Int32.max)) {
            try updatingScoreTotals(of: run) {
                try db.run(update, [.int(run.lowerBound), .int(run.upperBound)])
                try db.run(updateRisk, [.int(run.lowerBound), .int(run.upperBound)])
            }
        }
        try db.execute("DELETE FROM temp.rescored_scores")
    }

    /// The customers' indexes a full rescore keeps (and moves entries in) rather than rebuilds: those whose
    /// definition names none of `everyCustomersScoreColumns`.
    func indexesAFullRescoreKeeps() throws -> Set<String> {
        Set(try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL") {
            ($0.text(0), $0.text(1))
        }.filter { _, sql in !Engine.everyCustomersScoreColumns.contains { sql.range(of: "\\b\($0)\\b", options: .regularExpression) != nil } }.map(\.0))
    }

    /// Runs `body` (a full rescore's writes, inside its transaction) with the customers' indexes on the score
    /// columns every customer gets (`everyCustomersScoreColumns`) dropped, then creates them again by sorting,
    /// with SQLite's sorter on two threads in short runs (`Store.createIndexes`; the pages the rescore dirtied go
    /// to the log as the small cache gives them up, at the commit otherwise), in the same transaction: a crash, a kill or an
    /// error rolls the drop back with everything else. Moving three entries per customer at random positions
    /// dirtied nearly every page of each of those indexes in every batch.
    func withScoreIndexesRebuilt<T>(_ body: () throws -> T) throws -> T {
        precondition(db.isInTransaction, "the score indexes are rebuilt inside the rescore's transaction")
        let recreate = try Store.dropSecondaryIndexes(db, tables: ["customers"], keeping: try indexesAFullRescoreKeeps())
        let result = try body()
        try Store.createIndexes(db, recreate)
        return result
    }

    /// Rescores the whole book (health, churn and lifetime value) in one set-based pass: signals are read for a range of customers at a time
    /// (aggregate reads, no query per customer), scores computed in memory, and the whole book written in
    /// one transaction (current scores set-wise, their indexes rebuilt by sorting: see `rescore(_:now:chunk:observe:)`),
    /// so an interruption leaves the book as it was, never a half-written customer. The book's feature medians (for the next run's expected-impact figures) and the lines'
    /// retention models (for one customer's LTV between rescores) are saved.
    ///
    /// On a database file, the next two ranges are read and scored on two more connections in background
    /// threads while this one writes the range before, so both processor cores work.
    ///
    /// `progress` is told the customers done and the total after each range (kept for older callers; `observe`
    /// gets the same as `JobPhase.progress`).
    @discardableResult
    public func rescore(now: Int, chunk: Int = 5_000, progress: ((Int, Int) -> Void)? = nil) throws -> RescoreSummary {
        try rescore(.all, now: now, chunk: chunk) { phase in
            if case .progress(_, let done, let total) = phase { progress?(done, total ?? done) }
        }
    }

    /// Rescores the book or, `.changed`, only the customers with a row newer than their last score
    /// (`changedCustomerRows`), reporting its phases ("finding changed customers", "rescoring") and the
    /// customers done to `observe`. Every scored customer's current score is updated; a history row is added
    /// only where `HistorySettings.records` says so. A full rescore also saves the book's medians and the
    /// lines' retention models, and marks where the next `--changed` starts looking (`Settings.lastFullRescore`);
    /// a changed-only one leaves those as they are (a few customers do not make a book's medians).
    @discardableResult
    public func rescore(_ scope: RescoreScope, now: Int, chunk: Int = 5_000, observe: ((JobPhase) -> Void)? = nil) throws -> RescoreSummary {
        var phases = JobPhases(observe)
        let (model, version) = try currentChurnModel()
        let lastEventBefore = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM retention_events"))
        // Groups of id ranges, each group read, scored and written together (one transaction).
        let ranges: [[ClosedRange<Int64>]]
        let total: Int
        var only: Set<Int64>?
        switch scope {
        case .all:
            total = try db.scalarInt("SELECT count(*) FROM customers WHERE erased_at IS NULL")
            let maxID = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM customers"))
            ranges = stride(from: Int64(1), through: maxID, by: chunk).map { [$0...($0 + Int64(chunk) - 1)] }
        case .changed:
            phases.begin("finding changed customers")
            let rows = try changedCustomerRows()
            total = rows.count
            only = Set(rows)
            ranges = Engine.changedReadGroups(rows, chunk: chunk)
        }
        let inputs = RescoreInputs(model: model, modelVersion: version, medians: try bookMedians(),
                                   retentionModels: scope == .all ? try fitRetentionModels() : try retentionModels(),
                                   ltvSettings: try ltvSettings(), history: try historySettings(), now: now, only: only)
        phases.begin("rescoring")
        phases.progress(done: 0, total: total)
        var summary = RescoreSummary()
        var featureColumns = Array(repeating: [Double](), count: ChurnFeatures.names.count)
        // Two more connections for the reads, when there is a file to open them on and more than one range:
        // reading and scoring a range takes longer than writing it (at 100,000 customers the reading thread was
        // busy 5.8 s, the writing one 3.5 s), so two readers take turns, each with its own range, while this one writes.
        let onFile = db.path != ":memory:" && !db.path.isEmpty && ranges.count > 1
        let readers: [(engine: Engine, queue: DispatchQueue)] = onFile
            ? try (0..<2).map { (Engine(database: try Store.open(path: db.path), user: user), DispatchQueue(label: "retention.rescore.reader\($0)")) }
            : []
        func startReading(_ index: Int) -> Prefetch<RescoredRange>? {
            guard !readers.isEmpty, index < ranges.count else { return nil }
            let reader = readers[index % readers.count]
            nonisolated(unsafe) let engine = reader.engine
            return Prefetch(on: reader.queue) { try engine.scoreRanges(ranges[index], inputs) }
        }
        // Slot k holds the range read by reader k: range i is in slot i mod 2, started when range i − 2 was taken.
        var ahead = (0..<readers.count).map(startReading)
        try db.execute(Engine.rescoredScoresTable)
        // A full rescore is one transaction: its score indexes dropped first and rebuilt by sorting at the end
        // (`withScoreIndexesRebuilt`), each range's current scores applied set-wise as it comes (`applyRescored`),
        // with its history rows and events. A changed-only one applies each group as it comes too, the indexes
        // kept (a few customers' entries move), in as few transactions as `writeChangedGroups` says.
        func rescoreRange(_ index: Int) throws {
            let batch: RescoredRange
            if readers.isEmpty {
                batch = try scoreRanges(ranges[index], inputs)
            } else {
                let slot = index % readers.count
                batch = try ahead[slot]!.value()
                ahead[slot] = startReading(index + readers.count)
            }
            let customers = batch.customers.sorted { $0.customerRowID < $1.customerRowID }
            try stageRescored(customers, inputs)
            if scope == .changed { try applyRescoredScattered() } else { try applyRescored(rows: customers.map(\.customerRowID)) }
            for r in customers {
                summary.customers += 1
                if r.inForce { summary.byRisk[r.risk, default: 0] += 1 } else { summary.outOfForce += 1 }
                if r.firstScore { summary.firstScores += 1 }
                if r.risk >= .high && r.risk > r.previousRisk { summary.riskIncreases += 1 }
                if r.healthHistory != nil { summary.historyRows += 1 }
            }
            for (i, column) in batch.featureColumns.enumerated() { featureColumns[i].append(contentsOf: column) }
            phases.progress(done: summary.customers, total: total)
        }
        if scope == .all {
            try db.transaction {
                try db.execute("DELETE FROM temp.rescored_scores")
                try withScoreIndexesRebuilt { for index in ranges.indices { try rescoreRange(index) } }
            }
        } else {
            try writeChangedGroups(ranges.count, chunk: chunk, rescoreRange)
        }
        phases.end()
        let newMedians = featureColumns.map { col -> Double in
            guard !col.isEmpty else { return 0 }
            let sorted = col.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        try db.transaction {
            if scope == .all {
                if featureColumns.first?.isEmpty == false {
                    try db.settings.set(Settings.scoringMedians, newMedians)
                    try saveRetentionModels(inputs.retentionModels)
                    try audit("rescore", entity: "book", id: "all", details: .object([("customers", .int(summary.customers))]), now: now)
                }
                try db.settings.set(Settings.lastFullRescore, FullRescoreMark(at: now, lastEvent: lastEventBefore))
            } else if summary.customers > 0 {
                try audit("rescore", entity: "book", id: "changed", details: .object([("customers", .int(summary.customers))]), now: now)
            }
        }
        return summary
    }
}
