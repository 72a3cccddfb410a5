extension Router {
    static let eventRoutes: [Route] = [
        Route("POST", "events", "Create a retention event") { engine, ctx in
            .success(try engine.createEvent(try NewEvent(json: try ctx.requireBody()), now: ctx.now).json, status: 201)
        },
        Route("GET", "customers/:customerId/events", "A customer's events, newest first (limit, eventType)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 50, range: 1...1000)
            let type = try ctx.query.choice("eventType", EventType.self)
            return .success(.array(try engine.events(customerId: ctx.param("customerId"), eventType: type, limit: limit).map(\.json)))
        },
    ]
}
