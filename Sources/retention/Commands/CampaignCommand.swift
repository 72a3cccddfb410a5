import Foundation
import RetentionCore

/// `retention campaign list|preview|activate|pause|cancel|tick`: campaigns from the command line.
enum CampaignCommand {
    static let usage = "usage: retention campaign list [--status S]\n       retention campaign preview|activate|pause|cancel|performance ID\n       retention campaign tick"

    static let spec = CommandSpec(
        name: "campaign", summary: "List, preview, activate, pause, cancel campaigns; run due schedules (tick)",
        usage: usage,
        help: """
        \(usage)

        list         campaigns, newest first (status, type, name, id)
        preview ID   how many customers the campaign would enrol now, and the first of them
        activate ID  activate a draft or scheduled campaign (or resume a paused one)
        pause ID     hold every pending touchpoint
        cancel ID    cancel every pending touchpoint; final
        performance ID  the performance report as JSON
        tick         activate scheduled campaigns whose start has come, run due cron enrolments, complete
                     campaigns past their end date (run it every few minutes from cron or a systemd timer)
        Create campaigns with `retention api POST /campaigns --data @campaign.json`.
        """,
        valueOptions: ["--status"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard let verb = args.positionals.first else { throw UsageError(message: "expected a campaign command", usage: usage) }
        let engine = try env.openEngine(create: false)
        let now = env.now
        func id() throws -> String {
            guard args.positionals.count == 2 else { throw UsageError(message: "\(verb) needs a campaign id", usage: usage) }
            return args.positionals[1]
        }
        switch verb {
        case "list":
            let status = try args.value("--status").map { s -> CampaignStatus in
                guard let v = CampaignStatus(rawValue: s) else { throw UsageError(message: "unknown status \"\(s)\"", usage: usage) }
                return v
            }
            let campaigns = try engine.campaigns(status: status)
            // Nothing to list is said on the error stream, so a script reading the list still reads no lines.
            if campaigns.isEmpty {
                Output.err(status.map { "No \($0.rawValue) campaigns." } ?? "No campaigns yet: create one with `retention api POST /campaigns --data @campaign.json`.")
            }
            for c in campaigns {
                Output.out("\(c.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(c.type.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(c.id)  \(c.name)")
            }
        case "preview":
            let p = try engine.previewCampaign(id: try id(), limit: 20, now: now)
            Output.out("\(p.count) customers match.")
            for c in p.customers { Output.out("  \(c.fullName)  \(c.email)  \(c.churnRisk.rawValue)  health \(JSONValue.format(number: c.healthScore))") }
        case "activate", "pause", "cancel":
            let target: CampaignStatus = verb == "activate" ? .active : verb == "pause" ? .paused : .cancelled
            let c = try engine.setCampaignStatus(id: try id(), CampaignStatusChange(to: target), now: now)
            Output.out("Campaign \"\(c.name)\" is now \(c.status.rawValue).")
        case "performance":
            Output.out(try engine.campaignPerformance(id: try id(), now: now).json.serialized(pretty: true))
        case "tick":
            // Policies past expiration and grace end first, so the campaigns see who is still a customer.
            let expiry = try engine.expireOverduePolicies(now: now)
            Output.out("policies past their renewal grace: \(expiry.description)")
            let s = try engine.runDueCampaigns(now: now)
            Output.out("activated \(s.activated.count), ran \(s.runs.count) (enrolled \(s.enrolled)), completed \(s.completed.count)")
        default:
            throw UsageError(message: "unknown campaign command \"\(verb)\"", usage: usage)
        }
        return ExitCode.ok
    }
}
