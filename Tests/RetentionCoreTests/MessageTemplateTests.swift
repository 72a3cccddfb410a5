import Foundation
import Testing
@testable import RetentionCore

@Suite struct MessageTemplateTests {
    let full: [String: TemplateValue] = [
        "firstName": .text("María"), "lastName": .text("García"), "fullName": .text("María García"), "phone": .text("+1 217 555 0100"),
        "agent.name": .text("Avery Collins"), "agent.phone": .text("+1 217 555 0101"), "policy.policyNumber": .text("POL-2024-0001"),
        "policy.policyType": .text("auto"), "policy.premium": .money(cents: 150_000, currency: "USD"),
        "policy.renewalDate": .date(Timestamp.parse("2026-03-05")!), "policy.coverageAmount": .money(cents: 5_000_000, currency: "USD"),
        "company.name": .text("Prairie Insurance"),
    ]

    @Test func variablesFiltersAndBlocks() throws {
        let t = try MessageTemplate("Hi {{firstName}}, renews {{policy.renewalDate | date}} ({{policy.renewalDate | date:short}}) at {{policy.premium | money}}.{{#if phone}} Call us.{{else}} Write us.{{/if}}{{#unless email}} No e-mail.{{/unless}} {{agent.name | upper}}")
        #expect(t.render(full) == "Hi María, renews March 5, 2026 (2026-03-05) at $1,500.00. Call us. No e-mail. AVERY COLLINS")
        // Missing values render their documented fallbacks, never a tag or "nil".
        #expect(t.render([:]) == "Hi there, renews your renewal date (your renewal date) at your premium. Write us. No e-mail. your agent")
        #expect(try MessageTemplate("{{phone | default:\"no phone\"}}").render([:]) == "no phone")
    }

    @Test func errorsNameTheProblem() {
        for (bad, words) in [("Hi {{nickname}}", "unknown variable {{nickname}}"), ("{{firstName | shout}}", "unknown filter"),
                             ("{{#if phone}} open", "never closed"), ("text {{firstName", "unclosed {{ at line 1, column 6"),
                             ("{{/if}}", "unexpected {{/if}}")] {
            #expect { try MessageTemplate(bad) } throws: { ($0 as? RetentionError)?.message.contains(words) == true }
        }
    }

    @Test func everyBuiltInParsesAndRendersCleanly() {
        #expect(BuiltInTemplates.names.count == CampaignType.allCases.count + 2, "a template per campaign type, and the two reminders")
        for type in BuiltInTemplates.names {
            for channel in ContactChannel.allCases {
                guard let m = BuiltInTemplates.message(name: type, channel: channel) else { Issue.record("no \(type) \(channel)"); continue }
                for values in [full, [:]] {
                    let text = (m.subject?.render(values) ?? "") + m.body.render(values)
                    #expect(!text.contains("{{") && !text.contains("}}") && !text.contains("nil"), "\(type) \(channel)")
                }
                if channel == .sms {
                    let sms = m.body.render(full)
                    #expect(sms.count <= 160, "\(type) SMS is \(sms.count) characters")
                    #expect(sms.contains("Reply STOP to opt out"))
                }
                if channel == .email { #expect(m.body.render(full).contains("UNSUBSCRIBE")) }
            }
        }
    }

    @Test func aTouchpointRendersWithItsCustomerPolicyAndAgent() throws {
        let engine = try makeEngine()
        try DemoBook(customers: 150, seed: 3, now: testNow).generate(into: engine.db)
        let c = try engine.createCampaign(try json(#"{"name":"R","type":"renewal_reminder","touchpoints":[{"type":"email","template":"renewal_reminder"}]}"#), now: testNow)
        try engine.setCampaignStatus(id: c.id, to: .active, now: testNow)
        let t = try #require(try engine.touchpoints(campaignId: c.id, status: .pending, limit: 1).first)
        let m = try engine.renderTouchpoint(id: t.id)
        let customer = try engine.customer(id: t.customerId)
        #expect(m.body.hasPrefix("Dear \(customer.firstName),"))
        #expect(m.subject?.contains("renews on") == true)
        #expect(!m.body.contains("{{"))
    }
}

@Suite struct UserTemplateTests {
    @Test func aUserTemplateIsCheckedSavedUsedAndRemoved() throws {
        let engine = try makeEngine()
        #expect { try engine.setTemplate(name: "spring", channel: .email, subject: nil, body: "Hi {{nickname}}", now: testNow) } throws: {
            ($0 as? RetentionError)?.field == "body" && ($0 as? RetentionError)?.message.contains("nickname") == true
        }
        // Empty, an e-mail without a subject, a text message that does not say how to stop them: refused.
        for (channel, subject, body, field) in [(ContactChannel.notification, "S", "  \n", "body"), (.email, nil, "Hello {{firstName}}", "subject"),
                                                (.sms, nil, "Spring offer for {{firstName}}!", "body")] {
            #expect(throws: RetentionError.self, "\(channel)") { try engine.setTemplate(name: "spring", channel: channel, subject: subject, body: body, now: testNow) }
            do { try engine.setTemplate(name: "spring", channel: channel, subject: subject, body: body, now: testNow) } catch let e as RetentionError {
                #expect(e.field == field, "\(channel): \(e.message)")
            }
        }
        // A campaign cannot use a template that does not exist for its channel…
        let body = #"{"name":"S","type":"loyalty","touchpoints":[{"type":"sms","template":"spring"}]}"#
        #expect { try engine.createCampaign(try json(body), now: testNow) } throws: { ($0 as? RetentionError)?.field == "touchpoints[0].template" }
        // …until the user adds it.
        try engine.setTemplate(name: "spring", channel: .sms, subject: nil, body: "Spring offer for {{firstName}}! Reply STOP to opt out", now: testNow)
        _ = try engine.createCampaign(try json(body), now: testNow)
        #expect(try engine.message(name: "spring", channel: .sms)?.body.render(["firstName": .text("Ann")]) == "Spring offer for Ann! Reply STOP to opt out")
        // A user's template overrides the built-in one of the same name; deleting it brings the built-in back.
        try engine.setTemplate(name: "loyalty", channel: .email, subject: "Thanks", body: "Thank you, {{firstName}}.", now: testNow)
        #expect(try engine.message(name: "loyalty", channel: .email)?.subject?.source == "Thanks")
        #expect(try engine.templateCatalogue().contains { $0.name == "loyalty" && $0.channel == .email && $0.custom })
        try engine.deleteTemplate(name: "loyalty", channel: .email, now: testNow)
        #expect(try engine.message(name: "loyalty", channel: .email)?.subject?.source != "Thanks")
        // The draft campaign "S" sends "spring" by SMS, which has no built-in fallback: it cannot be deleted.
        #expect { try engine.deleteTemplate(name: "spring", channel: .sms, now: testNow) } throws: {
            ($0 as? RetentionError)?.code == "template_in_use" && ($0 as? RetentionError)?.message.contains("\"S\"") == true
        }
        #expect(try engine.message(name: "spring", channel: .sms) != nil)
    }

    @Test func sendmailAdapterWritesAnRFC5322Message() throws {
        let dir = try temporaryDirectory(); defer { try? FileManager.default.removeItem(atPath: dir) }
        // A stand-in for sendmail that stores what it is given with -t.
        let fake = dir + "/sendmail"
        _ = FileManager.default.createFile(atPath: fake, contents: Data("#!/bin/sh\n[ \"$1\" = \"-t\" ] || exit 9\ncat > \(dir)/sent.eml\n".utf8), attributes: [.posixPermissions: 0o700])
        try ChannelAdapter(kind: .sendmail, target: fake).send(id: "m1", channel: .email, to: "ann@example.com", subject: "Hi\r\nBcc: evil@example.com", body: "Line 1\nLine 2")
        let sent = String(decoding: FileManager.default.contents(atPath: dir + "/sent.eml") ?? Data(), as: UTF8.self)
        #expect(sent.hasPrefix("To: ann@example.com\r\nSubject: Hi  Bcc: evil@example.com\r\nDate: "))
        #expect(sent.contains("\r\nMIME-Version: 1.0\r\n") && sent.contains("\r\nContent-Transfer-Encoding: 8bit\r\n"))
        #expect(sent.contains("\r\n\r\nLine 1\r\nLine 2\r\n"))
        // A subject beyond ASCII is encoded for the header (RFC 2047), in words short enough for its lines.
        let message = ChannelAdapter.rfc5322(id: "m2", to: "a@example.com", subject: "Checking in on your coverage, Nguyễn", body: "x", date: 1_795_780_800)
        #expect(message.contains("Subject: =?UTF-8?B?Q2hlY2tpbmcgaW4gb24geW91ciBjb3ZlcmFnZSwgTmd1eeG7hW4=?=\r\n"), "37 bytes: one encoded word")
        #expect(message.contains("\r\nDate: \(Timestamp.formatRFC5322(1_795_780_800))\r\n"))
        #expect(Timestamp.formatRFC5322(Timestamp.parse("2026-11-27T12:00:00Z")!) == "Fri, 27 Nov 2026 12:00:00 +0000")
        #expect(Timestamp.formatRFC5322(0) == "Thu, 1 Jan 1970 00:00:00 +0000")
        let long = ChannelAdapter.rfc5322(id: "m3", to: "a@example.com", subject: String(repeating: "é", count: 40), body: "x")
        let subjectLines = long.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count == 3 && subjectLines.allSatisfy { $0.count <= 78 }, "80 bytes in words of at most 39")
        #expect(subjectLines.map { $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces) }
            .map { Data(base64Encoded: String($0.dropFirst(10).dropLast(2))).map { String(decoding: $0, as: UTF8.self) } ?? "?" }.joined()
            == String(repeating: "é", count: 40))
    }
}
