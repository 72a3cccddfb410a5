/// A message for one channel: a subject (e-mail, mail, notification) and a body.
public struct ChannelMessage: Sendable, Equatable {
    public var subject: MessageTemplate?
    public var body: MessageTemplate
}

/// The built-in templates: one per campaign type and channel, named after the campaign type (the spec's
/// `"template": "renewal_reminder"` resolves per channel), and the reminders an event's `send_reminder`
/// action sends (`payment_reminder`, `lapse_reminder`). SMS texts stay within 160 characters for
/// typical data and carry the opt-out; e-mails carry an unsubscribe line; calls are a script for the agent.
public enum BuiltInTemplates {
    struct Copy { var subject: String; var lead: String; var ask: String; var sms: String; var call: String }

    /// The names of the built-in templates: the campaign types, then the reminders.
    public static let names: [String] = CampaignType.allCases.map(\.rawValue) + ["payment_reminder", "lapse_reminder"]

    static let copy: [String: Copy] = [
        "renewal_reminder": Copy(subject: "Your {{policy.policyType}} policy renews on {{policy.renewalDate | date}}",
                                lead: "your {{policy.policyType}} policy {{policy.policyNumber}} renews on {{policy.renewalDate | date}}{{#if policy.premium}} at {{policy.premium | money}} a year{{/if}}.",
                                ask: "If anything has changed (a new car, a move, a new driver), reply or call {{agent.phone}} and we will review your coverage before it renews.",
                                sms: "{{company.name}}: your {{policy.policyType}} policy renews {{policy.renewalDate | date:short}}. Questions? Call {{agent.phone}}. Reply STOP to opt out",
                                call: "Confirm the renewal of {{policy.policyNumber}} on {{policy.renewalDate | date}}, ask about changes in drivers, vehicles or property, and offer a coverage review."),
        "engagement": Copy(subject: "Checking in on your coverage, {{firstName}}",
                          lead: "it has been a while since we last spoke, and we want to be sure your coverage still fits your life.",
                          ask: "Book a free 15-minute review with {{agent.name}} by replying to this message or calling {{agent.phone}}.",
                          sms: "{{company.name}}: {{agent.name}} would like to check your coverage still fits. Reply YES for a call. Reply STOP to opt out",
                          call: "Ask how things are going, whether anything changed at home or work, and offer a coverage review. Note any concerns."),
        "winback": Copy(subject: "We would like to welcome you back, {{firstName}}",
                       lead: "we were sorry to see you go and would like the chance to earn your business again.",
                       ask: "{{agent.name}} can prepare a new quote with any discounts you now qualify for. Reply or call {{agent.phone}}.",
                       sms: "{{company.name}}: we'd like to welcome you back with a fresh quote. Call {{agent.phone}}. Reply STOP to opt out",
                       call: "Thank them for past business, ask why they left without pressing, and offer a no-obligation quote."),
        "cross_sell": Copy(subject: "You may be able to save by bundling, {{firstName}}",
                          lead: "customers who insure home and auto together often save on both policies.",
                          ask: "Would you like {{agent.name}} to check what a bundle would cost you? Reply or call {{agent.phone}}.",
                          sms: "{{company.name}}: bundling home & auto could lower your premium. Call {{agent.phone}} for a quote. Reply STOP to opt out",
                          call: "Review the lines they hold, explain the bundle discount, and offer a quote for the missing line."),
        "upsell": Copy(subject: "Is your coverage keeping up, {{firstName}}?",
                      lead: "your current coverage on {{policy.policyNumber}} is {{policy.coverageAmount | money}}, and values change over time.",
                      ask: "{{agent.name}} can walk you through higher limits or an umbrella policy. Reply or call {{agent.phone}}.",
                      sms: "{{company.name}}: is your coverage keeping up with your home's value? Call {{agent.phone}}. Reply STOP to opt out",
                      call: "Review their limits and deductibles, and explain the options for higher limits or umbrella coverage."),
        "loyalty": Copy(subject: "Thank you for being with us, {{firstName}}",
                       lead: "thank you for trusting us with your insurance. Loyal customers like you are why we do this.",
                       ask: "If there is anything we can do better, {{agent.name}} is one reply or call away at {{agent.phone}}.",
                       sms: "{{company.name}}: thank you for being a loyal customer! Anything we can help with? Call {{agent.phone}}. Reply STOP to opt out",
                       call: "Thank them for their loyalty, ask how we can serve them better, and mention any loyalty benefits."),
        "payment_reminder": Copy(subject: "A payment on your {{policy.policyType}} policy is overdue",
                                 lead: "we have not yet received the latest payment on your {{policy.policyType}} policy {{policy.policyNumber}}{{#if policy.premium}} ({{policy.premium | money}} a year){{/if}}.",
                                 ask: "To keep your coverage in force, please make the payment soon. If something has changed or you need another payment plan, reply or call {{agent.phone}}.",
                                 sms: "{{company.name}}: a payment on your {{policy.policyType}} policy is overdue. Questions? Call {{agent.phone}}. Reply STOP to opt out",
                                 call: "Let them know the latest payment on {{policy.policyNumber}} has not arrived, check whether anything changed, and offer a payment plan if it helps."),
        "lapse_reminder": Copy(subject: "Your {{policy.policyType}} policy is no longer in force",
                               lead: "your {{policy.policyType}} policy {{policy.policyNumber}} has lapsed, so you are not covered at the moment.",
                               ask: "It can usually be reinstated quickly. Reply or call {{agent.phone}} and {{agent.name}} will help you restore your coverage.",
                               sms: "{{company.name}}: your {{policy.policyType}} policy has lapsed. Call {{agent.phone}} to restore your coverage. Reply STOP to opt out",
                               call: "Tell them {{policy.policyNumber}} has lapsed, ask why without pressing, and walk them through reinstating it."),
    ]

    /// The built-in message of a template name (a campaign type or a reminder) for a channel, or nil.
    public static func message(name: String, channel: ContactChannel) -> ChannelMessage? {
        parsed["\(name).\(channel.rawValue)"]
    }

    /// Every built-in message, parsed once (a dispatch pass renders thousands of messages).
    private static let parsed: [String: ChannelMessage] = {
        var messages: [String: ChannelMessage] = [:]
        for name in names {
            for channel in ContactChannel.allCases {
                if let m = build(name, channel: channel) { messages["\(name).\(channel.rawValue)"] = m }
            }
        }
        return messages
    }()

    private static func build(_ name: String, channel: ContactChannel) -> ChannelMessage? {
        guard let c = copy[name] else { return nil }
        // The texts above are fixed and checked by the tests, so parsing cannot fail.
        func t(_ s: String) -> MessageTemplate { try! MessageTemplate(s) }
        switch channel {
        case .email:
            return ChannelMessage(subject: t(c.subject), body: t("Dear {{firstName}},\n\n" + c.lead.prefix(1).uppercased() + c.lead.dropFirst() + "\n\n" + c.ask
                + "\n\nKind regards,\n{{agent.name}}\n{{company.name}}\n\nTo stop these e-mails, reply UNSUBSCRIBE."))
        case .mail:
            return ChannelMessage(subject: t(c.subject), body: t("Dear {{fullName}},\n\n" + c.lead.prefix(1).uppercased() + c.lead.dropFirst() + "\n\n" + c.ask
                + "\n\nSincerely,\n{{agent.name}}\n{{company.name}}"))
        case .notification:
            return ChannelMessage(subject: t(c.subject), body: t("Hi {{firstName}}, " + c.lead))
        case .sms:
            return ChannelMessage(subject: nil, body: t(c.sms))
        case .call:
            return ChannelMessage(subject: t("Call {{fullName}} ({{phone | default:\"no phone on file\"}})"),
                                  body: t("Call script for {{fullName}} about {{policy.policyNumber}}: " + c.call))
        }
    }
}
