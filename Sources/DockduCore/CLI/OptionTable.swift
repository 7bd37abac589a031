/// A `dockdu` command: the first operand.
public enum Command: String, Sendable, Hashable, CaseIterable {
    case report, plan, why

    /// Whether operands follow the command (`why TARGET...`); the others take options only.
    public var takesOperands: Bool { self == .why }

    /// How the synopsis names the operands, after the options.
    public var operandsLabel: String? { self == .why ? "TARGET..." : nil }

    /// What `dockdu <command> --help` shows under "examples": a command line and what it does.
    public var examples: [(command: String, meaning: String)] {
        switch self {
        case .report:
            [
                ("sudo dockdu report", "Where the space under /var/lib/docker went, biggest first."),
                ("sudo dockdu report --json --output /var/lib/dockdu/today.json", "The versioned document, written atomically, for a cron job to keep."),
                ("sudo dockdu report --compare /var/lib/dockdu/yesterday.json", "What grew and shrank since then: the first thing to read when a disk alert fires."),
                ("sudo dockdu report --format prometheus --output /var/lib/node_exporter/textfile/dockdu.prom", "Metrics for node_exporter's textfile collector."),
                ("sudo dockdu report --apparent-size --bytes", "Docker's own byte counts, as docker system df -v gives them."),
            ]
        case .plan:
            [
                ("sudo dockdu plan", "What docker system prune would remove, and what each step frees; nothing is removed."),
                ("sudo dockdu plan --all-images --volumes --older-than 7d", "Also images no container uses and anonymous volumes, if a week old."),
                ("sudo dockdu plan --script > cleanup.sh", "The same as a shell script: read it, then run sh cleanup.sh."),
                ("sudo dockdu plan --json --keep 'prod-*'", "The plan as JSON, never touching containers or images matching prod-*."),
            ]
        case .why:
            [
                ("sudo dockdu why /var/lib/docker/overlay2/3f2a.../diff/app.log", "Which layer of which images holds the file, and what removing them would free."),
                ("sudo dockdu why web app:2 2b1c4f0e9d7a", "A container by name, an image by reference, an ID by its prefix."),
                ("sudo dockdu why --json pgdata", "A volume, and who mounts it, as JSON for scripts."),
            ]
        }
    }

    /// One line for the command list in `dockdu --help` and the man page.
    public var summary: String {
        switch self {
        case .report: "Show what uses the space under a Docker data root, and what could be freed."
        case .plan: "Show what a clean-up would remove, and how much it would free."
        case .why: "Show what owns a path or an ID, its bytes, what shares it, and what removing it would free."
        }
    }
}

/// One command-line option. The table of these, ``OptionTable/all``, is the single source for
/// parsing, `--help`, the man page's synopsis and shell completions.
public struct OptionSpec: Sendable, Hashable {
    /// Where an option may appear.
    public enum Scope: Sendable, Hashable {
        /// Anywhere, with or without a command (`--help`, `--version`).
        case global
        /// Only with these commands.
        case commands(Set<Command>)
    }

    /// The name after `--`: `root`. Also the key for ``ParsedArguments/flag(_:)`` and friends.
    public var long: String
    /// The letter after `-`, if the option has a short form: `q`.
    public var short: Character?
    /// What the value stands for in help text (`DIR`), or `nil` for a flag that takes none.
    public var valueName: String?
    public var help: String
    public var scope: Scope
    /// Whether it may be given more than once; every value is kept, in order.
    public var isRepeatable: Bool

    public init(
        long: String, short: Character? = nil, valueName: String? = nil, help: String,
        scope: Scope, isRepeatable: Bool = false
    ) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.scope = scope
        self.isRepeatable = isRepeatable
    }

    public var takesValue: Bool { valueName != nil }

    /// Whether `command` accepts it; a global option is accepted everywhere.
    public func applies(to command: Command) -> Bool {
        switch scope {
        case .global: true
        case .commands(let commands): commands.contains(command)
        }
    }

    /// `--root DIR`, `-q, --quiet`: how help text names it.
    public var helpLabel: String {
        let long = "--" + self.long + (valueName.map { " " + $0 } ?? "")
        return short.map { "-\($0), " + long } ?? long
    }

    /// `[--root DIR]`, `[--exclude PATTERN]...`: how a synopsis names it.
    public var synopsisLabel: String {
        "[--" + long + (valueName.map { " " + $0 } ?? "") + "]" + (isRepeatable ? "..." : "")
    }
}

/// Every option `dockdu` knows, and the help text made from them.
public enum OptionTable {
    /// In the order help text lists them: command options first, then global ones.
    public static let all: [OptionSpec] = [
        OptionSpec(
            long: "root", valueName: "DIR",
            help: "Docker data root to scan (default: data-root in /etc/docker/daemon.json, "
                + "else /var/lib/docker).",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "json", help: "Print the versioned JSON document instead of tables.",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "apparent-size",
            help: "Count st_size, as docker system df does, instead of allocated blocks (du -sx).",
            scope: .commands([.report, .plan])),
        OptionSpec(
            long: "bytes", help: "Print sizes as exact byte counts.",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "quiet", short: "q", help: "Print only the summary.",
            scope: .commands([.report])),
        OptionSpec(
            long: "format", valueName: "FORMAT",
            help: "table (the default), json (as --json), prometheus (node_exporter textfile metrics) or html (a self-contained page).",
            scope: .commands([.report])),
        OptionSpec(
            long: "output", valueName: "FILE",
            help: "Write to FILE, not stdout: a regular file atomically (a temporary file beside it, then rename), "
                + "a FIFO or device such as /dev/null in place; a directory is refused.",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "compare", valueName: "OLD.json",
            help: "Show what grew and shrank since the report in OLD.json (a saved --json).",
            scope: .commands([.report])),
        OptionSpec(
            long: "top", valueName: "N",
            help: "With --format prometheus: series for the N biggest images, containers and volumes (default 20).",
            scope: .commands([.report])),
        OptionSpec(
            long: "wasted",
            help: "Also find each image's wasted bytes: files its upper layers delete or replace (a second pass over the layers).",
            scope: .commands([.report])),
        OptionSpec(
            long: "verbose", short: "v",
            help: "Also list each image's largest hidden files (wasted bytes) and the build steps that added and hid them.",
            scope: .commands([.report])),
        OptionSpec(
            long: "fail-wasted", valueName: "PERCENT",
            help: "Exit with status 3 when an image wastes more than PERCENT (0 to 100) of its bytes on files upper layers hide.",
            scope: .commands([.report])),
        OptionSpec(
            long: "cache", valueName: "DIR",
            help: "Keep per-layer figures in DIR so later runs re-walk only what can change "
                + "(default /var/cache/dockdu when run as root).",
            scope: .commands([.report, .plan])),
        OptionSpec(
            long: "no-cache", help: "Walk everything; read and write no cache.",
            scope: .commands([.report, .plan])),
        OptionSpec(
            long: "cache-max-age", valueName: "DURATION",
            help: "Walk a layer again when its cache entry is older than this (default 7d), "
                + "so every layer is re-verified on a rolling schedule.",
            scope: .commands([.report, .plan])),
        OptionSpec(
            long: "containerd-root", valueName: "DIR",
            help: "Also read this containerd root as Docker's image store (default: found from daemon.json "
                + "and the data root: /var/lib/containerd, or DATA-ROOT/containerd/daemon).",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "containerd-namespace", valueName: "NAME",
            help: "containerd namespace Docker uses (default: containerd-namespace in daemon.json, else moby).",
            scope: .commands([.report, .plan, .why])),
        OptionSpec(
            long: "script", help: "Print the plan as a POSIX shell script to review and run.",
            scope: .commands([.plan])),
        OptionSpec(
            long: "no-containers", help: "Do not propose removing stopped containers (exited, created, dead).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "no-images", help: "Do not propose removing images.", scope: .commands([.plan])),
        OptionSpec(
            long: "all-images",
            help: "Propose every image no container uses, not only dangling ones (as prune -a).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "no-build-cache", help: "Do not propose pruning BuildKit's cache.", scope: .commands([.plan])),
        OptionSpec(
            long: "all-build-cache",
            help: "Prune BuildKit's cache as builder prune --all: shared, internal and frontend records too.",
            scope: .commands([.plan])),
        OptionSpec(
            long: "build-cache-type", valueName: "TYPE",
            help: "Prune only build-cache records of this type (regular, source.local, exec.cachemount, ...).",
            scope: .commands([.plan]), isRepeatable: true),
        OptionSpec(
            long: "volumes", help: "Propose anonymous volumes no container mounts.", scope: .commands([.plan])),
        OptionSpec(
            long: "all-volumes", help: "Propose named volumes no container mounts too (as volume prune --all).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "no-orphans", help: "Do not propose removing orphans.", scope: .commands([.plan])),
        OptionSpec(
            long: "orphan-min-age", valueName: "DURATION",
            help: "Propose only orphans unmodified this long (default 1h; 30m, 2h, 7d).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "log-threshold", valueName: "SIZE",
            help: "Advise truncating logs larger than SIZE (default 100M; 0 for none).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "older-than", valueName: "DURATION",
            help: "Propose only containers finished, images created and build cache last used this long ago.",
            scope: .commands([.plan])),
        OptionSpec(
            long: "unused-for", valueName: "DURATION",
            help: "Propose only what was last used this long ago (containers, images, volumes, build cache).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "free", valueName: "SIZE",
            help: "Take the least recently used removals until they free SIZE (20G), no more.",
            scope: .commands([.plan])),
        OptionSpec(
            long: "until-free", valueName: "PERCENT",
            help: "Take the least recently used removals until PERCENT of the file system is free.",
            scope: .commands([.plan])),
        OptionSpec(
            long: "high-water", valueName: "PERCENT",
            help: "Plan nothing while the data root's file system is used less than PERCENT (for cron).",
            scope: .commands([.plan])),
        OptionSpec(
            long: "keep", valueName: "PATTERN",
            help: "Never propose a container name, image reference or volume name matching this glob.",
            scope: .commands([.plan]), isRepeatable: true),
        OptionSpec(
            long: "label", valueName: "KEY[=VALUE]",
            help: "Propose only containers, images and volumes with this label.",
            scope: .commands([.plan]), isRepeatable: true),
        OptionSpec(
            long: "label!", valueName: "KEY[=VALUE]",
            help: "Propose only containers, images and volumes without this label.",
            scope: .commands([.plan]), isRepeatable: true),
        OptionSpec(long: "help", short: "h", help: "Show this help and exit.", scope: .global),
        OptionSpec(long: "version", help: "Show the version and exit.", scope: .global),
    ]

    public static func option(long name: String) -> OptionSpec? {
        all.first { $0.long == name }
    }

    public static func option(short letter: Character) -> OptionSpec? {
        all.first { $0.short == letter }
    }

    /// The options `command` accepts, global ones included; those of no command when `nil`.
    public static func options(for command: Command?) -> [OptionSpec] {
        all.filter { option in
            command.map(option.applies(to:)) ?? (option.scope == .global)
        }
    }

    /// `usage: dockdu report [--root DIR] [--json] …`, or the general usage without a command,
    /// wrapped to `width` columns under the first option.
    public static func usage(for command: Command?, width: Int = 80) -> String {
        guard let command else {
            return "usage: dockdu <command> [options]\n       dockdu --help | --version"
        }
        let lead = "usage: dockdu \(command.rawValue) "
        let labels = options(for: command).filter { $0.scope != .global }.map(\.synopsisLabel) + (command.operandsLabel.map { [$0] } ?? [])
        return wrapWords(labels, width: width, first: lead, rest: String(repeating: " ", count: lead.count)).joined(separator: "\n")
    }

    /// The whole of `dockdu --help` or `dockdu <command> --help`, ending in a newline, wrapped
    /// to `width` columns (80 when not on a terminal) with hanging indents.
    public static func helpText(for command: Command?, width: Int = 80) -> String {
        var lines = [usage(for: command, width: width), ""]
        if let command {
            lines += TextWrapping.wrap(command.summary, width: width) + [""]
        } else {
            lines.append("commands:")
            lines += aligned(Command.allCases.map { ($0.rawValue, $0.summary) }, width: width)
            lines.append("")
        }
        lines.append("options:")
        lines += aligned(options(for: command).map { ($0.helpLabel, $0.help) }, width: width)
        if let command {
            lines += ["", "examples:"]
            for example in command.examples {
                // A long command line goes on with a shell continuation, so it still pastes.
                let words = example.command.split(separator: " ").map(String.init)
                let wrapped = wrapWords(words, width: width - 2, first: "  ", rest: "        ")
                lines += wrapped.enumerated().map { $0.offset < wrapped.count - 1 ? $0.element + " \\" : $0.element }
                lines += TextWrapping.wrap(example.meaning, width: width, first: "      ", rest: "      ")
            }
        }
        if command == nil {
            lines += [""] + ["Run 'dockdu <command> --help' for a command's options;", "'dockdu completions bash|zsh|fish' prints a shell completion script."]
                .flatMap { TextWrapping.wrap($0, width: width) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Labels and texts in two columns, each text wrapped under its own start.
    private static func aligned(_ entries: [(label: String, text: String)], width: Int) -> [String] {
        let labelWidth = entries.map(\.label.count).max() ?? 0
        let indent = String(repeating: " ", count: labelWidth + 4)
        return entries.flatMap { entry in
            let first = "  " + entry.label + String(repeating: " ", count: labelWidth - entry.label.count + 2)
            return TextWrapping.wrap(entry.text, width: width, first: first, rest: indent)
        }
    }

    /// Whole words (synopsis labels, shell words) on lines of at most `width`.
    private static func wrapWords(_ words: [String], width: Int, first: String, rest: String) -> [String] {
        TextWrapping.wrap(words: words, width: width, first: first, rest: rest)
    }
}
