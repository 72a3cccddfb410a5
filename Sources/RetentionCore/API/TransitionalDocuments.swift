import Foundation

// TRANSITIONAL: the JSON documents the dashboard (Sources/RetentionTUI) still reads by string key. The
// engine answers with typed values; these encode them for the dashboard only, until it is converted to read
// the typed values (after its message loop is rebuilt). Nothing else may call them: the API uses the
// encoders in API/Encoding, the command line the typed values. Delete each one with its last caller.
extension Engine {
    /// TRANSITIONAL (DashboardSnapshot.collectHeader): `retentionMetrics(period).json`.
    public func metrics(_ period: MetricsPeriod) throws -> JSONValue {
        try retentionMetrics(period).json
    }

    /// TRANSITIONAL (DashboardApp `.campaignDetail` via CampaignSummary.lines): `campaignPerformance(id:now:).json`.
    public func campaignPerformanceDocument(id: String, now: Int) throws -> JSONValue {
        try campaignPerformance(id: id, now: now).json
    }

    /// TRANSITIONAL (DashboardSnapshot.collectCampaignRows): `campaignPerformances(_:now:).map(\.json)`.
    public func campaignPerformanceDocuments(_ campaigns: [Campaign], now: Int) throws -> [JSONValue] {
        try campaignPerformances(campaigns, now: now).map(\.json)
    }

    /// TRANSITIONAL (DashboardApp `.rescoreCustomer`): `calculateHealthScore(customerId:now:).json`.
    @discardableResult
    public func healthScoreDocument(customerId: String, now: Int) throws -> JSONValue {
        try calculateHealthScore(customerId: customerId, now: now).json
    }

    /// TRANSITIONAL (DashboardSnapshot.collect, the detail pane): `predictChurn(customerId:features: nil, now:).json`.
    public func churnPredictionDocument(customerId: String, now: Int) throws -> JSONValue {
        try predictChurn(customerId: customerId, features: nil, now: now).json
    }
}

// TRANSITIONAL: a write the dashboard (DashboardApp: note, missed payment) still makes with an API body.
extension Engine {
    /// TRANSITIONAL (DashboardApp `.note`, `.paymentMissed`; older tests): `createEvent(NewEvent(json:), ...)`.
    @discardableResult
    public func createEvent(_ body: JSONValue, now: Int, allowIdentity: Bool = false, applySideEffects: Bool = true) throws -> RetentionEvent {
        try createEvent(try NewEvent(json: body, allowIdentity: allowIdentity), now: now, applySideEffects: applySideEffects)
    }
}

// TRANSITIONAL: the dashboard (DashboardApp `.addTag`) still edits a customer's tags with an API body.
extension Engine {
    /// TRANSITIONAL (DashboardApp `.addTag`): `updateCustomer(id:, CustomerPatch(json:), now:)`.
    @discardableResult
    public func updateCustomer(id: String, _ body: JSONValue, now: Int) throws -> Customer {
        try updateCustomer(id: id, try CustomerPatch(json: body), now: now)
    }
}
