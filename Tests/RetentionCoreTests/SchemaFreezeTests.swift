import Foundation
import Testing
@testable import RetentionCore

/// Released migrations never change (Schema/VersionNN.swift). These compare what the migrations build with
/// what main's code built before they were frozen (`ExpectedSchema`, recorded from that code): each version's
/// SQL text, the schema after each version, and the whole final schema, so an edit to an old version, or to
/// code it once read, fails here.
@Suite struct SchemaFreezeTests {
    /// `sqlite_master` as text: type|name|tbl_name|sql per object, by type and name.
    static func dump(_ db: Database) throws -> String {
        try db.query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name", [], {
            "\($0.text(0))|\($0.text(1))|\($0.text(2))|\($0.text(3))"
        }).joined(separator: "\n")
    }

    static func fingerprint(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    @Test func aDatabaseBuiltThroughEveryMigrationHasTheRecordedSchema() throws {
        let db = try Store.inMemory()
        let schema = try Self.dump(db)
        if schema != ExpectedSchema.finalSchema {
            // The first differing line, to see what changed (the whole dump goes to the expected file for a new version).
            let (got, want) = (schema.components(separatedBy: "\n"), ExpectedSchema.finalSchema.components(separatedBy: "\n"))
            let line = got.indices.first(where: { $0 >= want.count || got[$0] != want[$0] }) ?? want.count
            Issue.record("schema differs at line \(line + 1): got \(line < got.count ? got[line] : "(end)"), expected \(line < want.count ? want[line] : "(end)")")
        }
        #expect(try db.scalarInt("PRAGMA user_version") == Migrations.all.count)
    }

    @Test func noReleasedVersionChanged() throws {
        #expect(Migrations.all.count >= ExpectedSchema.sqlFingerprints.count)
        let db = try Database(path: ":memory:")
        for (i, sql) in Migrations.all.enumerated() where i < ExpectedSchema.sqlFingerprints.count {
            #expect(Self.fingerprint(sql) == ExpectedSchema.sqlFingerprints[i], "the SQL of version \(i + 1) changed")
            try db.execute(sql)
            #expect(Self.fingerprint(try Self.dump(db)) == ExpectedSchema.schemaFingerprints[i], "the schema after version \(i + 1) changed")
        }
    }

    /// The fingerprint is FNV-1a: pinned to the published test vectors, so the recorded values mean what they say.
    @Test func fingerprintIsFNV1a() {
        #expect(Self.fingerprint("") == 0xcbf2_9ce4_8422_2325)
        #expect(Self.fingerprint("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Self.fingerprint("foobar") == 0x8594_4171_f739_67e8)
    }

    /// The code that keeps v7's tables outside its triggers (bulk-load catch-ups, rebuilds, score writers)
    /// still uses the expressions frozen in v7. A new policy line, customer-totals column or renewal rule
    /// changes the live code: this fails, and the change needs a new schema version that alters the triggers.
    @Test func liveExpressionsMatchTheFrozenTriggers() {
        let v7 = Migrations.Version07.sql
        #expect(v7.contains("UPDATE policies SET metrics_code = \(PolicyMetricsCode.sqlExpression("policies"));"))
        #expect(v7.contains("WHEN NEW.metrics_code IS NOT \(PolicyMetricsCode.sqlExpression("NEW"))"))
        #expect(v7.contains(CustomerTotals.refill))
        #expect(v7.contains("SELECT \(RenewalDays.dayStart("NEW.occurred_at")), NEW.policy_type, 1, \(RenewalDays.revenue("NEW"))"))
    }

    /// No frozen version takes its text from live code: none is a `static var`, and none interpolates.
    @Test func everyVersionFileIsLiteralSQL() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/RetentionCore/Schema")
        for n in 1...Migrations.all.count {
            let file = folder.appendingPathComponent(String(format: "Version%02d.swift", n))
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("static let sql = \"\"\""), "\(file.lastPathComponent) holds no literal SQL")
            #expect(!text.contains("\\("), "\(file.lastPathComponent) interpolates Swift into its SQL")
        }
    }
}
