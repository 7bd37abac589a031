import Foundation

/// The item sections: images and containers found by their short IDs; volumes and orphans,
/// which have no ID, by the table's documented order (biggest first, then by name or path),
/// their names checked wherever a name prints as it is.
extension Check {
    mutating func images() {
        let all = items("images")
        guard let section = section("IMAGES", count: all.count) else { return }
        var listed: [Int] = []
        for row in section.rows {
            func cell(_ column: String) -> String? { HumanTable.cell(row, header: section.header, column: column, rightAligned: true) }
            guard let index = byShortID(all, row: row, header: section.header, column: "IMAGE ID", in: "IMAGES") else { continue }
            listed.append(index)
            let image = all[index]
            let id = image["id"] as? String ?? ""
            expect(cell("SIZE"), int(image["bytes"]), "image \(id) SIZE vs bytes")
            expect(cell("SHARED"), int(image["sharedBytes"]), "image \(id) SHARED vs sharedBytes")
            expect(cell("UNIQUE"), int(image["uniqueBytes"]), "image \(id) UNIQUE vs uniqueBytes")
            expect(cell("CONTAINERS"), Int64((image["containers"] as? [Any])?.count ?? -1), "image \(id) CONTAINERS vs containers")
            // WASTED shows at 90 columns or more.
            if let wasted = image["wastedBytes"], section.header.contains("WASTED") { expect(cell("WASTED"), int(wasted), "image \(id) WASTED vs wastedBytes") }
        }
        rest(section, all, listed: listed, bytes: "uniqueBytes")
    }

    mutating func containers() {
        let all = items("containers")
        guard let section = section("CONTAINERS", count: all.count) else { return }
        var listed: [Int] = []
        for row in section.rows {
            func cell(_ column: String) -> String? { HumanTable.cell(row, header: section.header, column: column, rightAligned: true) }
            guard let index = byShortID(all, row: row, header: section.header, column: "CONTAINER ID", in: "CONTAINERS") else { continue }
            listed.append(index)
            let container = all[index]
            let id = container["id"] as? String ?? ""
            let state = HumanTable.cell(row, header: section.header, column: "STATE", rightAligned: false)
            expect(state == container["state"] as? String, "container \(id) STATE \(state ?? "") vs state \(container["state"] ?? "")")
            expect(cell("RW"), int(container["rwBytes"]), "container \(id) RW vs rwBytes")
            expect(cell("LOGS"), int(container["logBytes"]), "container \(id) LOGS vs logBytes")
            expect(cell("TOTAL"), int(container["totalBytes"]), "container \(id) TOTAL vs totalBytes")
        }
        rest(section, all, listed: listed, bytes: "totalBytes")
    }

    mutating func volumes() {
        let all = items("volumes")
        guard let section = section("VOLUMES", count: all.count) else { return }
        let order = all.indices.sorted { a, b in
            let (left, right) = (all[a], all[b])
            return (int(left["bytes"]) ?? 0, right["name"] as? String ?? "") > (int(right["bytes"]) ?? 0, left["name"] as? String ?? "")
        }
        for (row, index) in zip(section.rows, order) {
            let volume = all[index]
            let name = volume["name"] as? String ?? ""
            func cell(_ column: String) -> String? { HumanTable.cell(row, header: section.header, column: column, rightAligned: true) }
            let anonymous = volume["anonymous"] as? Bool == true
            let shown = anonymous && Self.isHex64(name) ? String(name.prefix(12)) + "…" : name
            if let text = HumanTable.text(row, before: "SIZE", header: section.header), Self.printsAsItIs(name) {
                expect(Self.shows(text, shown), "VOLUMES row \(text) is not volume \(name), the next biggest")
            }
            expect(cell("SIZE"), int(volume["bytes"]), "volume \(name) SIZE vs bytes")
            expect(cell("CONTAINERS"), Int64((volume["containers"] as? [Any])?.count ?? -1), "volume \(name) CONTAINERS vs containers")
            var notes: [String] = anonymous ? ["anonymous"] : []
            switch volume["reclaimReason"] as? String {
            case "unused": notes.append("unused")
            case "containersUnknown": notes.append("mounts unknown")
            default: break
            }
            let note = HumanTable.cell(row, header: section.header, column: "NOTE", rightAligned: false, toEnd: true) ?? ""
            expect(note == notes.joined(separator: ", "), "volume \(name) NOTE '\(note)' vs anonymous \(anonymous), reclaimReason \(volume["reclaimReason"] ?? "")")
        }
        rest(section, all, listed: Array(order.prefix(section.rows.count)), bytes: "bytes")
    }

    mutating func orphans() {
        let all = items("orphans")
        guard let section = section("ORPHANS", count: all.count) else { return }
        let order = all.indices.sorted { a, b in
            let (left, right) = (all[a], all[b])
            return (int(left["bytes"]) ?? 0, right["path"] as? String ?? "") > (int(right["bytes"]) ?? 0, left["path"] as? String ?? "")
        }
        for (row, index) in zip(section.rows, order) {
            let orphan = all[index]
            let path = orphan["path"] as? String ?? ""
            let shownPath = HumanTable.cell(row, header: section.header, column: "PATH", rightAligned: false, toEnd: true) ?? ""
            if orphan["pathBase64"] == nil && Self.printsAsItIs(path) {
                expect(shownPath == path, "ORPHANS row \(shownPath) is not orphan \(path), the next biggest")
            }
            expect(HumanTable.cell(row, header: section.header, column: "SIZE", rightAligned: true), int(orphan["bytes"]), "orphan \(path) SIZE vs bytes")
            let kind = HumanTable.cell(row, header: section.header, column: "KIND", rightAligned: false)
            expect(kind == orphan["kind"] as? String, "orphan \(path) KIND \(kind ?? "") vs kind \(orphan["kind"] ?? "")")
        }
        rest(section, all, listed: Array(order.prefix(section.rows.count)), bytes: "bytes")
    }

    // MARK: Pieces

    mutating func section(_ title: String, count: Int) -> HumanTable.Section? {
        guard let section = table.sections[title] else {
            problems.append("the table has no \(title) section")
            return nil
        }
        expect(section.count == count, "\(title) (\(section.count.map(String.init) ?? "?")) vs \(count) in the JSON")
        return section
    }

    mutating func byShortID(_ all: [Object], row: String, header: String, column: String, in title: String) -> Int? {
        guard let shortID = HumanTable.cell(row, header: header, column: column, rightAligned: false), shortID.count == 12 else {
            problems.append("\(title) row without a 12-digit ID: \(row)")
            return nil
        }
        let matches = all.indices.filter { index in
            let id = all[index]["id"] as? String ?? ""
            return (id.hasPrefix("sha256:") ? id.dropFirst(7) : Substring(id)).hasPrefix(shortID)
        }
        guard matches.count == 1 else {
            problems.append("\(title) row \(shortID) matches \(matches.count) items of the JSON")
            return nil
        }
        return matches[0]
    }

    /// The rows left out of a section are summed in its last line, and only they.
    mutating func rest(_ section: HumanTable.Section, _ all: [Object], listed: [Int], bytes key: String) {
        let unlisted = Set(all.indices).subtracting(listed)
        expect(listed.count == section.rows.count, "\(section.title): \(section.rows.count) rows, \(listed.count) of them items of the JSON")
        let restBytes = unlisted.reduce(Int64(0)) { $0 + (int(all[$1][key]) ?? 0) }
        if let rest = section.rest {
            expect(rest.items == unlisted.count, "\(section.title): '… and \(rest.items) more' vs \(unlisted.count) not listed")
            expect(rest.bytes == restBytes, "\(section.title): the rest's \(rest.bytes) bytes vs \(restBytes) of \(key) not listed")
        } else {
            expect(unlisted.isEmpty, "\(section.title): \(unlisted.count) items of the JSON are neither listed nor summed")
        }
    }

    static func isHex64(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Printable ASCII but the backslash: the table shows it without escapes.
    static func printsAsItIs(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\\" }
    }

    /// The table's text for a name: the name, or both its ends around a `…` when it was
    /// shortened to fit.
    static func shows(_ text: String, _ name: String) -> Bool {
        if text == name { return true }
        guard let ellipsis = text.firstIndex(of: "…") else { return false }
        let head = text[..<ellipsis]
        let tail = text[text.index(after: ellipsis)...]
        return name.hasPrefix(head) && name.hasSuffix(tail) && head.count + tail.count < name.count
    }
}
