/// Where a touchpoint is in its life (spec section 6), plus four states the engine itself sets:
/// `sending` (claimed by a dispatcher), `skipped` (a compliance rule or a step condition stopped it),
/// `cancelled` (its campaign was cancelled or completed) and `needs_review` (handed to a channel program
/// by a dispatcher that stopped before the program answered: it may or may not have gone, so a person
/// decides: `sent`, `failed`, or `pending` to send it again).
///
/// Forward only: pending → sent → delivered → opened → clicked → responded. A later stage may be
/// reported directly (opened implies delivered); `failed` may follow pending, sending or sent, and a
/// retry moves failed back to pending (counted in `attempts`).
public enum TouchpointStatus: String, CaseIterable, Sendable {
    case pending, sending, sent, delivered, opened, clicked, responded, failed, skipped, cancelled
    case needsReview = "needs_review"

    /// Position on the engagement ladder; nil for the side states.
    public var stage: Int? {
        switch self {
        case .pending: 0
        case .sending: 0
        case .needsReview: 0
        case .sent: 1
        case .delivered: 2
        case .opened: 3
        case .clicked: 4
        case .responded: 5
        case .failed, .skipped, .cancelled: nil
        }
    }

    /// The timestamp column each stage records.
    var timestampColumn: String? {
        switch self {
        case .sent: "sent_at"
        case .delivered: "delivered_at"
        case .opened: "opened_at"
        case .clicked: "clicked_at"
        case .responded: "responded_at"
        case .failed: "failed_at"
        default: nil
        }
    }

    /// States a user (or a delivery provider's callback) may report.
    public static let reportable: [TouchpointStatus] = [.sent, .delivered, .opened, .clicked, .responded, .failed, .pending]
}

/// One contact with one customer: a step of a campaign's sequence (spec: CampaignTouchpoint).
public struct Touchpoint: Sendable, Equatable {
    public var rowID: Int64
    public var id: String
    public var campaignId: String?
    public var customerId: String
    public var policyId: String?
    public var step: Int
    public var channel: ContactChannel
    public var template: String?
    public var status: TouchpointStatus
    public var dueAt: Int
    public var sentAt: Int?
    public var deliveredAt: Int?
    public var openedAt: Int?
    public var clickedAt: Int?
    public var respondedAt: Int?
    public var failedAt: Int?
    public var subject: String?
    public var content: String?
    public var response: String?
    public var metadata: JSONValue?
    public var attempts: Int
    public var lastError: String?
    public var skipReason: String?

    static let columns = """
    t.id, t.uuid, k.uuid, c.uuid, p.uuid, t.step_index, t.channel, t.template, t.status, t.due_at, t.sent_at, t.delivered_at, t.opened_at, \
    t.clicked_at, t.responded_at, t.failed_at, t.subject, t.content, t.response, t.metadata, t.attempts, t.last_error, t.skip_reason
    """
    static let from = """
    touchpoints t JOIN customers c ON c.id = t.customer_id LEFT JOIN campaigns k ON k.id = t.campaign_id LEFT JOIN policies p ON p.id = t.policy_id
    """

    init(row r: Row) {
        rowID = r.int64(0); id = r.text(1); campaignId = r.optionalText(2); customerId = r.text(3); policyId = r.optionalText(4)
        step = r.int(5); channel = ContactChannel(rawValue: r.text(6)) ?? .email; template = r.optionalText(7)
        status = TouchpointStatus(rawValue: r.text(8)) ?? .pending; dueAt = r.int(9); sentAt = r.optionalInt(10)
        deliveredAt = r.optionalInt(11); openedAt = r.optionalInt(12); clickedAt = r.optionalInt(13); respondedAt = r.optionalInt(14)
        failedAt = r.optionalInt(15); subject = r.optionalText(16); content = r.optionalText(17); response = r.optionalText(18)
        metadata = r.optionalText(19).flatMap { try? JSONValue.parse($0) }; attempts = r.int(20); lastError = r.optionalText(21)
        skipReason = r.optionalText(22)
    }
}
