import FoundationEssentials
import Glibc

// libFuzzer entry point for every parser of untrusted bytes in DockduCore. build.sh compiles this
// file into the DockduCore module itself (so the library is compiled once, with the sanitizers,
// and internal API is reachable); DOCKDU_FUZZ_TARGET picks the parser. Each target also checks an
// invariant the parser promises and aborts when it is broken, so the fuzzer finds wrong answers,
// not only crashes.

/// The parsers, by the name run.sh passes in DOCKDU_FUZZ_TARGET.
let fuzzTargets: [String: @Sendable ([UInt8]) -> Void] = [
    "boltdb": fuzzBoltDB,
    "repositories": { bytes in
        guard let file = try? RepositoriesFile.parse(bytes) else { return }
        let references = file.referencesByImage
        check(references.values.reduce(0) { $0 + $1.count } == file.repositories.values.reduce(0) { $0 + $1.count },
              "referencesByImage lost or invented references")
        check(references.values.allSatisfy { $0 == $0.sorted() }, "referencesByImage is not sorted")
    },
    "image-config": { bytes in
        guard let config = try? ImageConfig.parse(bytes) else { return }
        check(config.diffIDs == (config.rootfs?.diffIDs ?? []), "diffIDs differs from rootfs.diff_ids")
    },
    "container-config": { bytes in
        guard let config = try? ContainerConfig.parse(bytes) else { return }
        _ = config.containerState
        check(config.volumeNames == config.volumeNames.sorted(), "volumeNames is not sorted")
        check(!config.volumeNames.contains(""), "volumeNames holds an empty name")
        if let finished = config.finishedAt { check(!finished.hasPrefix("0001-01-01"), "finishedAt is the zero time") }
    },
    "host-config": { bytes in _ = try? ContainerHostConfig.parse(bytes) },
    "daemon-config": { bytes in _ = try? DaemonConfiguration.parse(bytes) },
    "report": { bytes in
        guard let report = try? ReportComparison.decodeReport(bytes) else { return }
        check(report.schemaVersion <= Report.currentSchemaVersion, "a newer schemaVersion was accepted")
        // A report compared with itself has changed by nothing.
        guard let comparison = try? ReportComparison(old: report, new: report) else { return }
        check(comparison.total.oldBytes == comparison.total.newBytes, "a report differs from itself")
    },
    "layer-cache": { bytes in
        // As LayerCache.load decodes it; whatever decodes must survive a round trip unchanged.
        guard let cache = try? JSONDecoder().decode(LayerCache.self, from: Data(bytes)) else { return }
        guard let encoded = try? JSONEncoder().encode(cache) else { fail("a decoded cache does not encode") }
        check((try? JSONDecoder().decode(LayerCache.self, from: encoded)) == cache, "the cache changed in a round trip")
    },
    "lower": { bytes in
        guard let links = DockerNames.lowerLinks(bytes) else { return }
        check(!links.isEmpty && links.count <= DockerNames.maximumLowerDepth, "\(links.count) lower links")
        check(links.allSatisfy(DockerNames.isLinkName), "a lower link is not a link name")
        // Accepted text is exactly the links it names, with a trailing newline or spaces at most.
        var trimmed = bytes
        while let last = trimmed.last, last == 0x0A || last == 0x20 { trimmed.removeLast() }
        check(Array(links.map { Array("l/".utf8) + $0 }.joined(separator: [0x3A])) == trimmed, "lower round trip")
    },
    "link-target": { bytes in
        guard let directory = DockerNames.linkTarget(bytes) else { return }
        check(DockerNames.isOverlayDirectory(directory), "a link target is not an overlay directory")
        check(Array("../".utf8) + directory + Array("/diff".utf8) == bytes, "link target round trip")
    },
    "names": fuzzNames,
    "duration": { bytes in
        guard let text = String(validating: bytes, as: UTF8.self), let seconds = Duration.parse(text) else { return }
        check(seconds >= 0, "negative duration \(seconds)")
        check(Duration.parse("\(seconds)s") == seconds, "\(seconds)s does not parse back")
        _ = Duration.describe(seconds)
    },
    "size": { bytes in
        guard let text = String(validating: bytes, as: UTF8.self), let size = SizeArgument.parse(text) else { return }
        check(size >= 0, "negative size \(size)")
        if text.hasSuffix("k") || text.hasSuffix("K") { check(size % 1024 == 0, "\(text) is not whole KiB") }
        check(SizeArgument.parse("\(size)") == size, "\(size) does not parse back")
    },
]

/// Decodes a bolt file and reads every bucket and key, as the loader does, checking the promises
/// of `BoltDB`: keys in order, lookups agree with iteration, and never more entries or bytes than a
/// file of this size holds.
@Sendable func fuzzBoltDB(_ bytes: [UInt8]) {
    guard let db = try? BoltDB(bytes: bytes) else { return }
    var entries = 0
    var entryBytes = 0
    func walk(_ bucket: BoltDB.Bucket) {
        var previous: [UInt8]?
        var seen = 0
        bucket.forEach { key, value in
            seen += 1
            entries += 1
            entryBytes += key.count + (value?.count ?? 0)
            if let previous { check(previous.lexicographicallyPrecedes(key), "bolt keys out of order") }
            previous = key
            check(bucket.get(key) == value, "get disagrees with forEach")
            if value == nil {
                guard let child = bucket.bucket(key) else { fail("a nil value that is not a bucket") }
                walk(child)
            } else {
                check(bucket.bucket(key) == nil, "a value that is also a bucket")
            }
        }
        check(seen == bucket.count, "count disagrees with forEach")
    }
    walk(db.rootBucket)
    check(entries <= bytes.count / 16, "\(entries) entries from \(bytes.count) bytes")
    check(entryBytes <= bytes.count, "\(entryBytes) bytes of keys and values from \(bytes.count) bytes")
}

/// The name checks: whatever one accepts is of its documented shape and safe as one path component.
@Sendable func fuzzNames(_ bytes: [UInt8]) {
    let safe = DockerNames.isSinglePathComponent(bytes)
    check(safe == (!bytes.isEmpty && bytes != [0x2E] && bytes != [0x2E, 0x2E] && !bytes.contains(0x2F) && !bytes.contains(0)),
          "isSinglePathComponent")
    if DockerNames.isHexID(bytes) {
        check(bytes.count == 64 && safe && bytes.allSatisfy { "0123456789abcdef".utf8.contains($0) }, "isHexID")
    }
    if DockerNames.isDigest(bytes) {
        check(bytes.starts(with: "sha256:".utf8) && DockerNames.isHexID(bytes.dropFirst(7)), "isDigest")
    }
    if DockerNames.isOverlayDirectory(bytes) {
        // A layer or container's 64 hex digits (and -init), or a BuildKit ID (its snapshots, and
        // the layers a build exports from them).
        let buildKit = BuildKitNames.isRandomID(bytes)
        check(safe && (bytes.count == 64 || bytes.count == 69 || buildKit), "isOverlayDirectory accepted an unsafe name")
        check(buildKit ? bytes.count == 25 && bytes.allSatisfy { "0123456789abcdefghijklmnopqrstuvwxyz".utf8.contains($0) } : DockerNames.isHexID(bytes.prefix(64)), "isOverlayDirectory without an ID")
    }
    if DockerNames.isLinkName(bytes) { check(safe && bytes.count == 26, "isLinkName accepted an unsafe name") }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    // write(2) on descriptor 2: stderr the C global is not concurrency-safe in Swift 6.
    let line = Array("dockdu fuzz: invariant broken: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    abort()
}

/// The target named by DOCKDU_FUZZ_TARGET, looked up once.
let selectedFuzzTarget: @Sendable ([UInt8]) -> Void = {
    let name = getenv("DOCKDU_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = fuzzTargets[name] else {
        fail("set DOCKDU_FUZZ_TARGET to one of: \(fuzzTargets.keys.sorted().joined(separator: " "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedFuzzTarget(bytes)
    return 0
}
