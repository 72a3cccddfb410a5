/// The customer and policy counts and premium sums the retention metrics need for a period, gathered in
/// one pass over the policies in customer order (read through one covering index, so no table row and
/// no sort).
///
/// A policy is **in force at t** when `inception ≤ t` and it has not ended by t (`endedAt` null or later
/// than t). With S = the period's start and E its (exclusive) end, per customer:
/// - first inception = the earliest inception of their policies;
/// - active at S / at E = at least one policy in force then;
/// - total when first inception < E; new when S ≤ first inception < E; retained when active at S and at E.
///
/// Per line of business, over every policy:
/// - total (incepted before E), in force at E, in force at S;
/// - cancelled in the period (status cancelled, ended in [S, E), not rewritten), lapsed in the period,
///   lost at renewal (lapsed or expired, ended in [S, E));
/// - premium in force at E and at S (annual premium, cents);
/// - churned premium: in force at S, ended in [S, E), not rewritten;
/// - earned premium: annual premium × days in force within [S, E) / 365.25, i.e.
///   Σ premium × max(0, min(endedAt ?? E, E) − max(inception, S)) / (365.25 × 86,400 s);
/// - earned by new customers: the same over the policies of customers new in the period;
/// - cross-sell: annual premium of policies incepted in [S, E) by customers who had another policy in force at S.
struct BookTotals: Equatable {
    struct Customers: Equatable {
        var total = 0, activeAtStart = 0, activeAtEnd = 0, new = 0, newActive = 0, retained = 0
    }

    struct Line: Equatable {
        var total = 0, active = 0, atStart = 0, cancelled = 0, lapsed = 0, lost = 0
        var premiumEnd = 0.0, premiumStart = 0.0, churned = 0.0, earned = 0.0, newEarned = 0.0, crossSell = 0.0
    }

    /// One policy as the pass reads it.
    struct Policy {
        var type: String
        var inception: Int
        var endedAt: Int?
        var status: String
        var rewritten: Bool
        var premiumCents: Int
    }

    static let secondsPerYear = 365.25 * 86_400.0

    let start: Int
    let end: Int
    private(set) var customers = Customers()
    private(set) var lines: [String: Line] = [:]

    init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    func inForce(_ p: Policy, at t: Int) -> Bool { p.inception <= t && (p.endedAt.map { $0 > t } ?? true) }

    func endedInPeriod(_ p: Policy) -> Bool { p.endedAt.map { $0 >= start && $0 < end } ?? false }

    /// Adds one customer's policies (all of them: a customer is summarised from their whole history).
    mutating func add(customer policies: [Policy]) {
        guard let firstInception = policies.map(\.inception).min() else { return }
        let inForceAtStart = policies.filter { inForce($0, at: start) }.count
        let activeAtStart = inForceAtStart > 0
        let activeAtEnd = policies.contains { inForce($0, at: end) }
        let isNew = firstInception >= start && firstInception < end
        if firstInception < end { customers.total += 1 }
        if activeAtStart { customers.activeAtStart += 1 }
        if activeAtEnd { customers.activeAtEnd += 1 }
        if isNew { customers.new += 1 }
        if isNew && activeAtEnd { customers.newActive += 1 }
        if activeAtStart && activeAtEnd { customers.retained += 1 }

        for p in policies {
            var line = lines[p.type] ?? Line()
            let premium = Double(p.premiumCents)
            let atStart = inForce(p, at: start), atEnd = inForce(p, at: end), ended = endedInPeriod(p)
            if p.inception < end { line.total += 1 }
            if atEnd { line.active += 1; line.premiumEnd += premium }
            if atStart { line.atStart += 1; line.premiumStart += premium }
            if ended && p.status == PolicyStatus.cancelled.rawValue && !p.rewritten { line.cancelled += 1 }
            if ended && p.status == PolicyStatus.lapsed.rawValue { line.lapsed += 1 }
            if ended && (p.status == PolicyStatus.lapsed.rawValue || p.status == PolicyStatus.expired.rawValue) { line.lost += 1 }
            if atStart && ended && !p.rewritten { line.churned += premium }
            let secondsInForce = max(0, min(p.endedAt ?? end, end) - max(p.inception, start))
            let earned = Double(p.premiumCents * secondsInForce) / Self.secondsPerYear
            line.earned += earned
            if firstInception >= start { line.newEarned += earned }
            if p.inception >= start && p.inception < end && inForceAtStart - (atStart ? 1 : 0) > 0 { line.crossSell += premium }
            lines[p.type] = line
        }
    }
}

extension Engine {
    /// Reads every policy (of one agent's customers, if given) in customer order and sums them up.
    func bookTotals(start: Int, end: Int, agentId: String?) throws -> BookTotals {
        var totals = BookTotals(start: start, end: end)
        var customer: Int64 = -1
        var policies: [BookTotals.Policy] = []
        let agentJoin = agentId == nil ? "" : "JOIN customers c ON c.id = p.customer_id AND c.agent_id = ?1"
        try db.forEach("""
            SELECT p.customer_id, p.policy_type, p.inception_date, p.ended_at, p.status, coalesce(p.end_reason = 'rewritten', 0), p.annual_premium_cents
            FROM policies p \(agentJoin)
            ORDER BY p.customer_id
            """, agentId.map { [.text($0)] } ?? []) { r in
            let id = r.int64(0)
            if id != customer {
                totals.add(customer: policies)
                policies.removeAll(keepingCapacity: true)
                customer = id
            }
            policies.append(.init(type: r.text(1), inception: r.int(2), endedAt: r.optionalInt(3), status: r.text(4),
                                  rewritten: r.bool(5), premiumCents: r.int(6)))
        }
        totals.add(customer: policies)
        return totals
    }
}
