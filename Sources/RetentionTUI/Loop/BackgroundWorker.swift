import Dispatch
import Foundation
import RetentionCore

/// Runs engine work off the main loop, on its own database connection, one job at a time, and hands
/// finished results back through a mailbox the main loop drains between keys. Typing and scrolling
/// never wait for the database. The book-wide figures (seconds on a large book) run on a second queue
/// with a second connection, so a new filter or an action never waits behind them.
final class BackgroundWorker: @unchecked Sendable {
    /// A finished job's result, handed to `update` as `Message.result`.
    typealias Result = EffectResult

    private let queue = DispatchQueue(label: "retention.worker")
    private let figuresQueue = DispatchQueue(label: "retention.worker.figures")
    private let lock = NSLock()
    private var mailbox: [Result] = []
    private var engine: Engine?
    private var figuresEngine: Engine?
    private var figuresOpenError: String?
    private var openError: String?
    /// Pane and action jobs queued or running (the figures are not counted: the timer may refresh the panes meanwhile).
    private var busy = 0
    /// Under `lock`: when the book-wide figures are computed.
    private var figuresSchedule = FiguresSchedule<[Campaign]>()

    /// Opens the worker's own connection on its queue.
    init(databasePath: String, user: String, wakeupFD: Int32 = -1, readOnly: Bool = false) {
        self.wakeupFD = wakeupFD
        var chosen = Database.Options(cacheKiB: 4_000)
        if readOnly { (chosen.readOnly, chosen.create) = (true, false) }
        let options = chosen
        queue.async {
            do {
                self.engine = Engine(database: try Store.open(path: databasePath, options: options), user: user)
            } catch {
                self.openError = "\(error)"
            }
            // The figures' connection opens once the first has brought the file's schema up to date.
            self.figuresQueue.async {
                do {
                    self.figuresEngine = Engine(database: try Store.open(path: databasePath, options: options), user: user)
                } catch {
                    self.figuresOpenError = "\(error)"
                }
            }
        }
    }

    var isBusy: Bool { lock.lock(); defer { lock.unlock() }; return busy > 0 }

    /// Hands a result to the main loop; `finished` is false for a result that ends no counted job.
    private func post(_ r: Result, finished: Bool = true) {
        lock.lock(); mailbox.append(r); if finished { busy -= 1 }; lock.unlock()
        if wakeupFD >= 0 {
            var byte: UInt8 = 1
            _ = write(wakeupFD, &byte, 1)
        }
    }

    /// Written to when a result is posted, to wake the main loop (-1: none).
    private let wakeupFD: Int32

    /// Everything finished since the last call.
    func drain() -> [Result] {
        lock.lock(); defer { lock.unlock() }
        let out = mailbox
        mailbox.removeAll()
        return out
    }

    /// Collects a snapshot, unless `lastVersion` shows nothing changed (`PRAGMA data_version` and our own
    /// writes): first the panes, then the header's metrics and the campaigns' performance, so the panes
    /// never wait for a whole-book read.
    func refresh(_ request: SnapshotRequest, lastVersion: Int?, force: Bool) {
        lock.lock(); busy += 1; lock.unlock()
        queue.async {
            guard let engine = self.engine else { self.post(.failed(self.openError ?? "database not open")); return }
            do {
                let version = try engine.changeCounter()
                if !force, let lastVersion, lastVersion == version { self.post(.unchanged); return }
                let snapshot = try DashboardSnapshot.collect(engine, request, now: Timestamp.now())
                self.post(.snapshot(snapshot, dataVersion: version))
                self.computeFiguresIfDue(campaigns: snapshot.campaigns.map(\.campaign), force: force)
            } catch {
                self.post(.failed("\(error)"))
            }
        }
    }

    /// Starts the book-wide figures when `FiguresSchedule` says so.
    private func computeFiguresIfDue(campaigns: [Campaign], force: Bool) {
        lock.lock()
        let start = figuresSchedule.start(campaigns, force: force, now: Date())
        lock.unlock()
        if start { figuresQueue.async { self.computeFigures(campaigns) } }
    }

    /// On the figures' queue: the header, posted as soon as it is known, then the campaigns' numbers (each
    /// takes seconds on a large book: the header no longer waits for the campaigns), then any forced
    /// request that came meanwhile.
    private func computeFigures(_ campaigns: [Campaign]) {
        let started = Date()
        if let engine = figuresEngine {
            do {
                let now = Timestamp.now()
                let header = try DashboardSnapshot.collectHeader(engine, now: now)
                post(.figures(header, []), finished: false)
                if !campaigns.isEmpty {
                    post(.figures(header, try DashboardSnapshot.collectCampaignRows(engine, campaigns, now: now)), finished: false)
                }
            } catch {
                post(.failed("\(error)"), finished: false)
            }
        } else {
            post(.failed("The header figures cannot be read: \(figuresOpenError ?? "database not open")"), finished: false)
        }
        lock.lock()
        let next = figuresSchedule.finished(startedAt: started, now: Date())
        lock.unlock()
        if let next { figuresQueue.async { self.computeFigures(next) } }
    }

    /// Runs a book-wide engine read (the manager view's pictures: seconds on a large book) on the figures'
    /// connection, so filters and actions never wait behind it; not counted as busy (the timer goes on).
    func readBookWide(_ job: @escaping @Sendable (Engine, Int) throws -> Result) {
        figuresQueue.async {
            guard let engine = self.figuresEngine else {
                self.post(.failed("The book-wide figures cannot be read: \(self.figuresOpenError ?? "database not open")"), finished: false)
                return
            }
            do {
                self.post(try job(engine, Timestamp.now()), finished: false)
            } catch {
                self.post(.failed("\(error)"), finished: false)
            }
        }
    }

    /// Reads one customer's detail alone (Enter, the detail following the cursor): no list is read again.
    func readDetail(_ id: String) {
        read { engine, now in .detail(try DashboardSnapshot.collectDetail(engine, id: id, now: now)) }
    }

    /// Runs an engine read whose result goes to `update` as it is (the campaign form's count and preview).
    func read(_ job: @escaping @Sendable (Engine, Int) throws -> Result) {
        lock.lock(); busy += 1; lock.unlock()
        queue.async {
            guard let engine = self.engine else { self.post(.failed(self.openError ?? "database not open")); return }
            do {
                self.post(try job(engine, Timestamp.now()))
            } catch {
                self.post(.failed("\(error)"))
            }
        }
    }

    /// Runs an engine action; its outcome (or error) arrives in the mailbox.
    func perform(_ job: @escaping @Sendable (Engine, Int) throws -> ActionOutcome) {
        lock.lock(); busy += 1; lock.unlock()
        queue.async {
            guard let engine = self.engine else { self.post(.failed(self.openError ?? "database not open")); return }
            do {
                self.post(.done(try job(engine, Timestamp.now())))
            } catch let e as RetentionError {
                self.post(.failed(e.message))
            } catch {
                self.post(.failed("\(error)"))
            }
        }
    }
}
