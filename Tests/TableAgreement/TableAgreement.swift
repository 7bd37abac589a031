import Foundation

/// Holds the human table (`dockdu report --bytes`) and the JSON document (`report --json`) of
/// the same tree to the same numbers: every SUMMARY cell, every listed image, container, volume
/// and orphan row, the section counts and the "… and N more" lines; and the document's own
/// items to its summary, the sums a script would make. Independent of DockduCore: the JSON is
/// read with JSONSerialization, the table by ``HumanTable``.
public enum TableAgreement {
    /// Every disagreement, in words; empty when the two agree.
    public static func problems(table text: String, json: Data) -> [String] {
        guard let document = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            return ["the JSON does not parse as an object"]
        }
        var check = Check(table: HumanTable(text), document: document)
        check.summary()
        check.itemsAddUp()
        check.images()
        check.containers()
        check.volumes()
        check.orphans()
        return check.problems
    }

    /// The category keys in the SUMMARY's order, with the table's labels.
    static let categories = [
        ("images", "images"), ("containers", "containers"), ("logs", "logs"), ("volumes", "volumes"),
        ("buildCache", "build cache"), ("orphans", "orphans"), ("other", "other"),
    ]
}

typealias Object = [String: Any]

struct Check {
    let table: HumanTable
    let document: Object
    var problems: [String] = []

    func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
    func items(_ key: String) -> [Object] { (document[key] as? [Object]) ?? [] }
    var summaryRows: [String: Object] { (document["summary"] as? [String: Object]) ?? [:] }

    mutating func expect(_ table: String?, _ json: Int64?, _ what: String) {
        let jsonText = json.map(String.init) ?? "-"
        if table != jsonText { problems.append("\(what): table \(table ?? "nothing"), JSON \(json.map(String.init) ?? "absent")") }
    }

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { problems.append(message()) }
    }

    // MARK: SUMMARY

    mutating func summary() {
        guard let section = table.sections["SUMMARY"] else { return problems.append("the table has no SUMMARY") }
        let header = section.header
        var seen: [String] = []
        for row in section.rows {
            guard let label = HumanTable.cell(row, header: header, column: "CATEGORY", rightAligned: false) else { continue }
            seen.append(label)
            func cell(_ column: String) -> String? { HumanTable.cell(row, header: header, column: column, rightAligned: true) }
            if label == "TOTAL" {
                expect(cell("SIZE"), int(document["totalBytes"]), "TOTAL SIZE vs totalBytes")
                expect(cell("RECLAIMABLE"), int(document["reclaimableBytes"]), "TOTAL RECLAIMABLE vs reclaimableBytes")
                continue
            }
            guard let key = TableAgreement.categories.first(where: { $0.1 == label })?.0 else {
                problems.append("SUMMARY row \(label) is no category of the JSON")
                continue
            }
            let json = summaryRows[key] ?? [:]
            let categories = (document["categories"] as? Object) ?? [:]
            expect(cell("SIZE"), int(categories[key]), "\(label) SIZE vs categories.\(key)")
            expect(cell("SIZE"), int(json["bytes"]), "\(label) SIZE vs summary.\(key).bytes")
            expect(cell("RECLAIMABLE"), int(json["reclaimableBytes"]), "\(label) RECLAIMABLE vs summary.\(key).reclaimableBytes")
            expect(cell("ITEMS"), int(json["items"]), "\(label) ITEMS vs summary.\(key).items")
            expect(cell("UNUSED"), int(json["unusedItems"]), "\(label) UNUSED vs summary.\(key).unusedItems")
        }
        expect(seen == TableAgreement.categories.map(\.1) + ["TOTAL"], "SUMMARY rows \(seen), expected every category and TOTAL")
    }

    /// The document's items, summed as a script would, give its summary.
    mutating func itemsAddUp() {
        func reclaimable(_ key: String) -> [Object] { items(key).filter { $0["reclaimable"] as? Bool == true } }
        func sum(_ objects: [Object], _ key: String) -> Int64 { objects.reduce(0) { $0 + (int($1[key]) ?? 0) } }
        let rows = summaryRows
        for key in ["images", "containers", "volumes", "orphans"] {
            expect(String(items(key).count), int(rows[key]?["items"]), "summary.\(key).items vs the \(key) listed")
            for item in items(key) where item["reclaimable"] == nil || item["reclaimReason"] == nil || item["reclaimableBytes"] == nil {
                problems.append("an item of \(key) lacks reclaimable, reclaimableBytes or reclaimReason: \(item)")
            }
        }
        for key in ["images", "volumes"] where rows[key]?["unusedItems"] != nil {
            expect(String(reclaimable(key).count), int(rows[key]?["unusedItems"]), "summary.\(key).unusedItems vs \(key) marked reclaimable")
        }
        expect(String(reclaimable("containers").count), int(rows["containers"]?["unusedItems"]), "summary.containers.unusedItems vs containers marked reclaimable")
        expect(String(reclaimable("orphans").count), int(rows["orphans"]?["unusedItems"]), "summary.orphans.unusedItems vs orphans marked reclaimable")
        expect(String(sum(reclaimable("images"), "reclaimableBytes")), int(rows["images"]?["reclaimableBytes"]), "summary.images.reclaimableBytes vs the images' sum")
        expect(String(sum(reclaimable("images"), "uniqueBytes")), int(rows["images"]?["reclaimableBytes"]), "summary.images.reclaimableBytes vs reclaimable images' uniqueBytes")
        let containers = reclaimable("containers")
        expect(String(sum(containers, "reclaimableBytes") - sum(containers, "logBytes")), int(rows["containers"]?["reclaimableBytes"]), "summary.containers.reclaimableBytes vs the containers' sum without logs")
        expect(String(sum(containers, "logBytes")), int(rows["logs"]?["reclaimableBytes"]), "summary.logs.reclaimableBytes vs reclaimable containers' logBytes")
        expect(String(items("containers").filter { (int($0["logBytes"]) ?? 0) > 0 }.count), int(rows["logs"]?["items"]), "summary.logs.items vs containers with logs")
        expect(String(sum(reclaimable("volumes"), "reclaimableBytes")), int(rows["volumes"]?["reclaimableBytes"]), "summary.volumes.reclaimableBytes vs the volumes' sum")
        expect(String(sum(reclaimable("orphans"), "reclaimableBytes")), int(rows["orphans"]?["reclaimableBytes"]), "summary.orphans.reclaimableBytes vs the orphans' sum")
        for key in ["images", "containers", "volumes", "orphans"] {
            for item in items(key) where item["reclaimable"] as? Bool == false && int(item["reclaimableBytes"]) != 0 {
                problems.append("\(key): an item that is not reclaimable (\(item["reclaimReason"] ?? "")) has reclaimableBytes \(item["reclaimableBytes"] ?? "")")
            }
        }
    }
}
