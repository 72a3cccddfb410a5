/// Triage routes: extensions beyond the spec for the specialists' daily work.
extension Router {
    static let triageRoutes: [Route] = [
        Route("POST", "customers/:id/assign", "Extension: assign to a specialist {\"assignedTo\": NAME or null}") { engine, ctx in
            .success(try engine.assign(customerId: ctx.param("id"), try Assignment(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "customers/:id/snooze", "Extension: hide from the at-risk queue until a date {\"until\": DATE or null}") { engine, ctx in
            .success(try engine.snooze(customerId: ctx.param("id"), try Snooze(json: try ctx.requireBody()), now: ctx.now).json)
        },
        Route("POST", "customers/:id/contacts", "Extension: log a contact {\"channel\", \"outcome\", \"note\"}") { engine, ctx in
            .success(try engine.logContact(customerId: ctx.param("id"), try ContactLog(json: try ctx.requireBody()), now: ctx.now).json, status: 201)
        },
    ]
}
