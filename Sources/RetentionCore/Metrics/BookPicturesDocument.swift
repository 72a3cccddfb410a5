import Foundation

/// The book's pictures (`BookPictures`) as a standalone document for a slide deck: `html` (the charts as
/// inline SVG, the metric tables, CSS in a `<style>`) or `svg` (the three charts alone, one under the other,
/// in one SVG file). No external assets: no script, font, image or style sheet is fetched; the HTML holds
/// no URL at all, and the SVG file only its namespace name. Both are well-formed XML (the HTML is written
/// as XHTML-compatible HTML5), and every piece of user text (agent ids, line names) is escaped.
public enum BookPicturesDocument {
    /// Escapes `&`, `<`, `>`, `"` and `'` for XML and HTML text and attributes; control characters other
    /// than tab and newline (not allowed in XML 1.0) become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0) } ?? "n/a" }
    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The CSS classes of the survival curves, customers first.
    static let curveClasses = ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fff}
        h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
        td:first-child,th:first-child{text-align:left}
        svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}
        .axis{stroke:#999;stroke-width:1;fill:none}.grid{stroke:#eee;stroke-width:1}
        .kept{stroke:#1a7f37;stroke-width:2;fill:none}.churn{stroke:#cf222e;stroke-width:2;fill:none}
        .c0{stroke:#222;stroke-width:2.5;fill:none}.c1{stroke:#0969da;stroke-width:1.5;fill:none}.c2{stroke:#bf8700;stroke-width:1.5;fill:none}
        .c3{stroke:#8250df;stroke-width:1.5;fill:none}.c4{stroke:#cf222e;stroke-width:1.5;fill:none}.c5{stroke:#1a7f37;stroke-width:1.5;fill:none}
        .c6{stroke:#57606a;stroke-width:1.5;fill:none}
        .band0{fill:#dafbe1}.band1{fill:#fff8c5}.band2{fill:#ffddb0}.band3{fill:#ffc1c0}
        """

    /// The heat map's band (0 coolest … 3 hottest) of a share, as in the dashboard (`HeatMap`): ≥ 0.90, ≥ 0.75, ≥ 0.50, below.
    static func band(_ share: Double) -> Int { share >= 0.9 ? 0 : share >= 0.75 ? 1 : share >= 0.5 ? 2 : 3 }

    /// Monthly retention (left axis, from just under its lowest month to 100 %) and churn (0 to just over its highest).
    static func monthlyChart(_ p: BookPictures, width: Double = 720, height: Double = 260) -> String {
        let (left, right, top, bottom) = (50.0, 50.0, 20.0, 40.0)
        let w = width - left - right, h = height - top - bottom
        let kept = p.months.compactMap(\.retentionRate), churn = p.months.compactMap(\.churnRate)
        let keptLow = max(0, ((kept.min() ?? 0) - 1).rounded(.down)), churnHigh = min(100, ((churn.max() ?? 0) + 1).rounded(.up))
        let n = max(1, p.months.count - 1)
        func x(_ i: Int) -> Double { left + Double(i) / Double(n) * w }
        func points(_ values: [Double?], _ lo: Double, _ hi: Double) -> String {
            values.enumerated().compactMap { i, v in v.map { "\(number(x(i))),\(number(top + h - ($0 - lo) / max(1e-9, hi - lo) * h))" } }.joined(separator: " ")
        }
        var s = "<g>"
        s += "<text x=\"\(number(left))\" y=\"14\">Monthly retention (green, left axis \(number(keptLow))-100%) and churn (red, right axis 0-\(number(churnHigh))%)</text>"
        s += "<rect class=\"axis\" x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(w))\" height=\"\(number(h))\"/>"
        s += "<polyline class=\"kept\" data-series=\"retention\" points=\"\(points(p.months.map(\.retentionRate), keptLow, 100))\"/>"
        s += "<polyline class=\"churn\" data-series=\"churn\" points=\"\(points(p.months.map(\.churnRate), 0, churnHigh))\"/>"
        s += "<text x=\"4\" y=\"\(number(top + 10))\">100%</text><text x=\"4\" y=\"\(number(top + h))\">\(number(keptLow))%</text>"
        s += "<text x=\"\(number(left + w + 4))\" y=\"\(number(top + 10))\">\(number(churnHigh))%</text><text x=\"\(number(left + w + 4))\" y=\"\(number(top + h))\">0%</text>"
        for (i, m) in p.months.enumerated() where i % 3 == 0 || i == p.months.count - 1 {
            s += "<text x=\"\(number(x(i) - 18))\" y=\"\(number(top + h + 16))\">\(escape(m.label))</text>"
        }
        return s + "</g>"
    }

    /// Survival curves (steps), 0–100 %, months 0 to at most 60.
    static func survivalChart(_ p: BookPictures, width: Double = 720, height: Double = 260) -> String {
        let (left, right, top, bottom) = (50.0, 160.0, 20.0, 40.0)
        let w = width - left - right, h = height - top - bottom
        let months = max(1, min(60, p.curves.map { $0.points.last?.month ?? 0 }.max() ?? 0))
        var s = "<g><text x=\"\(number(left))\" y=\"14\">Survival (Kaplan-Meier), % still a customer or policy, months 0-\(months)</text>"
        s += "<rect class=\"axis\" x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(w))\" height=\"\(number(h))\"/>"
        s += "<text x=\"4\" y=\"\(number(top + 10))\">100%</text><text x=\"4\" y=\"\(number(top + h))\">0%</text>"
        s += "<text x=\"\(number(left))\" y=\"\(number(top + h + 16))\">0</text><text x=\"\(number(left + w - 30))\" y=\"\(number(top + h + 16))\">\(months) months</text>"
        for (i, curve) in p.curves.enumerated() {
            var pts: [String] = []
            var previous: Double?
            for point in curve.points where point.month <= months {
                let px = left + Double(point.month) / Double(months) * w, py = top + h - point.survival * h
                if let previous { pts.append("\(number(px)),\(number(previous))") }
                pts.append("\(number(px)),\(number(py))")
                previous = py
            }
            let cls = curveClasses[i % curveClasses.count]
            s += "<polyline class=\"\(cls)\" data-series=\"\(escape(curve.name))\" points=\"\(pts.joined(separator: " "))\"/>"
            let ly = top + 12 + Double(i) * 16
            s += "<line class=\"\(cls)\" x1=\"\(number(left + w + 10))\" y1=\"\(number(ly - 4))\" x2=\"\(number(left + w + 30))\" y2=\"\(number(ly - 4))\"/>"
            s += "<text x=\"\(number(left + w + 34))\" y=\"\(number(ly))\">\(escape(curve.name))\(curve.medianMonths.map { " (median \($0) mo)" } ?? "")</text>"
        }
        return s + "</g>"
    }

    /// The cohort triangle as coloured cells with their percentages, and the legend.
    static func cohortChart(_ p: BookPictures, width: Double = 720) -> (svg: String, height: Double) {
        let cell = 40.0, rowH = 18.0, labelW = 110.0, top = 36.0
        let height = top + Double(p.cohorts.count) * rowH + 30
        var s = "<g><text x=\"0\" y=\"14\">Cohorts: % still a customer k months after the month they joined</text>"
        for k in 1...max(1, p.cohorts.map(\.retained.count).max() ?? 1) {
            s += "<text x=\"\(number(labelW + Double(k - 1) * cell + 14))\" y=\"\(number(top - 4))\">\(k)</text>"
        }
        for (r, c) in p.cohorts.reversed().enumerated() {
            let y = top + Double(r) * rowH
            s += "<text x=\"0\" y=\"\(number(y + 13))\">\(escape(c.label)) (\(c.size))</text>"
            for (k, v) in c.retained.enumerated() {
                let x = labelW + Double(k) * cell
                s += "<rect class=\"band\(band(v))\" x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(cell - 2))\" height=\"\(number(rowH - 2))\"/>"
                s += "<text x=\"\(number(x + 8))\" y=\"\(number(y + 13))\">\(Int((v * 100).rounded()))</text>"
            }
        }
        let ly = top + Double(p.cohorts.count) * rowH + 16
        for (i, text) in ["90% and more", "75-89%", "50-74%", "under 50%"].enumerated() {
            let x = Double(i) * 130
            s += "<rect class=\"band\(i)\" x=\"\(number(x))\" y=\"\(number(ly - 10))\" width=\"14\" height=\"12\"/><text x=\"\(number(x + 18))\" y=\"\(number(ly))\">\(text)</text>"
        }
        return (s + "</g>", height)
    }

    static func svgElement(_ body: String, width: Double, height: Double, namespace: Bool) -> String {
        "<svg \(namespace ? "xmlns=\"http://www.w3.org/2000/svg\" " : "")width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\">\(body)</svg>"
    }

    /// The three charts in one standalone SVG file, one under the other (its CSS inside).
    public static func svg(_ p: BookPictures) -> String {
        let cohorts = cohortChart(p)
        let body = "<style>\(style)</style>" + monthlyChart(p) + "<g transform=\"translate(0,280)\">\(survivalChart(p))</g>"
            + "<g transform=\"translate(0,560)\">\(cohorts.svg)</g>"
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement(body, width: 720, height: 560 + cohorts.height, namespace: true) + "\n"
    }

    /// The standalone HTML page: the charts and the tables behind them.
    public static func html(_ p: BookPictures, title: String = "Retention: the book as pictures") -> String {
        func table(_ headers: [String], _ rows: [[String]]) -> String {
            "<table><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
                + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
        }
        let cohorts = cohortChart(p)
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>\(escape(title))</title><style>\(style)</style></head><body>"
        h += "<h1>\(escape(title))</h1><p>Computed \(escape(Timestamp.formatInstant(p.computedAt))). Trailing year: "
        h += "NRR <b id=\"nrr\">\(percent(p.netRevenueRetention))</b>, GRR <b id=\"grr\">\(percent(p.grossRevenueRetention))</b>.</p>"
        h += "<h2>Monthly retention and churn</h2>" + svgElement(monthlyChart(p), width: 720, height: 260, namespace: false)
        h += table(["Month", "Active at start", "Churned", "Retention", "Churn"],
                   p.months.map { [$0.label, String($0.activeAtStart), String($0.churned), percent($0.retentionRate), percent($0.churnRate)] })
        h += "<h2>Survival</h2>" + svgElement(survivalChart(p), width: 720, height: 260, namespace: false)
        let checkpoints = [3, 6, 12, 24, 36, 60]
        h += table(["Curve", "Median (months)"] + checkpoints.map { "\($0) months" },
                   p.curves.map { c in [c.name, c.medianMonths.map(String.init) ?? "none"] + checkpoints.map { k in c.survival(at: k).map { percent($0 * 100) } ?? "n/a" } })
        h += "<h2>Cohorts</h2>" + svgElement(cohorts.svg, width: 720, height: cohorts.height, namespace: false)
        let widest = p.cohorts.map(\.retained.count).max() ?? 0
        h += table(["Cohort", "Joined"] + (0..<widest).map { "\($0 + 1)" },
                   p.cohorts.map { c in [c.label, String(c.size)] + (0..<widest).map { $0 < c.retained.count ? percent(c.retained[$0] * 100) : "" } })
        h += "<h2>Agents</h2>"
        h += table(["Agent", "Customers", "Queue (at risk)", "Assigned", "Contacted this week", "Retention (year)"],
                   p.agents.map { [$0.name ?? $0.agentId, String($0.customers), String($0.queue), String($0.assigned), String($0.contactedThisWeek), percent($0.retentionRate)] })
        return h + "</body></html>\n"
    }
}
