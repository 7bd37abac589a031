import Dispatch
import Synchronization

/// A directory handed from one walk worker to another, with its descriptor already open.
struct WalkTask: Sendable {
    var descriptor: FileDescriptor
    /// Relative to the walk's root, for messages.
    var path: [UInt8]
    var node: WalkNode
    var device: UInt64
    var inode: UInt64
    /// When set, only these entries of the directory are the taker's (the rest of a long
    /// directory another worker is in); nil for the whole directory, read by the taker.
    var entries: DirectoryListing? = nil
}

/// The directories (or halves of long ones) waiting for a worker. Workers share work only while
/// another worker is idle, so the queue stays as short as the number of workers, and so does the
/// number of descriptors it holds.
final class WalkQueue: Sendable {
    private struct State {
        var tasks: [WalkTask] = []
        /// Tasks queued or being walked.
        var outstanding = 0
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let idleWorkers = Atomic<Int>(0)
    private let queued = Atomic<Int>(0)
    private let workerCount: Int
    private let alwaysWantsWork: Bool

    init(workerCount: Int, alwaysWantsWork: Bool = false) {
        self.workerCount = workerCount
        self.alwaysWantsWork = alwaysWantsWork
    }

    /// True when a worker is waiting and nothing is queued for it: the moment to share.
    var wantsWork: Bool {
        alwaysWantsWork || idleWorkers.load(ordering: .relaxed) > queued.load(ordering: .relaxed)
    }

    func push(_ task: WalkTask) {
        state.withLock {
            $0.tasks.append(task)
            $0.outstanding += 1
        }
        queued.add(1, ordering: .relaxed)
        wakeUp.signal()
    }

    /// The next task, waiting for one while others are still walking; nil when all is done.
    func next() -> WalkTask? {
        while true {
            enum Step { case task(WalkTask), finished, wait }
            let step: Step = state.withLock {
                if let task = $0.tasks.popLast() { return .task(task) }
                return $0.outstanding == 0 ? .finished : .wait
            }
            switch step {
            case .task(let task):
                queued.subtract(1, ordering: .relaxed)
                return task
            case .finished:
                return nil
            case .wait:
                idleWorkers.add(1, ordering: .relaxed)
                wakeUp.wait()
                idleWorkers.subtract(1, ordering: .relaxed)
            }
        }
    }

    /// Marks one task walked; the last one wakes every waiting worker so they can finish.
    func finished() {
        let allDone = state.withLock {
            $0.outstanding -= 1
            return $0.outstanding == 0
        }
        if allDone {
            for _ in 0..<workerCount { wakeUp.signal() }
        }
    }
}
