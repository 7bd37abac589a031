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

@Suite struct WorkerCountTests {
    @Test(arguments: [
        (nil, 2, nil), ("", 2, nil), ("1", 1, nil), ("16", 16, nil), ("1024", 1024, nil),
        ("0", 2, "0"), ("-3", 2, "-3"), ("1025", 2, "1025"), ("two", 2, "two"), (" 4", 2, " 4"),
    ] as [(String?, Int, String?)])
    func dockduWorkersIsAWholeNumberFromOneElseIgnoredAloud(value: String?, expected: Int, warnedAbout: String?) {
        let (count, warning) = CommandLineTool.workerCount(value, processors: 2)
        #expect(count == expected)
        if let warnedAbout {
            #expect(warning?.contains("ignoring DOCKDU_WORKERS='\(warnedAbout)'") == true)
            #expect(warning?.contains("using 2") == true)
        } else {
            #expect(warning == nil)
        }
    }

    @Test func controlCharactersInTheValueAreEscaped() {
        let warning = CommandLineTool.workerCount("4\u{1B}[2J", processors: 2).warning ?? ""
        #expect(!warning.unicodeScalars.contains { $0.value < 0x20 })
    }
}
