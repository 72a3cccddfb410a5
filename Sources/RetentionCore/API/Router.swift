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

    /// What a method and path come to: a route with its path parameters, a known path that has other
    /// methods (405), or nothing (404).
    public enum Resolution {
        case route(Route, params: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// The order methods are listed in (`Allow`, and the 405's message).
    static let methodOrder = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// Finds the route for `method` and `path` (`/api/v1/retention` prefix optional). Touches no database.
    public static func resolve(method: String, path: String) throws -> Resolution {
        var path = path
        if path.hasPrefix(prefix) { path = String(path.dropFirst(prefix.count)) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for segment in segments where segment.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw RetentionError.invalid("path", "contains control characters", code: "invalid_path")
        }
        var methodsForPath: Set<String> = []
        for route in routes {
            guard let params = route.match(segments) else { continue }
            if route.method == method { return .route(route, params: params) }
            methodsForPath.insert(route.method)
        }
        if methodsForPath.isEmpty { return .notFound }
        return .methodNotAllowed(allowed: methodOrder.filter { methodsForPath.contains($0) })
    }

    /// The 405 answer: the error envelope naming the methods the path has, in its message and in
    /// `error.allow`, and the HTTP `Allow` header (`allow` given to the header may add HEAD).
    public static func methodNotAllowed(_ method: String, path: String, allowed: [String], allowHeader: [String]? = nil) -> APIResponse {
        var response = APIResponse.failure(RetentionError(.methodNotAllowed, code: "method_not_allowed",
                                                          "\(method) is not allowed on \(path); use \(allowed.joined(separator: " or ")).",
                                                          field: "method"), allow: allowed)
        if let allowHeader { response.headers = [("Allow", allowHeader.joined(separator: ", "))] }
        return response
    }

    /// The 404 answer for a path no route has.
    public static func notFound(_ method: String, path: String) -> APIResponse {
        .failure(RetentionError(.notFound, code: "route_not_found", "No route \(method) \(path). `retention api --routes` lists them."))
    }

    public static func handle(_ request: APIRequest, engine: Engine, now: Int) -> APIResponse {
        do {
            switch try resolve(method: request.method, path: request.path) {
            case .notFound:
                return notFound(request.method, path: request.path)
            case .methodNotAllowed(let allowed):
                return methodNotAllowed(request.method, path: request.path, allowed: allowed)
            case .route(let route, let params):
                var context = RouteContext(params: params, query: QueryReader(request.query), body: request.body, now: now)
                // No route that writes takes query parameters: one given is refused before anything is written
                // (checked after the handler, a bad parameter would be reported on a write already done).
                if request.method != "GET" { try context.query.finish() }
                let response = try route.handler(engine, &context)
                try context.query.finish()
                return response
            }
        } catch let error as RetentionError {
            return .failure(error)
        } catch {
            return .failure(RetentionError.storage("\(error)"))
        }
    }
}
