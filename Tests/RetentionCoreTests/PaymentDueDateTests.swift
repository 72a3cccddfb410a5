import Foundation
import Testing
@testable import RetentionCore

/// A missed payment cannot be due after the day it was missed (`data.dueDate` against the event's day).
@Suite struct PaymentDueDateTests {
    func d(_ s: String) -> Int { Timestamp.parse(s)! }

    @Test func aDueDateAfterTheEventsDayIsRefusedNamingTheField() throws {
        let engine = try makeEngine()
        let c = try engine.createCustomer(try json(#"{"leadId":"L1","agentId":"ag","firstName":"Ann","lastName":"Lee","email":"a@example.com"}"#), now: d("2026-01-01")).id
        let now = d("2026-06-15T12:00:00Z")
        func missed(_ due: String) throws {
            _ = try engine.createEvent(try json(#"{"customerId":"\#(c)","eventType":"payment_missed","data":{"amount":10,"dueDate":"\#(due)"}}"#), now: now)
        }
        do {
            try missed("2026-06-16")
            Issue.record("a payment due tomorrow was recorded as missed")
        } catch let e as RetentionError {
            #expect(e.field == "data.dueDate" && e.message.contains("2026-06-16"))
        }
        #expect(try count(engine, "retention_events") == 0)
        // Due today or before: recorded.
        try missed("2026-06-15")
        try missed("2026-05-01")
        #expect(try count(engine, "retention_events") == 2)
    }
}
