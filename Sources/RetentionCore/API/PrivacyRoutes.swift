/// Data-protection routes: extensions beyond the spec.
extension Router {
    static let privacyRoutes: [Route] = [
        Route("GET", "customers/:id/export", "Extension: everything held about the customer (right of access)") { engine, ctx in
            .success(try engine.exportPersonalData(customerId: ctx.param("id"), now: ctx.now).json)
        },
        Route("POST", "customers/:id/erase", "Extension: erase the customer's personal data {\"confirm\": true} (right to erasure)") { engine, ctx in
            _ = try ErasureRequest(json: try ctx.requireBody())
            let outcome = try engine.eraseCustomer(customerId: ctx.param("id"), now: ctx.now)
            // `complete` false: erased from the book, but a reader still holds old copies in the files; the next
            // open finishes it (`pendingUntil` says what it waits for).
            return .success(.object([("erased", .bool(true)), ("customerId", .string(ctx.param("id"))), ("complete", .bool(outcome.complete))]
                                    + (outcome.waitingFor.map { [("pendingUntil", JSONValue.string($0))] } ?? [])))
        },
    ]
}
