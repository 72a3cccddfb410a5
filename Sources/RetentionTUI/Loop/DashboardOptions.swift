import Foundation
import RetentionCore

/// Options of `retention tui`.
public struct DashboardOptions: Sendable {
    public var databasePath: String
    public var user: String
    public var refreshSeconds: Double = 5
    public var themeName: String?
    public var mouse = true
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// For the benchmark: quit as soon as a frame shows the panes' data, or the panes and the header.
    public var exitAfterFirstFrame: FirstFrame?

    public enum FirstFrame: String, Sendable { case panes, complete }

    public init(databasePath: String, user: String) {
        self.databasePath = databasePath
        self.user = user
    }
}
