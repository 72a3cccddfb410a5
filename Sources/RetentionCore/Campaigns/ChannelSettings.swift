import Foundation

/// Where each channel's messages go, kept in `settings`, and the dispatcher's own setting: how long a
/// channel program may run.
extension Engine {
    public func channelAdapter(_ channel: ContactChannel) throws -> ChannelAdapter? {
        try db.settings.value(Settings.channelAdapter(channel))
    }

    /// Every Maildir and outbox folder messages were configured to go to, now or before (see
    /// `setChannelAdapter`), with the ones in use now.
    func messageFolders() throws -> [ChannelAdapter] {
        var folders = try db.settings.value(Settings.channelFolders)
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
            try db.settings.set(Settings.channelAdapter(channel), adapter)
            if adapter.writesFiles {
                // messageFolders() now includes the adapter just stored.
                try db.settings.set(Settings.channelFolders, try messageFolders())
            }
            try audit("channel.set", entity: "channel", id: channel.rawValue, details: .object([("kind", .string(adapter.kind.rawValue))]), now: now)
        }
    }

    func callingWindow() throws -> CallingWindow {
        try db.settings.value(Settings.contactWindow)
    }

    /// Seconds a `command` or `sendmail` program may run for one message (`dispatch.programTimeoutSeconds`).
    public func programTimeout() throws -> Int {
        try db.settings.value(Settings.programTimeout)
    }
}
