import RetentionCore

/// The specialist's sections of the customer detail: where the customer stands in the queues (snooze, owner,
/// follow-up), the compliance cues, why they are at risk in words, and what changed since the last score.
enum DetailSections {
    typealias Line = [(String, StyleRole)]

    /// Snooze, owner and the next follow-up (D7), and the compliance cues for their preferred channel (D16).
    static func triage(_ d: CustomerDetail, now: Int) -> [Line] {
        let c = d.customer
        var lines: [Line] = []
        var parts: Line = [("Queue ", .dim)]
        let standing = CustomerStatus(activePolicies: c.activePolicies, totalPolicies: c.totalPolicies)
        if standing != .active {
            // Only customers with a policy in force are in the at-risk queue.
            parts.append(("not in the queue (\(standing == .former ? "nothing in force" : "no policy yet"))", .dim))
        } else if let until = c.snoozedUntil, until > now {
            parts.append(("snoozed until \(Formatting.customerTime(until, in: d.zone, now: now))", .warning))
            parts.append((" (Z wakes)", .dim))
        } else if c.churnRisk == .low {
            // The at-risk queue starts at medium (the model's level).
            parts.append(("not in the queue (low risk)", .dim))
        } else {
            parts.append(("in the queue", .text))
        }
        parts.append(("  owner ", .dim))
        parts.append((c.assignedTo.map { d.agentNames[$0] ?? $0 } ?? "unassigned", .text))
        if c.assignedTo != nil { parts.append((" (U unassigns)", .dim)) }
        lines.append(parts)
        // The follow-up on a line of its own: its time in the customer's zone, named, is long.
        let followUp = d.tasks.filter { $0.reason == .contact_made }.min { $0.dueAt < $1.dueAt }
        parts = [("Follow-up ", .dim)]
        if let f = followUp {
            // In the customer's zone, named; overdue once its day there has passed.
            parts.append((Formatting.customerTime(f.dueAt, in: d.zone, now: now), f.dueDay(now: now) == .overdue ? .warning : .text))
            parts.append((" for \(d.agentNames[f.assignee] ?? f.assignee)", .dim))
        } else {
            parts.append(("none", .text))
        }
        lines.append(parts)
        if let o = d.riskOverride {
            lines.append([("Your level ", .dim), (o.level.rawValue, Formatting.riskRole(o.level)), (" (model: \(c.churnRisk.rawValue))", .dim),
                          ("  until \(Formatting.date(o.until))  by \(o.setBy): ", .dim), (o.reason, .text), ("  (o changes or clears it)", .dim)])
        }
        if let cues = d.cues {
            let said = cues.cues(for: cues.preferred, now: now)
            if !said.isEmpty { lines.append([("Before contacting: ", .riskHigh), (said.joined(separator: "; "), .warning)]) }
        }
        return lines
    }

    /// "Why" in words, each reason with its evidence dates and the model's contribution.
    static func why(_ d: CustomerDetail, now: Int) -> [Line] {
        guard !d.reasons.isEmpty else { return [] }
        var lines: [Line] = [[("Why", .tableHeader)]]
        for r in d.reasons.prefix(6) {
            var line: Line = [("  • ", .dim), (r.text, .text)]
            if let c = r.contribution { line.append((String(format: "  %@ %+.2f", r.feature ?? "", c), .dim)) }
            let dates = r.evidence.suffix(3).map { Formatting.date($0.occurredAt) }
            if !dates.isEmpty { line.append(("  (\(r.evidence.count > 3 ? "… " : "")\(dates.joined(separator: ", ")))", .dim)) }
            lines.append(line)
        }
        return lines
    }

    /// What changed at the last scoring: the churn probability and each component that moved, and the events
    /// between the two scorings. A first scoring says so.
    static func change(_ d: CustomerDetail, glyphs: Glyphs) -> [Line] {
        guard let ch = d.change else {
            return d.scorings == 1 ? [[("Since the last score ", .dim), ("first scoring: nothing to compare with", .text)]] : []
        }
        var lines: [Line] = []
        let mark = EngineAdapter.deltaMark(ch.churnDeltaPoints, glyphs: glyphs)
        lines.append([("Since \(Formatting.date(ch.previousAt)) ", .dim),
                      (String(format: "churn %.0f%% → %.0f%%", ch.churnBefore * 100, ch.churnAfter * 100), .text),
                      (mark.isEmpty ? "  unchanged" : "  \(mark) pts", ch.churnDeltaPoints > 0 ? .riskHigh : .dim),
                      (ch.riskBefore != ch.riskAfter ? "  \(ch.riskBefore.rawValue) → \(ch.riskAfter.rawValue)" : "", .warning)])
        let moved = ch.components.filter { $0.delta != 0 }
        if !moved.isEmpty {
            lines.append([("  ", .dim), (moved.map { String(format: "%@ %.1f → %.1f", $0.name, $0.before, $0.after) }.joined(separator: ", "), .text)])
        }
        if !ch.events.isEmpty {
            let names = ch.events.suffix(4).map { "\($0.type.rawValue.replacingOccurrences(of: "_", with: " ")) \(Formatting.date($0.occurredAt))" }
            lines.append([("  after ", .dim), ((ch.events.count > 4 ? "… " : "") + names.joined(separator: ", "), .text)])
        } else {
            lines.append([("  no event between the two scorings (time passing moved it)", .dim)])
        }
        return lines
    }

    /// The follow-up view of the at-risk pane (`F`): the user's open tasks due today or overdue on each
    /// customer's calendar, earliest first, each at its time in the customer's zone, the zone named.
    static func drawFollowUps(_ state: DashboardState, into canvas: inout Canvas, rect: Rect, now: Int) {
        let rows = state.followUpRows
        let overdue = rows.filter { $0.dueDay(now: now) == .overdue }.count
        let sep = canvas.glyphs.separator
        let title = "1 My follow-ups (\(rows.count)) \(sep) \(rows.count - overdue) due today, \(overdue) overdue \(sep) F for the queue"
        let inner = canvas.box(title: title, rect: rect, focused: state.focused == .atRisk)
        let columns = [
            // The time and the whole zone name fit at 120 columns ("UTC (no zone on file)" is the longest usual one).
            TableColumn("Due (their time)", minWidth: 16, maxWidth: 16), TableColumn("Zone", minWidth: 21, maxWidth: 21),
            TableColumn("Customer", minWidth: 9, maxWidth: 24, flex: 1), TableColumn("What", minWidth: 8, maxWidth: 60, flex: 4),
        ]
        let tableRows = rows.map { t in
            let late = t.dueDay(now: now) == .overdue
            return TableRow([TableCell(Formatting.dayAndTime(t.dueAt, in: t.customerZone.timeZone, now: now), role: late ? .warning : .text),
                             TableCell(Formatting.zoneName(t.customerZone)), TableCell(t.customerName),
                             TableCell(late ? "overdue: \(t.title)" : t.title, role: late ? .warning : nil)])
        }
        let empty = state.loading ? "Loading…" : "No follow-up due today for \(state.user). L sets one when you log a contact; F for the queue."
        let table = Table(columns: columns, rows: tableRows, selected: rows.isEmpty ? nil : state.atRiskSelection.index,
                          focused: state.focused == .atRisk, scrollOffset: state.atRiskSelection.offset, emptyText: empty)
        table.draw(into: &canvas, rect: inner)
    }
}
