import Foundation

/// A customer assigned to a specialist, or unassigned (`Engine.assign`, `POST /customers/:id/assign`).
public struct Assignment: Sendable, Equatable {
    /// The specialist (`nil` unassigns): one line of at most 100 characters.
    public var assignedTo: String?
    public init(to assignedTo: String?) { self.assignedTo = assignedTo }

    public func validate() throws {
        if let assignedTo { _ = try Validation.text(assignedTo, field: "assignedTo", maxLength: 100) }
    }
}

/// A customer hidden from the at-risk queue until a date, or woken (`Engine.snooze`, `POST /customers/:id/snooze`).
public struct Snooze: Sendable, Equatable {
    /// The start of the day the customer comes back (`nil` wakes them now): a date after today.
    public var until: Int?
    public init(until: Int?) { self.until = until }

    public func validate(now: Int) throws {
        if let until, until <= Timestamp.startOfDay(now) {
            throw RetentionError.invalid("until", "must be a date after today (\(Timestamp.formatDate(now)))")
        }
    }
}

/// A contact with the customer and how it went (`Engine.logContact`, `POST /customers/:id/contacts`): one
/// `contact_made` event, tied to a policy when given, and, with a follow-up, one open follow-up task.
public struct ContactLog: Sendable, Equatable {
    public var channel: ContactChannel
    public var outcome: Engine.ContactOutcome
    /// Up to 2,000 characters, line breaks allowed.
    public var note: String?
    /// The policy the contact was about (its id or policy number; the customer's own).
    public var policy: String?
    /// When to follow up (an instant after now, within a year): an open task for the person logging it.
    public var followUpAt: Int?

    public init(channel: ContactChannel, outcome: Engine.ContactOutcome, note: String? = nil, policy: String? = nil, followUpAt: Int? = nil) {
        self.channel = channel
        self.outcome = outcome
        self.note = note
        self.policy = policy
        self.followUpAt = followUpAt
    }

    public func validate(now: Int) throws {
        if let note { _ = try Validation.text(note, field: "note", maxLength: 2000, multiline: true) }
        if let policy { _ = try Validation.text(policy, field: "policyId", maxLength: 100) }
        if let followUpAt {
            if followUpAt <= now {
                throw RetentionError.invalid("followUpAt", "must be after now (\(Timestamp.formatInstant(now))), got \(Timestamp.formatInstant(followUpAt))")
            }
            if followUpAt > now + 366 * Timestamp.secondsPerDay {
                throw RetentionError.invalid("followUpAt", "must be within a year of now, got \(Timestamp.formatInstant(followUpAt))")
            }
        }
    }
}

/// A task marked done or open again (`Engine.setTaskStatus`, `PATCH /tasks/:id`).
public struct TaskStatusChange: Sendable, Equatable {
    public var status: AgentTask.Status
    public init(to status: AgentTask.Status) { self.status = status }
}
