/// The customer and policy counts and premium sums the retention metrics need for a period, gathered in
/// one pass over the policies in customer order (read through one covering index, so no table row and
/// no sort).
///
/// A policy is **in force at t** when `inception ≤ t` and it has not ended by t (`endedAt` null or later
/// than t). With S = the period's start and E its (exclusive) end, "at the start" is the last instant
/// before the period (S − 1 s) and "at the end" its last instant (E − 1 s), so the period's edges are
/// counted once: a policy that starts on the first day is new in the period, not in force at its start,
/// and one that ends on the first day was in force at the start and is lost in the period. Per customer:
/// - first inception = the earliest inception of their policies;
/// - active at S / at E = at least one policy in force at S − 1 s / E − 1 s;
/// - total when first inception < E; new when S ≤ first inception < E; retained when active at S and at E.
///
/// Per line of business, over every policy:
/// - total (incepted before E), in force at E, in force at S;
/// - cancelled in the period (status cancelled, ended in [S, E), not rewritten), lapsed in the period,
///   lost at renewal (lapsed or expired, ended in [S, E); a life policy that expired reached the end of the
///   term it was written for, which is no renewal lost: life is written for 10 to 30 years, not renewed);
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

        static func += (a: inout Line, b: Line) {
            (a.total, a.active, a.atStart, a.cancelled, a.lapsed, a.lost) =
                (a.total + b.total, a.active + b.active, a.atStart + b.atStart, a.cancelled + b.cancelled, a.lapsed + b.lapsed, a.lost + b.lost)
            (a.premiumEnd, a.premiumStart, a.churned, a.earned, a.newEarned, a.crossSell) =
                (a.premiumEnd + b.premiumEnd, a.premiumStart + b.premiumStart, a.churned + b.churned, a.earned + b.earned,
                 a.newEarned + b.newEarned, a.crossSell + b.crossSell)
        }
    }

    /// How a policy's status bears on the period's losses.
    enum Ending: Int { case none = 0, cancelled, lapsed, expired }

    /// One policy as the pass reads it. `line` indexes `lineNames`: the lines Retention knows come first, in
    /// `PolicyType` order, so the pass reads a number from SQLite instead of building a string per policy.
    struct Policy {
        var line: Int
        var inception: Int
        var endedAt: Int?
        var ending: Ending
        var rewritten: Bool
        var premiumCents: Int

        init(line: Int, inception: Int, endedAt: Int?, ending: Ending, rewritten: Bool, premiumCents: Int) {
            (self.line, self.inception, self.endedAt, self.ending, self.rewritten, self.premiumCents) = (line, inception, endedAt, ending, rewritten, premiumCents)
        }

        init(type: PolicyType, inception: Int, endedAt: Int?, status: PolicyStatus, rewritten: Bool, premiumCents: Int) {
            self.init(line: PolicyType.allCases.firstIndex(of: type)!, inception: inception, endedAt: endedAt,
                      ending: BookTotals.ending(status), rewritten: rewritten, premiumCents: premiumCents)
        }
    }

    static let secondsPerYear = 365.25 * 86_400.0
    /// The position of life among the lines (`Policy.line`).
    static let lifeLine = PolicyType.allCases.firstIndex(of: .life)!

    static func ending(_ status: PolicyStatus) -> Ending {
        switch status {
        case .cancelled: .cancelled
        case .lapsed: .lapsed
        case .expired: .expired
        case .active, .pending_renewal: .none
        }
    }

    let start: Int
    let end: Int
    private(set) var customers = Customers()
    /// The names of the lines, by `Policy.line`; a line the enum does not know is appended when first seen.
    private(set) var lineNames = PolicyType.allCases.map(\.rawValue)
    private var lineTotals = Array(repeating: Line(), count: PolicyType.allCases.count)
    /// Which lines have a policy, so a line with none is left out like the grouped SQL left it out.
    private var lineSeen = Array(repeating: false, count: PolicyType.allCases.count)

    init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The totals of each line that has policies, by name.
    var lines: [String: Line] {
        Dictionary(uniqueKeysWithValues: lineTotals.indices.filter { lineSeen[$0] }.map { (lineNames[$0], lineTotals[$0]) })
    }

    /// The index of a line by name, adding it when the enum does not know it.
    mutating func line(named name: String) -> Int {
        if let index = lineNames.firstIndex(of: name) { return index }
        lineNames.append(name)
        lineTotals.append(Line())
        lineSeen.append(false)
        return lineNames.count - 1
    }

    /// Adds the totals of other customers over the same period (another range of the book's customers).
    mutating func merge(_ other: BookTotals) {
        precondition(other.start == start && other.end == end, "totals of different periods")
        let c = other.customers
        customers.total += c.total
        customers.activeAtStart += c.activeAtStart
        customers.activeAtEnd += c.activeAtEnd
        customers.new += c.new
        customers.newActive += c.newActive
        customers.retained += c.retained
        for k in other.lineNames.indices where other.lineSeen[k] {
            let mine = line(named: other.lineNames[k])
            lineSeen[mine] = true
            lineTotals[mine] += other.lineTotals[k]
        }
    }

    func inForce(_ p: Policy, at t: Int) -> Bool { p.inception <= t && (p.endedAt.map { $0 > t } ?? true) }

    func endedInPeriod(_ p: Policy) -> Bool { p.endedAt.map { $0 >= start && $0 < end } ?? false }

    /// Adds one customer's policies (all of them: a customer is summarised from their whole history).
    mutating func add(customer policies: [Policy]) {
        guard var firstInception = policies.first?.inception else { return }
        var inForceAtStart = 0, activeAtEnd = false
        for p in policies {
            firstInception = min(firstInception, p.inception)
            if inForce(p, at: start - 1) { inForceAtStart += 1 }
            if inForce(p, at: end - 1) { activeAtEnd = true }
        }
        let activeAtStart = inForceAtStart > 0
        let isNew = firstInception >= start && firstInception < end
        if firstInception < end { customers.total += 1 }
        if activeAtStart { customers.activeAtStart += 1 }
        if activeAtEnd { customers.activeAtEnd += 1 }
        if isNew { customers.new += 1 }
        if isNew && activeAtEnd { customers.newActive += 1 }
        if activeAtStart && activeAtEnd { customers.retained += 1 }

        for p in policies {
            lineSeen[p.line] = true
            let premium = Double(p.premiumCents)
            let atStart = inForce(p, at: start - 1), atEnd = inForce(p, at: end - 1), ended = endedInPeriod(p)
            let secondsInForce = max(0, min(p.endedAt ?? end, end) - max(p.inception, start))
            let earned = premium * Double(secondsInForce) / Self.secondsPerYear
            var line = lineTotals[p.line]
            if p.inception < end { line.total += 1 }
            if atEnd { line.active += 1; line.premiumEnd += premium }
            if atStart { line.atStart += 1; line.premiumStart += premium }
            if ended && p.ending == .cancelled && !p.rewritten { line.cancelled += 1 }
            if ended && p.ending == .lapsed { line.lapsed += 1 }
            if ended && (p.ending == .lapsed || (p.ending == .expired && p.line != Self.lifeLine)) { line.lost += 1 }
            if atStart && ended && !p.rewritten { line.churned += premium }
            line.earned += earned
            if firstInception >= start { line.newEarned += earned }
            if p.inception >= start && p.inception < end && inForceAtStart - (atStart ? 1 : 0) > 0 { line.crossSell += premium }
            lineTotals[p.line] = line
        }
    }
}

extension Engine {
    /// Reads every policy (of one agent's customers, if given; of the customers whose row ids are in
    /// `customerRows`, if given) in customer order and sums them up: five integers per policy from the
    /// `policies_metrics` index, the line, ending and rewrite decoded from `metrics_code`. A line Retention
    /// does not know is read by name from the policy's row.
    func bookTotals(start: Int, end: Int, agentId: String?, customerRows: ClosedRange<Int64>? = nil) throws -> BookTotals {
        var totals = BookTotals(start: start, end: end)
        var customer: Int64 = -1
        var policies: [BookTotals.Policy] = []
        policies.reserveCapacity(16)
        let agentJoin = agentId == nil ? "" : "JOIN customers c ON c.id = p.customer_id AND c.agent_id = ?3"
        try db.forEach("""
            SELECT p.customer_id, p.metrics_code, p.inception_date, p.ended_at, p.annual_premium_cents, p.id
            FROM policies p \(agentJoin)
            WHERE p.customer_id BETWEEN ?1 AND ?2
            ORDER BY p.customer_id
            """, [.int(customerRows?.lowerBound ?? Int64.min), .int(customerRows?.upperBound ?? Int64.max)] + (agentId.map { [.text($0)] } ?? [])) { r in
            let id = r.int64(0)
            if id != customer {
                totals.add(customer: policies)
                policies.removeAll(keepingCapacity: true)
                customer = id
            }
            let code = PolicyMetricsCode.decode(r.int(1))
            let line = try code.line ?? totals.line(named: db.queryOne("SELECT policy_type FROM policies WHERE id = ?", [.int(r.int64(5))]) { $0.text(0) } ?? "")
            policies.append(.init(line: line, inception: r.int(2), endedAt: r.optionalInt(3), ending: code.ending,
                                  rewritten: code.rewritten, premiumCents: r.int(4)))
        }
        totals.add(customer: policies)
        return totals
    }
}
