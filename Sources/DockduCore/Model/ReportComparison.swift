import FoundationEssentials

/// What grew and what shrank between an earlier report and a later one of the same data root,
/// counted the same way: the document `dockdu report --compare OLD.json` starts from.
///
/// Items are matched by what identifies them across scans: images and containers by ID, volumes
/// by name, orphans by path. Each section lists only what changed — added, removed, or a
/// different size — with the bytes then, now and the difference, biggest difference first (by
/// magnitude, then by ID). Sections mirror the report's categories, so containers count their
/// layers and directory without their logs, which have their own section.
public struct ReportComparison: Sendable, Codable, Equatable {
    /// Version of this document's layout; a change that breaks a consumer bumps it.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var dataRoot: String
    public var sizeMode: SizeMode
    /// The earlier report's ``Report/generatedAt``.
    public var oldGeneratedAt: String
    /// The later report's ``Report/generatedAt``.
    public var newGeneratedAt: String
    /// ``Report/totalBytes`` then and now.
    public var total: ByteChange
    /// Every category, changed or not.
    public var categories: [CategoryChange]
    /// Images by ID: ``ImageUsage/bytes`` (Docker's `Size`). An image's own size does not
    /// change, so these are images added and removed.
    public var images: [ItemChange]
    /// Containers by ID: ``ContainerUsage/totalBytes`` less ``ContainerUsage/logBytes``.
    public var containers: [ItemChange]
    /// Containers' logs by container ID: ``ContainerUsage/logBytes``.
    public var logs: [ItemChange]
    /// Volumes by name: ``VolumeUsage/bytes``.
    public var volumes: [ItemChange]
    /// Orphans by path.
    public var orphans: [OrphanChange]
    /// Warnings in each report: an item a scan could not read may show as removed.
    public var oldWarningCount: Int
    public var newWarningCount: Int

    /// Compares `old` with `new`.
    ///
    /// - Throws: ``ReportComparisonError`` when the two are not of the same data root, do not
    ///   count sizes the same way, or either is of a newer layout than this dockdu reads.
    public init(old: Report, new: Report) throws(ReportComparisonError) {
        for (report, which) in [(old, ReportComparisonError.Which.earlier), (new, .later)]
        where report.schemaVersion > Report.currentSchemaVersion {
            throw .newerSchemaVersion(which, found: report.schemaVersion, known: Report.currentSchemaVersion)
        }
        guard old.dataRoot == new.dataRoot else {
            throw .dataRootDiffers(old: old.dataRoot, new: new.dataRoot)
        }
        guard old.sizeMode == new.sizeMode else {
            throw .sizeModeDiffers(old: old.sizeMode, new: new.sizeMode)
        }
        schemaVersion = Self.currentSchemaVersion
        dataRoot = new.dataRoot
        sizeMode = new.sizeMode
        oldGeneratedAt = old.generatedAt
        newGeneratedAt = new.generatedAt
        total = ByteChange(oldBytes: old.totalBytes, newBytes: new.totalBytes)
        categories = Category.allCases
            .map { CategoryChange(category: $0, oldBytes: old.categories[$0], newBytes: new.categories[$0]) }
            .enumerated()
            .sorted { ($0.element.deltaBytes.magnitude, $1.offset) > ($1.element.deltaBytes.magnitude, $0.offset) }
            .map(\.element)
        images = Self.changes(
            old: old.images, new: new.images, id: \.id, name: \.reference, bytes: \.bytes, lastUsed: \.lastUsedAt)
        containers = Self.changes(
            old: old.containers, new: new.containers, id: \.id, name: \.name,
            bytes: { $0.totalBytes -| $0.logBytes }, lastUsed: \.lastUsedAt)
        logs = Self.changes(
            old: old.containers, new: new.containers, id: \.id, name: \.name, bytes: \.logBytes)
        volumes = Self.changes(
            old: old.volumes, new: new.volumes, id: \.name, name: \.name, bytes: \.bytes, lastUsed: \.lastUsedAt)
        // A path that is not UTF-8 is matched by its exact bytes, not by its U+FFFD rendering.
        let orphanKey = { (orphan: OrphanUsage) in orphan.pathBase64 ?? orphan.path }
        // The later report's orphan when it is in both: its kind is the current one.
        let orphansByKey = Dictionary((new.orphans + old.orphans).map { (orphanKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        orphans = Self.changes(old: old.orphans, new: new.orphans, id: orphanKey, name: \.path, bytes: \.bytes).map { change in
            let orphan = orphansByKey[change.id]
            return OrphanChange(
                path: change.name, pathBase64: orphan?.pathBase64, kind: orphan?.kind ?? .overlayDirectory,
                status: change.status, oldBytes: change.oldBytes, newBytes: change.newBytes,
                deltaBytes: change.deltaBytes)
        }
        oldWarningCount = old.warnings.count
        newWarningCount = new.warnings.count
    }

    /// Decodes a report written by `dockdu report --json`, checking its `schemaVersion` first so
    /// that a report from a newer dockdu is refused with that reason rather than a decoding error.
    public static func decodeReport(_ bytes: [UInt8]) throws(ReportComparisonError) -> Report {
        struct Version: Decodable { var schemaVersion: Int }
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let version: Version
        do {
            version = try decoder.decode(Version.self, from: data)
        } catch {
            throw .notAReport(reason: "it is not JSON with a schemaVersion (\(error))")
        }
        if version.schemaVersion > Report.currentSchemaVersion {
            throw .newerSchemaVersion(.earlier, found: version.schemaVersion, known: Report.currentSchemaVersion)
        }
        let report: Report
        do {
            report = try decoder.decode(Report.self, from: data)
        } catch {
            throw .notAReport(reason: "\(error)")
        }
        // The trust boundary for earlier reports: a hand-edited or damaged one is refused whole.
        if let problem = report.validationProblem {
            throw .notAReport(reason: problem)
        }
        return report
    }

    // MARK: Types

    /// Whether an item is new, gone, or there in both with a different size.
    public enum Status: String, Sendable, Codable, Equatable, CaseIterable {
        case added, removed, changed
    }

    /// Bytes then and now; ``deltaBytes`` is `newBytes - oldBytes`.
    public struct ByteChange: Sendable, Codable, Equatable {
        public var oldBytes: Int64
        public var newBytes: Int64
        public var deltaBytes: Int64

        public init(oldBytes: Int64, newBytes: Int64) {
            self.oldBytes = oldBytes
            self.newBytes = newBytes
            self.deltaBytes = ReportComparison.delta(from: oldBytes, to: newBytes)
        }
    }

    public struct CategoryChange: Sendable, Codable, Equatable {
        public var category: Category
        public var oldBytes: Int64
        public var newBytes: Int64
        public var deltaBytes: Int64

        public init(category: Category, oldBytes: Int64, newBytes: Int64) {
            self.category = category
            self.oldBytes = oldBytes
            self.newBytes = newBytes
            self.deltaBytes = ReportComparison.delta(from: oldBytes, to: newBytes)
        }
    }

    /// An image, container, container's logs or volume that is new, gone or changed in size.
    /// The bytes of the report it is missing from are 0.
    public struct ItemChange: Sendable, Codable, Equatable {
        /// What matches it across reports: an image or container ID, a volume name.
        public var id: String
        /// How an operator knows it, from the later report when it is in both: an image's first
        /// reference (`<none>:<none>` for none), a container's or volume's name.
        public var name: String
        public var status: Status
        public var oldBytes: Int64
        public var newBytes: Int64
        public var deltaBytes: Int64
        /// Its last use, from the later report when it is there (RFC 3339 UTC); absent when that
        /// report has none (before dockdu 0.3).
        public var lastUsedAt: String?

        public init(id: String, name: String, status: Status, oldBytes: Int64, newBytes: Int64) {
            self.id = id
            self.name = name
            self.status = status
            self.oldBytes = oldBytes
            self.newBytes = newBytes
            self.deltaBytes = ReportComparison.delta(from: oldBytes, to: newBytes)
        }
    }

    /// An orphan that is new, gone or changed in size.
    public struct OrphanChange: Sendable, Codable, Equatable {
        /// Relative to the data root, as in ``OrphanUsage/path``.
        public var path: String
        /// The path's exact bytes when they are not valid UTF-8, as in ``OrphanUsage/pathBase64``.
        public var pathBase64: String?
        public var kind: OrphanKind
        public var status: Status
        public var oldBytes: Int64
        public var newBytes: Int64
        public var deltaBytes: Int64
    }

    // MARK: Matching

    private static func changes<Item>(
        old: [Item], new: [Item], id: (Item) -> String, name: (Item) -> String, bytes: (Item) -> Int64,
        lastUsed: (Item) -> String? = { _ in nil }
    ) -> [ItemChange] {
        let oldByID = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        let newByID = Dictionary(new.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [ItemChange] = []
        for (key, item) in newByID {
            if let before = oldByID[key] {
                guard bytes(before) != bytes(item) else { continue }
                changes.append(ItemChange(
                    id: key, name: name(item), status: .changed, oldBytes: bytes(before), newBytes: bytes(item)))
            } else {
                changes.append(ItemChange(id: key, name: name(item), status: .added, oldBytes: 0, newBytes: bytes(item)))
            }
        }
        for (key, item) in oldByID where newByID[key] == nil {
            changes.append(ItemChange(id: key, name: name(item), status: .removed, oldBytes: bytes(item), newBytes: 0))
        }
        for index in changes.indices {
            changes[index].lastUsedAt = (newByID[changes[index].id] ?? oldByID[changes[index].id]).flatMap(lastUsed)
        }
        return changes.sorted { ($0.deltaBytes.magnitude, $1.id) > ($1.deltaBytes.magnitude, $0.id) }
    }

    /// `new - old`, pinned to Int64's range so a hand-edited report cannot trap.
    fileprivate static func delta(from old: Int64, to new: Int64) -> Int64 {
        let (difference, overflow) = new.subtractingReportingOverflow(old)
        guard overflow else { return difference }
        return new > old ? .max : .min
    }
}

extension ImageUsage {
    /// The reference `docker images` shows, unescaped: the first `name:tag`, else `name:<none>`
    /// for a digest-only image, else `<none>:<none>`.
    var reference: String {
        if let tag = tags.first(where: { !$0.contains("@") }) { return tag }
        if let digested = tags.first, let at = digested.firstIndex(of: "@") {
            return String(digested[..<at]) + ":<none>"
        }
        return "<none>:<none>"
    }
}

/// Why two reports cannot be compared.
public enum ReportComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which of the two reports a problem is with.
    public enum Which: String, Sendable, Equatable {
        case earlier, later
    }

    /// The reports are of different data roots.
    case dataRootDiffers(old: String, new: String)
    /// One counts allocated blocks and the other apparent sizes.
    case sizeModeDiffers(old: SizeMode, new: SizeMode)
    /// A report's `schemaVersion` is newer than this dockdu reads.
    case newerSchemaVersion(Which, found: Int, known: Int)
    /// The earlier report could not be read as a report.
    case notAReport(reason: String)

    /// One line a person can act on.
    public var description: String {
        switch self {
        case .dataRootDiffers(let old, let new):
            "cannot compare: the earlier report is of data root \(TerminalEscaping.escape(old)) "
                + "and this one of \(TerminalEscaping.escape(new)); "
                + "compare reports of the same data root (--root DIR)"
        case .sizeModeDiffers(let old, let new):
            "cannot compare: the earlier report counts \(Self.describe(old)) and this one "
                + "\(Self.describe(new)); run again \(new == .disk ? "with" : "without") --apparent-size"
        case .newerSchemaVersion(let which, let found, let known):
            "cannot compare: the \(which.rawValue) report has schemaVersion \(found), but this "
                + "dockdu reads only up to \(known); compare with the dockdu that wrote it, or a newer one"
        case .notAReport(let reason):
            "cannot read the earlier report: \(TerminalEscaping.escape(reason)); give a file written by dockdu report --json"
        }
    }

    private static func describe(_ mode: SizeMode) -> String {
        switch mode {
        case .disk: "disk sizes (allocated blocks)"
        case .apparent: "apparent sizes (--apparent-size)"
        }
    }
}
