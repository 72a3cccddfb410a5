import Foundation

/// What the dashboard knows about the book's file before opening it: whether it exists (a path that does
/// not is a new, empty book, and the dashboard says so), and whether it can be changed.
///
/// The book is opened read-only, with the keys that change it disabled, when the file is not writable by
/// this user, when its mode gives nobody write permission (`chmod 0444`: read-only on purpose, even for
/// root, whom the system would let write), or when its folder is not writable (SQLite writes its journal
/// files beside the database).
struct BookAccess {
    let path: String
    /// The file was there before the dashboard opened it.
    let existed: Bool
    /// Why the book cannot be changed; nil when it can.
    let readOnlyReason: String?

    init(path: String) {
        self.path = path
        var st = stat()
        existed = stat(path, &st) == 0
        readOnlyReason = existed ? Self.readOnlyReason(path: path, mode: st.st_mode) : nil
    }

    static func readOnlyReason(path: String, mode: mode_t) -> String? {
        let name = (path as NSString).lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        if mode & 0o222 == 0 || access(path, W_OK) != 0 {
            return "Read-only book (\(name) cannot be written): nothing can be changed here."
        }
        if access(folder.isEmpty ? "." : folder, W_OK) != 0 {
            return "Read-only book (the folder of \(name) cannot be written): nothing can be changed here."
        }
        return nil
    }

    /// Puts the book's name, its read-only reason and a new book's notice into the opening state, and where
    /// `y`'s clipboard copies go in this terminal.
    func describe(into state: inout DashboardState, environment: [String: String]) {
        state.keys.bookName = (path as NSString).lastPathComponent
        state.keys.readOnlyReason = readOnlyReason
        state.keys.clipboardRoute = ClipboardRoute.detect(environment)
        if !existed {
            state.status = ("No book was at \(path): a new, empty book was created there. Check the path, or import customers (retention import).", true)
        } else if let readOnlyReason, state.status == nil {
            state.status = (readOnlyReason + " The keys that would are dimmed; ? says why.", true)
        }
    }
}
