import Testing

@testable import DockduCore

@Suite struct ReclaimableTests {
    typealias Sample = SampleReports

    @Test func imagesCountUniqueBytesOfImagesNoContainerUses() {
        let images = Sample.hostile.reclaimable[.images]
        // evil (50 MiB unique) and digest-only (12.3 MiB); nginx and the dangling image are used.
        #expect(images.bytes == 50 * Sample.mebibyte + 123 * Sample.mebibyte / 10)
        #expect(images.itemCount == 4)
        #expect(images.reclaimableItemCount == 2)
    }

    @Test func stoppedContainersWithoutTheirLogs() {
        let containers = Sample.hostile.reclaimable[.containers]
        // job (exited): 1 GiB + 630 MiB total, 1 GiB of it logs; the created one: 8 KiB.
        #expect(containers.bytes == 630 * Sample.mebibyte + 8 * Sample.kibibyte)
        #expect(containers.itemCount == 3)
        #expect(containers.reclaimableItemCount == 2)
    }

    @Test func logsOfStoppedContainersOnly() {
        let logs = Sample.hostile.reclaimable[.logs]
        #expect(logs.bytes == 1 * Sample.gibibyte)
        #expect(logs.itemCount == 2)  // web and job have logs
        #expect(logs.reclaimableItemCount == 1)
    }

    @Test(arguments: [ContainerState.running, .paused, .restarting])
    func liveContainersAreNotReclaimable(state: ContainerState) {
        var report = Sample.hostile
        report.containers = report.containers.map { container in
            var container = container
            container.state = state
            return container
        }
        #expect(report.reclaimable[.containers].bytes == 0)
        #expect(report.reclaimable[.logs].bytes == 0)
    }

    @Test(arguments: [ContainerState.exited, .created, .dead])
    func stoppedStatesAreReclaimable(state: ContainerState) {
        var report = Sample.hostile
        report.containers = [report.containers[0]]
        report.containers[0].state = state
        #expect(report.reclaimable[.containers].bytes == 10 * Sample.mebibyte)
        #expect(report.reclaimable[.logs].bytes == 30 * Sample.mebibyte)
    }

    @Test func volumesNoContainerMounts() {
        let volumes = Sample.hostile.reclaimable[.volumes]
        #expect(volumes.bytes == 700 * Sample.mebibyte + 4 * Sample.kibibyte)
        #expect(volumes.itemCount == 3)
        #expect(volumes.reclaimableItemCount == 2)
    }

    @Test func buildCacheAndOrphansAreAllReclaimableOtherIsNot() {
        let report = Sample.hostile
        let reclaimable = report.reclaimable
        #expect(reclaimable[.buildCache].bytes == report.categories.buildCache)
        #expect(reclaimable[.buildCache].itemCount == nil)
        #expect(reclaimable[.orphans].bytes == report.categories.orphans)
        #expect(reclaimable[.orphans].itemCount == 3)
        #expect(reclaimable[.orphans].reclaimableItemCount == 3)
        #expect(reclaimable[.other] == ReclaimableSpace.Entry())
    }

    @Test func totalIsTheSumOfCategories() {
        let reclaimable = Sample.hostile.reclaimable
        let sum = Category.allCases.map { reclaimable[$0].bytes }.reduce(0, +)
        #expect(reclaimable.totalBytes == sum)
        #expect(sum > 0)
    }

    @Test func emptyReportReclaimsNothing() {
        let reclaimable = Sample.empty.reclaimable
        #expect(reclaimable.totalBytes == 0)
        #expect(reclaimable[.images].itemCount == 0)
    }
}
