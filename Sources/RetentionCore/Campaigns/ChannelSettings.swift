import Foundation

/// Where each channel's messages go, kept in `settings`, and the dispatcher's own setting: how long a
/// channel program may run.
extension Engine {
    public func channelAdapter(_ channel: ContactChannel) throws -> ChannelAdapter? {
        guard let text = try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text("channel.\(channel.rawValue)")], { $0.text(0) }),
              let v = try? JSONValue.parse(text) else { return nil }
        return ChannelAdapter(json: v)
    }

    /// Every Maildir and outbox folder messages were configured to go to, now or before (see
    /// `setChannelAdapter`), with the ones in use now.
    func messageFolders() throws -> [ChannelAdapter] {
        var folders: [ChannelAdapter] = []
        if let text = try db.queryOne("SELECT value FROM settings WHERE key = 'channel.folders'", [], { $0.text(0) }),
           case .array(let items)? = try? JSONValue.parse(text) {
            folders = items.compactMap(ChannelAdapter.init(json:))
        }
        for channel in ContactChannel.allCases {
            if let a = try channelAdapter(channel), a.writesFiles, !folders.contains(a) { folders.append(a) }
        }
        return folders
    }

    /// Configures where a channel's messages go (`retention channel set CHANNEL KIND TARGET`). Audited.
    ///
    /// A folder is stored as an absolute path (a relative one is taken from the current directory), so a
    /// dispatch run from another directory, by cron say, writes where it was set up to. Every Maildir and
    /// outbox folder ever configured is remembered: erasing a customer removes their copies from all of
    /// them, not only from the folder in use now.
    public func setChannelAdapter(_ channel: ContactChannel, _ adapter: ChannelAdapter, now: Int) throws {
        guard !adapter.target.isEmpty else { throw RetentionError.invalid("target", "must name a folder or a command") }
        var adapter = adapter
        if adapter.writesFiles, !adapter.target.hasPrefix("/") {
            adapter.target = URL(fileURLWithPath: adapter.target).standardizedFileURL.path
        }
        try db.transaction {
            try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [.text("channel.\(channel.rawValue)"), .text(adapter.json.serialized())])
            if adapter.writesFiles {
                // messageFolders() now includes the adapter just stored.
                try db.run("INSERT OR REPLACE INTO settings (key, value) VALUES ('channel.folders', ?)",
                           [.text(JSONValue.array(try messageFolders().map(\.json)).serialized())])
            }
            try audit("channel.set", entity: "channel", id: channel.rawValue, details: .object([("kind", .string(adapter.kind.rawValue))]), now: now)
        }
    }
    func callingWindow() throws -> CallingWindow {
        guard let text = try db.queryOne("SELECT value FROM settings WHERE key = 'contact.window'", [], { $0.text(0) }) else { return CallingWindow() }
        return CallingWindow(parsing: text) ?? CallingWindow()
    }

    /// Seconds a `command` or `sendmail` program may run for one message (`dispatch.programTimeoutSeconds`).
    public func programTimeout() throws -> Int {
        guard let text = try db.queryOne("SELECT value FROM settings WHERE key = ?", [.text(DispatchSettings.programTimeoutKey)], { $0.text(0) }),
              let seconds = try? DispatchSettings.programTimeout(parsing: text) else { return DispatchSettings.defaultProgramTimeout }
        return seconds
    }
}

/// The dispatcher's settings.
public enum DispatchSettings {
    /// How long a channel program may take for one message before its process group is killed and the send
    /// recorded as failed: whole seconds, 1 to 3600, default 30.
    public static let programTimeoutKey = "dispatch.programTimeoutSeconds"
    public static let defaultProgramTimeout = 30

    /// The timeout from its text; an error naming the key for anything but a whole number of seconds in 1…3600.
    public static func programTimeout(parsing text: String) throws -> Int {
        guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), (1...3600).contains(seconds) else {
            throw RetentionError.invalid(programTimeoutKey, "must be a whole number of seconds from 1 to 3600; got \"\(text)\"")
        }
        return seconds
    }
}
