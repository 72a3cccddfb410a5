import Foundation
@testable import RetentionCore

// The writes older tests make with the API's JSON bodies: each is decoded by the API's decoder
// (API/Decoding) and written by the engine's typed operation, as the API does.
extension Engine {
    @discardableResult
    func createCustomer(_ body: JSONValue, now: Int, allowIdentity: Bool = false) throws -> Customer {
        try createCustomer(try NewCustomer(json: body, allowIdentity: allowIdentity), now: now, allowIdentity: allowIdentity)
    }

    @discardableResult
    func createPolicy(_ body: JSONValue, now: Int, allowIdentity: Bool = false) throws -> Policy {
        try createPolicy(try NewPolicy(json: body, allowIdentity: allowIdentity), now: now, allowIdentity: allowIdentity)
    }

    @discardableResult
    func updatePolicy(id: String, _ body: JSONValue, now: Int) throws -> Policy {
        try updatePolicy(id: id, try PolicyPatch(json: body), now: now)
    }

    @discardableResult
    func renewPolicy(id: String, _ body: JSONValue?, now: Int) throws -> Policy {
        try renewPolicy(id: id, try PolicyRenewal(json: body), now: now)
    }

    @discardableResult
    func createCampaign(_ body: JSONValue, now: Int) throws -> Campaign {
        try createCampaign(try NewCampaign(json: body), now: now)
    }
}

// Older tests that read the metrics as the API's document, and write events and customer edits with the
// API's bodies (decoded by the API's decoders, as `POST /events` and `PATCH /customers/:id` do).
extension Engine {
    /// `GET /metrics`'s document for a period: `retentionMetrics(period).json`.
    func metrics(_ period: MetricsPeriod) throws -> JSONValue {
        try retentionMetrics(period).json
    }

    @discardableResult
    func createEvent(_ body: JSONValue, now: Int, allowIdentity: Bool = false, applySideEffects: Bool = true) throws -> RetentionEvent {
        try createEvent(try NewEvent(json: body, allowIdentity: allowIdentity), now: now, applySideEffects: applySideEffects)
    }

    @discardableResult
    func updateCustomer(id: String, _ body: JSONValue, now: Int) throws -> Customer {
        try updateCustomer(id: id, try CustomerPatch(json: body), now: now)
    }
}
