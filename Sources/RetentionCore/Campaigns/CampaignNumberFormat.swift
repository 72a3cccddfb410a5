import Foundation

/// How a campaign's numbers read, the same in the dashboard's pane and detail, `retention campaign
/// performance` and the report: one formatter, so "12,426" is never "12426" elsewhere.
public enum CampaignNumberFormat {
    /// 12426 → "12,426".
    public static func count(_ v: Int?) -> String { v.map(NumberText.grouped) ?? "—" }
    /// 45.237 → "45.2%"; nil → "—".
    public static func percent(_ v: Double?, places: Int = 1) -> String { v.map { String(format: "%.\(places)f%%", $0) } ?? "—" }
    /// Percentage points with a sign: 3.4 → "+3.4 pts".
    public static func points(_ v: Double?) -> String { v.map { String(format: "%+.1f pts", $0) } ?? "—" }
    /// Currency units: below $100 with cents ("$4.07"), from $100 in whole dollars grouped ("$12,345"), with a
    /// minus before the sign for a loss ("−$150").
    public static func money(_ v: Double?) -> String {
        guard let v else { return "—" }
        let sign = v < 0 ? "−" : ""
        let a = abs(v)
        return sign + "$" + (a < 100 ? String(format: "%.2f", a) : NumberText.grouped(Int(a.rounded())))
    }
    /// ROI and other large percentages: whole percent, grouped, signed ("+1,250%", "−100%").
    public static func roi(_ v: Double?) -> String {
        guard let v else { return "—" }
        let r = Int(v.rounded())
        return (r > 0 ? "+" : r < 0 ? "−" : "") + NumberText.grouped(abs(r)) + "%"
    }
    /// ROI for a table column (8 wide): as `roi` up to ±99,999 %, then in thousands of percent, rounded
    /// ("+173,771%" → "+174k%"), and in millions from ±10,000k % ("+12M%"): 8 columns at most below ±10¹⁰ %
    /// ("+9,999M%"), beyond any campaign's return.
    public static func roiShort(_ v: Double?) -> String {
        guard let v else { return "—" }
        let r = v.rounded()
        guard abs(r) >= 100_000 else { return roi(v) }
        let sign = r > 0 ? "+" : "−"
        let thousands = (abs(r) / 1_000).rounded()
        return thousands < 10_000 ? sign + NumberText.grouped(Int(thousands)) + "k%" : sign + NumberText.grouped(Int((abs(r) / 1_000_000).rounded())) + "M%"
    }
    /// A value with its 95 % interval: "+10.0 pts (−0.1 to +23.5)".
    public static func interval(_ i: CampaignStatistics.Interval?, _ format: (Double) -> String) -> String {
        guard let i else { return "—" }
        return "\(format(i.estimate)) (\(format(i.lower)) to \(format(i.upper)))"
    }
    /// Signed points without the unit, for an interval's bounds: "+3.4", "−0.1".
    public static func signed(_ v: Double) -> String {
        let t = String(format: "%.1f", abs(v))
        return (v < 0 && t != "0.0" ? "−" : "+") + t
    }
}

extension CampaignPerformance {
    /// The performance as a person reads it, a line each (`retention campaign performance` on a terminal and
    /// the dashboard's campaign detail): who was reached, the funnel, then retention, uplift and ROI with
    /// their intervals, or "too early (N of M measured)" while they cannot be judged yet; the A/B steps; goals.
    public var summaryLines: [String] {
        typealias F = CampaignNumberFormat
        let t = touchpoints.byStatus
        var lines = [
            "\(name) (\(status.rawValue))",
            "Customers   \(F.count(customers.targeted)) treated, \(F.count(customers.control)) control; reached \(F.count(customers.reached)), engaged \(F.count(customers.engaged))",
            "Funnel      sent \(F.count(t[.sent])) → delivered \(F.count(t[.delivered])) → opened \(F.count(t[.opened])) → clicked \(F.count(t[.clicked])) → responded \(F.count(t[.responded]))",
            "            pending \(F.count(t[.pending])), failed \(F.count(t[.failed])), skipped \(F.count(t[.skipped])), cancelled \(F.count(t[.cancelled]))",
            "Rates       delivery \(F.percent(touchpoints.rates.deliveryRate)), open \(F.percent(touchpoints.rates.openRate)), click \(F.percent(touchpoints.rates.clickRate)), response \(F.percent(touchpoints.rates.responseRate))",
            "Cost        \(F.money(cost))",
        ]
        if let early = measurement.tooEarlyText {
            lines += [
                "Retention   \(early); window \(measurement.windowDays) days after enrolment",
                "Uplift      \(early)",
                "ROI         \(early)",
            ]
        } else {
            let m = measurement
            lines += [
                "Retention   treated \(F.percent(retention.treatedRate)) vs control \(F.percent(retention.controlRate))",
                "Uplift      " + (m.uplift.map { F.interval($0) { F.signed($0) } + " pts, 95 % interval" } ?? "— (no control group)"),
            ]
            if let verdict = m.upliftVerdict(controlSize: customers.control) { lines.append("            \(verdict)") }
            lines += [
                "Revenue     retained \(F.money(revenue.retained)); incremental " + (m.incrementalRevenue.map { F.interval($0, F.money) } ?? F.money(revenue.incremental)),
                "ROI         \(F.roi(roi)); on uplift " + (m.roiOnUplift.map { F.interval($0, F.roi) } ?? F.roi(roiOnUplift)),
            ]
        }
        for v in variants {
            let verdict = v.winner.map { "winner \($0) (z = \(String(format: "%.2f", v.z ?? 0)), p = \(String(format: "%.3f", v.pValue ?? 0)))" }
                ?? (v.pValue.map { "no winner yet (p = \(String(format: "%.3f", $0)), not below 0.05)" } ?? "no winner yet (no responses to compare)")
            lines.append("A/B step \(v.step + 1)  \(verdict)")
            for (k, r) in v.variants.enumerated() {
                lines.append("            \(k == 0 ? "A" : "B") \(r.template): \(F.count(r.responded)) of \(F.count(r.delivered)) delivered responded (\(F.percent(r.responseRate)))")
            }
        }
        let g = goals
        func goal(_ actual: String, _ target: String?) -> String { target.map { "\(actual) of \($0)" } ?? actual }
        lines.append("Goals       customers \(goal(F.count(g.targetCustomers.actual), g.targetCustomers.goal.map { F.count($0) }))"
                     + (measurement.tooEarlyText == nil ? ", retained \(goal(F.count(g.expectedRetention.actual), g.expectedRetention.goal.map { F.count($0) }))"
                        + ", revenue \(goal(F.money(g.expectedRevenue.actual), g.expectedRevenue.goal.map { F.money(Double($0) / 100) }))" : ""))
        return lines
    }
}
