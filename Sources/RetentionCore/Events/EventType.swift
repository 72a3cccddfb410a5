/// The retention event types the product records and reads. Unknown types are rejected with this list.
///
/// | type | recorded when | `data` fields the engine reads |
/// |---|---|---|
/// | payment_received | a premium instalment is paid | `amount` (adds to the policy's totalPaid; needs policyId) |
/// | payment_missed | an instalment was due and not paid | `amount`, `dueDate` |
/// | claim_filed | a claim is reported | `amount` (adds to claimsCount and totalClaimAmount; needs policyId) |
/// | claim_closed | a claim is settled or closed | `amount` |
/// | complaint_filed | the customer complains | `reason` |
/// | complaint_resolved | a complaint is resolved | `reason` |
/// | nps_response | a Net Promoter survey answer | `score` 0–10 |
/// | contact_made | a specialist or agent talked to the customer | `channel`, `outcome`, `note` (moves lastContactDate) |
/// | note_added | a free-text note on the customer | `note` |
/// | policy_created / policy_renewed / policy_cancelled / policy_lapsed / policy_expired / policy_reinstated | recorded by the engine on policy changes | `policyNumber`, `reason` |
/// | coverage_changed | coverage or premium changed | `premiumBefore`, `premiumAfter` |
/// | churn_risk_increased / churn_risk_decreased | a rescore moved the risk level | `from`, `to`, `probability` |
/// | opted_out / opted_in | a channel preference changed | `channel` |
/// | campaign_enrolled | the customer entered a campaign | `campaignId` |
/// | touchpoint_responded | the customer answered a touchpoint | `touchpointId`, `response` |
/// | customer_churned | the last in-force policy ended | |
public enum EventType: String, CaseIterable, Sendable, Codable {
    case payment_received, payment_missed
    case claim_filed, claim_closed
    case complaint_filed, complaint_resolved
    case nps_response
    case contact_made, note_added
    case policy_created, policy_renewed, policy_cancelled, policy_lapsed, policy_expired, policy_reinstated
    case coverage_changed
    case churn_risk_increased, churn_risk_decreased
    case opted_out, opted_in
    case campaign_enrolled, touchpoint_responded
    case customer_churned

    /// Counts as an interaction with the customer (engagement, lastContactDate).
    public var isContact: Bool { self == .contact_made || self == .touchpoint_responded || self == .nps_response }
}
