import Foundation
import RetentionCore

/// `retention report`: the metrics, the cohort triangle and the survival tables, for managers.
enum ReportCommand {
    static let usage = "usage: retention report [--start DATE] [--end DATE] [--agent ID] [--cohorts quarter|year] [--format text|json|csv|html|svg] [--output FILE]"

    static let spec = CommandSpec(
        name: "report", summary: "Print a retention report: metrics, cohort triangle, survival curves",
        usage: usage,
        help: """
        \(usage)

        The period's metrics (default: the last 12 months), the cohort retention triangle (customers by the
        quarter or year they joined, the share still a customer after each following period), Kaplan–Meier
        survival of customers and of policies per line (median lifetime and 95 % Greenwood band), and the churn
        model in use with its calibration on the training holdout (predicted against observed churn by tenth,
        calibration slope and intercept; or that it is untrained), as text for reading, JSON for tools or CSV
        for a spreadsheet.

        --format html writes the book as pictures (the dashboard's manager view, key 5): monthly retention
        and churn over the last 24 complete months, the trailing year's NRR and GRR, survival of customers
        and of each line, the monthly cohort triangle as a heat map, each agent's queue and retention; the
        charts as inline SVG beside the tables behind them, in one standalone page with no external assets
        (no script, font, image or link). --format svg writes the three charts alone in one SVG file, one
        under the other. --output FILE writes the file (replaced whole once complete) instead of stdout.
        (--start, --end, --agent and --cohorts do not apply to these two: the pictures are of the whole book
        at today's date.)
        """,
        valueOptions: ["--start", "--end", "--agent", "--cohorts", "--format", "--output"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        let format = args.value("--format") ?? "text"
        guard ["text", "json", "csv", "html", "svg"].contains(format) else { throw UsageError(message: "--format must be text, json, csv, html or svg", usage: usage) }
        if args.value("--output") != nil && format != "html" && format != "svg" {
            throw UsageError(message: "--output writes an html or svg file; the other formats go to stdout", usage: usage)
        }
        if format == "html" || format == "svg" {
            let pictures = try env.openEngine(create: false).bookPictures(now: env.now)
            let document = format == "html" ? BookPicturesDocument.html(pictures) : BookPicturesDocument.svg(pictures)
            if let path = args.value("--output") {
                try Data(document.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                Output.err("Wrote \(path) (\(format), \(document.utf8.count) bytes).")
            } else {
                FileHandle.standardOutput.write(Data(document.utf8))
            }
            return ExitCode.ok
        }
        guard let grain = CohortGrain(rawValue: args.value("--cohorts") ?? "quarter") else { throw UsageError(message: "--cohorts must be quarter or year", usage: usage) }
        func date(_ name: String) throws -> Int? {
            guard let s = args.value(name) else { return nil }
            guard let t = Timestamp.parseDate(s) else { throw UsageError(message: "\(name) must be a date like 2024-01-31, got \"\(s)\"", usage: usage) }
            return t
        }
        let now = env.now
        let agent = args.value("--agent")
        let period: MetricsPeriod
        if let start = try date("--start") { period = try MetricsPeriod(startDate: start, endDate: try date("--end") ?? Timestamp.startOfDay(now), agentId: agent) }
        else { period = MetricsPeriod.trailingYear(now: now, agentId: agent) }
        let engine = try env.openEngine(create: false)
        let metrics = try engine.retentionMetrics(period)
        let cohorts = try engine.cohortRetention(grain: grain, agentId: agent, now: now)
        let customers = try engine.customerSurvival(agentId: agent, now: now)
        let policies = try engine.policySurvival(agentId: agent, now: now)
        let model = try engine.churnModelInfo()
        let checkpoints: [Double] = [3, 6, 12, 24, 36, 60]
        switch format {
        case "json":
            Output.out(JSONValue.object([("metrics", metrics.json), ("cohorts", cohorts.json), ("customerSurvival", customers.json(checkpoints: checkpoints)),
                                         ("policySurvival", .object(policies.map { ($0.0.rawValue, $0.1.json(checkpoints: checkpoints)) })),
                                         ("churnModel", .object((model.json.objectPairs ?? []) + [("calibration", model.calibration?.json ?? .null)]))])
                        .serialized(pretty: true))
        case "csv":
            var out = CSV.line(["section", "name", "key", "value"])
            for (group, value) in metrics.json.objectPairs ?? [] {
                for (key, v) in value.objectPairs ?? [] where v.doubleValue != nil || v.isNull {
                    out += CSV.line(["metrics", group, key, v.isNull ? "" : JSONValue.format(number: v.doubleValue!)])
                }
            }
            for c in cohorts.cohorts {
                out += CSV.line(["cohort", c.label, "customers", String(c.size)])
                for (k, r) in c.retained.enumerated() { out += CSV.line(["cohort", c.label, "period \(k + 1)", String(format: "%.1f", r * 100)]) }
            }
            func survival(_ km: KaplanMeier, _ t: Double) -> String { km.point(at: t).map { String(format: "%.1f", $0.survival * 100) } ?? "" }
            for t in checkpoints { out += CSV.line(["survival", "customers", "\(Int(t)) months", survival(customers, t)]) }
            for (type, km) in policies {
                for t in checkpoints { out += CSV.line(["survival", type.rawValue, "\(Int(t)) months", survival(km, t)]) }
            }
            out += CSV.line(["churn_model", "model", "trained", model.trained ? "true" : "false"])
            if let version = model.version { out += CSV.line(["churn_model", "model", "version", String(version)]) }
            if let auc = model.holdoutAUC { out += CSV.line(["churn_model", "model", "holdoutAUC", String(format: "%.4f", auc)]) }
            if let c = model.calibration {
                for (k, g) in c.groups.enumerated() {
                    for (key, value) in [("customers", String(g.count)), ("churned", String(g.churned)),
                                         ("predicted", String(format: "%.1f", g.meanPredicted * 100)), ("observed", String(format: "%.1f", g.observedRate * 100))] {
                        out += CSV.line(["calibration", "group \(k + 1)", key, value])
                    }
                }
                if let slope = c.slope { out += CSV.line(["calibration", "all", "slope", String(format: "%.4f", slope)]) }
                if let intercept = c.intercept { out += CSV.line(["calibration", "all", "intercept", String(format: "%.4f", intercept)]) }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        default:
            Output.out(text(metrics: metrics, cohorts: cohorts, customers: customers, policies: policies, checkpoints: checkpoints)
                       + "\n\n" + model.summaryLines.joined(separator: "\n"))
        }
        return ExitCode.ok
    }

    static func text(metrics m: RetentionMetrics, cohorts: CohortTable, customers: KaplanMeier, policies: [(PolicyType, KaplanMeier)], checkpoints: [Double]) -> String {
        func v(_ x: Double?, _ suffix: String = "") -> String { x.map { JSONValue.format(number: $0) + suffix } ?? "n/a" }
        func v(_ x: Int) -> String { String(x) }
        let c = m.customers, pol = m.policies, r = m.revenue, k = m.campaigns, h = m.health
        var lines = [
            "Retention report, \(Timestamp.formatDate(m.startDate)) to \(Timestamp.formatDate(m.endDate))\(m.agentId.map { ", agent \($0)" } ?? "")",
            "",
            "Customers   \(v(c.activeCustomers)) active of \(v(c.totalCustomers)); \(v(c.newCustomers)) new, \(v(c.churnedCustomers)) lost",
            "            retention \(v(c.retentionRate, "%")), churn \(v(c.churnRate, "%")), growth \(v(c.growthRate, "%"))",
            "Policies    \(v(pol.activePolicies)) in force; renewal \(v(pol.renewalRate, "%")), cancellation \(v(pol.cancellationRate, "%")), lapse \(v(pol.lapseRate, "%"))",
            "Revenue     earned $\(v(r.totalRevenue)); NRR \(v(r.netRevenueRetention, "%")), GRR \(v(r.grossRevenueRetention, "%")); average LTV $\(v(r.averageLTV))",
            "Campaigns   \(v(k.activeCampaigns)) active, \(v(k.touchpointsSent)) touchpoints sent; engagement \(v(k.engagementRate, "%")), conversion \(v(k.conversionRate, "%"))",
            "Health      average \(v(h.averageHealthScore)), satisfaction \(v(h.averageSatisfactionScore))",
            "",
            "Cohort retention (% of each cohort still a customer after n \(cohorts.grain.rawValue)s)",
        ]
        let width = min(12, cohorts.cohorts.map(\.retained.count).max() ?? 0)
        lines.append("cohort     size  " + (0..<width).map { String(format: "%6d", $0 + 1) }.joined())
        for co in cohorts.cohorts {
            lines.append(co.label.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "%6d  ", co.size)
                         + co.retained.prefix(width).map { String(format: "%6.1f", $0 * 100) }.joined())
        }
        lines += ["", "Survival (Kaplan–Meier, % still a customer or policy; 95 % band; — beyond the longest follow-up)",
                  "curve          median  " + checkpoints.map { ("\(Int($0)) mo" as String).padding(toLength: 19, withPad: " ", startingAt: 0) }.joined()]
        func row(_ name: String, _ km: KaplanMeier) -> String {
            name.padding(toLength: 14, withPad: " ", startingAt: 0) + (km.median.map { String(format: "%5.0f mo", $0) } ?? "   none ") + " "
                + checkpoints.map { t -> String in
                    // Beyond the longest follow-up nothing was observed: no figure.
                    // One decimal throughout, so the band visibly holds its estimate (98.7 (98.2-99.1), not (99-99)).
                    guard let p = km.point(at: t) else { return "  —               " }
                    return String(format: "%5.1f (%4.1f-%5.1f)", p.survival * 100, p.lower95 * 100, p.upper95 * 100)
                }.joined(separator: " ")
        }
        lines.append(row("customers", customers))
        for (type, km) in policies { lines.append(row(type.rawValue, km)) }
        return lines.joined(separator: "\n")
    }
}
