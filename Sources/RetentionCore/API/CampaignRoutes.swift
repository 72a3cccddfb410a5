extension Router {
    static let campaignRoutes: [Route] = [
        Route("POST", "campaigns", "Create a campaign (draft); the creator is --user (the spec's X-User-Id)") { engine, ctx in
            .success(try engine.createCampaign(try NewCampaign(json: try ctx.requireBody()), now: ctx.now).json, status: 201)
        },
        Route("GET", "campaigns", "List campaigns (status, type, limit, page), each with its performance") { engine, ctx in
            let status = try ctx.query.choice("status", CampaignStatus.self)
            let type = try ctx.query.choice("type", CampaignType.self)
            let limit = try ctx.query.int("limit", default: 100, range: 1...1000)
            let page = try ctx.query.int("page", default: 1, range: 1...1_000_000)
            let campaigns = try engine.campaigns(status: status, type: type, limit: limit, page: page)
            // The page's performance is read for all its campaigns at once, not one campaign after another.
            let performance = try engine.campaignPerformances(campaigns, now: ctx.now)
            return .success(.array(zip(campaigns, performance).map { $0.json(performance: $1) }))
        },
        Route("GET", "campaigns/:id", "Get a campaign with its performance") { engine, ctx in
            let c = try engine.campaign(id: ctx.param("id"))
            return .success(c.json(performance: try engine.campaignPerformances([c], now: ctx.now)[0]))
        },
        Route("PATCH", "campaigns/:id/status", "Change a campaign's status {\"status\": ...}") { engine, ctx in
            .success(try engine.setCampaignStatus(id: ctx.param("id"), try CampaignStatusChange(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "campaigns/:id/activate", "Activate (or resume) a campaign") { engine, ctx in
            .success(try engine.setCampaignStatus(id: ctx.param("id"), CampaignStatusChange(to: .active), now: ctx.now).json)
        },
        Route("POST", "campaigns/:id/pause", "Pause an active campaign") { engine, ctx in
            .success(try engine.setCampaignStatus(id: ctx.param("id"), CampaignStatusChange(to: .paused), now: ctx.now).json)
        },
        Route("GET", "campaigns/:id/preview", "Extension: how many and which customers the campaign would enrol now (limit)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 20, range: 0...1000)
            let preview = try engine.previewCampaign(id: ctx.param("id"), limit: limit, now: ctx.now)
            return .success(.object([("matching", .int(preview.count)), ("customers", .array(preview.customers.map(\.json)))]))
        },
        Route("POST", "campaigns/:id/enrol", "Extension: enrol one customer by hand {\"customerId\"}") { engine, ctx in
            let steps = try engine.enrolCustomer(campaignId: ctx.param("id"), try CampaignEnrolment(json: try ctx.requireBody()), now: ctx.now)
            return .success(.object([("enrolled", .bool(true)), ("touchpoints", .int(steps))]), status: 201)
        },
        Route("GET", "campaigns/:id/performance", "Campaign performance, ROI and uplift against the control group") { engine, ctx in
            .success(try engine.campaignPerformance(id: ctx.param("id"), now: ctx.now).json)
        },
        Route("GET", "campaigns/:id/touchpoints", "A campaign's touchpoints (status, limit)") { engine, ctx in
            let status = try ctx.query.choice("status", TouchpointStatus.self)
            let limit = try ctx.query.int("limit", default: 100, range: 1...1000)
            return .success(.array(try engine.touchpoints(campaignId: ctx.param("id"), status: status, limit: limit).map(\.json)))
        },
    ]

    static let touchpointRoutes: [Route] = [
        Route("GET", "touchpoints/pending", "Touchpoints due now and still pending (limit)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 100, range: 1...1000)
            return .success(.array(try engine.pendingTouchpoints(limit: limit, now: ctx.now).map(\.json)))
        },
        Route("GET", "touchpoints/:id/preview", "Extension: the message the touchpoint would send, rendered from its template") { engine, ctx in
            let m = try engine.renderTouchpoint(id: ctx.param("id"))
            return .success(.object([("subject", .optional(m.subject)), ("body", .string(m.body))]))
        },
        Route("PATCH", "touchpoints/:id/status", "Record a touchpoint's progress {\"status\", \"metadata\"}") { engine, ctx in
            .success(try engine.updateTouchpointStatus(id: ctx.param("id"), try TouchpointStatusChange(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "touchpoints/:id/response", "Record the customer's response {\"response\"}") { engine, ctx in
            .success(try engine.recordTouchpointResponse(id: ctx.param("id"), try TouchpointResponse(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("GET", "customers/:customerId/touchpoints", "A customer's touchpoints, newest first (limit)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 50, range: 1...1000)
            return .success(.array(try engine.touchpoints(customerId: ctx.param("customerId"), limit: limit).map(\.json)))
        },
    ]
}
