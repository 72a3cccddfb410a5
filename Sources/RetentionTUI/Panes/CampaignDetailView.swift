import RetentionCore

/// The campaign detail (Enter on a campaign): the funnel sent → delivered → opened → clicked → responded as
/// bars, the same per step and per channel, sends and responses per day as sparklines, goal progress as bars,
/// cost by channel, then retention, uplift and ROI with their 95 % intervals (or "too early (N of M
/// measured)") and each A/B step's variants with its winner. Numbers read as `CampaignNumberFormat` writes
/// them (the CLI's `campaign performance` uses the same lines); bars and sparklines come from the `Bar` and
/// `Sparkline` widgets, so an ASCII terminal gets `#` and `.` cells.
public enum CampaignDetailView {
    /// The overlay's lines for a box `columns` wide.
    public static func lines(_ d: CampaignDetail, glyphs: Glyphs, columns: Int) -> [(String, StyleRole)] {
        typealias F = CampaignNumberFormat
        let p = d.performance
        let summary = p.summaryLines
        let barWidth = max(8, min(40, columns - 34))
        func bar(_ value: Int, of total: Int) -> String {
            Bar(value: total > 0 ? Double(value) / Double(total) * 100 : 0).text(width: barWidth, glyphs: glyphs)
        }
        func pad(_ s: String, _ n: Int) -> String { DisplayWidth.pad(s, toColumns: n) }
        func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - DisplayWidth.width(of: s))) + s }
        var out: [(String, StyleRole)] = [(summary[0], .emphasis), (summary[1], .overlay)]
        // The funnel of every touchpoint, each stage's bar against those sent.
        let t = p.touchpoints.byStatus
        let sent = t[.sent] ?? 0
        out.append(("Funnel", .emphasis))
        for stage in [TouchpointStatus.sent, .delivered, .opened, .clicked, .responded] {
            let n = t[stage] ?? 0
            out.append(("  " + pad(stage.rawValue, 10) + left(F.count(n), 8) + " " + bar(n, of: sent), .overlay))
        }
        out.append(("  " + summary[4].dropFirst(12), .overlay))
        out.append(("  pending \(F.count(t[.pending])), failed \(F.count(t[.failed])), skipped \(F.count(t[.skipped])), cancelled \(F.count(t[.cancelled]))", .dim))
        // Per step and per channel: sent → … → responded, and a bar of the responses against those sent.
        func funnelRows(_ title: String, _ rows: [CampaignDetail.Funnel]) {
            guard !rows.isEmpty else { return }
            out.append((title + " (sent → delivered → opened → clicked → responded; bar: responded of sent)", .emphasis))
            // Each stage's count right-aligned in the width of its largest, so the rows line up.
            let widths = (0..<5).map { k in rows.map { DisplayWidth.width(of: F.count($0.stages[k].1)) }.max() ?? 1 }
            for f in rows {
                let counts = f.stages.enumerated().map { k, s in left(F.count(s.1), widths[k]) }.joined(separator: " → ")
                out.append(("  " + pad(f.label, 12) + counts + "  " + bar(f.responded, of: f.sent), .overlay))
            }
        }
        funnelRows("Per step", d.steps)
        funnelRows("Per channel", d.channels)
        // Sends and responses per day.
        let spark = { (values: [Int]) in Sparkline(values: values.map(Double.init)).text(width: min(d.days, max(8, columns - 34)), glyphs: glyphs) }
        out.append(("\(d.days) days to \(Timestamp.formatDate(d.lastDay * Timestamp.secondsPerDay))", .emphasis))
        out.append(("  sends     " + spark(d.dailySent) + "  \(F.count(d.dailySent.reduce(0, +)))", .overlay))
        out.append(("  responses " + spark(d.dailyResponded) + "  \(F.count(d.dailyResponded.reduce(0, +)))", .overlay))
        // Cost by channel.
        let costs = d.channels.filter { $0.sent > 0 }.map { "\($0.label) \(F.money($0.cost))" }
        out.append(("Cost        \(F.money(p.cost))" + (costs.isEmpty ? "" : ": " + costs.joined(separator: ", ")), .overlay))
        // Retention, uplift, revenue and ROI with their intervals, or too early; the A/B steps.
        let early = p.measurement.tooEarlyText != nil
        for line in summary.dropFirst(6) where !line.hasPrefix("Goals") {
            out.append((line, line.hasPrefix("A/B") ? .emphasis : early ? .warning : .overlay))
        }
        // Goals as bars of their progress.
        let g = p.goals
        var goals: [(String, Double, Double?)] = [("customers", Double(g.targetCustomers.actual), g.targetCustomers.goal.map(Double.init))]
        if !early {
            goals.append(("retained", Double(g.expectedRetention.actual), g.expectedRetention.goal.map(Double.init)))
            goals.append(("revenue", g.expectedRevenue.actual, g.expectedRevenue.goal.map { Double($0) / 100 }))
        }
        out.append(("Goals", .emphasis))
        for (name, actual, goal) in goals {
            let text = name == "revenue" ? "\(F.money(actual)) of \(F.money(goal))" : "\(F.count(Int(actual))) of \(goal.map { F.count(Int($0)) } ?? "—")"
            let share = goal.map { $0 > 0 ? actual / $0 * 100 : 0 }
            out.append(("  " + pad(name, 10) + Bar(value: share ?? 0).text(width: barWidth, glyphs: glyphs) + " " + text
                        + (share.map { " (\(F.percent($0, places: 0)))" } ?? ""), .overlay))
        }
        if early { out.append(("  retained and revenue: \(p.measurement.tooEarlyText!)", .dim)) }
        return out
    }
}
