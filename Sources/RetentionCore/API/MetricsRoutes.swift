extension Router {
    /// The paging of a work queue's page: no total (counting a queue of a million customers costs more
    /// than reading a page), but whether another page follows.
    static func queuePagination(page: Int, limit: Int, hasMore: Bool) -> JSONValue {
        .object([("page", .int(page)), ("limit", .int(limit)), ("hasMore", .bool(hasMore))])
    }

    static let metricsRoutes: [Route] = [
        Route("GET", "metrics", "Retention metrics for a period (startDate, endDate, agentId; default the last 12 months)") { engine, ctx in
            let start = try ctx.query.date("startDate")
            let end = try ctx.query.date("endDate")
            let agent = ctx.query.string("agentId")
            let period: MetricsPeriod
            if start == nil && end == nil {
                period = MetricsPeriod.trailingYear(now: ctx.now, agentId: agent)
            } else {
                guard let start else { throw RetentionError.invalid("startDate", "is required when endDate is given", code: "invalid_query") }
                period = try MetricsPeriod(startDate: start, endDate: end ?? Timestamp.startOfDay(ctx.now), agentId: agent)
            }
            return .success(try engine.retentionMetrics(period).json)
        },
        Route("GET", "at-risk", "Customers most likely to leave (limit, page, churnRisk, agentId, policyType, tag, assignedTo, unassigned, includeSnoozed)") { engine, ctx in
            var q = AtRiskQuery()
            q.limit = try ctx.query.int("limit", default: 50, range: 1...1000)
            q.page = try ctx.query.int("page", default: 1, range: 1...1_000_000)
            let levels = try ctx.query.choices("churnRisk", ChurnRisk.self)
            if !levels.isEmpty { q.levels = levels }
            q.agentId = ctx.query.string("agentId")
            q.policyType = try ctx.query.choice("policyType", PolicyType.self)
            q.tag = ctx.query.string("tag")
            q.assignedTo = ctx.query.string("assignedTo")
            q.unassignedOnly = try ctx.query.bool("unassigned") ?? false
            q.includeSnoozed = try ctx.query.bool("includeSnoozed") ?? false
            let rows = try engine.atRisk(q, now: ctx.now)
            // Whether a next page exists: one row past this page (a queue is not counted: at a million
            // customers counting it would cost more than reading the page).
            var next = q
            (next.limit, next.page) = (1, q.page * q.limit + 1)
            return .success(.array(rows.map(\.json)), extra: [("pagination", Self.queuePagination(page: q.page, limit: q.limit, hasMore: !(try engine.atRisk(next, now: ctx.now)).isEmpty))])
        },
        Route("GET", "win-back", "Extension: former customers (nothing in force), the most recent leavers first (agentId, limit, page)") { engine, ctx in
            let agent = ctx.query.string("agentId")
            let limit = try ctx.query.int("limit", default: 50, range: 1...1000)
            let page = try ctx.query.int("page", default: 1, range: 1...1_000_000)
            let rows = try engine.winBack(agentId: agent, limit: limit, page: page)
            let hasMore = !(try engine.winBack(agentId: agent, limit: 1, page: page * limit + 1)).isEmpty
            return .success(.array(rows.map(\.json)), extra: [("pagination", Self.queuePagination(page: page, limit: limit, hasMore: hasMore))])
        },
        Route("GET", "renewals/upcoming", "In-force policies renewing within N days, overdue flagged (days, agentId, policyType, limit, page)") { engine, ctx in
            let days = try ctx.query.int("days", default: 30, range: 0...3650)
            let agent = ctx.query.string("agentId")
            let type = try ctx.query.choice("policyType", PolicyType.self)
            let limit = try ctx.query.int("limit", default: 100, range: 1...1000)
            let page = try ctx.query.int("page", default: 1, range: 1...1_000_000)
            let rows = try engine.upcomingRenewals(days: days, agentId: agent, policyType: type, limit: limit, page: page, now: ctx.now)
            let hasMore = !(try engine.upcomingRenewals(days: days, agentId: agent, policyType: type, limit: 1, page: page * limit + 1, now: ctx.now)).isEmpty
            return .success(.array(rows.map(\.json)), extra: [("pagination", Self.queuePagination(page: page, limit: limit, hasMore: hasMore))])
        },
    ]
}
