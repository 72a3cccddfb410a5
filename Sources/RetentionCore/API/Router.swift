import Foundation

/// One route of the API: a method, a path pattern with `:name` parameters, and the engine call.
public struct Route: Sendable {
    public typealias Handler = @Sendable (Engine, inout RouteContext) throws -> APIResponse
    public let method: String
    public let pattern: [String]
    public let summary: String
    let handler: Handler

    init(_ method: String, _ pattern: String, _ summary: String, _ handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern.split(separator: "/").map(String.init)
        self.summary = summary
        self.handler = handler
    }

    public var path: String { "/" + pattern.joined(separator: "/") }

    func match(_ segments: [String]) -> [String: String]? {
        guard segments.count == pattern.count else { return nil }
        var params: [String: String] = [:]
        for (p, s) in zip(pattern, segments) {
            if p.hasPrefix(":") { params[String(p.dropFirst())] = s } else if p != s { return nil }
        }
        return params
    }
}

/// What a handler receives: path parameters, the query, the body and the clock.
public struct RouteContext {
    public var params: [String: String]
    public var query: QueryReader
    public var body: JSONValue?
    public var now: Int

    public func param(_ name: String) -> String { params[name] ?? "" }

    /// The body, required to be present.
    public func requireBody() throws -> JSONValue {
        guard let body else { throw RetentionError.invalid("body", "is required: pass JSON with --data", code: "missing_body") }
        return body
    }
}

/// Answers every route of the spec (`/api/v1/retention/...`, prefix optional) with the spec's envelope.
public enum Router {
    public static let prefix = "/api/v1/retention"

    /// Every route, in the order `retention api --routes` lists them.
    public static let routes: [Route] = customerRoutes + policyRoutes + eventRoutes + metricsRoutes + triageRoutes + campaignRoutes + touchpointRoutes + scoringRoutes + privacyRoutes + taskRoutes

    public static func handle(_ request: APIRequest, engine: Engine, now: Int) -> APIResponse {
        do {
            var path = request.path
            if path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count)) }
            let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            for segment in segments where segment.contains(where: { $0.isNewline || $0 == "\0" }) {
                throw RetentionError.invalid("path", "contains control characters", code: "invalid_path")
            }
            var methodsForPath: [String] = []
            for route in routes {
                guard let params = route.match(segments) else { continue }
                guard route.method == request.method else { methodsForPath.append(route.method); continue }
                var context = RouteContext(params: params, query: QueryReader(request.query), body: request.body, now: now)
                // No route that writes takes query parameters: one given is refused before anything is written
                // (checked after the handler, a bad parameter would be reported on a write already done).
                if request.method != "GET" { try context.query.finish() }
                let response = try route.handler(engine, &context)
                try context.query.finish()
                return response
            }
            if !methodsForPath.isEmpty {
                return .failure(RetentionError(.invalid, code: "method_not_allowed",
                                               "\(request.method) is not allowed on \(request.path); use \(methodsForPath.joined(separator: " or ")).",
                                               field: "method"))
            }
            return .failure(RetentionError(.notFound, code: "route_not_found",
                                           "No route \(request.method) \(request.path). `retention api --routes` lists them."))
        } catch let error as RetentionError {
            return .failure(error)
        } catch {
            return .failure(RetentionError.storage("\(error)"))
        }
    }
}
