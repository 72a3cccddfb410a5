extension Router {
    static let scoringRoutes: [Route] = [
        Route("POST", "customers/:id/health-score", "Calculate and store the health score, churn risk and recommendations") { engine, ctx in
            // The stored document, with the reasons in words added (computed now, not stored).
            let id = ctx.param("id")
            let score = try engine.calculateHealthScore(customerId: id, now: ctx.now)
            return .success(score.json.adding("reasons", RiskReason.json(try engine.riskReasons(customerId: id, now: ctx.now))))
        },
        Route("GET", "customers/:id/health-score", "Health score history, newest first (limit)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 10, range: 1...1000)
            // Each stored document with what changed since the scoring before it (`change`, null for a first scoring).
            let id = ctx.param("id")
            let documents = try engine.healthScoreHistory(customerId: id, limit: limit)
            let changes = try engine.scoreChanges(customerId: id, limit: limit)
            return .success(.array(documents.enumerated().map { i, doc in
                doc.adding("change", i < changes.count ? changes[i].change?.json ?? .null : .null)
            }))
        },
        Route("POST", "customers/:id/ltv", "Calculate and store the lifetime value (sBG retention, discounted)") { engine, ctx in
            .success(try engine.calculateLTV(customerId: ctx.param("id"), now: ctx.now).json)
        },
        Route("GET", "customers/:id/ltv", "LTV history, newest first (limit)") { engine, ctx in
            let limit = try ctx.query.int("limit", default: 10, range: 1...1000)
            return .success(.array(try engine.ltvHistory(customerId: ctx.param("id"), limit: limit)))
        },
        Route("POST", "customers/:id/churn-prediction", "Predict churn with the top factor and the model used; optional {\"features\": {...}} what-if") { engine, ctx in
            var overrides: JSONValue?
            if let body = ctx.body, !body.isNull {
                var r = try FieldReader(body)
                overrides = r.raw("features")
                try r.finish()
            }
            return .success(try engine.predictChurn(customerId: ctx.param("id"), features: overrides, now: ctx.now).json)
        },
    ]
}
