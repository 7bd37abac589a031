import Dispatch

/// A one-line progress display on standard error while a scan runs: what is being walked and how
/// much so far. Shown only when standard error is a terminal and `--quiet` is not given; never on
/// standard output.
final class ProgressLine {
    let progress = WalkProgress()
    private let timer: any DispatchSourceTimer
    private let queue = DispatchQueue(label: "dockdu.progress")

    init() {
        timer = DispatchSource.makeTimerSource(queue: queue)
        let progress = self.progress
        timer.setEventHandler {
            ProcessEnvironment.write(Array(Self.line(progress).utf8), to: 2)
        }
        timer.schedule(deadline: .now() + .milliseconds(300), repeating: .milliseconds(250))
        timer.resume()
    }

    /// Stops the display and clears its line.
    func finish() {
        queue.sync { timer.cancel() }
        ProcessEnvironment.write(Array("\r\u{1B}[K".utf8), to: 2)
    }

    static func line(_ progress: WalkProgress) -> String {
        var path = TerminalEscaping.escape(progress.path)
        if path.count > 48 { path = String(path.prefix(47)) + "…" }
        return "\r\u{1B}[Kdockdu: \(progress.inodes) files, \(ByteCount.human(progress.allocatedBytes)); walking \(path.isEmpty ? "." : path)"
    }

    /// A progress line when standard error is a terminal and the user did not ask for quiet.
    static func startIfWanted(quiet: Bool) -> ProgressLine? {
        guard !quiet, ProcessEnvironment.isTerminal(2) else { return nil }
        return ProgressLine()
    }
}
