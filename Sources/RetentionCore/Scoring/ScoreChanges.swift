import Foundation

/// What changed between two stored scorings of a customer: each health component and the churn probability,
/// before and after, when, and the events recorded between the two (the ones that can move a score).
///
/// Read from the typed history (`Engine.healthHistory`), newest first: the change of a scoring is against the
/// scoring stored just before it. A first scoring has no change (nil): it is not "risk increased from low".
/// The events are those of `Engine.reasonEventTypes` and `policy_created` with previous < occurredAt ≤ current
/// (an event recorded in the second of a scoring counts for that scoring, as the signals count it).
public struct ScoreChange: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        /// `engagement`, `financial`, `satisfaction`, `lifecycle` or `overall`.
        public var name: String
        public var before: Double
        public var after: Double
        public var delta: Double { ((after - before) * 10).rounded() / 10 }
    }

    public var previousAt: Int
    public var currentAt: Int
    /// The overall score, then the four components, in the spec's order.
    public var components: [Component]
    public var churnBefore: Double
    public var churnAfter: Double
    public var riskBefore: ChurnRisk
    public var riskAfter: ChurnRisk
    /// The events recorded between the two scorings, oldest first (at most 50).
    public var events: [RiskReason.Evidence]

    /// The change of the churn probability, in percentage points to one decimal (+12.5 is 45 % → 57.5 %).
    public var churnDeltaPoints: Double { ((churnAfter - churnBefore) * 1000).rounded() / 10 }

    /// The change between two points (`current` newer), events left empty.
    public init(from previous: HealthScorePoint, to current: HealthScorePoint) {
        previousAt = previous.calculatedAt
        currentAt = current.calculatedAt
        components = [Component(name: "overall", before: previous.overall, after: current.overall)]
            + zip(previous.components, current.components).map { Component(name: $0.name, before: $0.score, after: $1.score) }
        churnBefore = previous.churnProbability
        churnAfter = current.churnProbability
        riskBefore = previous.churnRisk
        riskAfter = current.churnRisk
        events = []
    }

    /// The change of each point against the one after it in `newestFirst`; the last point's is nil (its
    /// previous scoring is not in the list, or there is none).
    public static func changes(_ newestFirst: [HealthScorePoint]) -> [ScoreChange?] {
        newestFirst.indices.map { i in i + 1 < newestFirst.count ? ScoreChange(from: newestFirst[i + 1], to: newestFirst[i]) : nil }
    }
}

extension Engine {
    /// The changes of the customer's latest `limit` scorings, newest first, each against the scoring before it
    /// (nil for a first scoring), with the events between them. Reads `limit + 1` points of the typed history
    /// and the customer's events between the oldest and the newest in one indexed query.
    public func scoreChanges(customerId: String, limit: Int) throws -> [(point: HealthScorePoint, change: ScoreChange?)] {
        let limit = max(1, min(limit, 1000))
        let points = try healthHistory(customerId: customerId, limit: limit + 1)
        var changes = ScoreChange.changes(points)
        if points.count >= 2, let newest = points.first?.calculatedAt, let oldest = points.last?.calculatedAt {
            let rowID = try customerRowID(customerId)
            let types = (Engine.reasonEventTypes + [.policy_created]).map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let events = try db.query("""
                SELECT uuid, event_type, occurred_at FROM retention_events
                WHERE customer_id = ? AND occurred_at > ? AND occurred_at <= ? AND event_type IN (\(types))
                ORDER BY occurred_at, id LIMIT 5000
                """, [.int(rowID), .int(Int64(oldest)), .int(Int64(newest))]) {
                RiskReason.Evidence(eventId: $0.text(0), type: EventType(rawValue: $0.text(1)) ?? .note_added, occurredAt: $0.int(2))
            }
            for i in changes.indices {
                guard let c = changes[i] else { continue }
                changes[i]?.events = Array(events.filter { $0.occurredAt > c.previousAt && $0.occurredAt <= c.currentAt }.prefix(50))
            }
        }
        return Array(zip(points, changes).prefix(limit)).map { ($0, $1) }
    }

    /// The change of the latest scoring against the one before (nil: scored at most once).
    public func latestScoreChange(customerId: String) throws -> ScoreChange? {
        try scoreChanges(customerId: customerId, limit: 1).first?.change
    }
}
