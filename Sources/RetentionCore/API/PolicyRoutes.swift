extension Router {
    static let policyRoutes: [Route] = [
        Route("POST", "policies", "Create a policy") { engine, ctx in
            let body = try ctx.requireBody()
            let policy: NewPolicy
            do {
                policy = try NewPolicy(json: body)
            } catch let e as RetentionError where !["body", "id", "customerId"].contains(e.field ?? "body") {
                // The API reports a missing or erased customer before the rest of the body's errors.
                if let customer = body["customerId"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !customer.isEmpty { try engine.checkCustomerTakesPolicy(customer) }
                throw e
            }
            return .success(try engine.createPolicy(policy, now: ctx.now).json, status: 201)
        },
        Route("GET", "policies/:id", "Get a policy") { engine, ctx in
            .success(try engine.policy(id: ctx.param("id")).json)
        },
        Route("PATCH", "policies/:id", "Update a policy (partial; status changes must be allowed transitions)") { engine, ctx in
            .success(try engine.updatePolicy(id: ctx.param("id"), try PolicyPatch(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "policies/:id/renew", "Renew a policy for one more term (optional body: new premium)") { engine, ctx in
            .success(try engine.renewPolicy(id: ctx.param("id"), try PolicyRenewal(json: ctx.body), now: ctx.now).json)
        },
    ]
}
