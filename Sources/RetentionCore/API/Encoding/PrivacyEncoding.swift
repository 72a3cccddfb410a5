import Foundation

/// The JSON of the right of access (`GET /customers/:id/export`, `retention customer export`): the one place
/// `PersonalDataExport` becomes JSON.
extension PersonalDataExport {
    public var json: JSONValue {
        .object([
            ("exportedAt", .string(Timestamp.formatInstant(exportedAt))),
            ("customer", customer.json),
            ("contactPreferences", .array(contactPreferences.map { c in
                .object([("channel", .string(c.channel)), ("optedOut", .bool(c.optedOut)),
                         ("changedAt", .string(Timestamp.formatInstant(c.changedAt))), ("changedBy", .string(c.changedBy))])
            })),
            ("policies", .array(policies.map(\.json))),
            ("healthScores", .array(healthScores)),
            ("lifetimeValues", .array(lifetimeValues)),
            ("campaignEnrollments", .array(campaignEnrollments.map { e in
                .object([("campaignId", .string(e.campaignId)), ("campaignName", .string(e.campaignName)),
                         ("enrolledAt", .string(Timestamp.formatInstant(e.enrolledAt))), ("runAt", .string(Timestamp.formatInstant(e.runAt))),
                         ("controlGroup", .bool(e.controlGroup)), ("policyId", e.policyId.map(JSONValue.string) ?? .null)])
            })),
            ("touchpoints", .array(touchpoints.map(\.json))),
            ("events", .array(events.map(\.json))),
            ("tasks", .array(tasks.map(\.json))),
            ("auditTrail", .array(auditTrail.map { a in
                .object([("at", .string(Timestamp.formatInstant(a.at))), ("user", .string(a.user)), ("action", .string(a.action)),
                         ("entity", .string(a.entity)), ("entityId", .string(a.entityId)), ("details", a.details ?? .null)])
            })),
        ])
    }
}
