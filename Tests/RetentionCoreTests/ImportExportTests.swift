import Foundation
import Testing
@testable import RetentionCore

@Suite struct ImportExportTests {
    func exportText(_ engine: Engine, _ kind: ExchangeKind) throws -> String {
        var out = ""
        try engine.exportCSV(kind) { out += $0 }
        return out
    }

    @Test func exportThenImportReproducesTheSameRows() throws {
        let source = try makeEngine()
        try DemoBook(customers: 60, seed: 7, now: testNow).generate(into: source.db)
        // Text that a spreadsheet would run, and awkward characters, must survive the trip.
        let someone = try #require(try source.listCustomers(CustomerQuery()).items.first)
        try source.updateCustomer(id: someone.id, try json(#"{"street": "=HYPERLINK(\"x\")", "tags": ["a,b", "-minus", "@at"], "metadata": {"note": "line1\nline2"}}"#), now: testNow)
        let customers = try exportText(source, .customers)
        let policies = try exportText(source, .policies)
        let events = try exportText(source, .events)
        #expect(!customers.contains("\n=HYPERLINK") && customers.contains("'=HYPERLINK"))

        let target = try makeEngine()
        for (kind, text) in [(ExchangeKind.customers, customers), (.policies, policies), (.events, events)] {
            let result = try target.importCSV(kind, text: text, dryRun: false, now: testNow)
            #expect(result.problems.isEmpty, "\(kind): \(result.problems.prefix(3))")
        }
        #expect(try exportText(target, .customers) == customers)
        #expect(try exportText(target, .policies) == policies)
        #expect(try exportText(target, .events) == events)
        // Derived counters agree with the source.
        let counters = "SELECT group_concat(total_policies || ':' || active_policies || ':' || lifetime_value_cents || ':' || coalesce(next_renewal_date, '')) FROM (SELECT * FROM customers ORDER BY uuid)"
        #expect(try target.db.queryOne(counters) { $0.text(0) } == source.db.queryOne(counters) { $0.text(0) })
    }

    @Test func aFileWithABadRowImportsNothingAndListsEveryBadRow() throws {
        let engine = try makeEngine()
        let csv = """
        leadId,agentId,firstName,lastName,email,phone
        l1,a,Ann,Lee,ann@example.com,+1 217 555 0100
        l2,a,Bob,Ray,not-an-email,
        l3,a,"Cy, Jr",Day,cy@example.com,12
        l1,a,Dup,Lead,dup@example.com,

        """
        let result = try engine.importCSV(.customers, text: csv, dryRun: false, now: testNow)
        #expect(result.rows == 4)
        #expect(result.problems.map(\.line) == [3, 4, 5])
        #expect(result.problems.map(\.column) == ["email", "phone", "leadId"])
        #expect(try count(engine, "customers") == 0)
        #expect(try count(engine, "audit_log") == 0)
    }

    @Test func dryRunValidatesAndWritesNothing() throws {
        let engine = try makeEngine()
        let csv = "leadId,agentId,firstName,lastName,email\nl1,a,Ann,Lee,ann@example.com\n"
        let result = try engine.importCSV(.customers, text: csv, dryRun: true, now: testNow)
        #expect(result.succeeded && result.rows == 1 && result.dryRun)
        #expect(try count(engine, "customers") == 0)
    }

    @Test func headerProblemsAreReported() throws {
        let engine = try makeEngine()
        #expect { try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email,shoeSize\n", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "unknown_column"
        }
        #expect { try engine.importCSV(.customers, text: "leadId,firstName\n", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "missing_column"
        }
        #expect { try engine.importCSV(.customers, text: "", dryRun: false, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "empty_file"
        }
        let ragged = try engine.importCSV(.customers, text: "leadId,agentId,firstName,lastName,email\nl1,a,Ann\n", dryRun: false, now: testNow)
        #expect(ragged.problems.first?.line == 2)
    }
}
