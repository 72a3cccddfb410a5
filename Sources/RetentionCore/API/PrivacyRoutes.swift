/// Data-protection routes: extensions beyond the spec.
extension Router {
    static let privacyRoutes: [Route] = [
        Route("GET", "customers/:id/export", "Extension: everything held about the customer (right of access)") { engine, ctx in
            .success(try engine.exportPersonalData(customerId: ctx.param("id"), now: ctx.now))
        },
        Route("POST", "customers/:id/erase", "Extension: erase the customer's personal data {\"confirm\": true} (right to erasure)") { engine, ctx in
            _ = try ErasureRequest(json: try ctx.requireBody())
            try engine.eraseCustomer(customerId: ctx.param("id"), now: ctx.now)
            return .success(.object([("erased", .bool(true)), ("customerId", .string(ctx.param("id")))]))
        },
    ]
}
