import Foundation

/// The columns the at-risk queue can be ordered by, each with the direction it reads in by default
/// (most at risk, most valuable, lowest health, soonest renewal, longest without contact first).
public enum QueueSort: String, CaseIterable, Sendable {
    case probability, health, ltv, renewal, lastContact, owner, name

    /// The ordering expressions, most significant first (the customer's row id breaks the last ties). Each
    /// is NOT NULL (a missing value takes a fixed place: no LTV or no contact sorts as the lowest, no renewal
    /// as the latest, no owner after every name) and is the expression of one partial index of the queue
    /// (schema version 12, `customers_queue_by_*`), so every order reads its pages through an index.
    var expressions: [String] {
        switch self {
        case .probability: ["coalesce(c.churn_probability, 0)", "coalesce(c.projected_ltv_cents, -1)"]
        case .health: ["c.health_score"]
        case .ltv: ["coalesce(c.projected_ltv_cents, -1)"]
        case .renewal: ["coalesce(c.next_renewal_date, 9223372036854775807)"]
        case .lastContact: ["coalesce(c.last_contact_date, 0)"]
        case .owner: ["coalesce(c.assigned_to, '~')"]
        case .name: ["lower(c.first_name || ' ' || c.last_name)"]
        }
    }

    /// The index serving this order.
    var index: String { "customers_queue_by_\(self == .lastContact ? "last_contact" : rawValue)" }

    /// Highest first by default: probability and LTV; the others lowest first.
    public var descendingByDefault: Bool { self == .probability || self == .ltv }
}

/// An order of a work queue: a column and whether it is read the other way round (`S` in the dashboard).
public struct QueueOrder: Sendable, Equatable {
    public var sort: QueueSort
    public var reversed: Bool
    public init(_ sort: QueueSort = .probability, reversed: Bool = false) { (self.sort, self.reversed) = (sort, reversed) }
    var descending: Bool { sort.descendingByDefault != reversed }
}

/// Where a row stands in a queue's order: its ordering values and row id. A window is read from a key, so
/// paging never skips or repeats a row however the rows before it change, and costs the same at any depth.
public struct QueueKey: Sendable, Equatable {
    public var values: [SQLValue]
    public init(values: [SQLValue]) { self.values = values }
}

/// Which rows of a queue to read.
public enum QueueWindow: Sendable, Equatable {
    /// The first rows.
    case top
    /// The last rows.
    case bottom
    /// Up to `before` rows strictly before `key` and up to `after` rows from `key` on (the row at `key`, if
    /// it is still there, first among them).
    case around(QueueKey, before: Int, after: Int)
}

/// A window of a queue's rows, in order, with each row's key.
public struct QueuePage<Row: Sendable & Equatable>: Sendable, Equatable {
    public var rows: [Row]
    public var keys: [QueueKey]
    /// How many of `rows` come before the window's key (0 for `.top`).
    public var beforeKey: Int
    /// No row of the queue comes before the first one read / after the last one read.
    public var reachesTop: Bool
    public var reachesBottom: Bool
    public init(rows: [Row] = [], keys: [QueueKey] = [], beforeKey: Int = 0, reachesTop: Bool = true, reachesBottom: Bool = true) {
        (self.rows, self.keys, self.beforeKey, self.reachesTop, self.reachesBottom) = (rows, keys, beforeKey, reachesTop, reachesBottom)
    }
}

extension Engine {
    /// A window of the at-risk queue in any order, read by the store over the whole queue (not over rows
    /// already read): keyset paging on the order's index, both ways, ties broken by the customer's row id,
    /// never an OFFSET. The filters are `AtRiskQuery`'s (its `limit`/`page` are not used).
    ///
    /// A filter that matches fewer customers than the queue holds (a search, or an agent, tag, line or owner
    /// with at most `fewEnough` customers) drives: those customers are read through their own index and
    /// ordered. Else the order's index is walked, testing each entry against the filters.
    public func atRiskWindow(_ q: AtRiskQuery, order: QueueOrder, window: QueueWindow, now: Int, fewEnough: Int = 2_000) throws -> QueuePage<AtRiskEntry> {
        let levels = q.levels.isEmpty ? [.medium, .high, .critical] : q.levels.filter { $0 != .low }
        guard !levels.isEmpty else { return QueuePage() }
        let filter = try atRiskFilter(q, levels: levels, now: now, fewEnough: fewEnough)
        let exprs = order.sort.expressions + ["c.id"]
        let source = filter.driver.map { "(\($0.sql)) AS m CROSS JOIN customers c ON c.id = m.id" } ?? "customers c INDEXED BY \(order.sort.index)"
        let keyColumns = exprs.joined(separator: ", ")
        func read(from key: QueueKey?, forward: Bool, inclusive: Bool, limit: Int) throws -> [(AtRiskEntry, QueueKey)] {
            guard limit > 0 else { return [] }
            // Reading forward follows the order; backward reads it the other way round, then turns the rows over.
            let descending = order.descending == forward
            // The manual level in force rides along (risk_overrides is keyed by customer_id: one lookup per row read);
            // the queue's order, filter and counts stay the model's.
            var conditions = filter.conditions, params = (filter.driver?.params ?? []) + [.int(Int64(now))] + filter.params
            if let key {
                let op = (descending ? "<" : ">") + (inclusive ? "=" : "")
                // The bound on the first expression alone lets SQLite seek the index; the row value settles ties.
                conditions.append("\(exprs[0]) \(descending ? "<=" : ">=") ?")
                conditions.append("(\(keyColumns)) \(op) (\(key.values.map { _ in "?" }.joined(separator: ", ")))")
                params += [key.values[0]] + key.values
            }
            let direction = descending ? "DESC" : "ASC"
            let rows = try db.query("""
                SELECT c.uuid, c.first_name || ' ' || c.last_name, c.email, c.phone, c.agent_id, c.churn_risk, coalesce(c.churn_probability, 0),
                       c.top_risk_factor, c.health_score, c.projected_ltv_cents, c.ltv_tier, c.next_renewal_date, c.last_contact_date,
                       c.assigned_to, c.snoozed_until, \(keyColumns), ro.churn_risk
                FROM \(source) LEFT JOIN risk_overrides ro ON ro.customer_id = c.id AND ro.until_at > ?
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(exprs.map { "\($0) \(direction)" }.joined(separator: ", ")) LIMIT ?
                """, params + [.int(Int64(limit))]) { r in
                (AtRiskEntry(id: r.text(0), name: r.text(1), email: r.text(2), phone: r.optionalText(3), agentId: r.text(4),
                             churnRisk: ChurnRisk(rank: r.int(5)) ?? .medium, churnProbability: r.double(6), topRiskFactor: r.optionalText(7),
                             healthScore: r.double(8), projectedLTVCents: r.optionalInt(9), ltvTier: r.optionalText(10),
                             nextRenewalDate: r.optionalInt(11), lastContactDate: r.optionalInt(12), assignedTo: r.optionalText(13),
                             snoozedUntil: r.optionalInt(14), overrideLevel: r.optionalInt(Int32(15 + exprs.count)).flatMap(ChurnRisk.init(rank:))),
                 QueueKey(values: (0..<exprs.count).map { r.value(Int32(15 + $0)) }))
            }
            return forward ? rows : rows.reversed()
        }
        return try Self.window(window, read: read)
    }

    /// Reads `window` with `read(from:forward:inclusive:limit:)`, one row more each way to know whether the
    /// queue goes on.
    static func window<Row>(_ window: QueueWindow, read: (QueueKey?, Bool, Bool, Int) throws -> [(Row, QueueKey)]) rethrows -> QueuePage<Row> {
        var before: [(Row, QueueKey)] = [], after: [(Row, QueueKey)] = []
        var reachesTop = true, reachesBottom = true
        switch window {
        case .top:
            after = try read(nil, true, false, Self.windowRows + 1)
            reachesBottom = after.count <= Self.windowRows
            after = Array(after.prefix(Self.windowRows))
        case .bottom:
            before = try read(nil, false, false, Self.windowRows + 1)
            reachesTop = before.count <= Self.windowRows
            before = Array(before.suffix(Self.windowRows))
        case .around(let key, let b, let a):
            before = try read(key, false, false, b + 1)
            reachesTop = before.count <= b
            before = Array(before.suffix(b))
            after = try read(key, true, true, a + 1)
            reachesBottom = after.count <= a
            after = Array(after.prefix(a))
        }
        let all = before + after
        return QueuePage(rows: all.map(\.0), keys: all.map(\.1), beforeKey: window == .bottom ? 0 : before.count,
                         reachesTop: reachesTop, reachesBottom: reachesBottom)
    }

    /// The rows `.top` and `.bottom` windows read.
    public static let windowRows = 300

    /// The conditions of the at-risk queue for `q`, and the few customers to drive from when a filter has few.
    private func atRiskFilter(_ q: AtRiskQuery, levels: [ChurnRisk], now: Int, fewEnough: Int)
        throws -> (conditions: [String], params: [SQLValue], driver: (sql: String, params: [SQLValue])?) {
        let inForce = "status IN \(PolicyStatus.inForceSQL)"
        var driver: (sql: String, params: [SQLValue])?
        var drivers: [(sql: String, params: [SQLValue])] = []
        func matches(_ d: (sql: String, params: [SQLValue]), atMost cap: Int) throws -> Int {
            try db.scalarInt("SELECT count(*) FROM (\(d.sql) LIMIT ?)", d.params + [.int(Int64(cap + 1))])
        }
        // A filter drives only when it matches few customers: driving reads every match's row and sorts them,
        // while walking the queue's own index in order stops after the window's rows. A search drives when it
        // matches at most `fewEnough` customers or an eighth of the queue (before that filter), whichever is
        // more: a one-letter search matches about a tenth of the book (128,000 of a million), so it drove on
        // a book whose queue held 145,000 and read 128,000 rows for 300 (0.9 s); walking the queue's index
        // finds the first 300 after about 2,400 entries.
        var unfiltered = AtRiskQuery()
        (unfiltered.levels, unfiltered.agentId, unfiltered.unassignedOnly, unfiltered.includeSnoozed) = (levels, q.agentId, q.unassignedOnly, q.includeSnoozed)
        let queue = try atRiskCount(unfiltered, now: now)
        if let (condition, values) = Engine.nameSearchCondition(q.search, table: "s") {
            let search = ("SELECT s.id FROM customers s WHERE \(condition)", values)
            let few = min(queue, max(fewEnough, queue / 8))
            if try matches(search, atMost: few) <= few { driver = search }
        }
        if let a = q.agentId { drivers.append(("SELECT id FROM customers WHERE agent_id = ?", [.text(a)])) }
        if let t = q.policyType { drivers.append(("SELECT DISTINCT customer_id AS id FROM policies WHERE policy_type = ? AND \(inForce)", [.text(t.rawValue)])) }
        if let tag = q.tag { drivers.append(("SELECT customer_id AS id FROM customer_tags WHERE tag = ?", [.text(tag)])) }
        if let who = q.assignedTo { drivers.append(("SELECT id FROM customers WHERE assigned_to = ?", [.text(who)])) }
        if driver == nil {
            let few = min(fewEnough, queue)
            driver = try drivers.first { try matches($0, atMost: few) <= few }
        }
        // The queue's own conditions (`atRiskQueueConditions`, shared with `atRisk` and the manager view); the
        // first three are the order indexes' own condition (each index is partial on it). A search is one more.
        guard var (conditions, params) = Self.atRiskQueueConditions(q, now: now) else { return (["0"], [], nil) }
        if let (condition, values) = Engine.nameSearchCondition(q.search, table: "c") { conditions.append(condition); params += values }
        return (conditions, params, driver)
    }

    /// How many customers the at-risk queue holds for `q`: the true size, however large.
    ///
    /// With no filter but the risk levels, an agent, ownership and snoozes (the dashboard's usual queue), it
    /// is counted from the maintained per-agent totals (`customer_totals`, a few rows) less the few customers
    /// they count who are not in the queue, each read from a small index: the erased, the snoozed
    /// (`customers_snoozed`) and, for "unassigned", the assigned. Other filters count their own customers
    /// (a search, a tag, a line of business, an owner) through their index.
    public func atRiskCount(_ q: AtRiskQuery, now: Int) throws -> Int {
        let levels = q.levels.isEmpty ? [.medium, .high, .critical] : q.levels.filter { $0 != .low }
        guard !levels.isEmpty else { return 0 }
        if q.search != nil || q.policyType != nil || q.tag != nil || q.assignedTo != nil {
            let filter = try atRiskFilter(q, levels: levels, now: now, fewEnough: 50_000)
            let source = filter.driver.map { "(\($0.sql)) AS m CROSS JOIN customers c ON c.id = m.id" } ?? "customers c INDEXED BY customers_queue_by_probability"
            return try db.scalarInt("SELECT count(*) FROM \(source) WHERE \(filter.conditions.joined(separator: " AND "))",
                                    (filter.driver?.params ?? []) + filter.params)
        }
        let risks = ["risk_medium", "risk_high", "risk_critical"]
        let totals = levels.map { risks[$0.rank - 1] }.joined(separator: " + ")
        let ranks = levels.map { _ in "?" }.joined(separator: ", ")
        let rankParams: [SQLValue] = levels.map { .int(Int64($0.rank)) }
        let agent = q.agentId.map { SQLValue.text($0) } ?? .null
        let inLevels = "c.active_policies > 0 AND c.scored_at IS NOT NULL AND c.churn_risk IN (\(ranks)) AND (? IS NULL OR c.agent_id = ?)"
        let levelParams = rankParams + [agent, agent]
        // Scored, in force and at these levels, as the totals count them ...
        var count = try db.scalarInt("SELECT coalesce(sum(\(totals)), 0) FROM customer_totals WHERE ?1 IS NULL OR agent_id = ?1", [agent])
        // ... less the erased among them,
        count -= try db.scalarInt("""
            SELECT count(*) FROM customers c INDEXED BY customers_erased WHERE c.erased_at IS NOT NULL AND \(inLevels)
            """, levelParams)
        // the snoozed,
        let now64 = SQLValue.int(Int64(now))
        if !q.includeSnoozed {
            count -= try db.scalarInt("""
                SELECT count(*) FROM customers c INDEXED BY customers_snoozed WHERE c.snoozed_until > ? AND c.erased_at IS NULL AND \(inLevels)
                """, [now64] + levelParams)
        }
        // and, when only the unassigned are asked for, the assigned (not already left out as snoozed).
        if q.unassignedOnly {
            count -= try db.scalarInt("""
                SELECT count(*) FROM customers c INDEXED BY customers_assigned WHERE c.assigned_to IS NOT NULL AND c.erased_at IS NULL AND \(inLevels)
                  AND (? OR c.snoozed_until IS NULL OR c.snoozed_until <= ?)
                """, levelParams + [.int(q.includeSnoozed ? 1 : 0), now64])
        }
        return count
    }

    /// Why customer `id` is not in the at-risk queue for `q` now, in words ("snoozed until 2026-12-20",
    /// "risk now low"), or nil when it is.
    public func atRiskExclusion(customerId id: String, _ q: AtRiskQuery, now: Int) throws -> String? {
        let c = try customer(id: id)
        let levels = q.levels.isEmpty ? [.medium, .high, .critical] : q.levels.filter { $0 != .low }
        if c.erasedAt != nil { return "erased" }
        if c.activePolicies == 0 { return "no policy in force" }
        if !levels.contains(c.churnRisk) { return "risk now \(c.churnRisk.rawValue)" }
        if !q.includeSnoozed, let until = c.snoozedUntil, until > now { return "snoozed until \(Timestamp.formatDate(until))" }
        if let who = q.assignedTo, c.assignedTo != who { return c.assignedTo.map { "assigned to \($0)" } ?? "unassigned" }
        if q.unassignedOnly, let who = c.assignedTo { return "assigned to \(who)" }
        if let a = q.agentId, c.agentId != a { return "agent now \(c.agentId)" }
        var one = q
        (one.limit, one.page) = (1, 1)
        let filter = try atRiskFilter(one, levels: levels, now: now, fewEnough: 0)
        let inQueue = try db.scalarInt("SELECT EXISTS (SELECT 1 FROM customers c WHERE c.id = ? AND \(filter.conditions.joined(separator: " AND ")))",
                                       [.int(c.rowID)] + filter.params) == 1
        return inQueue ? nil : "no longer matches the filter"
    }

    /// A window of the upcoming-renewals queue (in-force policies renewing within `days` days, overdue ones
    /// included), earliest first or, `reversed`, latest first: keyset paging on the renewal index, ties
    /// broken by the policy's row id.
    public func renewalsWindow(days: Int, reversed: Bool = false, window: QueueWindow, now: Int) throws -> QueuePage<RenewalEntry> {
        let today = Timestamp.startOfDay(now)
        let horizon = today + (days + 1) * Timestamp.secondsPerDay
        func read(from key: QueueKey?, forward: Bool, inclusive: Bool, limit: Int) throws -> [(RenewalEntry, QueueKey)] {
            guard limit > 0 else { return [] }
            let descending = reversed == forward
            var conditions = ["p.status IN \(PolicyStatus.inForceSQL)", "p.renewal_date < ?"]
            var params: [SQLValue] = [.int(Int64(horizon))]
            if let key {
                let op = (descending ? "<" : ">") + (inclusive ? "=" : "")
                conditions.append("p.renewal_date \(descending ? "<=" : ">=") ?")
                conditions.append("(p.renewal_date, p.id) \(op) (?, ?)")
                params += [key.values[0]] + key.values
            }
            let direction = descending ? "DESC" : "ASC"
            let rows = try db.query("""
                SELECT p.uuid, p.policy_number, p.policy_type, p.status, p.annual_premium_cents, p.renewal_date, c.uuid,
                       c.first_name || ' ' || c.last_name, c.churn_risk, c.churn_probability, c.health_score, p.agent_id, p.id
                FROM policies p INDEXED BY policies_renewal_queue JOIN customers c ON c.id = p.customer_id
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY p.renewal_date \(direction), p.id \(direction) LIMIT ?
                """, params + [.int(Int64(limit))]) { r in
                let date = r.int(5)
                return (RenewalEntry(policyId: r.text(0), policyNumber: r.text(1), policyType: PolicyType(rawValue: r.text(2)) ?? .auto,
                                     status: PolicyStatus(rawValue: r.text(3)) ?? .active, annualPremiumCents: r.int(4), renewalDate: date,
                                     daysUntilRenewal: Timestamp.floorDiv(date - today, Timestamp.secondsPerDay), overdue: date < today,
                                     customerId: r.text(6), customerName: r.text(7), churnRisk: ChurnRisk(rank: r.int(8)) ?? .low,
                                     churnProbability: r.optionalDouble(9), healthScore: r.double(10), agentId: r.text(11)),
                        QueueKey(values: [.int(Int64(date)), r.value(12)]))
            }
            return forward ? rows : rows.reversed()
        }
        return try Self.window(window, read: read)
    }

    /// How many in-force policies renew within `days` days (overdue ones included): a count over the renewal index alone.
    public func renewalsCount(days: Int, now: Int) throws -> Int {
        let horizon = Timestamp.startOfDay(now) + (days + 1) * Timestamp.secondsPerDay
        return try db.scalarInt("""
            SELECT count(*) FROM policies INDEXED BY policies_renewal_queue WHERE status IN \(PolicyStatus.inForceSQL) AND renewal_date < ?
            """, [.int(Int64(horizon))])
    }
}
