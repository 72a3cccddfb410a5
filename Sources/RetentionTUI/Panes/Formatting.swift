import Foundation
import RetentionCore

/// How numbers and dates read on screen.
enum Formatting {
    static func money(_ dollars: Double?) -> String {
        guard let d = dollars else { return "—" }
        // A loss: the sign before the dollar sign ("−$82", the minus sign the campaign figures use), never "$-82".
        if d <= -0.5 { return "\u{2212}" + money(-d) }
        if abs(d) >= 1_000_000 { return String(format: "$%.1fM", d / 1_000_000) }
        if abs(d) >= 10_000 { return String(format: "$%.0fk", d / 1_000) }
        return "$" + grouped(Int(d.rounded()))
    }
    static func cents(_ c: Int?) -> String { money(c.map { Double($0) / 100 }) }
    /// At most five characters, for a narrow column: "$519", "$7.9k", "$12k", "$1.2M".
    static func compactCents(_ c: Int?) -> String {
        guard let c else { return "—" }
        let d = Double(c) / 100
        if d <= -0.5 { return "\u{2212}" + compactCents(-c) }
        return d >= 1_000 && d < 10_000 ? String(format: "$%.1fk", d / 1_000) : money(d)
    }
    static func grouped(_ v: Int) -> String { NumberText.grouped(v) }
    static func percent(_ v: Double?, places: Int = 1) -> String { v.map { String(format: "%.\(places)f%%", $0) } ?? "—" }
    static func date(_ t: Int?) -> String { t.map(Timestamp.formatDate) ?? "—" }
    /// "3d ago", "5mo ago" for a past instant.
    static func ago(_ t: Int?, now: Int) -> String {
        guard let t else { return "never" }
        let days = (now - t) / 86_400
        if days < 1 { return "today" }
        // Whole calendar months from two on, as the detail's reasons count them ("no contact for 35 months").
        let months = Timestamp.wholeMonths(from: t, to: now)
        return months < 2 ? "\(days)d ago" : "\(months)mo ago"
    }
    static func riskRole(_ r: ChurnRisk) -> StyleRole {
        switch r {
        case .low: .riskLow
        case .medium: .riskMedium
        case .high: .riskHigh
        case .critical: .riskCritical
        }
    }
}
