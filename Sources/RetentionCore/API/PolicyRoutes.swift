extension Router {
    static let policyRoutes: [Route] = [
        Route("POST", "policies", "Create a policy") { engine, ctx in
            .success(try engine.createPolicy(try ctx.requireBody(), now: ctx.now).json, status: 201)
        },
        Route("GET", "policies/:id", "Get a policy") { engine, ctx in
            .success(try engine.policy(id: ctx.param("id")).json)
        },
        Route("PATCH", "policies/:id", "Update a policy (partial; status changes must be allowed transitions)") { engine, ctx in
            .success(try engine.updatePolicy(id: ctx.param("id"), try ctx.requireBody(), now: ctx.now).json)
        },
        Route("POST", "policies/:id/renew", "Renew a policy for one more term (optional body: new premium)") { engine, ctx in
            .success(try engine.renewPolicy(id: ctx.param("id"), ctx.body, now: ctx.now).json)
        },
    ]
}
