import Foundation
import RetentionCore

/// An import or a sync into a path where no book is yet. It is built as a new file beside the path, with no
/// journal (every page written once), and put in place, complete, only when it succeeds (`Store.buildNewFile`):
/// refused rows, a failure or a kill leave the path as it was, with no book and none of the folders the command
/// made for it.
struct NewBookBuild {
    let path: String
    /// The folders made for the book, outermost first; removed again (if still empty) when no book is made.
    private(set) var madeFolders: [String] = []

    /// The build for `path`, or nil when `path` is not a new book: a file (or a link, even a dangling one) or a
    /// book's log is there, or it names a memory database or a URI. Missing folders on the way are made (private
    /// to the owner, as a new book's folder always is).
    static func begin(at path: String) throws -> NewBookBuild? {
        let fm = FileManager.default
        guard path != ":memory:", !path.hasPrefix("file:") else { return nil }
        // attributesOfItem does not follow a last symbolic link: a link, even a dangling one, is not a new book here.
        guard (try? fm.attributesOfItem(atPath: path)) == nil, !fm.fileExists(atPath: path + "-wal") else { return nil }
        var build = NewBookBuild(path: path)
        var missing: [String] = []
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        while !fm.fileExists(atPath: folder, isDirectory: &isFolder) {
            missing.insert(folder, at: 0)
            let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
            if parent == folder { break }
            folder = parent
        }
        if missing.isEmpty && !isFolder.boolValue { return nil }   // a file where the folder should be: the open says so
        for folder in missing {
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                build.madeFolders.append(folder)
            } catch {
                build.removeMadeFolders()
                throw RetentionError.storage("Cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        return build
    }

    /// Runs `work` on the new book; the book is put in place only when `refused` says no to what it gave.
    /// Either way the outcome is returned once the path is as it will stay.
    func run<Outcome>(user: String, refused: (Outcome) -> Bool, _ work: (Engine) throws -> Outcome) throws -> Outcome {
        var kept: Outcome?
        do {
            return try Store.buildNewFile(at: path, replacing: false) { db in
                let outcome = try work(Engine(database: db, user: user))
                if refused(outcome) { kept = outcome; throw RefusedOutcome() }
                return outcome
            }
        } catch is RefusedOutcome {
            removeMadeFolders()
            return kept!
        } catch {
            removeMadeFolders()
            throw error
        }
    }

    /// Thrown out of the build to throw the new file away when the outcome is refused (kept aside meanwhile).
    private struct RefusedOutcome: Error {}

    /// Removes the folders this build made, innermost first, each only if it is still empty.
    private func removeMadeFolders() {
        for folder in madeFolders.reversed() { rmdir(folder) }
    }
}
