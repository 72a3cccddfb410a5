import Foundation

/// What a campaign's segment matches now: the customers it would newly enrol, and those matching it who are
/// already enrolled (a running campaign's `v` in the dashboard).
public struct SegmentPreview: Sendable, Equatable {
    /// Matching customers not yet enrolled: those activation (or the next run) would enrol.
    public var newMatches: Int
    /// Matching customers already enrolled in the campaign (control group included).
    public var alreadyEnrolled: Int
    /// The first new matches, most likely to leave first.
    public var customers: [Customer]
    /// New matches beyond those listed.
    public var notListed: Int { max(0, newMatches - customers.count) }
}

extension Engine {
    /// How many customers `segment` selects at `now` (`segmentCondition`, the enrolment's own condition): the
    /// live count of a segment being edited.
    public func segmentCount(_ segment: TargetSegment, now: Int) throws -> Int {
        let (condition, params) = segmentCondition(segment, now: now)
        return try db.scalarInt("SELECT count(*) FROM customers c WHERE \(condition)", params)
    }

    /// The campaign's segment now: new matches (counted and the first `limit` listed, as `previewCampaign`) and
    /// the matching customers already enrolled.
    public func segmentPreview(campaignId: String, limit: Int = 200, now: Int) throws -> SegmentPreview {
        let c = try campaign(id: campaignId)
        let (condition, params) = segmentCondition(c.targetSegment, now: now)
        let enrolled = "EXISTS (SELECT 1 FROM campaign_enrollments e WHERE e.campaign_id = ? AND e.customer_id = c.id)"
        let counts = try db.queryOne("""
            SELECT count(*) FILTER (WHERE NOT \(enrolled)), count(*) FILTER (WHERE \(enrolled)) FROM customers c WHERE \(condition)
            """, [.int(c.rowID), .int(c.rowID)] + params) { ($0.int(0), $0.int(1)) }!
        let listed = try previewCampaign(id: campaignId, limit: limit, now: now).customers
        return SegmentPreview(newMatches: counts.0, alreadyEnrolled: counts.1, customers: listed)
    }
}
