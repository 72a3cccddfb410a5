/// A usage mistake: printed with the command's usage line, exit 64 (EX_USAGE).
struct UsageError: Error {
    var message: String
    var usage: String
}

/// The words of one command line, split into options and positionals against the options the command
/// declares. Unknown options are errors, never ignored. `--name value` and `--name=value` both work;
/// `--` ends the options.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Options every command accepts.
    static let globalValueOptions: Set<String> = ["--db", "--user", "--today"]
    static let globalFlags: Set<String> = ["--help", "-h"]

    init(_ words: [String], valueOptions: Set<String>, flagOptions: Set<String>, usage: String) throws {
        let valueOptions = valueOptions.union(Self.globalValueOptions)
        let flagOptions = flagOptions.union(Self.globalFlags)
        var i = 0
        var optionsEnded = false
        while i < words.count {
            let w = words[i]
            i += 1
            // A negative number is a value, not an option (`config set policy.graceDays -1` is refused by the
            // setting's own check, naming it).
            if optionsEnded || !w.hasPrefix("-") || w == "-" || Double(w) != nil {
                positionals.append(w)
                continue
            }
            if w == "--" { optionsEnded = true; continue }
            var name = w
            var inlineValue: String?
            if let eq = w.firstIndex(of: "="), w.hasPrefix("--") {
                name = String(w[..<eq])
                inlineValue = String(w[w.index(after: eq)...])
            }
            if valueOptions.contains(name) {
                if let inlineValue { values[name] = inlineValue; continue }
                guard i < words.count else { throw UsageError(message: "\(name) needs a value", usage: usage) }
                values[name] = words[i]
                i += 1
            } else if flagOptions.contains(name), inlineValue == nil {
                flags.insert(name)
            } else {
                throw UsageError(message: "unknown option \(w)", usage: usage)
            }
        }
    }

    func value(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    func int(_ name: String, usage: String, range: ClosedRange<Int>) throws -> Int? {
        guard let s = values[name] else { return nil }
        guard let v = Int(s.replacingOccurrences(of: "_", with: "")), range.contains(v) else {
            throw UsageError(message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(s)\"", usage: usage)
        }
        return v
    }
}
