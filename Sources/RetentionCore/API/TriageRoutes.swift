/// Triage routes: extensions beyond the spec for the specialists' daily work.
extension Router {
    static let triageRoutes: [Route] = [
        Route("POST", "customers/:id/assign", "Extension: assign to a specialist {\"assignedTo\": NAME or null}") { engine, ctx in
            .success(try engine.assign(customerId: ctx.param("id"), try Assignment(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "customers/:id/snooze", "Extension: hide from the at-risk queue until a date {\"until\": DATE or null}") { engine, ctx in
            .success(try engine.snooze(customerId: ctx.param("id"), try Snooze(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "customers/:id/contacts", "Extension: log a contact {\"channel\", \"outcome\", \"note\", \"policyId\", \"followUpAt\"}") { engine, ctx in
            .success(try engine.logContact(customerId: ctx.param("id"), try ContactLog(json: try ctx.requireBody()), now: ctx.now).json, status: 201)
        },
        Route("GET", "customers/:id/risk-override", "Extension: the manual risk level in force beside the model's") { engine, ctx in
            let id = ctx.param("id")
            return .success(RiskOverride.json(try engine.riskOverride(customerId: id, now: ctx.now), model: try engine.customer(id: id).churnRisk))
        },
        Route("PUT", "customers/:id/risk-override", "Extension: set a manual risk level {\"level\", \"reason\", \"until\"}") { engine, ctx in
            let id = ctx.param("id")
            let o = try engine.setRiskOverride(customerId: id, try RiskOverride(json: try ctx.requireBody()), now: ctx.now)
            return .success(RiskOverride.json(o, model: try engine.customer(id: id).churnRisk))
        },
        Route("DELETE", "customers/:id/risk-override", "Extension: clear the manual risk level") { engine, ctx in
            let id = ctx.param("id")
            try engine.clearRiskOverride(customerId: id, now: ctx.now)
            return .success(RiskOverride.json(nil, model: try engine.customer(id: id).churnRisk))
        },
    ]
}
