import Foundation
import RetentionCore

/// The campaign form of the campaigns pane (`N` new, `E` edit a draft): one line of text per field, parsed
/// into the engine's typed `NewCampaign` on save. While the segment is edited its live count (and the first
/// step's message for the first matching customer) is read off the UI thread 0.3 s after the last key; the
/// cron line shows its next five runs. A field that does not parse, or that the engine refuses, is named
/// and selected; Esc leaves with nothing written.
public struct CampaignForm: Sendable, Equatable {
    public enum Field: Int, CaseIterable, Sendable {
        case name, type, risk, health, lines, tags, agent, renewal, tenure, lastContact, metadata, steps, start, end, timezone, cron, control, goalCustomers, goalRetained

        public var label: String {
            switch self {
            case .name: "Name"
            case .type: "Type"
            case .risk: "Risk levels"
            case .health: "Health range"
            case .lines: "Lines"
            case .tags: "Tags"
            case .agent: "Agent"
            case .renewal: "Renewal within"
            case .tenure: "Tenure months"
            case .lastContact: "No contact for"
            case .metadata: "Metadata"
            case .steps: "Steps"
            case .start: "Start"
            case .end: "End"
            case .timezone: "Time zone"
            case .cron: "Cron"
            case .control: "Control group %"
            case .goalCustomers: "Goal: customers"
            case .goalRetained: "Goal: retained"
            }
        }

        /// What the field takes.
        public var hint: String {
            switch self {
            case .name: "what the pane and the reports call it (a campaign needs one)"
            case .type: CampaignType.allCases.map(\.rawValue).joined(separator: " | ")
            case .risk: "e.g. high,critical (low medium high critical)"
            case .health: "0 to 100: 20-60 between, 20- at least, -60 at most, 50 exactly"
            case .lines: "e.g. auto,home"
            case .tags: "e.g. vip,multi-policy"
            case .agent: "an agent id"
            case .renewal: "days, e.g. 30"
            case .tenure: "months: 12-60 between, 12- at least, -60 at most"
            case .lastContact: "days: last contact older than this (never contacted counts), e.g. 180"
            case .metadata: "key=value, all must match, e.g. source=broker, region=north"
            case .steps: "channel:template@delay[ skip=engaged|clicked|responded|renewed]; … e.g. email:renewal_reminder@0d; sms:renewal_reminder@7d skip=responded"
            case .start, .end: "YYYY-MM-DD (empty: at once / open-ended)"
            case .timezone: "IANA, e.g. Europe/Paris"
            case .cron: "minute hour day month weekday, e.g. 0 9 * * 1 (empty: none)"
            case .control: "0 to 50"
            case .goalCustomers, .goalRetained: "a count (empty: none)"
            }
        }

        /// Whether the field is part of the target segment (editing it recounts).
        public var isSegment: Bool { (Field.risk.rawValue...Field.metadata.rawValue).contains(rawValue) }
    }

    /// A field that does not parse or that the engine refused, and why.
    public struct Problem: Error, Sendable, Equatable {
        public var field: Field
        public var message: String
    }

    public var values: [Field: String]
    /// The focused field; moving to another puts the cursor at its end.
    public var selected: Field = .name { didSet { if selected != oldValue { cursor = nil } } }
    /// The cursor in the focused field, in characters (nil: at its end); edited by `LineEditor`.
    public var cursor: Int?
    /// The draft being edited (nil: a new campaign).
    public var draftID: String?
    /// The live count and the preview of the first step, for the segment they were read for.
    public var liveCount: Int?
    public var preview: [String] = []
    public var countedSegment: TargetSegment?
    /// When the segment (or the first step) was last edited: the reads wait 0.3 s after it.
    public var editedAt: Double?
    public var reading = false
    public var problem: Problem?
    public var saving = false

    public static let debounceSeconds = 0.3

    public init() {
        values = [.type: CampaignType.engagement.rawValue, .timezone: "UTC", .control: "10", .steps: "email:renewal_reminder@0d"]
        editedAt = 0
    }

    /// The form filled from a draft campaign.
    public init(editing c: Campaign) {
        self.init()
        draftID = c.id
        let s = c.targetSegment
        func range<T>(_ lo: T?, _ hi: T?, _ text: (T) -> String) -> String {
            lo == nil && hi == nil ? "" : "\(lo.map(text) ?? "")-\(hi.map(text) ?? "")"
        }
        values = [
            .name: c.name, .type: c.type.rawValue, .risk: s.churnRisk.map(\.rawValue).joined(separator: ","),
            .health: range(s.healthScoreMin, s.healthScoreMax) { JSONValue.format(number: $0) },
            .lines: s.policyTypes.map(\.rawValue).joined(separator: ","), .tags: s.tags.joined(separator: ","), .agent: s.agentId ?? "",
            .renewal: s.renewalWithinDays.map(String.init) ?? "", .tenure: range(s.tenureMonthsMin, s.tenureMonthsMax) { String($0) },
            .lastContact: s.lastContactOlderThanDays.map(String.init) ?? "",
            .metadata: s.customFilters.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
            .steps: c.sequence.map(Self.stepText).joined(separator: "; "),
            .start: c.schedule.startDate?.text ?? "", .end: c.schedule.endDate?.text ?? "", .timezone: c.schedule.timezone, .cron: c.schedule.cron ?? "",
            .control: JSONValue.format(number: c.controlFraction * 100),
            .goalCustomers: c.goals.targetCustomers.map(String.init) ?? "", .goalRetained: c.goals.expectedRetention.map(String.init) ?? "",
        ]
    }

    /// The focused field's text and cursor, as the prompts' line editor edits them.
    public var editor: LineEditor {
        get { LineEditor(text: self[selected], cursor: cursor) }
        set { self[selected] = newValue.text; cursor = newValue.cursor }
    }

    public subscript(_ f: Field) -> String {
        get { values[f] ?? "" }
        set { values[f] = newValue }
    }

    static func stepText(_ s: SequenceStep) -> String {
        let delay = s.delayMinutes % 1440 == 0 ? "\(s.delayMinutes / 1440)d" : s.delayMinutes % 60 == 0 ? "\(s.delayMinutes / 60)h" : "\(s.delayMinutes)m"
        return "\(s.channel?.rawValue ?? "preferred"):\(s.template)@\(delay)" + (s.skipIf.map { " skip=\($0.rawValue)" } ?? "")
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init).filter { !$0.isEmpty }
    }

    /// `lo-hi`, `lo-` or `-hi` (or one number, both ends). A dash pasted from a document (en dash, em dash, minus
    /// sign) reads as the hyphen.
    static func range(_ text: String, _ field: Field) throws -> (Double?, Double?) {
        let t = String(text.map { "\u{2013}\u{2014}\u{2212}".contains($0) ? "-" : $0 }).trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return (nil, nil) }
        let parts = t.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func number(_ s: String) throws -> Double? {
            guard !s.isEmpty else { return nil }
            guard let v = Double(s) else { throw Problem(field: field, message: "\"\(s)\" is not a number; write it as 20-60") }
            return v
        }
        return parts.count == 1 ? (try number(parts[0]), try number(parts[0])) : (try number(parts[0]), try number(parts[1]))
    }

    static func integer(_ text: String, _ field: Field) throws -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        guard let v = Int(t) else { throw Problem(field: field, message: "\"\(t)\" is not a whole number") }
        return v
    }

    /// The target segment, or the field that does not parse.
    public func segment() throws -> TargetSegment {
        var s = TargetSegment()
        s.churnRisk = try Self.list(self[.risk]).map { w in
            guard let r = ChurnRisk(rawValue: w.lowercased()) else { throw Problem(field: .risk, message: "\"\(w)\" is not a risk level (low, medium, high, critical)") }
            return r
        }
        (s.healthScoreMin, s.healthScoreMax) = try Self.range(self[.health], .health)
        s.policyTypes = try Self.list(self[.lines]).map { w in
            guard let t = PolicyType(rawValue: w.lowercased()) else {
                throw Problem(field: .lines, message: "\"\(w)\" is not a line (\(PolicyType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return t
        }
        s.tags = Self.list(self[.tags])
        let agent = self[.agent].trimmingCharacters(in: .whitespaces)
        s.agentId = agent.isEmpty ? nil : agent
        s.renewalWithinDays = try Self.integer(self[.renewal], .renewal)
        let tenure = try Self.range(self[.tenure], .tenure)
        (s.tenureMonthsMin, s.tenureMonthsMax) = (tenure.0.map { Int($0) }, tenure.1.map { Int($0) })
        s.lastContactOlderThanDays = try Self.integer(self[.lastContact], .lastContact)
        s.customFilters = try self[.metadata].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw Problem(field: .metadata, message: "\"\(pair)\" is not key=value")
            }
            return MetadataFilter(key: parts[0], value: parts[1])
        }
        s.formerCustomers = self[.type] == CampaignType.winback.rawValue
        return s
    }

    /// The target segment as the engine would accept it (parsed and `TargetSegment.validate`d), or the field
    /// at fault: a segment such as health 80-20 is never counted (its count of 0 would read as a real one).
    public func validSegment() throws -> TargetSegment {
        let s = try segment()
        do { try s.validate() } catch let e as RetentionError { throw Self.problem(e) }
        return s
    }

    /// The sequence steps, or the problem with them.
    public func steps() throws -> [SequenceStep] {
        try self[.steps].split(separator: ";").map { raw in
            let words = raw.split(separator: " ").map(String.init)
            guard let head = words.first, let colon = head.firstIndex(of: ":") else {
                throw Problem(field: .steps, message: "\"\(raw.trimmingCharacters(in: .whitespaces))\" is not channel:template@delay")
            }
            let channelText = String(head[..<colon]), rest = head[head.index(after: colon)...]
            let parts = rest.split(separator: "@", maxSplits: 1).map(String.init)
            let channel: ContactChannel?
            if channelText == "preferred" { channel = nil } else {
                guard let c = ContactChannel(rawValue: channelText) else {
                    throw Problem(field: .steps, message: "\"\(channelText)\" is not a channel (\(ContactChannel.allCases.map(\.rawValue).joined(separator: ", ")), preferred)")
                }
                channel = c
            }
            var delay = 0
            if parts.count == 2 {
                let d = parts[1], unit = d.last ?? "m", amount = Int(d.dropLast()) ?? (Int(d) ?? -1)
                let minutes = unit == "d" ? amount * 1440 : unit == "h" ? amount * 60 : amount
                guard amount >= 0 else { throw Problem(field: .steps, message: "delay \"\(d)\" is not like 0d, 12h or 90m") }
                delay = minutes
            }
            var skip: SequenceStep.SkipCondition?
            for w in words.dropFirst() {
                guard w.hasPrefix("skip="), let c = SequenceStep.SkipCondition(rawValue: String(w.dropFirst(5))) else {
                    throw Problem(field: .steps, message: "\"\(w)\" is not skip=engaged|clicked|responded|renewed")
                }
                skip = c
            }
            return SequenceStep(channel: channel, template: parts.first ?? "", delayMinutes: delay, skipIf: skip)
        }
    }

    static func date(_ text: String, _ field: Field) throws -> ScheduleDate? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        guard let d = Timestamp.parseDate(t) else { throw Problem(field: field, message: "\"\(t)\" is not a date like 2026-07-01") }
        return .date(days: d / Timestamp.secondsPerDay)
    }

    /// The typed campaign, validated by the engine's own rules (`NewCampaign.validate`), or the field at fault.
    public func campaign() throws -> NewCampaign {
        guard let type = CampaignType(rawValue: self[.type].trimmingCharacters(in: .whitespaces)) else {
            throw Problem(field: .type, message: "\"\(self[.type])\" is not a type (\(CampaignType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let cron = self[.cron].trimmingCharacters(in: .whitespaces)
        let control = try Self.range(self[.control], .control).0 ?? 10
        var new = NewCampaign(name: self[.name].trimmingCharacters(in: .whitespaces), type: type, sequence: try steps(), targetSegment: try segment(),
                              schedule: CampaignSchedule(startDate: try Self.date(self[.start], .start), endDate: try Self.date(self[.end], .end),
                                                         timezone: self[.timezone].trimmingCharacters(in: .whitespaces), cron: cron.isEmpty ? nil : cron),
                              goals: CampaignGoals(targetCustomers: try Self.integer(self[.goalCustomers], .goalCustomers),
                                                   expectedRetention: try Self.integer(self[.goalRetained], .goalRetained)),
                              controlGroupPercent: control)
        new.description = nil
        do { try new.validate() } catch let e as RetentionError { throw Self.problem(e) }
        return new
    }

    /// The form field an engine error names (its `field`, a path of the API body).
    public static func problem(_ e: RetentionError) -> Problem {
        let path = e.field ?? ""
        let field: Field
        switch path {
        case let p where p.hasPrefix("targetSegment.healthScoreRange"): field = .health
        case let p where p.hasPrefix("targetSegment.tenureMonths"): field = .tenure
        case let p where p.hasPrefix("targetSegment.renewalWithinDays"): field = .renewal
        case let p where p.hasPrefix("targetSegment.lastContactOlderThanDays"): field = .lastContact
        case let p where p.hasPrefix("targetSegment.customFilters"): field = .metadata
        case let p where p.hasPrefix("schedule.timezone"): field = .timezone
        case let p where p.hasPrefix("schedule.endDate"): field = .end
        case let p where p.hasPrefix("schedule.startDate"): field = .start
        case let p where p.hasPrefix("schedule.cron"): field = .cron
        case let p where p.hasPrefix("touchpoints"): field = .steps
        case let p where p.hasPrefix("controlGroupPercent"): field = .control
        case let p where p.hasPrefix("goals.targetCustomers"): field = .goalCustomers
        case let p where p.hasPrefix("goals.expectedRetention"): field = .goalRetained
        case let p where p.hasPrefix("type"): field = .type
        default: field = .name
        }
        return Problem(field: field, message: e.message)
    }

    /// The cron line's next five runs after `now`, in the form's time zone, or why there are none.
    public func cronRuns(now: Int) -> [String] {
        let cron = self[.cron].trimmingCharacters(in: .whitespaces)
        guard !cron.isEmpty else { return [] }
        guard let zone = TimeZone(identifier: self[.timezone].trimmingCharacters(in: .whitespaces)) else { return ["(time zone unknown)"] }
        guard let schedule = try? CronSchedule(cron) else { return ["(not a cron expression)"] }
        var runs: [String] = []
        var after = Date(timeIntervalSince1970: Double(now))
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "EEE yyyy-MM-dd HH:mm"
        while runs.count < 5, let next = schedule.nextRun(after: after, in: zone) {
            runs.append(f.string(from: next))
            after = next
        }
        return runs.isEmpty ? ["(never fires)"] : runs
    }
}
