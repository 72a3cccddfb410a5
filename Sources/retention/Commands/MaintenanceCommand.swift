import Foundation
import RetentionCore

/// `retention maintenance [--dry-run]`: thins the score history by its retention policy and reclaims the space.
enum MaintenanceCommand {
    static let usage = "usage: retention maintenance [--dry-run]"

    static let spec = CommandSpec(
        name: "maintenance", summary: "Thin the score history by its retention policy and give the freed space back",
        usage: usage,
        help: """
        \(usage)

        Applies the score history's retention policy: every health-score and LTV history row younger than
        history.keepAllDays (default 90) stays; older ones are thinned to the last of each week (weeks start
        Monday, UTC) until history.keepWeeklyDays (default 365), then to the last of each month (see
        `retention config`). The freed pages go back to the file system with the same commit (the file is in
        auto-vacuum mode), and it reports the rows removed, the bytes reclaimed and how long each phase took.

        The first run on a file made before this release converts it once to incremental vacuum: a VACUUM that
        rewrites the whole file (it needs free disk space about the size of the file, and takes about a minute
        per few GB); the command says so when it does. Later runs only give back what was freed.

        While it deletes, it keeps up to 1 GiB of the file in memory (its page cache): the process grows to
        about 1.9 GB at a million customers with a year of history.

        Safe to stop at any moment (even kill -9): the thinning of both history tables and the giving back of
        the freed pages are one transaction (when one row in eight or more of a table goes, its customer index
        is dropped while the rows are deleted and rebuilt after), and so is the conversion; stopped, the
        history is as it was, and running it again does the whole job. It ends by saying how long each phase
        took.

        Options:
          --dry-run   say what would be removed and whether the file needs converting; change nothing
        """,
        flagOptions: ["--dry-run"],
        run: run)

    static func run(_ args: ParsedArguments, _ env: CommandEnvironment) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError(message: "unexpected \(args.positionals[0])", usage: usage) }
        let engine = try env.openEngine(create: false)
        let dryRun = args.flag("--dry-run")
        let tty = env.stderrIsTerminal
        let clock = PhaseClock()
        let report = try engine.maintain(now: env.now, dryRun: dryRun) { phase in
            clock.observe(phase)
            switch phase {
            case .began(let name) where name.hasPrefix("converting"):
                FileHandle.standardError.write(Data("retention: converting the file to incremental vacuum, once: it is rewritten whole (needs free space about its size)…\n".utf8))
            case .progress(let name, let done, let total?) where tty && total > 0:
                FileHandle.standardError.write(Data("\r\(name): \(done * 100 / total)%\u{1B}[K".utf8))
            case .ended where tty:
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            default: break
            }
        }
        let mb = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        if dryRun {
            Output.out("Would remove \(report.healthRowsThinned) health-score and \(report.ltvRowsThinned) LTV history rows (nothing changed).")
            Output.out(report.needsConversion
                       ? "Would convert the file (\(mb(report.bytesBefore))) once to incremental vacuum with a VACUUM that rewrites it whole."
                       : "Would give back the free pages: \(mb(report.freeBytesBefore)) free now, plus what the removed rows held.")
        } else {
            Output.out("Removed \(report.healthRowsThinned) health-score and \(report.ltvRowsThinned) LTV history rows; "
                       + "reclaimed \(report.bytesReclaimed) bytes (\(mb(report.bytesBefore)) -> \(mb(report.bytesAfter)))"
                       + (report.convertedToIncremental ? "; the file was converted to incremental vacuum (once)." : "."))
        }
        if !clock.ended.isEmpty {
            Output.out("Took " + clock.ended.map { "\($0.phase) \(String(format: "%.1f", $0.seconds)) s" }.joined(separator: ", ") + ".")
        }
        return ExitCode.ok
    }
}
