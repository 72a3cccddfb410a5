import Foundation

/// The actions an event may trigger (the spec's `triggeredActions`), carried out when the event is created,
/// in the event's own transaction: all of them happen with the event, or none and no event.
///
/// They run in this order whatever the order given, so the later ones see what the earlier ones did:
/// - `update_health_score`: the customer is scored at once, counting the event (see `CustomerSignals`);
/// - `send_reminder`: a reminder touchpoint, due now, on the customer's preferred channel (else e-mail),
///   with the template for the event (`ReminderKind`), outside any campaign; the dispatcher checks every
///   compliance rule when it is sent (do-not-contact, opt-outs, the calling window, the frequency cap);
/// - `retention_campaign`: the customer is enrolled in the active campaign whose segment they match (the
///   most specific, then the newest), or in its control group if the campaign's draw puts them there;
/// - `agent_notification`: a task for the customer's owner, else their agent (see `Engine.raiseTask`).
public enum TriggeredAction: String, CaseIterable, Sendable {
    case update_health_score, send_reminder, retention_campaign, agent_notification

    static var known: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Which reminder `send_reminder` sends for an event, and the events that have one.
enum ReminderKind {
    case payment, lapse, renewal

    /// The built-in template (a user's own of the same name overrides it, as for campaigns).
    var template: String {
        switch self {
        case .payment: "payment_reminder"
        case .lapse: "lapse_reminder"
        case .renewal: "renewal_reminder"
        }
    }

    /// `payment_missed` → payment_reminder; `policy_lapsed` → lapse_reminder; `contact_made` whose
    /// `data.outcome` is `renewal_discussed` → renewal_reminder; any other event has no reminder.
    init?(_ type: EventType, data: JSONValue?) {
        switch type {
        case .payment_missed: self = .payment
        case .policy_lapsed: self = .lapse
        case .contact_made where data?["outcome"]?.stringValue == Engine.ContactOutcome.renewal_discussed.rawValue: self = .renewal
        default: return nil
        }
    }

    static let accepted = "payment_missed (payment_reminder), policy_lapsed (lapse_reminder) and contact_made with data.outcome renewal_discussed (renewal_reminder)"
}

extension Engine {
    /// Reads `triggeredActions` of a new event: known actions, each once, each applicable to the event.
    /// A refusal names the element and lists what is allowed.
    static func triggeredActions(_ names: [String], type: EventType, data: JSONValue?, hasPolicy: Bool) throws -> [TriggeredAction] {
        var actions: [TriggeredAction] = []
        for (i, name) in names.enumerated() {
            guard let action = TriggeredAction(rawValue: name) else {
                throw RetentionError.invalid("triggeredActions[\(i)]", "\"\(name)\" is not a known action; known actions: \(TriggeredAction.known)",
                                             code: "unknown_action")
            }
            guard !actions.contains(action) else {
                throw RetentionError.invalid("triggeredActions[\(i)]", "\(name) is given twice; give each action once")
            }
            if action == .send_reminder {
                guard let kind = ReminderKind(type, data: data) else {
                    throw RetentionError.invalid("triggeredActions[\(i)]",
                        "send_reminder has no reminder for \(type.rawValue) events; it applies to \(ReminderKind.accepted)", code: "action_not_applicable")
                }
                if kind == .lapse && !hasPolicy {
                    throw RetentionError.invalid("policyId", "is required for send_reminder on policy_lapsed events: the reminder is about that policy")
                }
            }
            actions.append(action)
        }
        return actions
    }

    /// Carries out an event's actions in order (see `TriggeredAction`) and says what each did, for the
    /// response's `actionsTaken`. Runs inside the event's transaction.
    func perform(_ actions: [TriggeredAction], for event: RetentionEvent, customerRow: Int64, policyRow: Int64?, now: Int) throws -> [JSONValue] {
        var taken: [JSONValue] = []
        for action in TriggeredAction.allCases where actions.contains(action) {
            var outcome: [(String, JSONValue)] = [("action", .string(action.rawValue))]
            switch action {
            case .update_health_score:
                let score = try calculateHealthScore(customerId: event.customerId, now: now)
                outcome += [("result", .string("scored")), ("healthScore", score.json)]
            case .send_reminder:
                outcome += try sendReminder(for: event, customerRow: customerRow, policyRow: policyRow, now: now)
            case .retention_campaign:
                outcome += try enrolInMatchingCampaign(customerRow: customerRow, customerId: event.customerId, now: now)
            case .agent_notification:
                let (row, created) = try raiseTask(customerRow: customerRow, reason: event.eventType, severity: event.severity, data: event.data,
                                                   sourceEventRow: event.rowID, now: now)
                let task = try self.task(rowID: row)
                outcome += [("result", .string(created ? "created" : "already_open")), ("id", .string(task.id)), ("assignee", .string(task.assignee)),
                            ("title", .string(task.title)), ("dueAt", .string(Timestamp.formatInstant(task.dueAt)))]
            }
            taken.append(.object(outcome))
        }
        return taken
    }

    /// `send_reminder`: a touchpoint due now, outside any campaign, on the customer's preferred channel (else
    /// e-mail), with the event's reminder template, about the event's policy (else the customer's in-force
    /// policy that renews first). A reminder of the same template still waiting to be sent is not repeated.
    private func sendReminder(for event: RetentionEvent, customerRow: Int64, policyRow: Int64?, now: Int) throws -> [(String, JSONValue)] {
        guard let kind = ReminderKind(event.eventType, data: event.data) else { return [("result", .string("not_applicable"))] }
        if let pending = try db.queryOne("""
            SELECT uuid FROM touchpoints WHERE customer_id = ? AND campaign_id IS NULL AND template = ? AND status IN ('pending', 'sending') LIMIT 1
            """, [.int(customerRow), .text(kind.template)], { $0.text(0) }) {
            return [("result", .string("already_pending")), ("id", .string(pending))]
        }
        let policy = try policyRow ?? db.queryOne("""
            SELECT id FROM policies WHERE customer_id = ? AND status IN \(PolicyStatus.inForceSQL) ORDER BY renewal_date LIMIT 1
            """, [.int(customerRow)], { $0.int64(0) })
        if kind == .renewal && policy == nil {
            throw RetentionError.conflict("no_policy_in_force", "send_reminder: the customer has no policy in force to send a renewal reminder about.", field: "policyId")
        }
        guard let (preferred, dnc, optedOut) = try db.queryOne("""
            SELECT c.preferred_contact_method, c.do_not_contact,
                   (SELECT group_concat(channel) FROM contact_preferences WHERE customer_id = c.id AND opted_out = 1)
            FROM customers c WHERE c.id = ?
            """, [.int(customerRow)], { ($0.optionalText(0), $0.bool(1), $0.optionalText(2)) }) else { throw RetentionError.notFound("Customer", event.customerId) }
        let channel = preferred.flatMap(ContactChannel.init(rawValue:)) ?? .email
        let id = Engine.newID()
        try db.run("""
            INSERT INTO touchpoints (uuid, customer_id, policy_id, step_index, channel, template, status, due_at, metadata, created_at, updated_at)
            VALUES (?, ?, ?, 0, ?, ?, 'pending', ?, ?, ?, ?)
            """, [.text(id), .int(customerRow), .init(policy), .text(channel.rawValue), .text(kind.template), .int(Int64(now)),
                  .text(JSONValue.object([("triggeredBy", .string(event.id)), ("action", .string("send_reminder"))]).serialized()),
                  .int(Int64(now)), .int(Int64(now))])
        var outcome: [(String, JSONValue)] = [("result", .string("scheduled")), ("id", .string(id)), ("channel", .string(channel.rawValue)),
                                              ("template", .string(kind.template)), ("dueAt", .string(Timestamp.formatInstant(now)))]
        // Compliance is decided when it is sent; say now what will stop it, so the caller is not surprised.
        if dnc {
            outcome.append(("note", .string("the customer is do-not-contact: dispatch will skip it")))
        } else if (optedOut ?? "").split(separator: ",").contains(Substring(channel.rawValue)) {
            outcome.append(("note", .string("the customer opted out of \(channel.rawValue): dispatch will skip it")))
        }
        return outcome
    }

    /// `retention_campaign`: the active campaigns (not past their end) whose segment the customer matches
    /// now, the most specific first (`TargetSegment.criteriaCount`), then the newest. A customer already
    /// enrolled in one of them is left there; otherwise they are enrolled in the first, into its control
    /// group when the campaign's draw says so.
    private func enrolInMatchingCampaign(customerRow: Int64, customerId: String, now: Int) throws -> [(String, JSONValue)] {
        let active = try db.query("SELECT \(Engine.campaignColumns) FROM campaigns WHERE status = 'active' ORDER BY created_at DESC, id DESC") {
            try campaign(row: $0)
        }
        var matching: [Campaign] = []
        for c in active where (c.schedule.endsAt ?? Int.max) > now {
            let (condition, params) = segmentCondition(c.targetSegment, now: now)
            if try db.queryOne("SELECT 1 FROM customers c WHERE c.id = ? AND \(condition)", [.int(customerRow)] + params, { _ in true }) != nil {
                matching.append(c)
            }
        }
        // Stable: among equally specific campaigns the newest stays first.
        let ranked = matching.enumerated().sorted { ($1.element.targetSegment.criteriaCount, $0.offset) < ($0.element.targetSegment.criteriaCount, $1.offset) }
            .map(\.element)
        guard let best = ranked.first else {
            return [("result", .string("no_matching_campaign")),
                    ("note", .string(active.isEmpty ? "no campaign is active" : "none of the \(active.count) active campaign(s) targets this customer now"))]
        }
        for c in ranked where try db.queryOne("SELECT 1 FROM campaign_enrollments WHERE campaign_id = ? AND customer_id = ?",
                                                [.int(c.rowID), .int(customerRow)], { _ in true }) != nil {
            return [("result", .string("already_enrolled")), ("id", .string(c.id)), ("campaign", .string(c.name))]
        }
        let run = try enrolOne(best, customerRow: customerRow, customerId: customerId, drawControlGroup: true, now: now)
        return [("result", .string(run.isControl ? "control_group" : "enrolled")), ("id", .string(best.id)), ("campaign", .string(best.name)),
                ("touchpoints", .int(run.touchpoints))]
    }
}
