import Dispatch

/// Copies a writer's committed log pages into the database file on a connection and thread of its own
/// (`PRAGMA wal_checkpoint(PASSIVE)`), while the writer goes on with its next transaction.
///
/// Every commit in WAL mode writes its pages to the log; SQLite's automatic checkpoint then copies them into
/// the file inside the committing call, with the writer waiting. A long job that commits in steps
/// (`rescore --changed`) turns its own automatic checkpoint off and asks this one after each commit instead,
/// so the copying of one step overlaps the reading and applying of the next.
///
/// A passive checkpoint never waits for a lock and never blocks a reader or the writer: it copies what no open
/// read still needs and leaves the rest in the log. The log stays the record of every commit whatever happens
/// to the copying: a checkpoint that fails or is killed loses nothing, and the next one (at the latest when the
/// last connection closes) copies the rest. So a failure here is not the job's failure and is not reported.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let connection: Database
    private let queue = DispatchQueue(label: "retention.checkpoint")
    private let idle = DispatchGroup()
    private var pending = false
    private let lock = DispatchSemaphore(value: 1)

    /// A checkpointer for the book at `path` (a second connection, with a small page cache: it copies pages,
    /// it does not keep them).
    init(path: String) throws {
        var options = Database.Options(cacheKiB: 256)
        options.busyTimeoutMilliseconds = 0
        connection = try Database(path: path, options: options)
    }

    /// Asks for a checkpoint of everything committed so far; a request while one waits to start is the same one.
    func request() {
        lock.wait()
        defer { lock.signal() }
        guard !pending else { return }
        pending = true
        queue.async(group: idle) {
            self.lock.wait()
            self.pending = false
            self.lock.signal()
            try? self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }

    /// Waits until the checkpoints asked for have run. The log then starts again from its beginning at the writer's
    /// next transaction, when nothing else reads an older state of the book (while checkpoints run beside the
    /// writer it never does: that needs every page copied as the transaction begins).
    func finish() {
        idle.wait()
    }
}
