/// `dockdu why` as a person reads it: one block per target, every name escaped.
///
/// ```
/// overlay2/3f2a…/diff/usr/lib/libfoo.so
///   owner      image layer sha256:abcd… (layer 3 of 5 of app:2 and app:3)
///   bytes      24.0 KiB on disk, 21.3 KiB apparent (the file); the layer: 113 MiB on disk, …
///   shared by  app:2, app:3 (2 images); containers: web
///   to free    docker container rm web; docker image rm app:3; docker image rm app:2
///              — frees 118 MiB on disk (115 MiB apparent)
/// ```
struct HumanWhy {
    var document: WhyDocument
    var exactBytes: Bool
    var width: Int

    func render() -> String {
        var blocks: [String] = []
        for answer in document.answers { blocks.append(block(answer).joined(separator: "\n")) }
        return blocks.isEmpty ? "" : blocks.joined(separator: "\n\n") + "\n"
    }

    func block(_ answer: WhyAnswer) -> [String] {
        var lines = [TerminalEscaping.escape(answer.target)]
        if let path = answer.path, path != answer.target {
            lines += field("path", TerminalEscaping.escape(path) + (answer.targetKind == .mergedPath ? " (the layer providing it in merged/)" : ""))
        }
        lines += field("owner", TerminalEscaping.escape(answer.owner.description))
        var bytes = ""
        if let pathBytes = answer.pathBytes, answer.owner.kind != .other {
            bytes = both(pathBytes) + " (\(answer.path.map { _ in "the path" } ?? "it")); "
            bytes += "\(ownerNoun(answer.owner.kind)): " + both(answer.ownerBytes)
        } else {
            bytes = both(answer.ownerBytes)
        }
        lines += field("bytes", bytes)
        lines += field("shared by", sharing(answer))
        let steps = answer.toFree.steps.map { step in step.command.map { ShellQuoting.singleQuoted($0.utf8) ?? TerminalEscaping.escape($0) }.joined(separator: " ") }
        var free = steps.isEmpty ? "nothing to remove" : steps.joined(separator: "; ")
        if !steps.isEmpty { free += " — frees " + both(answer.toFree.freesBytes) }
        if let note = answer.toFree.note { free += steps.isEmpty ? ": \(note)" : " (\(note))" }
        lines += field("to free", TerminalEscaping.escape(free))
        return lines
    }

    func field(_ label: String, _ text: String) -> [String] {
        let first = "  " + label + String(repeating: " ", count: max(1, 11 - label.count))
        return TextWrapping.wrap(text, width: width, first: first, rest: String(repeating: " ", count: 13))
    }

    func both(_ bytes: WhyBytes) -> String {
        "\(ByteCount.format(bytes.diskBytes, exact: exactBytes)) on disk, \(ByteCount.format(bytes.apparentBytes, exact: exactBytes)) apparent"
    }

    func ownerNoun(_ kind: WhyOwner.Kind) -> String {
        switch kind {
        case .imageLayer: "the layer"
        case .image: "the image"
        case .containerLayer, .containerInitLayer, .container, .containerLogs: "the container"
        case .volume: "the volume"
        case .buildCacheRecord: "the record"
        case .orphan: "the orphan"
        case .other: "it"
        }
    }

    func sharing(_ answer: WhyAnswer) -> String {
        let images = answer.sharedBy.images.map(TerminalEscaping.escape)
        let containers = answer.sharedBy.containers.map(TerminalEscaping.escape)
        var parts: [String] = []
        if !images.isEmpty { parts.append("\(images.joined(separator: ", ")) (\(images.count) image\(images.count == 1 ? "" : "s"))") }
        if !containers.isEmpty {
            parts.append("container\(containers.count == 1 ? "" : "s") \(containers.joined(separator: ", "))")
        }
        return parts.isEmpty ? "nothing else" : parts.joined(separator: "; ")
    }
}
