/// The agents' tasks: extensions beyond the spec, in its envelope.
extension Router {
    static let taskRoutes: [Route] = [
        Route("GET", "tasks", "Extension: tasks, open ones earliest due first (assignee, customerId, status open|done|all, limit)") { engine, ctx in
            let assignee = ctx.query.string("assignee").flatMap { $0.isEmpty ? nil : $0 }
            let customer = ctx.query.string("customerId").flatMap { $0.isEmpty ? nil : $0 }
            let status = try ctx.query.choice("status", AgentTask.ListStatus.self) ?? .open
            let limit = try ctx.query.int("limit", default: 100, range: 1...1000)
            return .success(.array(try engine.tasks(assignee: assignee, customerId: customer, status: status, limit: limit).map(\.json)))
        },
        Route("GET", "tasks/:id", "Extension: one task") { engine, ctx in
            .success(try engine.task(id: ctx.param("id")).json)
        },
        Route("PATCH", "tasks/:id", "Extension: mark a task done or open again {\"status\": \"done\" | \"open\"}") { engine, ctx in
            .success(try engine.setTaskStatus(id: ctx.param("id"), try TaskStatusChange(json: try ctx.requireBody()), now: ctx.now).json)
        },
    ]
}
