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
