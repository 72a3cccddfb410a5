import Foundation

/// Maildir and outbox staging: a message is written to a temporary name, a batch is flushed to disk
/// together, then each file is renamed to its final name and the folder flushed, so a crash leaves either
/// a complete message under its final name or none (a temporary file at most, which recovery removes).
extension ChannelAdapter {
    /// A message written to its temporary name, not yet flushed to disk or visible to readers.
    struct StagedFile {
        var temporary: String
        var final: String
        var descriptor: Int32
        /// The folders of the temporary and the final name.
        var temporaryFolder: String
        var finalFolder: String
    }

    /// Writes one message of a file channel to its temporary name (`tmp/` in a Maildir, a dot-file in an
    /// outbox) without flushing; `deliver` makes a batch of them durable and visible.
    /// The folders are created when missing, checked once per dispatch pass (`readyFolders` holds the targets
    /// already checked).
    func stage(id: String, channel: ContactChannel, to: String, subject: String?, body: String, readyFolders: inout Set<String>) throws -> StagedFile {
        let ready = readyFolders.contains(target)
        switch kind {
        case .maildir:
            for sub in ["tmp", "new", "cur"] where !ready { try Self.makePrivateFolder(target + "/" + sub) }
            readyFolders.insert(target)
            return try writeTemporary(Self.rfc5322(id: id, to: to, subject: subject, body: body), directory: target, name: "\(id).retention")
        default:
            if !ready { try Self.makePrivateFolder(target) }
            readyFolders.insert(target)
            return try writeTemporary(Self.json(id: id, channel: channel, to: to, subject: subject, body: body), directory: target, name: "\(id).json")
        }
    }

    /// Makes sure a message folder exists, creating it and its missing parents readable by the owner alone
    /// (0700, whatever the umask allows beyond that): the messages in it hold personal data. A path that is a
    /// file, or a folder that cannot be created, is an error that names the path.
    static func makePrivateFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw RetentionError.storage("\(path) is a file, not a folder: messages cannot be written there (see `retention channel set`).")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RetentionError.storage("Cannot create the message folder \(path): check that its parent folders exist, are folders and are writable.")
        }
    }

    /// Makes staged messages durable and then visible: every file is flushed to disk, then renamed to its
    /// final name, then the folder itself is flushed so the renames survive a crash.
    /// Returns, per message, nil when delivered or the reason it was not.
    ///
    /// On Linux one `syncfs` per folder flushes the whole batch in a single disk commit (and reports a
    /// failed write-back of any of its files: then every message of that folder counts as not delivered,
    /// since which one failed cannot be told). Elsewhere each file is flushed with `fsync`, the flushes
    /// running concurrently so the file system can still commit them together.
    static func deliver(_ staged: [StagedFile]) -> [String?] {
        var outcome = flushStaged(staged)
        var folders = Set<String>()
        for (i, file) in staged.enumerated() {
            close(file.descriptor)
            if outcome[i] == nil { outcome[i] = moveIntoPlace(file) }
            if outcome[i] != nil { unlink(file.temporary) } else { folders.insert(file.finalFolder) }
        }
        syncFolders(folders)
        return outcome
    }

    /// Flushes staged messages to disk (see `deliver`); per message, nil or the reason it could not be.
    static func flushStaged(_ staged: [StagedFile]) -> [String?] {
        zip(staged, flush(staged)).map { file, error in
            error == 0 ? nil : "cannot flush \(file.temporary): \(String(cString: strerror(error)))"
        }
    }

    /// Renames a flushed message to its final name (its temporary file stays on failure); nil, or the reason.
    static func moveIntoPlace(_ file: StagedFile) -> String? {
        rename(file.temporary, file.final) == 0 ? nil : "cannot move the message into \(file.final): \(String(cString: strerror(errno)))"
    }

    /// Flushes folders so the renames into them survive a crash.
    static func syncFolders(_ folders: Set<String>) {
        for folder in folders {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
    }

    /// Flushes the staged files' contents to disk; per file, 0 or the error number of a failed flush.
    private static func flush(_ staged: [StagedFile]) -> [Int32] {
        if let syncfs = syncFileSystem {
            var errorByFolder: [String: Int32] = [:]
            for file in staged {
                let folder = file.temporaryFolder
                if errorByFolder[folder] == nil { errorByFolder[folder] = syncfs(file.descriptor) == 0 ? 0 : errno }
            }
            return staged.map { errorByFolder[$0.temporaryFolder] ?? 0 }
        }
        var flushErrors = [Int32](repeating: 0, count: staged.count)
        flushErrors.withUnsafeMutableBufferPointer { results in
            // Flushing waits on the disk, not the processor, so many threads each flush a share of the files
            // (each writes only its own elements).
            nonisolated(unsafe) let errors = results
            let threads = min(32, staged.count)
            let done = DispatchGroup()
            for t in 0..<threads {
                done.enter()
                Thread {
                    for i in stride(from: t, to: staged.count, by: threads) where fsync(staged[i].descriptor) != 0 { errors[i] = errno }
                    done.leave()
                }.start()
            }
            done.wait()
        }
        return flushErrors
    }

    /// `syncfs(2)` (Linux), looked up in the C library when first used: `<unistd.h>` declares it only under
    /// `_GNU_SOURCE`, which Swift's Glibc module does not set. Nil elsewhere, or where the C library lacks it:
    /// then each file is flushed with `fsync`.
    static let syncFileSystem: (@convention(c) (Int32) -> Int32)? = {
        #if os(Linux)
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        #else
        return nil
        #endif
    }()
    /// Writes `text` to the message's temporary name (`directory/tmp` in a Maildir, a dot-file in an
    /// outbox), private to its owner (0600), and returns it open for `deliver`.
    private func writeTemporary(_ text: String, directory: String, name: String) throws -> StagedFile {
        let temporaryFolder = kind == .maildir ? "\(directory)/tmp" : directory
        let finalFolder = kind == .maildir ? "\(directory)/new" : directory
        let temporary = kind == .maildir ? "\(temporaryFolder)/\(name)" : "\(directory)/.\(name).tmp"
        let final = "\(finalFolder)/\(name)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RetentionError.storage("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                throw RetentionError.storage("cannot write \(temporary): \(reason)")
            }
            bytes = bytes.dropFirst(written)
        }
        return StagedFile(temporary: temporary, final: final, descriptor: fd, temporaryFolder: temporaryFolder, finalFolder: finalFolder)
    }

    /// The final names a message `uuid` of this folder may have: Maildir `new/ID.retention` or, once a
    /// mail reader saw it, `cur/ID.retention:FLAGS` (`seen` lists `cur/`); outbox `ID.json`.
    func deliveredCopyExists(uuid: String, seen: Set<String>) -> Bool {
        switch kind {
        case .maildir: access("\(target)/new/\(uuid).retention", F_OK) == 0 || seen.contains("\(uuid).retention")
        case .outbox: access("\(target)/\(uuid).json", F_OK) == 0
        default: false
        }
    }

    /// The base names (before any `:flags`) of the messages in a Maildir's `cur/`.
    func seenMessages() -> Set<String> {
        guard kind == .maildir, let names = try? FileManager.default.contentsOfDirectory(atPath: target + "/cur") else { return [] }
        return Set(names.map { String($0.split(separator: ":", maxSplits: 1).first ?? Substring($0)) })
    }

    /// Removes a message's temporary file a stopped dispatcher may have left (never a delivered one).
    func removeStaged(uuid: String) {
        switch kind {
        case .maildir: unlink("\(target)/tmp/\(uuid).retention")
        case .outbox: unlink("\(target)/.\(uuid).json.tmp")
        default: break
        }
    }
}
