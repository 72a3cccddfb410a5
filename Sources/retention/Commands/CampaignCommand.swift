import Foundation
import RetentionCore

/// `retention campaign list|create|edit|preview|activate|pause|cancel|performance|tick`: campaigns from the command line.
enum CampaignCommand {
    static let usage = """
    usage: retention campaign list [--status S]
           retention campaign create --file campaign.json
           retention campaign edit ID --file campaign.json
           retention campaign preview|activate|pause|cancel ID
           retention campaign performance ID [--json]
           retention campaign tick
    """

    static let spec = CommandSpec(
        name: "campaign", summary: "List, preview, activate, pause, cancel campaigns; run due schedules (tick)",
        usage: usage,
        help: """
        \(usage)

        list         campaigns, newest first (status, type, name, id)
        create --file FILE  create a draft from a campaign file (the body of POST /campaigns; the README has a
                     commented example); prints its id. `-` reads standard input
        edit ID --file FILE  replace a draft's settings with the file's (only a draft can be edited)
        preview ID   how many customers the campaign would enrol now, and the first of them
        activate ID  activate a draft or scheduled campaign (or resume a paused one)
        pause ID     hold every pending touchpoint
        cancel ID    cancel every pending touchpoint; final
        performance ID  the performance: a readable summary on a terminal (retention, uplift and ROI with their
                     95 % intervals, or "too early (N of M measured)"; A/B steps), JSON with --json or when piped
        tick         activate scheduled campaigns whose start has come, run due cron enrolments, complete
                     campaigns past their end date (run it every few minutes from cron or a systemd timer)
        Bad fields are named (`touchpoints[1].delay: ...`) and nothing is written: exit 65; a missing file 66.
        """,
        valueOptions: ["--status", "--file"], flagOptions: ["--json"],
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
            let campaignID = try id()
            let pending = try engine.pendingTouchpoints(campaignId: campaignID)
            let c = try engine.setCampaignStatus(id: campaignID, CampaignStatusChange(to: target), now: now)
            let held = pending.reduce(0) { $0 + $1.count }
            let what = pending.map { "\(CampaignNumberFormat.count($0.count)) \($0.channel.rawValue)" }.joined(separator: ", ")
            switch (verb, c.status) {
            case ("pause", _) where held > 0: Output.out("Campaign \"\(c.name)\" is now paused: \(CampaignNumberFormat.count(held)) pending touchpoints held (\(what)).")
            case ("activate", .active) where held > 0: Output.out("Campaign \"\(c.name)\" is now active: \(CampaignNumberFormat.count(held)) pending touchpoints resume (\(what)).")
            default: Output.out("Campaign \"\(c.name)\" is now \(c.status.rawValue).")
            }
        case "create", "edit":
            guard let path = args.value("--file") else { throw UsageError(message: "\(verb) needs --file campaign.json", usage: usage) }
            let body = try NewCampaign(json: try readFile(path))
            if verb == "create" {
                guard args.positionals.count == 1 else { throw UsageError(message: "create takes no id", usage: usage) }
                let c = try engine.createCampaign(body, now: now)
                Output.err("Created draft \"\(c.name)\": activate it with `retention campaign activate \(c.id)`.")
                Output.out(c.id)
            } else {
                let c = try engine.editCampaign(id: try id(), body, now: now)
                Output.out("Campaign \"\(c.name)\" updated (version \(c.version)).")
            }
        case "performance":
            let p = try engine.campaignPerformance(id: try id(), now: now)
            // Like `report`: a summary to read on a terminal, JSON for a pipe or with --json.
            if args.flag("--json") || !env.stdoutIsTerminal {
                Output.out(p.json.serialized(pretty: true))
            } else {
                Output.out(p.summaryLines.joined(separator: "\n"))
            }
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

    /// A campaign file's JSON (`-` for standard input); an unreadable file is a missing input (exit 66).
    static func readFile(_ path: String) throws -> JSONValue {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw RetentionError(.invalid, code: "body_unreadable", "Cannot read the campaign file \(path).", field: "--file") }
        return try JSONValue.parse(String(decoding: data, as: UTF8.self))
    }
}
