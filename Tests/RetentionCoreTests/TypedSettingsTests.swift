import Foundation
import Testing
@testable import RetentionCore

/// The typed `settings` table (Engine/Settings.swift, Engine/SettingKeys.swift).
@Suite struct TypedSettingsTests {
    /// A database written by an earlier Retention holds these texts (what its code stored); each reads as the
    /// same value through the typed keys.
    @Test func textsEarlierVersionsStoredReadTheSame() throws {
        let engine = try makeEngine()
        let rows: [(String, String)] = [
            ("ltv.discountRate", "0.08"), ("ltv.acquisitionCost", "150.5"), ("ltv.operationalCost", "12"),
            ("company.name", "Acme Mutual"), ("contact.window", "09:30-24:00"),
            ("cgi.anonymousReads", "true"), ("cgi.maxBodyBytes", "4096"), ("policy.graceDays", "20"), ("policy.graceDays.home", "7"),
            ("cost.email", "3"), ("scoring.medians", "[1,2,3,4,5,6,7]"),
            ("channel.email", #"{"kind":"maildir","target":"/tmp/mail"}"#),
            ("channel.folders", #"[{"kind":"maildir","target":"/tmp/old"},{"kind":"outbox","target":"/tmp/out"}]"#),
            ("template.promo.sms", #"{"subject":null,"body":"Hi {{firstName}}. Reply STOP to opt out"}"#),
            ("ltv.retentionModels", #"{"auto":{"alpha":1.5,"beta":3}}"#),
        ]
        for (key, value) in rows { try engine.db.run("INSERT INTO settings (key, value) VALUES (?, ?)", [.text(key), .text(value)]) }
        let ltv = try engine.ltvSettings()
        #expect(ltv.discountRate == 0.08 && ltv.profitMargin == 0.15 && ltv.acquisitionCostCents == 15_050 && ltv.operationalCostCents == 1_200)
        #expect(try engine.callingWindow() == CallingWindow(start: 9 * 60 + 30, end: 24 * 60))
        let cgi = try engine.cgiSettings()
        #expect(cgi.anonymousReads && !cgi.anonymousWrites && cgi.maxBodyBytes == 4096)
        #expect(try engine.renewalGrace() == RenewalGrace(defaultDays: 20, daysByLine: ["home": 7]))
        #expect(try engine.channelCostCents(.email) == 3)
        #expect(try engine.channelCostCents(.sms) == ChannelCosts.defaults[.sms])
        #expect(try engine.bookMedians() == ChurnFeatures(values: [1, 2, 3, 4, 5, 6, 7]))
        #expect(try engine.channelAdapter(.email) == ChannelAdapter(kind: .maildir, target: "/tmp/mail"))
        #expect(try engine.channelAdapter(.sms) == nil)
        #expect(try engine.messageFolders().map(\.target) == ["/tmp/old", "/tmp/out", "/tmp/mail"])
        #expect(try engine.message(name: "promo", channel: .sms)?.subject == nil)
        #expect(try engine.templateCatalogue().contains { $0.name == "promo" && $0.channel == .sms && $0.custom })
        #expect(try engine.retentionModels() == [.auto: ShiftedBetaGeometric(alpha: 1.5, beta: 3)])
        #expect(try engine.settings().map(\.value) == ["0.08", "0.15", "150.5", "12", "Acme Mutual", "09:30-24:00", "true", "false", "4096", "20", "7", "30",
                                                         "1", "0.02", "30", "90", "365"])
    }

    /// What the typed keys write is the text earlier versions wrote (so an older Retention reads it too).
    @Test func valuesAreStoredAsBefore() throws {
        let engine = try makeEngine()
        func stored(_ key: String) throws -> String? { try engine.db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(key)]) { $0.text(0) } }
        try engine.setSetting("cgi.anonymousReads", "TRUE", now: testNow)
        try engine.setSetting("ltv.acquisitionCost", "250", now: testNow)
        try engine.setSetting("policy.graceDays.auto", "10", now: testNow)
        #expect(try stored("cgi.anonymousReads") == "true")
        #expect(try stored("ltv.acquisitionCost") == "250")
        #expect(try stored("policy.graceDays.auto") == "10")
        try engine.setChannelAdapter(.email, ChannelAdapter(kind: .outbox, target: "/tmp/o"), now: testNow)
        #expect(try stored("channel.email") == #"{"kind":"outbox","target":"/tmp/o"}"#)
        #expect(try stored("channel.folders") == #"[{"kind":"outbox","target":"/tmp/o"}]"#)
        try engine.setTemplate(name: "promo", channel: .email, subject: "Hello", body: "Body", now: testNow)
        #expect(try stored("template.promo.email") == #"{"subject":"Hello","body":"Body"}"#)
        let triggers = Settings.DeferredTriggers(triggers: ["CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END"],
                                                 catchUp: [.sql("UPDATE y SET a = 1 WHERE id > ?1", [7]), .routine("customer_totals", [])])
        try engine.db.settings.set(Settings.deferredTriggers, triggers)
        #expect(try stored("store.deferred_triggers")
                == #"{"triggers":["CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END"],"catchUp":[{"sql":"UPDATE y SET a = 1 WHERE id > ?1","params":[7]},{"routine":"customer_totals","params":[]}]}"#)
        try engine.db.settings.remove(Settings.deferredTriggers)
    }

    /// `retention config set`: an unknown key names the keys there are; a bad value names its key and what it must be.
    @Test func configRefusalsNameTheKeyAndTheType() throws {
        let engine = try makeEngine()
        #expect { try engine.setSetting("ltv.nope", "1", now: testNow) } throws: { e in
            guard let e = e as? RetentionError else { return false }
            return e.field == "key" && e.message.contains("\"ltv.nope\" is not a setting") && e.message.contains("policy.graceDays.LINE")
        }
        let bad: [(String, String, String)] = [
            ("ltv.discountRate", "ten", "a rate from 0 to 1"), ("ltv.discountRate", "1.5", "a rate from 0 to 1"),
            ("ltv.acquisitionCost", "-1", "zero or more"), ("cgi.anonymousReads", "yes", "true or false"),
            ("cgi.maxBodyBytes", "10", "from 1024 to 104857600"), ("policy.graceDays", "-1", "days from 0 to 366"),
            ("policy.graceDays.home", "x", "days from 0 to 366"), ("contact.window", "21:00-08:00", "HH:MM-HH:MM"),
            ("company.name", " ", "cannot be empty"),
        ]
        for (key, value, words) in bad {
            #expect(throws: RetentionError.self, "\(key) = \(value)") { try engine.setSetting(key, value, now: testNow) }
            do { try engine.setSetting(key, value, now: testNow) } catch let e as RetentionError {
                #expect(e.field == key, "\(key)")
                #expect(e.message.contains(words), "\(key): \(e.message)")
            }
        }
        #expect(try engine.settings().map(\.key) == Engine.settingKeys.filter { $0 != "policy.graceDays.LINE" }, "nothing was stored")
        #expect(try engine.db.scalarInt("SELECT count(*) FROM settings") == 0)
    }

    /// An interrupted load's saved state that cannot be read is an error naming its key, not a silent skip.
    @Test func unreadableLoadStateNamesItsKey() throws {
        let db = try Store.inMemory()
        try db.run("INSERT INTO settings (key, value) VALUES ('store.deferred_indexes', 'not json')")
        #expect { try Store.restoreDeferredIndexes(db) } throws: { ($0 as? RetentionError)?.message.contains("store.deferred_indexes") == true }
    }

    /// Only the typed settings file reads or writes the `settings` table.
    @Test func noOtherSourceQueriesTheSettingsTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        var offenders: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where url.pathExtension == "swift" {
            guard !url.path.hasSuffix("Engine/Settings.swift"), !url.lastPathComponent.hasPrefix("Version") else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            if text.range(of: #"(FROM|INTO|UPDATE)\s+settings\b"#, options: .regularExpression) != nil { offenders.append(url.lastPathComponent) }
        }
        #expect(offenders.isEmpty, "SQL on settings outside Engine/Settings.swift: \(offenders)")
    }
}
