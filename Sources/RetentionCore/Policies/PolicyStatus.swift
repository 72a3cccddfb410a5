/// Where a policy is in its life, and the moves allowed between states.
///
/// - `active`: in force.
/// - `pending_renewal`: in force, renewal offered and not yet accepted.
/// - `lapsed`: ended for non-payment at or after renewal; reinstated to `active` if paid.
/// - `cancelled`: ended mid-term (the insured's request, non-payment, or rewritten); final.
/// - `expired`: reached its expiration without renewal (including the carrier's non-renewal); final.
///
/// Renewal is its own operation (`renew`), allowed from active, pending_renewal and lapsed.
public enum PolicyStatus: String, CaseIterable, Sendable, Codable {
    case active, pending_renewal, expired, cancelled, lapsed

    /// The states this one may move to by an update.
    public var allowedTransitions: [PolicyStatus] {
        switch self {
        case .active: [.pending_renewal, .cancelled, .lapsed, .expired]
        case .pending_renewal: [.active, .cancelled, .lapsed, .expired]
        case .lapsed: [.active, .cancelled]
        case .cancelled, .expired: []
        }
    }

    /// In force: counts towards `activePolicies` and `nextRenewalDate`.
    public var isInForce: Bool { self == .active || self == .pending_renewal }

    /// The one SQL list of the in-force states, `('active', 'pending_renewal')`, made from ``isInForce``:
    /// every query that asks "in force" writes `status IN \(PolicyStatus.inForceSQL)`. It is a constant of
    /// the code, never data. (The frozen schema's partial indexes spell the same list out, as released.)
    public static let inForceSQL = "(" + allCases.filter(\.isInForce).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    public var canRenew: Bool { self == .active || self == .pending_renewal || self == .lapsed }
}
