@testable import DockduCore

/// Pairs of reports a day apart for the comparison tests: the hostile sample, then the same
/// host 23 hours later, after a night of logging, a deploy and a build-cache prune.
enum ComparisonSamples {
    static let mebibyte = SampleReports.mebibyte
    static let kibibyte = SampleReports.kibibyte

    static let appID = "sha256:" + SampleReports.hex("e")
    static let workerID = SampleReports.hex("5")
    static let newOrphanPath = "overlay2/" + SampleReports.hex("9")

    /// The earlier report.
    static let old: Report = {
        var report = SampleReports.hostile
        report.generatedAt = "2026-11-28T03:15:00Z"
        return report
    }()

    /// 23 hours later:
    /// - images: `evil` removed (−130 MiB), `app:3` pulled (+400 MiB);
    /// - containers: `web` wrote 50 MiB to its writable layer and 1600 MiB of logs; a new
    ///   `worker` (120 MiB, and 200 MiB of logs); `job`'s logs rotated away 924 MiB;
    /// - volumes: `pgdata` +300 MiB, the anonymous one −300 MiB;
    /// - build cache pruned by 200 MiB;
    /// - orphans: the one with an invalid name is gone, a 64 MiB one appeared;
    /// - other: +4 KiB.
    static let new: Report = {
        var report = SampleReports.hostile
        report.generatedAt = "2026-11-29T02:15:00Z"
        report.images.removeAll { $0.id == SampleReports.evilImageID }
        report.images.append(ImageUsage(
            id: appID, tags: ["app:3"], dangling: false, created: "2026-11-28T20:00:00Z",
            layers: [], bytes: 400 * mebibyte, sharedBytes: 0, uniqueBytes: 400 * mebibyte,
            containers: [workerID]))
        for index in report.containers.indices {
            switch report.containers[index].id {
            case SampleReports.webID:
                report.containers[index].rwBytes += 50 * mebibyte
                report.containers[index].logBytes += 1600 * mebibyte
                report.containers[index].totalBytes += 1650 * mebibyte
            case SampleReports.jobID:
                report.containers[index].logBytes -= 924 * mebibyte
                report.containers[index].totalBytes -= 924 * mebibyte
            default:
                break
            }
        }
        report.containers.append(ContainerUsage(
            id: workerID, name: "worker", imageId: appID, state: .running,
            created: "2026-11-28T20:01:00Z", finishedAt: nil, logDriver: "json-file",
            rwBytes: 100 * mebibyte, logBytes: 200 * mebibyte, totalBytes: 320 * mebibyte, volumes: []))
        report.volumes[0].bytes += 300 * mebibyte
        report.volumes[1].bytes -= 300 * mebibyte
        report.orphans.removeAll { $0.pathBase64 != nil }
        report.orphans.append(OrphanUsage(path: newOrphanPath, kind: .unreferencedLayer, bytes: 64 * mebibyte))

        report.categories.images += 270 * mebibyte
        report.categories.containers += 170 * mebibyte
        report.categories.logs += (1600 + 200 - 924) * mebibyte
        report.categories.buildCache -= 200 * mebibyte
        report.categories.orphans += 64 * mebibyte - 16 * kibibyte
        report.categories.other += 4 * kibibyte
        report.totalBytes = report.categories.sum
        report.warnings.removeAll { $0.code != .unreadable }
        return report
    }()

    /// More changed volumes than a section lists: every one of `SampleReports.long`'s 25
    /// volumes grew or shrank by its index in MiB.
    static let longOld: Report = SampleReports.long

    static let longNew: Report = {
        var report = SampleReports.long
        report.generatedAt = "2026-12-01T19:24:24Z"
        for index in report.volumes.indices {
            let step = Int64(index + 1) * mebibyte
            report.volumes[index].bytes += index.isMultiple(of: 2) ? step : -min(step, report.volumes[index].bytes)
        }
        report.categories.volumes = report.volumes.reduce(0) { $0 + $1.bytes }
        report.totalBytes = report.categories.sum
        return report
    }()
}
