import Foundation
import Testing

/// `report --format html` opened in a real headless browser (Debian's chromium): on the stopped
/// engine's tree, the DOM holds every image and container with the JSON report's figures and the
/// screenshot is not blank; on a hostile copy, no script from a name ran.
@Suite("HTML report in a browser", .serialized)
struct HTMLReportEngineTests {
    static let browserMissing = Browser.path == nil

    @Test(
        "the page shows every image and container with the JSON report's figures, and draws something",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped),
        .disabled(if: browserMissing, "chromium is not installed (apt-get install -y chromium)"))
    func realTree() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let (report, dom, screenshot) = try Self.render(root: environment.root, cache: environment.dir + "/cache", in: environment.scratch + "/html")
        #expect(Self.title(of: dom) == "dockdu report of \(environment.root)")
        // The page's own script ran, so the policy's hash is the script's: it made headers focusable.
        #expect(dom.contains("<th scope=\"col\" tabindex=\"0\">"), "the sort script did not run")
        let images = try Self.rows(of: "images-table", in: dom)
        #expect(images.count == report.images.count)
        for image in report.images {
            let short = String(image.id.dropFirst("sha256:".count).prefix(12))
            let row = images.first { $0.contains("<code>\(short)</code>") }
            #expect(row != nil, "image \(short) is not in the page's table")
            guard let row else { continue }
            for tag in image.tags { #expect(row.contains(tag), "tag \(tag) of \(short)") }
            #expect(Self.values(in: row) == [image.bytes, image.sharedBytes, image.uniqueBytes, Int64(image.containers.count)], "\(row)")
        }
        let containers = try Self.rows(of: "containers-table", in: dom)
        #expect(containers.count == report.containers.count)
        for container in report.containers {
            let row = containers.first { $0.contains("<code>\(container.id.prefix(12))</code>") }
            #expect(row != nil, "container \(container.name) is not in the page's table")
            guard let row else { continue }
            #expect(row.contains(">\(container.name)<"))
            #expect(row.contains(">\(container.state)<"))
            #expect(Self.values(in: row) == [container.rwBytes, container.logBytes, container.totalBytes], "\(row)")
        }
        // A layer two images share is one row of the sharing table marking both, and at most one
        // treemap cell (a cell too small to draw is left out), never one per image.
        let sharing = try Self.rows(of: "layer-sharing-table", in: dom)
        #expect(report.layers.contains { $0.images.count > 1 }, "the populated tree has no shared layer")
        for layer in report.layers where !layer.images.isEmpty {
            let short = String(layer.chainId.dropFirst("sha256:".count).prefix(12))
            let row = sharing.first { $0.contains("<code>\(short)</code>") }
            #expect(row?.components(separatedBy: ">uses<").count == layer.images.count + 1, "layer \(short) in the sharing table")
            if layer.images.count > 1 {
                #expect(row?.contains("</code> shared") == true)
                #expect(dom.components(separatedBy: "shared layer \(short), used by").count <= 2, "shared layer \(short)")
            }
        }
        #expect(dom.contains("data-v=\"\(report.totalBytes)\""))
        let colours = try Browser.distinctColours(screenshot)
        #expect(colours > 8, "the screenshot has \(colours) colours: blank?")
        if let keep = ProcessInfo.processInfo.environment["DOCKDU_HTML_SCREENSHOT"], !keep.isEmpty {
            _ = try CommandRunner.run(["cp", screenshot, keep])
        }
    }

    @Test(
        "names that are markup stay text: no script from a name runs, no element of theirs exists",
        .enabled(if: EngineEnvironment.isPhase(.hostile), PhaseReason.hostile),
        .disabled(if: browserMissing, "chromium is not installed (apt-get install -y chromium)"))
    func hostileNames() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("html", environment)
        let script = "<script>document.title='pwned'</script>"
        let names = [
            "<img src=x onerror=\"document.title='pwned'\">", "<svg onload=document.title='pwned'>",
            "a\u{202E}lmth.exe", "new\nline <b>bold&amp;",
        ]
        let facts = try PopulateFacts.load(environment)
        try CommandRunner.bashChecked(
            """
            set -e
            cd "$1"
            c=containers/$2/config.v2.json
            jq -c --arg n "/$3" '.Name = $n' "$c" > "$c.new" && mv "$c.new" "$c"
            shift 3
            for name in "$@"; do mkdir -p "overlay2/$name/diff"; head -c 3000 /dev/urandom > "overlay2/$name/diff/file"; done
            mkdir -p "$(printf 'overlay2/in\\377valid<i>')/diff"
            """, [copy.root, facts.containers.exited, script] + names)
        let (report, dom, _) = try copy.readOnly {
            try Self.render(root: copy.root, cache: copy.cache, in: copy.base + "/html")
        }
        #expect(Self.title(of: dom) == "dockdu report of \(copy.root)", "the title is \(Self.title(of: dom) ?? "none")")
        #expect(!dom.contains("pwned</title>"))
        // The page's one script, and no element a name brought.
        #expect(dom.components(separatedBy: "<script").count == 2)
        for element in ["<img", "<svg onload", "<b>", "<i>"] {
            #expect(!dom.contains(element), "the DOM holds \(element)")
        }
        let container = try #require(report.containers.first { $0.id == facts.containers.exited })
        #expect(container.name == script)
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(dom.contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt;") || dom.contains("&lt;img src=x onerror=&quot;document.title='pwned'&quot;&gt;"))
        #expect(dom.contains("a\\u{202e}lmth.exe"))
        #expect(dom.contains("new\\nline &lt;b&gt;bold&amp;amp;"))
        #expect(dom.contains("in\\xffvalid&lt;i&gt;"))
        for name in names {
            #expect(report.orphans.contains { $0.path == "overlay2/" + name }, "overlay2/\(name) is not an orphan")
        }
    }

    /// The JSON report, the page's DOM after chromium ran it, and a 1280×800 screenshot's path.
    static func render(root: String, cache: String, in folder: String) throws -> (ReportDocument, String, String) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let page = folder + "/report.html"
        let html = try CommandRunner.run(
            [try EngineEnvironment.required().binary, "report", "--format", "html", "--output", page, "--root", root, "--cache", cache])
        #expect([0, 1].contains(html.status), "\(html.summary)")
        let json = try CommandRunner.run(
            [try EngineEnvironment.required().binary, "report", "--json", "--bytes", "--root", root, "--cache", cache])
        let report = try JSONDecoder().decode(ReportDocument.self, from: json.stdout)
        let dom = try Browser.dumpDOM(page)
        let screenshot = folder + "/report.png"
        try Browser.screenshot(page, to: screenshot)
        return (report, dom, screenshot)
    }

    static func title(of dom: String) -> String? {
        guard let start = dom.range(of: "<title>"), let end = dom.range(of: "</title>", range: start.upperBound..<dom.endIndex) else {
            return nil
        }
        return String(dom[start.upperBound..<end.lowerBound])
    }

    /// The `<tr>` elements of a table's body, each as its HTML.
    static func rows(of table: String, in dom: String) throws -> [String] {
        let start = try #require(dom.range(of: "id=\"\(table)\""), "no table \(table)")
        let body = try #require(dom.range(of: "<tbody>", range: start.upperBound..<dom.endIndex))
        let end = try #require(dom.range(of: "</tbody>", range: body.upperBound..<dom.endIndex))
        return dom[body.upperBound..<end.lowerBound].components(separatedBy: "<tr>").dropFirst().map { String($0) }
    }

    /// The exact figures (`data-v`) of a row, in order.
    static func values(in row: String) -> [Int64] {
        row.components(separatedBy: "data-v=\"").dropFirst().compactMap { Int64($0.prefix { $0 != "\"" }) }
    }
}

/// Debian's chromium, headless.
enum Browser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func arguments(_ extra: [String]) throws -> [String] {
        guard let path else { throw EngineTestError("chromium is not installed") }
        // A private profile per run, so nothing of a desktop's browser is read or written.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("dockdu-chromium-\(UUID().uuidString)").path
        return [path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"] + extra
    }

    static func dumpDOM(_ page: String) throws -> String {
        let result = try CommandRunner.run(try arguments(["--dump-dom", "file://" + page]))
        guard result.status == 0 else { throw EngineTestError("chromium --dump-dom: \(result.summary)") }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    static func screenshot(_ page: String, to png: String) throws {
        let result = try CommandRunner.run(try arguments(["--screenshot=\(png)", "--window-size=1280,800", "--hide-scrollbars", "file://" + page]))
        guard result.status == 0, FileManager.default.fileExists(atPath: png) else {
            throw EngineTestError("chromium --screenshot: \(result.summary)")
        }
    }

    /// Distinct RGB(A) values in a PNG, decoded with python3's zlib (8-bit RGB or RGBA, the
    /// kinds chromium writes; each row's filter is undone).
    static func distinctColours(_ png: String) throws -> Int {
        let script = """
            import struct, sys, zlib
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
                if kind == b'IDAT': idat += body
                pos += 12 + length
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
            raw, stride, prev, seen, at = zlib.decompress(idat), width * bpp, bytearray(width * bpp), set(), 0
            for y in range(height):
                f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride]); at += 1 + stride
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                if y % 8 == 0:
                    for x in range(0, stride, bpp * 4): seen.add(bytes(line[x:x + 3]))
                prev = line
            print(len(seen))
            """
        let result = try CommandRunner.run(["python3", "-c", script, png])
        guard result.status == 0, let count = Int(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw EngineTestError("decoding \(png): \(result.summary)")
        }
        return count
    }
}
