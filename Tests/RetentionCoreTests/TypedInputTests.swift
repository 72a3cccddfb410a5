import Foundation
import Testing
@testable import RetentionCore

/// Typed inputs: their validation names the field (with the same codes and messages as the API's), and the
/// API's decoders make the same values from JSON bodies.
@Suite struct TypedInputTests {
    let now = Timestamp.parse("2026-06-15T12:00:00Z")!

    func customer(_ engine: Engine) throws -> String {
        try engine.createCustomer(try json(#"{"leadId":"L1","agentId":"ag","firstName":"Ann","lastName":"Lee","email":"ann@example.com"}"#), now: now).id
    }

    func field(_ body: () throws -> Void) -> (field: String?, code: String, message: String)? {
        do { try body(); return nil } catch let e as RetentionError { return (e.field, e.code, e.message) } catch { return nil }
    }

    @Test func aTypedEventIsRecordedWithoutJSON() throws {
        let engine = try makeEngine()
        let id = try customer(engine)
        let event = try engine.createEvent(NewEvent(customer: id, type: .note_added, data: .object([("note", .string("Called"))])), now: now)
        #expect(event.eventType == .note_added)
        #expect(event.data?["note"] == .string("Called"))
        #expect(try engine.events(customerId: id, limit: 5).map(\.id) == [event.id])
    }

    @Test func anEventInTheFutureNamesOccurredAt() throws {
        let engine = try makeEngine()
        let id = try customer(engine)
        let e = field { try engine.createEvent(NewEvent(customer: id, type: .note_added, occurredAt: now + 2 * 3_600), now: now) }
        #expect(e?.field == "occurredAt")
        #expect(e?.code == "invalid_field")
        #expect(e?.message.hasPrefix("cannot be in the future") == true)
        // An hour's grace for clocks that disagree.
        #expect(field { try engine.createEvent(NewEvent(customer: id, type: .note_added, occurredAt: now + 3_600), now: now) } == nil)
    }

    @Test func anEventNamesItsOtherFields() throws {
        let engine = try makeEngine()
        let id = try customer(engine)
        #expect(field { try engine.createEvent(NewEvent(customer: "", type: .note_added), now: now) }?.field == "customerId")
        #expect(field { try engine.createEvent(NewEvent(customer: id, type: .note_added, data: .array([])), now: now) }?.field == "data")
        // Only an import keeps an id; an unknown action is refused, naming its position.
        #expect(field { try engine.createEvent(NewEvent(customer: id, type: .note_added, id: UUID().uuidString), now: now) }?.field == "id")
        let unknown = field { try engine.createEvent(NewEvent(customer: id, type: .note_added, triggeredActions: ["page_me"]), now: now) }
        #expect(unknown?.field == "triggeredActions[0]")
        #expect(unknown?.code == "unknown_action")
        // A payment names its policy.
        #expect(field { try engine.createEvent(NewEvent(customer: id, type: .payment_received, data: .object([("amount", .int(10))])), now: now) }?.field == "policyId")
        #expect(try engine.events(customerId: id, limit: 5).isEmpty)
    }

    @Test func theDecoderReadsTheSameEventAsTheTypedValue() throws {
        let e = try NewEvent(json: try json(#"{"customerId":"c1","policyId":"p1","eventType":"payment_missed","severity":"warning","data":{"amount":150},"triggeredActions":["send_reminder"],"occurredAt":"2026-06-14T10:00:00Z"}"#))
        #expect(e.customer == "c1" && e.policy == "p1" && e.type == .payment_missed && e.severity == .warning)
        #expect(e.data == .object([("amount", .number(150))]))
        #expect(e.triggeredActions == ["send_reminder"])
        #expect(e.occurredAt == Timestamp.parse("2026-06-14T10:00:00Z"))
        // The decoder's errors name the field, as before.
        #expect(field { _ = try NewEvent(json: try json(#"{"eventType":"note_added"}"#)) }?.field == "customerId")
        let type = field { _ = try NewEvent(json: try json(#"{"customerId":"c1","eventType":"party"}"#)) }
        #expect(type?.field == "eventType")
        #expect(type?.code == "unknown_event_type")
        #expect(field { _ = try NewEvent(json: try json(#"{"customerId":"c1","eventType":"note_added","colour":1}"#)) }?.code == "unknown_field")
        #expect(field { _ = try NewEvent(json: try json(#"{"id":"x","customerId":"c1","eventType":"note_added"}"#)) }?.field == "id")
    }
}
