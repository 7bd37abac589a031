import Foundation
import Testing
@testable import DockduCore

@Suite struct ProcessEnvironmentTests {
    /// The walk starts a worker per processor this process may use: what coreutils' nproc
    /// counts from the same affinity mask, so that `taskset -c 0 dockdu` or systemd's
    /// CPUAffinity= keeps dockdu to those processors' worth of threads.
    @Test func processorCountIsTheAffinityNprocCounts() throws {
        let nproc = try #require(ExternalTool.find("nproc"))
        let outcome = try ExternalTool.run(nproc, [])
        #expect(outcome.status == 0)
        let expected = try #require(Int(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessEnvironment.processorCount == expected)
    }
}
