/// The ways Retention reaches a customer: the spec's touchpoint types.
public enum ContactChannel: String, CaseIterable, Sendable, Codable {
    case email, sms, call, notification, mail
}
