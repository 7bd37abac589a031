import Dispatch

/// Walks a directory tree once, in parallel, and tallies every inode into the slot its
/// ``WalkClassifier`` names.
///
/// - Every call is relative to an open directory descriptor (`openat`, `fstatat` with
///   `AT_SYMLINK_NOFOLLOW`, `getdents64`), so path length and name bytes never matter.
/// - Symbolic links are counted, never followed. Entries on another filesystem (running
///   containers' `merged/` and `shm` mounts) are neither counted nor entered, as `du -x` does.
/// - An inode with more than one link is counted once, keyed by device and inode number, in the
///   lowest-numbered slot that reaches it, so the result does not depend on thread timing.
/// - A problem with one entry is recorded in ``WalkTally/problems`` and the walk goes on; entries
///   that vanish while the walk runs are skipped silently.
public struct TreeWalker: Sendable {
    public var classifier: any WalkClassifier
    public var workerCount: Int
    /// Most descriptors one worker keeps open down a deep path; above it, ancestors are closed
    /// and reopened through `..` (checked by device and inode) when the walk climbs back.
    public var descriptorBudget: Int
    /// Told how far the walk has got, in batches; nil for no progress.
    public var progress: WalkProgress?
    /// Supplies subtrees counted before, for ``WalkNode/cacheable(slot:key:)`` directories.
    public var cache: (any WalkCache)?
    /// For tests: share at every chance, as if a worker were always idle, so that handing off
    /// directories and halves of long ones is exercised whatever the threads' timing.
    var sharesAtEveryChance = false

    public init(classifier: any WalkClassifier, workerCount: Int = ProcessEnvironment.processorCount, descriptorBudget: Int = 64, progress: WalkProgress? = nil, cache: (any WalkCache)? = nil) {
        self.classifier = classifier
        self.workerCount = max(1, workerCount)
        self.descriptorBudget = max(2, descriptorBudget)
        self.progress = progress
        self.cache = cache
    }

    /// Walks the directory open at `root` (which is not closed). The root inode itself is counted.
    /// `node` is the root's node (the classifier's own root node by default) and `path` its path
    /// in messages: another walk's linked folder is walked as the entry it stands for.
    public func walk(root: FileDescriptor, node rootNode: WalkNode? = nil, path rootPath: [UInt8] = []) throws(Errno) -> WalkTally {
        let rootStatus = try root.status()
        let descriptor = try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: root)
        let queue = WalkQueue(workerCount: workerCount, alwaysWantsWork: sharesAtEveryChance)
        let rootNode = rootNode ?? classifier.rootNode
        var rootTally = WalkTally(slotCount: classifier.slotCount)
        rootTally.add(rootStatus, to: Int(rootNode.slot))
        queue.push(WalkTask(descriptor: descriptor, path: rootPath, node: rootNode, device: rootStatus.device, inode: rootStatus.inode))

        let results = WorkerResults(count: workerCount)
        let classifier = self.classifier
        let budget = descriptorBudget
        let progress = self.progress
        let cache = self.cache
        DispatchQueue.concurrentPerform(iterations: workerCount) { index in
            var worker = WalkWorker(classifier: classifier, rootDevice: rootStatus.device, descriptorBudget: budget)
            worker.progress = progress
            worker.cache = cache
            while let task = queue.next() {
                progress?.started(task.path)
                worker.walk(task, queue: queue)
                worker.reportProgress()
                queue.finished()
            }
            results.store(worker.finish(), at: index)
        }

        var tally = rootTally
        var hardLinks: [HardLink] = []
        for (workerTally, links) in results.all() {
            tally.merge(workerTally)
            hardLinks += links
        }
        tally.hardLinks = hardLinks.sorted { ($0.device, $0.inode, $0.slot) < ($1.device, $1.inode, $1.slot) }
        HardLink.countOnce(tally.hardLinks, into: &tally)
        tally.problems.sort { $0.path.lexicographicallyPrecedes($1.path) }
        return tally
    }
}

/// An inode with more than one link, seen by one worker in one slot; counted after the walk.
public struct HardLink: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    var slot: Int32
    var status: FileStatus

    /// Adds each inode once, to the lowest slot that reached it; `links` sorted by device, inode
    /// and slot.
    static func countOnce(_ links: [HardLink], into tally: inout WalkTally) {
        var previous: (UInt64, UInt64)?
        for link in links {
            if let previous, previous == (link.device, link.inode) { continue }
            previous = (link.device, link.inode)
            tally.add(link.status, to: Int(link.slot))
        }
    }
}

/// Each worker's result, stored once from its own thread and read after all have finished.
private final class WorkerResults: @unchecked Sendable {
    // Each index is written by exactly one worker inside concurrentPerform and read only after
    // concurrentPerform has returned, which orders the writes before the reads.
    private var slots: [(WalkTally, [HardLink])?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: (WalkTally, [HardLink]), at index: Int) { slots[index] = result }

    func all() -> [(WalkTally, [HardLink])] { slots.compactMap { $0 } }
}

/// One directory on a worker's path down the tree. A class, reused level by level, so the hot
/// loop reads its fields without copying its arrays.
private final class Frame {
    var descriptor: FileDescriptor?
    var listing = DirectoryListing()
    var next = 0
    /// Entries before it have been looked at for handing off.
    var shareCursor = 0
    var node = WalkNode.owned(slot: 0)
    var device: UInt64 = 0
    var inode: UInt64 = 0
}

/// The state of one walking thread: its tallies, and a reusable stack of frames.
private struct WalkWorker {
    let classifier: any WalkClassifier
    let rootDevice: UInt64
    let descriptorBudget: Int
    var tally: WalkTally
    var hardLinks: [HardLink] = []
    var frames: [Frame] = []
    var scratch = [UInt8](repeating: 0, count: 64 << 10)
    var taskPath: [UInt8] = []
    var progress: WalkProgress?
    var cache: (any WalkCache)?
    var reportedInodes = 0
    var reportedBytes: Int64 = 0
    var allocatedSeen: Int64 = 0

    init(classifier: any WalkClassifier, rootDevice: UInt64, descriptorBudget: Int) {
        self.classifier = classifier
        self.rootDevice = rootDevice
        self.descriptorBudget = descriptorBudget
        tally = WalkTally(slotCount: classifier.slotCount)
    }

    func finish() -> (WalkTally, [HardLink]) { (tally, hardLinks) }

    /// Hands the counts since the last report to ``progress``.
    mutating func reportProgress() {
        guard let progress else { return }
        let inodes = tally.inodes + hardLinks.count
        progress.add(inodes: inodes - reportedInodes, allocatedBytes: allocatedSeen - reportedBytes)
        reportedInodes = inodes
        reportedBytes = allocatedSeen
    }

    mutating func walk(_ task: WalkTask, queue: WalkQueue) {
        taskPath = task.path
        if frames.isEmpty { frames.append(Frame()) }
        if let entries = task.entries {
            adopt(task.descriptor, entries: entries, node: task.node, device: task.device, inode: task.inode)
        } else {
            guard open(task.descriptor, node: task.node, device: task.device, inode: task.inode, depth: 0) else { return }
        }
        var depth = 0
        var lowestOpen = 0

        while depth >= 0 {
            guard let directory = frames[depth].descriptor else {
                // Its reopening through `..` failed (recorded): the rest of it, and of the closed
                // ancestors above it, cannot be reached safely.
                depth -= 1
                continue
            }
            let index = frames[depth].next
            if index < frames[depth].listing.count && frames[depth].listing.types[index] == DirectoryListing.handedOff {
                frames[depth].next = index + 1
                continue
            }
            if index == frames[depth].listing.count {
                if depth > 0 && frames[depth - 1].descriptor == nil {
                    reopenParent(of: depth, through: directory)
                    lowestOpen = depth - 1
                }
                directory.close()
                frames[depth].descriptor = nil
                depth -= 1
                continue
            }
            frames[depth].next = index + 1

            var child: (FileDescriptor, FileStatus, WalkNode)?
            do throws(Errno) {
                child = try visitEntry(index, of: depth, in: directory)
            } catch {
                record(error, "stat", depth: depth, entry: index)
                continue
            }
            guard let (childDescriptor, status, node) = child else {
                // A long run of files (a container writing thousands into one directory) must not
                // keep an idle worker waiting for the next subdirectory this worker meets.
                if queue.wantsWork && !shareShallowestDirectory(above: depth, queue: queue) {
                    shareRestOfDirectory(at: depth, queue: queue)
                }
                continue
            }

            if queue.wantsWork && !shareShallowestDirectory(above: depth, queue: queue) {
                queue.push(WalkTask(descriptor: childDescriptor, path: path(depth: depth, entry: index), node: node, device: status.device, inode: status.inode))
                continue
            }
            if frames.count == depth + 1 { frames.append(Frame()) }
            guard open(childDescriptor, node: node, device: status.device, inode: status.inode, depth: depth + 1) else { continue }
            depth += 1
            if depth - lowestOpen >= descriptorBudget, let oldest = frames[lowestOpen].descriptor {
                oldest.close()
                frames[lowestOpen].descriptor = nil
                lowestOpen += 1
            }
        }
    }

    /// Hands an idle worker the not yet visited subdirectory nearest the top of this worker's
    /// path: the biggest piece of work it can give, so hand-offs stay few. Returns false when no
    /// frame up to `depth` has one.
    private mutating func shareShallowestDirectory(above depth: Int, queue: WalkQueue) -> Bool {
        for level in 0...depth {
            guard frames[level].descriptor != nil else { continue }
            var candidate = max(frames[level].shareCursor, frames[level].next)
            while candidate < frames[level].listing.count {
                let type = frames[level].listing.types[candidate]
                let index = candidate
                candidate += 1
                guard type == DirectoryListing.directoryType, let directory = frames[level].descriptor else { continue }
                frames[level].shareCursor = candidate
                frames[level].listing.handOff(index)
                // Counted and opened here, as the walk would have; its entries are the taker's.
                let visited: (FileDescriptor, FileStatus, WalkNode)?
                do throws(Errno) {
                    visited = try visitEntry(index, of: level, in: directory)
                } catch {
                    record(error, "stat", depth: level, entry: index)
                    continue
                }
                guard let (opened, status, node) = visited else { continue }
                queue.push(WalkTask(descriptor: opened, path: path(depth: level, entry: index), node: node, device: status.device, inode: status.inode))
                return true
            }
            frames[level].shareCursor = candidate
        }
        return false
    }

    /// Entries left in a directory below which it is not worth sharing half of them: a few
    /// hundred microseconds of `fstatat`, against an `openat` and a wake-up.
    static let smallestShare = 256

    /// Hands an idle worker the second half of the entries not yet visited in the directory at
    /// `depth`, when there are enough: a directory of many files (a cache a container fills, a
    /// big `lib/`) is then walked by two workers, not one, while the other waits.
    private mutating func shareRestOfDirectory(at depth: Int, queue: WalkQueue) {
        let frame = frames[depth]
        let remaining = frame.listing.count - frame.next
        guard remaining >= Self.smallestShare, let directory = frame.descriptor else { return }
        let descriptor: FileDescriptor
        do throws(Errno) {
            descriptor = try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: directory)
        } catch {
            return  // the worker walks it all itself
        }
        let entries = frame.listing.splitOff(from: frame.next + remaining / 2)
        let path = depth == 0 ? taskPath : path(depth: depth - 1, entry: frames[depth - 1].next - 1)
        queue.push(WalkTask(descriptor: descriptor, path: path, node: frame.node, device: frame.device, inode: frame.inode, entries: entries))
        tally.directoriesSplit += 1
    }

    /// Counts entry `index` of the directory at `depth`; returns it opened when it is a directory
    /// to enter.
    private mutating func visitEntry(_ index: Int, of depth: Int, in directory: FileDescriptor) throws(Errno) -> (FileDescriptor, FileStatus, WalkNode)? {
        let parentNode = frames[depth].node
        let outcome: (FileStatus, WalkNode)? = try frames[depth].listing.withName(at: index) { cName, name throws(Errno) in
            let status: FileStatus
            do throws(Errno) {
                status = try directory.status(ofCString: cName)
            } catch where error.isMissing {
                return nil
            }
            if status.device != rootDevice {
                return (status, parentNode)
            }
            let node: WalkNode
            switch parentNode {
            case .owned: node = parentNode
            case .cacheable(let slot, _): node = .owned(slot: slot)
            case .branch(let branch, _): node = classifier.child(ofBranch: branch, named: name)
            }
            return (status, node)
        }
        guard let (status, node) = outcome else { return nil }
        if status.device != rootDevice {
            tally.mountPointsSkipped += 1
            return nil
        }
        if progress != nil {
            allocatedSeen &+= status.allocatedBytes
            if tally.inodes + hardLinks.count - reportedInodes >= 8192 { reportProgress() }
        }
        if case .cacheable(let slot, let key) = node, status.isDirectory, let subtree = cache?.subtree(forKey: key, directory: status) {
            tally.add(subtree, to: Int(slot))
            for link in subtree.hardLinks {
                var linked = status
                linked.allocatedBytes = link.allocatedBytes
                linked.apparentBytes = link.apparentBytes
                linked.mode = 0o100000
                hardLinks.append(HardLink(device: link.device, inode: link.inode, slot: slot, status: linked))
            }
            return nil
        }
        if !status.isDirectory && status.linkCount > 1 {
            hardLinks.append(HardLink(device: status.device, inode: status.inode, slot: node.slot, status: status))
        } else {
            tally.add(status, to: Int(node.slot))
        }
        guard status.isDirectory else { return nil }
        do throws(Errno) {
            let opened = try frames[depth].listing.withName(at: index) { cName, _ throws(Errno) in
                try directory.openDirectory(cString: cName)
            }
            return (opened, status, node)
        } catch where error.isMissing || error == .tooManySymbolicLinks {
            return nil  // vanished, or replaced by a link, since the stat
        } catch {
            record(error, "open directory", depth: depth, entry: index)
            return nil
        }
    }

    /// Reads the directory open at `descriptor` into the frame at `depth`. On failure the problem
    /// is recorded, the descriptor closed, and false returned.
    private mutating func open(_ descriptor: FileDescriptor, node: WalkNode, device: UInt64, inode: UInt64, depth: Int) -> Bool {
        frames[depth].descriptor = descriptor
        frames[depth].next = 0
        frames[depth].shareCursor = 0
        frames[depth].node = node
        frames[depth].device = device
        frames[depth].inode = inode
        do throws(Errno) {
            try frames[depth].listing.read(descriptor, scratch: &scratch)
            return true
        } catch {
            descriptor.close()
            frames[depth].descriptor = nil
            if !error.isMissing {
                let where_ = depth == 0 ? taskPath : path(depth: depth - 1, entry: frames[depth - 1].next - 1)
                tally.problems.append(WalkProblem(path: where_, error: error, operation: "read directory"))
            }
            return false
        }
    }

    /// Makes frame 0 the part of a directory another worker handed over, already listed.
    private mutating func adopt(_ descriptor: FileDescriptor, entries: DirectoryListing, node: WalkNode, device: UInt64, inode: UInt64) {
        frames[0].descriptor = descriptor
        frames[0].next = 0
        frames[0].shareCursor = 0
        frames[0].node = node
        frames[0].device = device
        frames[0].inode = inode
        frames[0].listing = entries
    }

    /// Reopens the closed directory above `depth` through `..`, and gives up on the rest of it
    /// when what `..` leads to is no longer the directory the walk came from.
    private mutating func reopenParent(of depth: Int, through directory: FileDescriptor) {
        let parent = depth - 1
        do throws(Errno) {
            let reopened = try FileDescriptor.openDirectory(Array("..".utf8), relativeTo: directory)
            let status = try reopened.status()
            if status.device == frames[parent].device && status.inode == frames[parent].inode {
                frames[parent].descriptor = reopened
                return
            }
            reopened.close()
            tally.problems.append(WalkProblem(path: path(depth: parent - 1, entry: parent > 0 ? frames[parent - 1].next - 1 : -1), error: .noSuchFileOrDirectory, operation: "return to directory moved during the scan"))
        } catch {
            tally.problems.append(WalkProblem(path: path(depth: parent - 1, entry: parent > 0 ? frames[parent - 1].next - 1 : -1), error: error, operation: "return to directory"))
        }
    }

    private mutating func record(_ error: Errno, _ operation: String, depth: Int, entry: Int) {
        if error.isMissing { return }
        tally.problems.append(WalkProblem(path: path(depth: depth, entry: entry), error: error, operation: operation))
    }

    /// The path of entry `entry` of the directory at `depth`, relative to the walk's root;
    /// `depth` -1 means the task's own directory. Built only for messages and shared tasks.
    private func path(depth: Int, entry: Int) -> [UInt8] {
        var result = taskPath
        if depth >= 0 {
            for level in 0...depth {
                let index = level == depth ? entry : frames[level].next - 1
                guard index >= 0 && index < frames[level].listing.count else { break }
                if !result.isEmpty { result.append(0x2F) }
                result += frames[level].listing.name(at: index)
            }
        }
        return result
    }
}
