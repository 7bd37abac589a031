import Foundation
import Testing

/// Packaging/systemd and Packaging/cron: the units systemd accepts, the hardening they promise,
/// and one script with one report directory behind the timer and the cron line.
@Suite struct SystemdUnitTests {
    static let packaging = ExternalCommand.repositoryRoot + "/Packaging"

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: packaging + "/" + relative, encoding: .utf8)
    }

    /// `Key=value` lines of a unit, in order (a key may repeat).
    static func settings(_ relative: String) throws -> [(key: String, value: String)] {
        try text(relative).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    static func value(_ key: String, in relative: String) throws -> String? {
        try settings(relative).last { $0.key == key }?.value
    }

    @Test func serviceRunsTheNightlyScriptHardened() throws {
        let unit = "systemd/dockdu-report.service"
        #expect(try Self.value("Type", in: unit) == "oneshot")
        #expect(try Self.value("ExecStart", in: unit) == "/usr/lib/dockdu/dockdu-nightly")
        let expected = [
            "ProtectSystem": "strict", "ReadOnlyPaths": "-/var/lib/docker", "ReadWritePaths": "/var/lib/dockdu",
            "ProtectHome": "yes", "PrivateTmp": "yes", "NoNewPrivileges": "yes", "PrivateNetwork": "yes", "Nice": "19",
            "IOSchedulingClass": "idle", "CapabilityBoundingSet": "CAP_DAC_READ_SEARCH", "StateDirectory": "dockdu",
            // dockdu's layer cache (/var/cache/dockdu when run as root), which makes nightly runs quick.
            "CacheDirectory": "dockdu",
        ]
        for (key, value) in expected {
            #expect(try Self.value(key, in: unit) == value, "\(key)")
        }
        // The reports go where ReadWritePaths lets them: the script's default, and the unit's.
        let environment = try #require(try Self.value("Environment", in: unit))
        #expect(environment.contains("DOCKDU_REPORTS=/var/lib/dockdu/reports"))
        #expect(try Self.text("dockdu-nightly").contains("reports=${DOCKDU_REPORTS:-/var/lib/dockdu/reports}"))
        #expect(try Self.text("dockdu-nightly").contains("bin=${DOCKDU_BIN:-/usr/bin/dockdu}"))
    }

    @Test func timerIsDailyRandomizedAndPersistent() throws {
        let unit = "systemd/dockdu-report.timer"
        #expect(try Self.value("OnCalendar", in: unit) == "daily")
        #expect(try Self.value("RandomizedDelaySec", in: unit).map { !$0.isEmpty && $0 != "0" } == true)
        #expect(try Self.value("Persistent", in: unit) == "true")
        #expect(try Self.value("WantedBy", in: unit) == "timers.target")
    }

    @Test func cronLineRunsTheSameScriptAsRoot() throws {
        let jobs = try Self.text("cron/dockdu").split(separator: "\n").filter { line in
            !line.hasPrefix("#") && !line.isEmpty && !line.contains("=")
        }
        #expect(jobs.count == 1)
        let fields = try #require(jobs.first).split(separator: " ")
        #expect(fields.count > 6 && fields[5] == "root", "an /etc/cron.d line names its user")
        #expect(fields.last == "/usr/lib/dockdu/dockdu-nightly")
    }

    /// `systemd-analyze verify` on the units as `make install` would install them: the script
    /// and the man page where the units say they are.
    @Test(.enabled(if: ExternalCommand.find("systemd-analyze") != nil, "systemd-analyze is not installed (apt-get install systemd)"))
    func systemdAcceptsTheUnits() throws {
        let tree = try TemporaryTree()
        for directory in ["lib", "lib/dockdu", "man", "man/man8", "units"] {
            try tree.directory(directory)
        }
        let manager = FileManager.default
        try manager.copyItem(atPath: Self.packaging + "/dockdu-nightly", toPath: tree.path + "/lib/dockdu/dockdu-nightly")
        try manager.copyItem(atPath: ExternalCommand.repositoryRoot + "/man/dockdu.8", toPath: tree.path + "/man/man8/dockdu.8")
        let service = try Self.text("systemd/dockdu-report.service")
            .replacing("/usr/lib/dockdu/", with: tree.path + "/lib/dockdu/")
        try service.write(toFile: tree.path + "/units/dockdu-report.service", atomically: true, encoding: .utf8)
        try manager.copyItem(atPath: Self.packaging + "/systemd/dockdu-report.timer", toPath: tree.path + "/units/dockdu-report.timer")
        let result = try ExternalCommand.run(
            try #require(ExternalCommand.find("systemd-analyze")),
            ["verify", tree.path + "/units/dockdu-report.service", tree.path + "/units/dockdu-report.timer"],
            environment: ["MANPATH": tree.path + "/man", "SYSTEMD_LOG_LEVEL": "notice"])
        #expect(result.status == 0 && result.errors.isEmpty && result.output.isEmpty, "\(result.output)\(result.errors)")
    }
}
