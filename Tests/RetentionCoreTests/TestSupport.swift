import Foundation
@testable import RetentionCore

/// A fixed clock for tests: 2024-01-15T10:30:00Z, the spec's example instant.
let testNow = Timestamp.parse("2024-01-15T10:30:00Z")!

/// A fresh in-memory engine.
func makeEngine(user: String = "tester") throws -> Engine {
    Engine(database: try Store.inMemory(), user: user)
}

func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

/// The spec's create-customer example body.
let specCustomerBody = """
{
  "leadId": "lead-uuid",
  "agentId": "agent-uuid",
  "firstName": "John",
  "lastName": "Doe",
  "email": "john.doe@example.com",
  "phone": "+1234567890",
  "dateOfBirth": "1980-01-01",
  "address": {"street": "123 Main St", "city": "Springfield", "state": "IL", "zipCode": "62701", "country": "USA"},
  "preferredContactMethod": "email",
  "tags": ["vip", "multi-policy"],
  "metadata": {}
}
"""

/// The spec's create-policy example body, for a given customer.
func specPolicyBody(customerId: String, number: String = "POL-2024-001") -> String {
    """
    {
      "customerId": "\(customerId)",
      "agentId": "agent-uuid",
      "policyNumber": "\(number)",
      "policyType": "auto",
      "premium": {"amount": 1500, "frequency": "annual", "currency": "USD"},
      "coverage": {"type": "comprehensive", "amount": 50000, "deductible": 500},
      "effectiveDate": "2024-01-01",
      "expirationDate": "2025-01-01",
      "underwriter": "ABC Insurance"
    }
    """
}

/// A temporary directory removed by the caller.
func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "retention-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Counts rows of a table, to prove that a failed operation changed nothing.
func count(_ engine: Engine, _ table: String) throws -> Int {
    try engine.db.scalarInt("SELECT count(*) FROM \(table)")
}
