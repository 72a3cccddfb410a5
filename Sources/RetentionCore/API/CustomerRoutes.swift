extension Router {
    static let customerRoutes: [Route] = [
        Route("POST", "customers", "Create a customer from a converted lead") { engine, ctx in
            .success(try engine.createCustomer(try NewCustomer(json: try ctx.requireBody()), now: ctx.now).json, status: 201)
        },
        Route("GET", "customers", "List customers (churnRisk, healthScoreMin, healthScoreMax, agentId, tag, search, sort, order, page, limit)") { engine, ctx in
            var q = CustomerQuery()
            q.churnRisk = try ctx.query.choices("churnRisk", ChurnRisk.self)
            q.healthScoreMin = try ctx.query.double("healthScoreMin")
            q.healthScoreMax = try ctx.query.double("healthScoreMax")
            if let low = q.healthScoreMin, let high = q.healthScoreMax, low > high {
                throw RetentionError.invalid("healthScoreMin", "must not be above healthScoreMax (\(low) > \(high))", code: "invalid_query")
            }
            q.agentId = ctx.query.string("agentId")
            q.tag = ctx.query.string("tag")
            q.search = ctx.query.string("search")
            q.sort = try ctx.query.choice("sort", CustomerQuery.Sort.self) ?? .name
            q.descending = try ctx.query.choice("order", SortOrder.self) == .desc
            q.page = try ctx.query.int("page", default: 1, range: 1...1_000_000)
            q.limit = try ctx.query.int("limit", default: 50, range: 1...1000)
            let page = try engine.listCustomers(q)
            return .success(.array(page.items.map(\.json)), extra: [("pagination", page.paginationJSON)])
        },
        Route("GET", "customers/:id", "Get a customer") { engine, ctx in
            // Additive: the manual risk level in force (`riskOverride`, or null) beside the model's `churnRisk`.
            let c = try engine.customer(id: ctx.param("id"))
            return .success(RiskOverride.withOverride(c.json, try engine.riskOverride(customerId: c.id, now: ctx.now)))
        },
        Route("PATCH", "customers/:id", "Update a customer (partial; send version to detect conflicting edits)") { engine, ctx in
            .success(try engine.updateCustomer(id: ctx.param("id"), try CustomerPatch(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("GET", "customers/:id/policies", "A customer's policies (extension)") { engine, ctx in
            .success(.array(try engine.policies(customerId: ctx.param("id")).map(\.json)))
        },
    ]
}

/// `order=asc|desc` on list routes.
enum SortOrder: String, CaseIterable { case asc, desc }
