/// Triage routes: extensions beyond the spec for the specialists' daily work.
extension Router {
    static let triageRoutes: [Route] = [
        Route("POST", "customers/:id/assign", "Extension: assign to a specialist {\"assignedTo\": NAME or null}") { engine, ctx in
            var r = try FieldReader(try ctx.requireBody())
            let who = try r.optionalString("assignedTo")
            try r.finish()
            return .success(try engine.assign(customerId: ctx.param("id"), to: who, now: ctx.now).json)
        },
        Route("POST", "customers/:id/snooze", "Extension: hide from the at-risk queue until a date {\"until\": DATE or null}") { engine, ctx in
            var r = try FieldReader(try ctx.requireBody())
            let until = try r.optionalDate("until")
            try r.finish()
            return .success(try engine.snooze(customerId: ctx.param("id"), until: until, now: ctx.now).json)
        },
        Route("POST", "customers/:id/contacts", "Extension: log a contact {\"channel\", \"outcome\", \"note\"}") { engine, ctx in
            var r = try FieldReader(try ctx.requireBody())
            guard let channel = try r.optionalChoice("channel", ContactChannel.self) else { throw RetentionError.invalid("channel", "is required") }
            guard let outcome = try r.optionalChoice("outcome", Engine.ContactOutcome.self) else { throw RetentionError.invalid("outcome", "is required") }
            let note = try r.optionalString("note")
            try r.finish()
            return .success(try engine.logContact(customerId: ctx.param("id"), channel: channel, outcome: outcome, note: note, now: ctx.now).json, status: 201)
        },
    ]
}
