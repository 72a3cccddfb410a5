import RetentionCore

/// The at-risk filter line as typed after `/`, read: `agent:ID`, `type:LINE` and `tag:TAG` tokens (their keys in
/// any case, the line's name in any case), the other words a name or e-mail search. A token with nothing after its
/// colon, or a line that is not a policy type, makes the line one that cannot be applied: `problem` says what the
/// token needs, in a sentence for the status line, and the list is not read for it (an empty `agent:` would
/// match nobody and say nothing). Pure, so every hint is tested without a terminal.
public struct FilterLine: Sendable, Equatable {
    public var search: String?
    public var agentId: String?
    public var policyType: PolicyType?
    public var tag: String?
    /// What the first token at fault needs; nil when the line can be applied.
    public var problem: String?

    /// An agent's id to give as an example in `agent:`'s hint: the id, and the customer whose agent it is.
    public struct AgentExample: Sendable, Equatable {
        public var id: String
        public var customer: String
        public init(id: String, customer: String) { (self.id, self.customer) = (id, customer) }
    }

    /// The widest a token is echoed in a hint, so the hint fits a 120-column status line (a narrower one ends
    /// it with …; `type:` alone lists 13 lines, about 100 columns).
    static let echoColumns = 24

    public init(_ line: String, agentExample: AgentExample? = nil) {
        var words: [String] = []
        for token in line.split(separator: " ").map(String.init) {
            let lower = token.lowercased()
            if lower.hasPrefix("agent:") {
                let id = String(token.dropFirst(6))
                if id.isEmpty { note(Self.agentHint(agentExample)) } else { agentId = id }
            } else if lower.hasPrefix("type:") {
                let name = String(token.dropFirst(5))
                if let type = PolicyType(rawValue: name.lowercased()) { policyType = type } else { note(Self.typeHint(name)) }
            } else if lower.hasPrefix("tag:") {
                let tag = String(token.dropFirst(4))
                if tag.isEmpty { note("tag: needs a tag, e.g. tag:vip.") } else { self.tag = tag }
            } else {
                words.append(token)
            }
        }
        search = words.isEmpty ? nil : words.joined(separator: " ")
    }

    private mutating func note(_ sentence: String) {
        if problem == nil { problem = sentence }
    }

    /// The policy types, as `type:` takes them (slashed, so the whole hint fits a 120-column status line).
    static var typeNames: String { PolicyType.allCases.map(\.rawValue).joined(separator: "/") }

    static func agentHint(_ example: AgentExample?) -> String {
        guard let example else { return "agent: needs an agent's id (agent:ID, as in the agents table)." }
        return "agent: needs an agent's id, e.g. agent:\(echo(example.id)) (\(echo(example.customer))'s agent)."
    }

    /// `type:` alone lists the types; an unknown one names the types it may be the start of, else lists them all.
    static func typeHint(_ name: String) -> String {
        guard !name.isEmpty else { return "type: needs one of \(typeNames)." }
        let token = echo("type:" + name)
        let starts = PolicyType.allCases.map(\.rawValue).filter { $0.hasPrefix(name.lowercased()) }
        guard !starts.isEmpty else { return "\(token) is not one of \(typeNames)." }
        let choices = starts.count == 1 ? starts[0] : starts.dropLast().joined(separator: ", ") + " or " + starts.last!
        return "\(token) is not a policy type; did you mean \(choices)?"
    }

    /// Text from the user or the book as a hint shows it: made safe to draw, and cut (with …) to `echoColumns`.
    static func echo(_ text: String) -> String {
        DisplayWidth.truncate(DisplayText.clean(text), toColumns: echoColumns)
    }
}
