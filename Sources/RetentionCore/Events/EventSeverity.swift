public enum EventSeverity: String, CaseIterable, Sendable, Codable {
    case info, warning, critical
}
