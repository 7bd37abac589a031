import Foundation
import Glibc

/// A folder under /tmp that a test fills with whatever it needs, removed when the test ends.
/// Paths and names are bytes, so names that are not UTF-8 can be made.
final class TemporaryTree {
    let path: String

    init() throws {
        var template = Array("/tmp/dockdu-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit {
        _ = try? Process.run(URL(fileURLWithPath: "/bin/rm"), arguments: ["-rf", path]).waitUntilExit()
    }

    func bytes(_ relative: [UInt8]) -> [UInt8] { Array(path.utf8) + [0x2F] + relative }

    func directory(_ relative: String) throws { try directory(Array(relative.utf8)) }

    func directory(_ relative: [UInt8]) throws {
        try check(mkdir(cPath(bytes(relative)), 0o755))
    }

    /// A regular file of `size` bytes of data (allocated), or a sparse one.
    func file(_ relative: String, size: Int, sparse: Bool = false) throws {
        try file(Array(relative.utf8), size: size, sparse: sparse)
    }

    func file(_ relative: [UInt8], size: Int, sparse: Bool = false) throws {
        let fd = open(cPath(bytes(relative)), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try check(fd)
        defer { close(fd) }
        if sparse {
            try check(ftruncate(fd, off_t(size)))
        } else {
            let data = [UInt8](repeating: 0x61, count: size)
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            try check(written == size ? 0 : -1)
        }
    }

    func hardLink(_ existing: String, _ new: String) throws {
        try check(link(cPath(bytes(Array(existing.utf8))), cPath(bytes(Array(new.utf8)))))
    }

    func symbolicLink(_ target: String, at relative: String) throws {
        try check(symlink(target, cPath(bytes(Array(relative.utf8)))))
    }

    /// An overlayfs whiteout: a character device 0:0.
    func whiteout(_ relative: String) throws {
        try check(mknod(cPath(bytes(Array(relative.utf8))), S_IFCHR | 0o000, 0))
    }

    /// A chain of `depth` directories named `component` each, below `relative`; returns the
    /// relative path of the deepest. Made with `mkdirat` from descriptors, since the whole path
    /// may be longer than PATH_MAX.
    @discardableResult
    func deepChain(below relative: String, component: String, depth: Int, fileSize: Int) throws -> Int {
        var fd = open(cPath(bytes(Array(relative.utf8))), O_RDONLY | O_DIRECTORY)
        try check(fd)
        for _ in 0..<depth {
            try check(mkdirat(fd, component, 0o755))
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY)
            try check(next)
            let file = openat(next, "f", O_WRONLY | O_CREAT, 0o644)
            try check(file)
            let data = [UInt8](repeating: 0x62, count: fileSize)
            _ = data.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            close(file)
            close(fd)
            fd = next
        }
        close(fd)
        return (component.utf8.count + 1) * depth
    }

    /// `du -sx --block-size=1` of the tree (or `--apparent-size -b` when `apparent`).
    func du(_ relative: String = "", apparent: Bool = false) throws -> Int64 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/du")
        let target = relative.isEmpty ? path : path + "/" + relative
        process.arguments = apparent ? ["-sx", "-b", target] : ["-sx", "--block-size=1", target]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        guard let number = text.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.flatMap({ Int64($0) }) else {
            throw POSIXError(.EIO)
        }
        return number
    }

    private func cPath(_ bytes: [UInt8]) -> [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

    private func check(_ result: Int32) throws {
        if result != 0 && result < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private func check(_ result: Int) throws {
        if result < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
