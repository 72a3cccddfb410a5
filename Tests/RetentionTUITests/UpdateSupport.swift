import Foundation
@testable import RetentionTUI

/// A fixed instant for driving `update` in tests (the update never reads the clock).
let updateNow = Date(timeIntervalSince1970: 1_795_000_000)

extension DashboardState {
    /// A key through the one `update`, at a fixed instant.
    mutating func handle(_ key: Key) -> [Effect] { update(.key(key), now: updateNow) }
    /// A paste through the one `update`.
    mutating func paste(_ text: String) -> [Effect] { update(.paste(text), now: updateNow) }
}
