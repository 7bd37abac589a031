/// A report as Prometheus metrics, for node_exporter's textfile collector: text exposition
/// format 0.0.4, every metric a gauge with `# HELP` and `# TYPE`, names under `dockdu_`, sizes in
/// `_bytes`.
///
/// Cardinality is bounded whatever the host holds: images, containers and volumes are listed
/// for the ``topN`` biggest only, and the rest is folded into one series whose name label is
/// ``otherLabel`` (no Docker name can start with `_`). That series is always present, so a
/// dashboard's series neither appear nor vanish as items come and go. Every series carries
/// `data_root`, so files for two data roots can sit side by side; byte series also carry
/// `size_mode`. Every series of one metric has the same label names, listed in sorted order,
/// and the output is the same for the same report.
///
/// Reports from dockdu 0.3 on add each walked root's total with the image store under it; when
/// the containerd store (Docker 29's) was read, they add its images' blobs for the same top N
/// images, the blobs' sum and the store's own figures. Those families are absent otherwise, so a
/// report from before 0.3 renders as it always did.
///
/// Names and the data root go through ``TerminalEscaping`` before the format's own escapes
/// (`\\`, `\"`, `\n`): the text may be printed to a terminal, and a hostile name must not
/// drive it. Names Docker accepts have nothing to escape, so they read as `docker` shows them.
public struct PrometheusMetrics: Sendable {
    /// Items of each kind listed by name before the rest is folded into ``otherLabel``.
    public static let defaultTopN = 20
    /// The name label of the series that sums everything past the top N.
    public static let otherLabel = "_other"

    public var report: Report
    /// How long the scan took, for `dockdu_scan_duration_seconds`.
    public var scanSeconds: Double
    /// Images, containers and volumes listed by name; a negative value counts as 0.
    public var topN: Int

    public init(report: Report, scanSeconds: Double, topN: Int = PrometheusMetrics.defaultTopN) {
        self.report = report
        self.scanSeconds = scanSeconds
        self.topN = topN
    }

    /// The whole textfile, ending with a newline.
    public func render() -> String {
        families.map { $0.render() }.joined()
    }

    // MARK: Metrics

    private var families: [MetricFamily] {
        var families = [info, totals]
        if let storeRootBytes { families.append(storeRootBytes) }
        families += [categoryBytes, reclaimableBytes]
        families += itemCounts
        families.append(images)
        if let imageContent { families.append(imageContent) }
        if let imageWasted { families.append(imageWasted) }
        families += [containers, volumes, orphanBytes, orphanCount]
        families += containerdFigures
        families += buildCacheFigures
        families += [warnings, scanDuration]
        if let lastRun { families.append(lastRun) }
        return families
    }

    private var info: MetricFamily {
        var family = MetricFamily(
            "dockdu_info", help: "Which dockdu wrote these metrics, and for which data root; always 1.")
        family.add(
            [
                "data_root": Self.name(report.dataRoot), "schema_version": String(report.schemaVersion),
                "size_mode": report.sizeMode.rawValue, "version": CommandLineTool.version,
            ], 1)
        return family
    }

    private var totals: MetricFamily {
        var family = MetricFamily(
            "dockdu_total_bytes",
            help: "Every inode under the data root, counted once: du -sx in disk mode.")
        family.add(byteLabels, report.totalBytes)
        return family
    }

    /// Absent in reports before dockdu 0.3, which have no roots.
    private var storeRootBytes: MetricFamily? {
        guard let roots = report.roots, !roots.isEmpty else { return nil }
        var family = MetricFamily(
            "dockdu_store_root_bytes",
            help: "Each walked root's own total (du -sx of it in disk mode): root dataRoot is the data root, "
                + "root containerd the containerd root; store is the image store whose files are under it, "
                + "\(Self.noStoreLabel) for a data root that holds only containers and volumes.")
        for root in roots {
            let store = report.stores?.first { $0.root == root.path }?.name.rawValue ?? Self.noStoreLabel
            family.add(byteLabels.merging(["root": Self.name(root.name.rawValue), "store": Self.name(store)]), root.bytes)
        }
        return family
    }

    private var categoryBytes: MetricFamily {
        var family = MetricFamily(
            "dockdu_bytes", help: "Bytes per category; the categories sum to dockdu_total_bytes.")
        for category in Category.allCases {
            family.add(byteLabels.merging(["category": category.rawValue]), report.categories[category])
        }
        return family
    }

    private var reclaimableBytes: MetricFamily {
        let reclaimable = report.reclaimable
        var family = MetricFamily(
            "dockdu_reclaimable_bytes",
            help: "Bytes per category that the usual prune commands could free (unused images, "
                + "stopped containers and their logs, unused volumes, build cache, orphans).")
        for category in Category.allCases {
            family.add(byteLabels.merging(["category": category.rawValue]), reclaimable[category].bytes)
        }
        return family
    }

    /// Only the categories whose items the report lists (not build cache or other).
    private var itemCounts: [MetricFamily] {
        let reclaimable = report.reclaimable
        var items = MetricFamily(
            "dockdu_items",
            help: "Items per category: images, containers, containers with logs, volumes, orphans.")
        var unused = MetricFamily(
            "dockdu_reclaimable_items",
            help: "Items per category that dockdu_reclaimable_bytes counts.")
        for category in Category.allCases {
            let entry = reclaimable[category]
            let labels = rootLabel.merging(["category": category.rawValue])
            if let count = entry.itemCount { items.add(labels, Int64(count)) }
            if let count = entry.reclaimableItemCount { unused.add(labels, Int64(count)) }
        }
        return [items, unused]
    }

    private var images: MetricFamily {
        var family = MetricFamily(
            "dockdu_image_bytes",
            help: "The \(limit) images with the most unique bytes: kind unique is what removing the "
                + "image alone frees, kind shared what it shares with other images. "
                + "image \(Self.otherLabel) sums the rest.")
        let sorted = imagesByUniqueBytes
        func add(image: String, id: String, unique: Int64, shared: Int64) {
            let labels = byteLabels.merging(["image": image, "image_id": id])
            family.add(labels.merging(["kind": "unique"]), unique)
            family.add(labels.merging(["kind": "shared"]), shared)
        }
        for image in sorted.prefix(limit) {
            add(image: Self.name(image.reference), id: Self.name(Self.shortImageID(image.id)),
                unique: image.uniqueBytes, shared: image.sharedBytes)
        }
        let rest = sorted.dropFirst(limit)
        add(image: Self.otherLabel, id: Self.otherLabel,
            unique: rest.sumOfBytes(\.uniqueBytes), shared: rest.sumOfBytes(\.sharedBytes))
        return family
    }

    /// Wasted bytes of the same images as `dockdu_image_bytes`, so the two join on `image` and
    /// `image_id`; absent when no image was measured (the containerd store, older reports).
    private var imageWasted: MetricFamily? {
        guard report.images.contains(where: { $0.wastedBytes != nil }) else { return nil }
        var family = MetricFamily(
            "dockdu_image_wasted_bytes",
            help: "Bytes of files the images dockdu_image_bytes lists ship but an upper layer deletes or replaces, "
                + "so no container sees them. image \(Self.otherLabel) sums the rest.")
        let sorted = imagesByUniqueBytes
        for image in sorted.prefix(limit) {
            family.add(byteLabels.merging(["image": Self.name(image.reference), "image_id": Self.name(Self.shortImageID(image.id))]), image.wastedBytes ?? 0)
        }
        family.add(byteLabels.merging(["image": Self.otherLabel, "image_id": Self.otherLabel]), sorted.dropFirst(limit).sumOfBytes { $0.wastedBytes ?? 0 })
        return family
    }

    /// The blobs of the same images as `dockdu_image_bytes`, by the same rule, so the two join on
    /// `image` and `image_id`; containerd store only.
    private var imageContent: MetricFamily? {
        guard report.containerdStore != nil else { return nil }
        var family = MetricFamily(
            "dockdu_image_content_bytes",
            help: "The blobs (compressed layers, manifests, configs) of the images dockdu_image_bytes lists, "
                + "containerd store only: kind unique is what removing the image alone frees besides its "
                + "unpacked layers, kind shared what other images also reference. image \(Self.otherLabel) sums the rest.")
        let sorted = imagesByUniqueBytes
        func add(image: String, id: String, unique: Int64, shared: Int64) {
            let labels = byteLabels.merging(["image": image, "image_id": id])
            family.add(labels.merging(["kind": "unique"]), unique)
            family.add(labels.merging(["kind": "shared"]), shared)
        }
        for image in sorted.prefix(limit) {
            add(image: Self.name(image.reference), id: Self.name(Self.shortImageID(image.id)),
                unique: image.uniqueContentBytes, shared: image.sharedContentBytes ?? 0)
        }
        let rest = sorted.dropFirst(limit)
        add(image: Self.otherLabel, id: Self.otherLabel,
            unique: rest.sumOfBytes(\.uniqueContentBytes), shared: rest.sumOfBytes { $0.sharedContentBytes ?? 0 })
        return family
    }

    private var containers: MetricFamily {
        var family = MetricFamily(
            "dockdu_container_bytes",
            help: "The \(limit) biggest containers: part rw is the writable layer (docker's SizeRw), "
                + "logs its log files, total everything that exists because of it. "
                + "container \(Self.otherLabel) sums the rest.")
        let sorted = report.containers.sorted {
            ($0.totalBytes, $1.name, $1.id) > ($1.totalBytes, $0.name, $0.id)
        }
        func add(name: String, id: String, rw: Int64, logs: Int64, total: Int64) {
            let labels = byteLabels.merging(["container": name, "container_id": id])
            family.add(labels.merging(["part": "rw"]), rw)
            family.add(labels.merging(["part": "logs"]), logs)
            family.add(labels.merging(["part": "total"]), total)
        }
        for container in sorted.prefix(limit) {
            add(name: Self.name(container.name), id: Self.name(String(container.id.prefix(12))), rw: container.rwBytes,
                logs: container.logBytes, total: container.totalBytes)
        }
        let rest = sorted.dropFirst(limit)
        add(name: Self.otherLabel, id: Self.otherLabel, rw: rest.sumOfBytes(\.rwBytes),
            logs: rest.sumOfBytes(\.logBytes), total: rest.sumOfBytes(\.totalBytes))
        return family
    }

    private var volumes: MetricFamily {
        var family = MetricFamily(
            "dockdu_volume_bytes",
            help: "The \(limit) biggest volumes; volume \(Self.otherLabel) sums the rest.")
        let sorted = report.volumes.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        for volume in sorted.prefix(limit) {
            family.add(byteLabels.merging(["volume": Self.name(volume.name)]), volume.bytes)
        }
        let rest = sorted.dropFirst(limit)
        family.add(byteLabels.merging(["volume": Self.otherLabel]), rest.sumOfBytes(\.bytes))
        return family
    }

    private var orphanBytes: MetricFamily {
        var family = MetricFamily(
            "dockdu_orphan_bytes",
            help: "Bytes nobody owns: overlay2 directories, layers and metadata no image, container "
                + "or build cache uses. No docker command frees them.")
        family.add(byteLabels, report.categories.orphans)
        return family
    }

    private var orphanCount: MetricFamily {
        var family = MetricFamily("dockdu_orphans", help: "Orphans found (see dockdu report).")
        family.add(rootLabel, Int64(report.orphans.count))
        return family
    }

    /// BuildKit's records by type: BuildKit's own types (a bounded set) and `other` for any it may
    /// add; every known type has a series, 0 included, so a rate over them never sees a gap.
    /// Absent when the data root has no BuildKit databases.
    private var buildCacheFigures: [MetricFamily] {
        guard let records = report.buildCache else { return [] }
        let known = BuildCacheRecord.Kind.known.map(\.rawValue)
        func type(_ record: BuildCacheUsage) -> String { known.contains(record.type) ? record.type : Self.otherLabel }
        let types = known + [Self.otherLabel]
        var bytes = MetricFamily(
            "dockdu_build_cache_bytes",
            help: "Bytes of BuildKit's cache records by type, measured by the walk, each directory once; "
                + "records whose data is an image layer count under the image.")
        var counts = MetricFamily("dockdu_build_cache_records", help: "BuildKit's cache records by type, as docker system df -v lists them.")
        var reclaimable = MetricFamily(
            "dockdu_build_cache_reclaimable_bytes",
            help: "Bytes a plain docker builder prune would free, by type (records not in use, not shared, "
                + "not internal or frontend).")
        let reasons = report.reclaimable.buildCache.map(\.reason)
        for name in types {
            let chosen = zip(records, reasons).filter { type($0.0) == name }
            bytes.add(byteLabels.merging(["type": name]), BuildCachePrune.freedBytes(chosen.map(\.0), chosen.map { _ in .unused }))
            counts.add(rootLabel.merging(["type": name]), Int64(chosen.count))
            reclaimable.add(byteLabels.merging(["type": name]), BuildCachePrune.freedBytes(chosen.map(\.0), chosen.map(\.1)))
        }
        return [bytes, counts, reclaimable]
    }

    /// The containerd store's figures beyond the lists, one series each; absent when it was not read.
    private var containerdFigures: [MetricFamily] {
        guard let summary = report.containerdStore else { return [] }
        var blobs = MetricFamily(
            "dockdu_blob_bytes",
            help: "All blobs of the containerd content store that something uses, summed: "
                + "what Docker 29 keeps beside the unpacked layers.")
        blobs.add(byteLabels, (report.blobs ?? []).sumOfBytes(\.bytes))
        var copies = MetricFamily(
            "dockdu_containerd_compressed_copies_bytes",
            help: "Compressed layer blobs whose layer is also unpacked as a snapshot: the same layer kept twice.")
        copies.add(byteLabels, summary.compressedCopiesBytes)
        var inProgress = MetricFamily(
            "dockdu_containerd_in_progress_bytes",
            help: "Unpacks and downloads the containerd store has in progress (extract-* snapshots, ingests); "
                + "counted as other.")
        inProgress.add(byteLabels, summary.inProgressBytes)
        var held = MetricFamily(
            "dockdu_containerd_held_bytes",
            help: "Snapshots and blobs containerd keeps for something Docker does not know (its own containers "
                + "and leases, other namespaces); counted as other.")
        held.add(byteLabels, summary.heldBytes)
        return [blobs, copies, inProgress, held]
    }

    private var warnings: MetricFamily {
        var family = MetricFamily(
            "dockdu_warnings",
            help: "Parts of the data root that could not be read or parsed, by code; "
                + "the figures leave them out.")
        for code in WarningCode.allCases {
            let count = report.warnings.count(where: { $0.code == code })
            family.add(rootLabel.merging(["code": code.rawValue]), Int64(count))
        }
        return family
    }

    private var scanDuration: MetricFamily {
        var family = MetricFamily("dockdu_scan_duration_seconds", help: "How long the scan took.")
        family.add(rootLabel, text: Self.number(scanSeconds))
        return family
    }

    /// Absent when the report's time is not one dockdu wrote (a hand-edited document).
    private var lastRun: MetricFamily? {
        guard let seconds = Timestamp.parse(report.generatedAt) else { return nil }
        var family = MetricFamily(
            "dockdu_last_run_timestamp_seconds",
            help: "When the scan ran, in seconds since the epoch; alert when it is old.")
        family.add(rootLabel, seconds)
        return family
    }

    // MARK: Pieces

    private var limit: Int { max(0, topN) }

    /// The order that picks the top N images, for every per-image family alike.
    private var imagesByUniqueBytes: [ImageUsage] {
        report.images.sorted { ($0.uniqueBytes, $1.id) > ($1.uniqueBytes, $0.id) }
    }

    /// The store label of a root that no image store lives under.
    static let noStoreLabel = "none"

    private var rootLabel: Labels { ["data_root": Self.name(report.dataRoot)] }

    private var byteLabels: Labels {
        ["data_root": Self.name(report.dataRoot), "size_mode": report.sizeMode.rawValue]
    }

    /// A name or path from the data root, safe to print.
    private static func name(_ text: String) -> String {
        TerminalEscaping.escape(text)
    }

    /// The exposition format's escapes for a label value: `\\`, `\"` and `\n`.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `sha256:` and the first 12 hex digits: short, and still the prefix of the full ID.
    private static func shortImageID(_ id: String) -> String {
        let prefix = "sha256:"
        let hex = id.hasPrefix(prefix) ? id.dropFirst(prefix.count) : Substring(id)
        return prefix + hex.prefix(12)
    }

    /// A float as Go's `strconv.ParseFloat`, which Prometheus uses, reads it.
    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return String(describing: value)
    }
}

private typealias Labels = [String: String]

extension ImageUsage {
    /// Of its blobs, those no other listed image references; 0 outside the containerd store.
    fileprivate var uniqueContentBytes: Int64 { (contentBytes ?? 0) -| (sharedContentBytes ?? 0) }
}

extension Dictionary where Key == String, Value == String {
    fileprivate func merging(_ other: Labels) -> Labels {
        merging(other) { _, new in new }
    }
}

/// One metric: its help, its type (always gauge here) and its samples in the order added.
private struct MetricFamily {
    let name: String
    let help: String
    private var samples: [(labels: String, value: SampleValue)] = []
    /// Where each label set's sample is, so a repeated label set adds to it instead of making a
    /// second series: node_exporter rejects a whole file that repeats one.
    private var indexByLabels: [String: Int] = [:]

    enum SampleValue {
        case integer(Int64)
        case text(String)
    }

    init(_ name: String, help: String) {
        self.name = name
        self.help = help
    }

    mutating func add(_ labels: Labels, _ value: Int64) {
        add(labels, .integer(value))
    }

    mutating func add(_ labels: Labels, text: String) {
        add(labels, .text(text))
    }

    private mutating func add(_ labels: Labels, _ value: SampleValue) {
        let rendered = Self.render(labels)
        if let index = indexByLabels[rendered] {
            if case .integer(let old) = samples[index].value, case .integer(let new) = value {
                samples[index].value = .integer(old &+ new)
            }
            return
        }
        indexByLabels[rendered] = samples.count
        samples.append((rendered, value))
    }

    func render() -> String {
        var text = "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) gauge\n"
        for sample in samples {
            let value =
                switch sample.value {
                case .integer(let integer): String(integer)
                case .text(let number): number
                }
            text += "\(name)\(sample.labels) \(value)\n"
        }
        return text
    }

    /// `{a="1",b="2"}` with names sorted; empty for no labels.
    private static func render(_ labels: Labels) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(PrometheusMetrics.escapeLabelValue($0.value))\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// HELP text escapes only `\\` and `\n`.
    private static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
