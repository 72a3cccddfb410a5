import Foundation

extension Page {
    /// A list response's `pagination` member (`GET /customers`): `{"page", "limit", "total", "totalPages"}`.
    public var paginationJSON: JSONValue {
        .object([("page", .int(page)), ("limit", .int(limit)), ("total", .int(total)), ("totalPages", .int(totalPages))])
    }
}
