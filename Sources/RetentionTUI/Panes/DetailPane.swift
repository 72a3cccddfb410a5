import RetentionCore

/// Everything about one customer: profile and contact preferences, scores, policies, touchpoints, events.
enum DetailPane: Pane {
    static let id = PaneID.detail
    /// The detail's keys are the customer keys (`KeyBindings.customer`), `d` among them, and `b`.
    static let bindings: [KeyBinding] = []

    /// The detail scrolls by lines: it lists no rows.
    static var tableState: WritableKeyPath<DashboardState, TableState>? { nil }

    static func rowIDs(_ state: DashboardState) -> [String] { [] }

    static func draw(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        guard let d = state.snapshot?.detail, d.customer.id == state.detailCustomerID else {
            let inner = canvas.box(title: "4 Customer detail", rect: rect, focused: state.focused == .detail)
            let text = state.detailCustomerID == nil ? "Select a customer in the at-risk or renewals list and press Enter." : "Loading…"
            // The hint wraps to the pane, never cut.
            for (i, line) in Table.wrap(text, columns: inner.width).prefix(inner.height).enumerated() {
                canvas.put(text: line, row: inner.row + i, col: inner.col, role: .dim, maxColumns: inner.width)
            }
            return
        }
        let c = d.customer
        let inner = canvas.box(title: "4 \(c.fullName)", rect: rect, focused: state.focused == .detail)
        var lines: [[(String, StyleRole)]] = []
        func line(_ parts: (String, StyleRole)...) { lines.append(parts) }
        func heading(_ s: String) { lines.append([]); lines.append([(s, .tableHeader)]) }
        line(("\(c.email)  ", .text), (c.phone ?? "no phone", .text), ("  \(c.city ?? "")\(c.state.map { ", \($0)" } ?? "")", .dim))
        let optOuts = c.optedOutChannels.isEmpty ? "none" : c.optedOutChannels.map(\.rawValue).joined(separator: ", ")
        line(("Prefers ", .dim), (c.preferredContactMethod?.rawValue ?? "—", .text), ("  opted out: ", .dim), (optOuts, .text),
             (c.doNotContact ? "  DO NOT CONTACT" : "", .riskCritical))
        line(("Agent ", .dim), (d.agentNames[c.agentId] ?? c.agentId, .text), ("  owner ", .dim), (c.assignedTo.map { d.agentNames[$0] ?? $0 } ?? "unassigned", .text),
             ("  since ", .dim), (Formatting.date(c.customerSince), .text), ("  last contact ", .dim), (Formatting.ago(c.lastContactDate, now: now), .text))
        if !c.tags.isEmpty { line(("Tags ", .dim), (c.tags.joined(separator: ", "), .text)) }
        lines += DetailSections.triage(d, now: now)
        let standing = CustomerStatus(activePolicies: c.activePolicies, totalPolicies: c.totalPolicies)
        switch standing {
        case .former:
            let left = d.policies.compactMap(\.endedAt).max()
            line(("Former customer: ", .riskHigh), ("nothing in force since \(Formatting.date(left)); a win-back, not a churn risk (b lists them).", .text))
        case .prospect:
            line(("Prospect: ", .warning), ("no policy yet, so nothing to lose: never in the at-risk queue or its counts.", .text))
        case .active: break
        }
        if !d.tasks.isEmpty {
            heading("Open tasks (d: done), times in \(Formatting.zoneName(d.zone))")
            for t in d.tasks {
                line(("due \(Formatting.dayAndTime(t.dueAt, in: d.zone.timeZone, now: now))  ", t.dueDay(now: now) == .overdue ? .warning : .dim), (t.title, .text),
                     ("  for \(d.agentNames[t.assignee] ?? t.assignee)", .dim))
            }
        }
        let why = DetailSections.why(d, now: now)
        if !why.isEmpty { lines.append([]); lines += why }
        heading("Scores")
        if c.scoredAt == nil {
            line(("Not scored yet: run `retention rescore` to compute health, churn and LTV.", .dim))
        } else {
            let band = c.healthScore >= 80 ? "excellent" : c.healthScore >= 60 ? "good" : c.healthScore >= 40 ? "fair" : "poor"
            line(("Health ", .dim), (String(format: "%.1f %@ ", c.healthScore, band), .text), (Bar(value: c.healthScore).text(width: 5, glyphs: canvas.glyphs), .bar),
                 // Health history on a fixed 0-100 scale, so a flat good score does not look like a crash.
                 ("  trend ", .dim), (Sparkline(values: d.healthHistory, scale: .fixed(lower: 0, upper: 100)).text(width: 20, glyphs: canvas.glyphs), .sparkline))
            lines += DetailSections.change(d, glyphs: canvas.glyphs)
            let scores = d.scores
            if !scores.components.isEmpty {
                for (key, label, weight) in [("engagement", "Engagement  ", "30%"), ("financial", "Financial   ", "30%"),
                                             ("satisfaction", "Satisfaction", "20%"), ("lifecycle", "Lifecycle   ", "20%")] {
                    let v = scores.components[key] ?? 0
                    line(("  \(label) ", .dim), (String(format: "%5.1f ", v), .text), (Bar(value: v).text(width: 5, glyphs: canvas.glyphs), .bar), (" ×\(weight)", .dim))
                }
            }
            // With nothing in force the formula still gives a level (the API's churnRisk), but it is no risk to
            // act on: shown dim, with why, instead of in the level's alarm colour.
            line(("Churn ", .dim), (String(format: "%.0f%% ", (c.churnProbability ?? 0) * 100), .text),
                 (c.churnRisk.rawValue, standing == .active ? Formatting.riskRole(c.churnRisk) : .dim),
                 (standing == .active ? "" : " by the formula, nothing in force", .dim),
                 ("  confidence ", .dim), (scores.confidence.map { String(format: "%.2f", $0) } ?? "—", .text))
            // The top factor as the at-risk list names it (one definition: `ChurnPrediction.top`), and the model behind the numbers.
            if scores.hasTopFactor {
                if let title = scores.topFactorTitle {
                    line(("  top factor ", .dim), (title, .text), (String(format: " %+.2f", scores.topFactorImpact), .dim))
                } else {
                    line(("  top factor ", .dim), ("—", .text), ("  nothing raises the risk by 0.05 or more", .dim))
                }
            }
            if let model = scores.model {
                let auc = model.holdoutAUC.map { String(format: ", holdout AUC %.2f", $0) } ?? ""
                let slope = model.calibrationSlope.map { String(format: ", calibration slope %.2f", $0) } ?? ""
                line(("  model ", .dim), (model.description + auc + slope, model.trained ? .text : .warning), (model.trained ? "" : " (M)", .dim))
            }
            if !scores.factors.isEmpty {
                let parts = scores.factors.prefix(4).map { f in "\(f.name) \(f.impact > 0 ? "+" : "")\(String(format: "%.2f", f.impact))" }
                line(("  factors ", .dim), (parts.joined(separator: ", "), .text))
            }
            for r in scores.recommendations.prefix(4) {
                line(("  → ", .dim), (r.action, r.highPriority ? .warning : .text), ("  \(r.expectedImpact)", .dim))
            }
            line(("LTV ", .dim), ("paid \(Formatting.cents(c.lifetimeValueCents))  projected \(Formatting.cents(c.projectedLTVCents))  tier \(c.ltvTier ?? "—")", .text),
                 ("  \(scores.ltv?.category ?? "")", .dim))
            if let l = scores.ltv {
                line(("  to date: revenue \(Formatting.money(l.totalRevenue))  cost \(Formatting.money(l.totalCost))  profit \(Formatting.money(l.netProfit))", .text),
                     ("  projected profit \(Formatting.money(l.projectedProfit))", .dim))
                line(("  renews next \(Formatting.percent(l.retentionRate))  lifespan \(l.averageLifespanMonths.map { String(format: "%.0f mo", $0) } ?? "—")", .dim))
                if !l.revenueByLine.isEmpty {
                    line(("  by line ", .dim), (l.revenueByLine.map { "\($0.line) \(Formatting.money($0.amount))" }.joined(separator: ", "), .text))
                }
            }
        }
        heading("Policies (\(c.activePolicies) in force of \(c.totalPolicies))")
        for p in d.policies {
            let role: StyleRole = p.status.isInForce ? .text : .dim
            line(("\(p.policyNumber)  \(p.policyType.rawValue)  \(p.status.rawValue)  \(Formatting.cents(p.annualPremiumCents))/yr  renews \(Formatting.date(p.renewalDate))  claims \(p.claimsCount)", role))
        }
        heading("Touchpoints")
        if d.touchpoints.isEmpty { line(("none yet", .dim)) }
        for t in d.touchpoints.prefix(10) {
            line(("\(Formatting.date(t.dueAt))  \(t.channel.rawValue)  \(t.template ?? "")  ", .text), (t.status.rawValue, t.status == .failed ? .statusError : .dim))
        }
        heading("Recent events")
        for e in d.events.prefix(15) {
            let role: StyleRole = e.severity == .critical ? .riskCritical : e.severity == .warning ? .warning : .text
            let summary = EngineAdapter.eventSummary(e)
            line(("\(Formatting.date(e.occurredAt))  ", .dim), (e.eventType.rawValue, role), ("  \(summary)", .dim))
        }
        let screenLines = wrapped(lines, width: inner.width)
        let start = min(state.detailScroll, max(0, screenLines.count - inner.height))
        for (i, parts) in screenLines.dropFirst(start).prefix(inner.height).enumerated() {
            var col = inner.col
            for (text, role) in parts where col < inner.right {
                col = canvas.put(text: text, row: inner.row + i, col: col, role: role, maxColumns: inner.right - col)
            }
        }
    }

    /// Lays each line's parts into screen lines `width` columns wide: what does not fit goes on, word by
    /// word, on continuation lines indented by four spaces, so a long recommendation or address is read
    /// in full by scrolling (only a single word wider than a line is cut).
    static func wrapped(_ lines: [[(String, StyleRole)]], width: Int) -> [[(String, StyleRole)]] {
        guard width > 8 else { return lines }
        let indent = "    "
        var out: [[(String, StyleRole)]] = []
        for parts in lines {
            var current: [(String, StyleRole)] = [], used = 0
            for (text, role) in parts {
                var rest = Substring(DisplayText.clean(text))
                while !rest.isEmpty {
                    if DisplayWidth.width(of: String(rest)) <= width - used {
                        current.append((String(rest), role)); used += DisplayWidth.width(of: String(rest))
                        break
                    }
                    // The longest start of `rest` that fits, ending before a space when there is one.
                    var fitEnd = rest.startIndex, lastSpace: Substring.Index?, columns = 0
                    for i in rest.indices {
                        let w = DisplayWidth.width(of: String(rest[i]))
                        if columns + w > width - used { break }
                        columns += w
                        fitEnd = rest.index(after: i)
                        if rest[i] == " " { lastSpace = i }
                    }
                    let lineIsFresh = used <= indent.count
                    var cut = lastSpace ?? (lineIsFresh ? fitEnd : rest.startIndex)
                    // A single character wider than a whole line (a cluster of many joined scalars) goes on
                    // a line of its own, cut by the canvas, so the loop always moves on.
                    if cut == rest.startIndex && lineIsFresh { cut = rest.index(after: rest.startIndex) }
                    if cut > rest.startIndex { current.append((String(rest[..<cut]), role)) }
                    out.append(current)
                    current = [(indent, .dim)]; used = indent.count
                    rest = rest[cut...].drop { $0 == " " }
                }
            }
            out.append(current)
        }
        return out
    }
}
