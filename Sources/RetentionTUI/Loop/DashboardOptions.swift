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
    /// Told after each frame is drawn what it showed; answering true ends the dashboard after that frame
    /// (nil: it runs until the user quits). A program that embeds or measures the dashboard watches it here.
    public var onFrame: (@Sendable (FrameEvent) -> Bool)?
    /// Whether quitting saves the user's choices (theme, sort, filters) for the next run.
    public var savesPreferences = true

    public init(databasePath: String, user: String) {
        self.databasePath = databasePath
        self.user = user
    }
}

/// What a frame just drawn showed (`DashboardOptions.onFrame`).
public struct FrameEvent: Sendable, Equatable {
    /// How many frames have been drawn, this one included.
    public var frame: Int
    /// The panes show the book's data (the first snapshot has arrived).
    public var panesLoaded: Bool
    /// The book-wide figures too: the header's metrics and every campaign's performance.
    public var figuresLoaded: Bool
    /// The detail pane shows the customer opened (Enter) or followed.
    public var detailShown = false
    /// The at-risk search whose rows are on screen (nil: none, or the rows are still being read for it).
    public var atRiskSearchShown: String?
}
