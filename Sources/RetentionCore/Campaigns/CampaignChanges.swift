import Foundation

/// A campaign's move to a new status (`Engine.setCampaignStatus`, `PATCH /campaigns/:id/status`, and the
/// activate and pause routes): the engine refuses a move not allowed from the current status.
public struct CampaignStatusChange: Sendable, Equatable {
    public var status: CampaignStatus
    public init(to status: CampaignStatus) { self.status = status }
}

/// One customer enrolled by hand in a campaign (`Engine.enrolCustomer`, `POST /campaigns/:id/enrol`).
public struct CampaignEnrolment: Sendable, Equatable {
    /// The customer's id.
    public var customerId: String
    public init(customerId: String) { self.customerId = customerId }

    public func validate() throws {
        if customerId.isEmpty { throw RetentionError.invalid("customerId", "is required") }
    }
}

/// A touchpoint's progress as a channel reports it (`Engine.updateTouchpointStatus`,
/// `PATCH /touchpoints/:id/status`): a later stage, a failure, or a retry (`pending`) of a failed one.
public struct TouchpointStatusChange: Sendable, Equatable {
    public var status: TouchpointStatus
    /// Merged into the touchpoint's stored metadata (a JSON object; `error` of a failure is kept as its last error).
    public var metadata: JSONValue?

    public init(to status: TouchpointStatus, metadata: JSONValue? = nil) {
        self.status = status
        self.metadata = metadata
    }

    /// Only a status a channel reports, and metadata that is an object.
    public func validate() throws {
        guard TouchpointStatus.reportable.contains(status) else {
            throw RetentionError.invalid("status", "must be one of \(TouchpointStatus.reportable.map(\.rawValue).joined(separator: ", "))")
        }
        if let metadata, metadata.objectPairs == nil { throw RetentionError.invalid("metadata", "must be a JSON object") }
    }
}

/// The customer's response to a touchpoint (`Engine.recordTouchpointResponse`, `POST /touchpoints/:id/response`).
public struct TouchpointResponse: Sendable, Equatable {
    /// What the customer said: up to 5,000 characters, line breaks allowed.
    public var response: String
    public init(_ response: String) { self.response = response }

    public func validate() throws {
        if response.isEmpty { throw RetentionError.invalid("response", "is required") }
        _ = try Validation.text(response, field: "response", maxLength: 5000, multiline: true)
    }
}
