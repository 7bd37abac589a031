import Foundation
import Testing

/// One damaged copy of the stopped engine's tree, for the hostile phase:
/// ```
/// hostile/<name>/root/      a copy of the pristine data root (cp -a: links, devices, xattrs)
/// hostile/<name>/outside/   files no plan may ever reach
/// hostile/<name>/bin/docker a stand-in that records what a plan script asks of the engine
/// ```
struct HostileCopy {
    let environment: EngineEnvironment
    let base: String

    var root: String { base + "/root" }
    var outside: String { base + "/outside" }
    var dockerLog: String { base + "/docker.log" }
    var cache: String { base + "/cache" }

    static func make(_ name: String, _ environment: EngineEnvironment) throws -> HostileCopy {
        let copy = HostileCopy(environment: environment, base: environment.dir + "/hostile/" + name)
        try CommandRunner.bashChecked(
            """
            set -e
            base=$1 pristine=$2
            [ -d "$pristine/image" ] || { echo "no pristine copy at $pristine" >&2; exit 1; }
            rm -rf --one-file-system "$base"
            mkdir -p "$base/outside/victim/diff" "$base/bin"
            cp -a "$pristine" "$base/root"
            head -c 100000 /dev/urandom > "$base/outside/victim/data"
            head -c 5000 /dev/urandom > "$base/outside/victim/diff/file"
            printf '#!/bin/sh\\necho "$*" >> %s/docker.log\\n' "$base" > "$base/bin/docker"
            chmod 755 "$base/bin/docker"
            """, [copy.base, environment.pristine])
        return copy
    }

    /// dockdu with `arguments`, on this copy, with a cache beside it.
    func dockdu(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run([environment.binary] + arguments + ["--root", root, "--cache", cache])
    }

    func report(_ extra: [String] = []) throws -> (ReportDocument, CommandResult) {
        let result = try dockdu(["report", "--json", "--bytes"] + extra)
        do {
            return (try JSONDecoder().decode(ReportDocument.self, from: result.stdout), result)
        } catch {
            throw EngineTestError("report of \(root) does not decode (\(error)): \(result.summary)")
        }
    }

    /// `plan --json` and `plan --script` with the same flags.
    func plan(_ flags: [String]) throws -> (plan: [String: Any], script: String) {
        let json = try dockdu(["plan", "--json"] + flags)
        guard let plan = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any] else {
            throw EngineTestError("plan does not decode: \(json.summary)")
        }
        let script = try dockdu(["plan", "--script"] + flags)
        return (plan, String(decoding: script.stdout, as: UTF8.self))
    }

    /// Runs a plan script with the recording `docker` first on PATH.
    func carryOut(_ script: String) throws -> CommandResult {
        let path = base + "/cleanup.sh"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        return try CommandRunner.run(
            ["sh", path], environment: ["PATH": base + "/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"])
    }

    /// What the script asked of the engine, one command a line.
    func dockerCommands() -> [String] {
        ((try? readText(dockerLog)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs `body` and checks that the copy's manifest (every entry's metadata and every file's
    /// content hash) is the same after: dockdu only reads, whatever the damage.
    func readOnly<R>(_ body: () throws -> R) throws -> R {
        let before = try Measure.manifest(root)
        let result = try body()
        let after = try Measure.manifest(root)
        let removed = Set(before).subtracting(after).sorted()
        let added = Set(after).subtracting(before).sorted()
        #expect(before == after, "\(base): dockdu changed the tree: before \(removed.prefix(5)), after \(added.prefix(5))")
        return result
    }

    /// Every absolute path a plan's actions name.
    static func commandPaths(_ plan: [String: Any]) -> [String] {
        let actions = plan["actions"] as? [[String: Any]] ?? []
        return actions.flatMap { ($0["command"] as? [String] ?? []).filter { $0.hasPrefix("/") } }
    }

    static func actionKinds(_ plan: [String: Any]) -> [String] {
        (plan["actions"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    }

    static func actionTargets(_ plan: [String: Any]) -> [String] {
        (plan["actions"] as? [[String: Any]] ?? []).compactMap { action in
            (action["kind"] as? String).flatMap { kind in (action["target"] as? String).map { "\(kind) \($0)" } }
        }
    }
}

/// `realpath -m`: the path with links and `..` resolved, whether or not it exists.
func resolvedPath(_ path: String) throws -> String {
    let result = try CommandRunner.run(["realpath", "-m", "--", path])
    guard result.status == 0 else { throw EngineTestError(result.summary) }
    return result.stdoutText.trimmingCharacters(in: .newlines)
}
