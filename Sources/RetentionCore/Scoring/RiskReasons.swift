import Foundation

/// Why a customer is at risk, in the trade's words, each reason naming the events behind it.
///
/// Reasons are read from the customer's events as of `now` (the window is the 365 days up to `now`, as for
/// the signals) and from their signals; each one that is about a model feature carries that feature's
/// contribution βⱼ·zⱼ to the log-odds, so the model's figure stays available beside the words. They are
/// listed largest contribution first; reasons about no model feature (a premium rise) come after, in the
/// order below. The rules (Formulas.md, "Reasons in words"):
/// - missed payments: one or more `payment_missed` in the window: "3 missed payments since 12 Oct ($154
///   overdue)"; overdue = Σ `amount` of those not followed by a `payment_received` on the same policy (or, with
///   no policy, any), in whole dollars; none overdue: "(paid since)";
/// - contact: never an interaction: "never contacted"; else more than 90 days since the last one: "no contact
///   for N months" (whole calendar months; under two: "no contact for N days");
/// - NPS: the latest answer at least 2 points below the one before: "NPS fell from 9 to 4 in March"; else a
///   latest answer of 6 or less: "NPS 4 (a detractor) in March";
/// - premium: the latest `policy_renewed` or `coverage_changed` in the window with `premiumBefore` > 0 and a rise
///   of 10 % or more: "premium up 18 % at the last renewal (POL-1)" (a coverage change: "at a coverage change");
/// - complaints: complaints filed in the window and not resolved (filed − resolved > 0): "2 complaints open";
/// - claims: two or more claims in the window, or a loss ratio above 0.5: "2 claims in 12 months ($3,000)";
/// - policies ended: each policy lapsed, cancelled or expired in the window: "POL-1 lapsed on 3 Feb".
/// Dates say the year when it is not `now`'s.
public struct RiskReason: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case missed_payments, never_contacted, no_recent_contact, nps_fell, nps_detractor, premium_increase, complaints_open, claims,
             policy_ended
    }

    /// One event a reason rests on.
    public struct Evidence: Sendable, Equatable {
        public var eventId: String
        public var type: EventType
        public var occurredAt: Int
    }

    public var kind: Kind
    /// The reason in words.
    public var text: String
    /// The events behind it, oldest first (none for "never contacted").
    public var evidence: [Evidence]
    /// The model feature the reason is about (`ChurnFeatures.names`), if any.
    public var feature: String?
    /// That feature's contribution βⱼ·zⱼ to the churn log-odds, rounded to 2 decimals.
    public var contribution: Double?
}

/// An event as the reasons read it.
struct ReasonEvent {
    var id: String
    var type: EventType
    var at: Int
    var policyRow: Int64?
    var policyNumber: String?
    var data: JSONValue?
}

enum RiskReasons {
    static let month = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// "12 Oct", or "12 Oct 2025" in another year than `now`'s.
    static func day(_ t: Int, now: Int) -> String {
        let c = Timestamp.civil(days: Timestamp.floorDiv(t, Timestamp.secondsPerDay))
        let year = Timestamp.civil(days: Timestamp.floorDiv(now, Timestamp.secondsPerDay)).year
        return "\(c.day) \(month[c.month - 1].prefix(3))" + (c.year == year ? "" : " \(c.year)")
    }

    /// "March", or "March 2025" in another year than `now`'s.
    static func monthName(_ t: Int, now: Int) -> String {
        let c = Timestamp.civil(days: Timestamp.floorDiv(t, Timestamp.secondsPerDay))
        let year = Timestamp.civil(days: Timestamp.floorDiv(now, Timestamp.secondsPerDay)).year
        return month[c.month - 1] + (c.year == year ? "" : " \(c.year)")
    }

    /// Whole dollars with thousands separators: "$1,540".
    static func dollars(_ cents: Int) -> String {
        "$" + NumberText.grouped((cents + 50) / 100)
    }

    /// The reasons from the customer's events (any order, up to `now`), signals and features.
    static func derive(events: [ReasonEvent], signals s: CustomerSignals, features: ChurnFeatures, model: LogisticModel, now: Int) -> [RiskReason] {
        let window = now - 365 * Timestamp.secondsPerDay
        let events = events.filter { $0.at <= now }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        let recent = events.filter { $0.at > window }
        let contributions = model.contributions(features.values)
        func contribution(_ feature: String) -> Double? {
            model.featureNames.firstIndex(of: feature).map { (contributions[$0] * 100).rounded() / 100 }
        }
        func evidence(_ list: [ReasonEvent]) -> [RiskReason.Evidence] { list.map { .init(eventId: $0.id, type: $0.type, occurredAt: $0.at) } }
        var out: [RiskReason] = []
        func add(_ kind: RiskReason.Kind, _ text: String, _ list: [ReasonEvent], feature: String?) {
            out.append(RiskReason(kind: kind, text: text, evidence: evidence(list), feature: feature, contribution: feature.flatMap(contribution)))
        }

        // Missed payments, and what of them is still overdue.
        let missed = recent.filter { $0.type == .payment_missed }
        if let first = missed.first {
            let paid = events.filter { $0.type == .payment_received }
            let overdue = missed.filter { m in !paid.contains { $0.at > m.at && (m.policyRow == nil || $0.policyRow == m.policyRow) } }
            let cents = overdue.reduce(0) { $0 + Int((($1.data?["amount"]?.doubleValue ?? 0) * 100).rounded()) }
            let tail = overdue.isEmpty ? " (paid since)" : cents > 0 ? " (\(dollars(cents)) overdue)" : ""
            add(.missed_payments, "\(missed.count) missed payment\(missed.count == 1 ? "" : "s") since \(day(first.at, now: now))\(tail)", missed,
                feature: "paymentHistory")
        }
        // Contact.
        let contacts = events.filter { $0.type.isContact }
        if let days = s.daysSinceLastInteraction {
            if days > 90 {
                let last = now - days * Timestamp.secondsPerDay
                let months = Timestamp.wholeMonths(from: last, to: now)
                add(.no_recent_contact, months >= 2 ? "no contact for \(months) months" : "no contact for \(days) days",
                    contacts.last.map { [$0] } ?? [], feature: "lastContactDays")
            }
        } else {
            add(.never_contacted, "never contacted", [], feature: "lastContactDays")
        }
        // NPS.
        let answers = events.filter { $0.type == .nps_response }.compactMap { e in e.data?["score"]?.doubleValue.map { (e, Int($0.rounded())) } }
        if let latest = answers.last {
            if answers.count >= 2, answers[answers.count - 2].1 - latest.1 >= 2 {
                let before = answers[answers.count - 2]
                add(.nps_fell, "NPS fell from \(before.1) to \(latest.1) in \(monthName(latest.0.at, now: now))", [before.0, latest.0],
                    feature: "satisfactionScore")
            } else if latest.1 <= 6 {
                add(.nps_detractor, "NPS \(latest.1) (a detractor) in \(monthName(latest.0.at, now: now))", [latest.0], feature: "satisfactionScore")
            }
        }
        // Complaints still open.
        let filed = recent.filter { $0.type == .complaint_filed }
        let open = filed.count - recent.filter { $0.type == .complaint_resolved }.count
        if open > 0 {
            add(.complaints_open, open == 1 ? "1 complaint open" : "\(open) complaints open", Array(filed.suffix(open)), feature: "satisfactionScore")
        }
        // Claims.
        let claims = recent.filter { $0.type == .claim_filed }
        let ratio = features.value("claimsRatio")
        if claims.count >= 2 || ratio > 0.5 {
            let cents = claims.reduce(0) { $0 + Int((($1.data?["amount"]?.doubleValue ?? 0) * 100).rounded()) }
            add(.claims, "\(claims.count) claim\(claims.count == 1 ? "" : "s") in 12 months (\(dollars(cents)))", claims, feature: "claimsRatio")
        }
        // Policies ended; a policy cancelled because it was rewritten (`"reason": "rewritten"`) lost no cover.
        for e in recent where [.policy_lapsed, .policy_cancelled, .policy_expired].contains(e.type) && e.data?["reason"]?.stringValue != "rewritten" {
            let what = e.type == .policy_lapsed ? "lapsed" : e.type == .policy_cancelled ? "was cancelled" : "expired"
            add(.policy_ended, "\(e.policyNumber ?? "a policy") \(what) on \(day(e.at, now: now))", [e], feature: "policyCount")
        }
        // The latest premium change, when it is a rise of 10 % or more.
        if let change = recent.last(where: { ($0.type == .policy_renewed || $0.type == .coverage_changed) && $0.data?["premiumAfter"]?.doubleValue != nil }),
           let before = change.data?["premiumBefore"]?.doubleValue, before > 0, let after = change.data?["premiumAfter"]?.doubleValue {
            let rise = Int(((after - before) / before * 100).rounded())
            if rise >= 10 {
                let at = change.type == .policy_renewed ? "at the last renewal" : "at a coverage change"
                add(.premium_increase, "premium up \(rise) % \(at)\(change.policyNumber.map { " (\($0))" } ?? "")", [change], feature: nil)
            }
        }
        // Largest contribution first; reasons about no feature last; ties keep the order above.
        return out.enumerated().sorted { a, b in
            let ca = a.element.contribution ?? -.infinity, cb = b.element.contribution ?? -.infinity
            return ca != cb ? ca > cb : a.offset < b.offset
        }.map(\.element)
    }
}

extension Engine {
    /// The event types the reasons read.
    static let reasonEventTypes: [EventType] = [.payment_missed, .payment_received, .contact_made, .touchpoint_responded, .nps_response,
                                                .complaint_filed, .complaint_resolved, .claim_filed, .policy_lapsed, .policy_cancelled,
                                                .policy_expired, .policy_renewed, .coverage_changed]

    /// Why the customer is at risk, in words, with the events behind each reason (`RiskReason`), as of `now`
    /// with the model in force. Reads the customer's events of the last two years through the customer's
    /// event index (at most 2,000, the newest).
    public func riskReasons(customerId: String, now: Int) throws -> [RiskReason] {
        let (c, sc, info, _) = try scoreOne(customerId: customerId, now: now)
        return try riskReasons(customerRow: c.rowID, score: sc, model: info.model, now: now)
    }

    func riskReasons(customerRow: Int64, score sc: CustomerScore, model: LogisticModel, now: Int) throws -> [RiskReason] {
        let types = Engine.reasonEventTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let events = try db.query("""
            SELECT e.uuid, e.event_type, e.occurred_at, e.policy_id, p.policy_number, e.data
            FROM retention_events e LEFT JOIN policies p ON p.id = e.policy_id
            WHERE e.customer_id = ? AND e.occurred_at > ? AND e.occurred_at <= ? AND e.event_type IN (\(types))
            ORDER BY e.occurred_at DESC, e.id DESC LIMIT 2000
            """, [.int(customerRow), .int(Int64(now - 730 * Timestamp.secondsPerDay)), .int(Int64(now))]) { r in
            ReasonEvent(id: r.text(0), type: EventType(rawValue: r.text(1)) ?? .note_added, at: r.int(2), policyRow: r.optionalInt(3).map(Int64.init),
                        policyNumber: r.optionalText(4), data: r.optionalText(5).flatMap { try? JSONValue.parse($0) })
        }
        return RiskReasons.derive(events: events, signals: sc.signals, features: sc.features, model: model, now: now)
    }
}
