import CSystemShims
import Glibc

/// The names in one directory, packed into one buffer, each followed by a NUL so that it can be
/// handed to `fstatat(2)` and `openat(2)` without copying. `.` and `..` are left out.
///
/// Reused from directory to directory by the walk: its storage keeps its capacity.
struct DirectoryListing {
    private(set) var bytes: [UInt8] = []
    /// Start of each name in ``bytes``.
    private(set) var starts: [Int32] = []
    /// Each entry's `d_type` (`DT_DIR` is 4; 0 when the filesystem does not say), or
    /// ``handedOff`` once another worker has been given it.
    private(set) var types: [UInt8] = []

    /// The type of an entry handed to another worker: counted and walked there, skipped here.
    static let handedOff: UInt8 = 0xFF
    static let directoryType: UInt8 = 4

    mutating func handOff(_ index: Int) { types[index] = Self.handedOff }

    var count: Int { starts.count }

    /// Moves entries `index...` into a listing of their own (for another worker to walk) and
    /// keeps entries `..<index` here. Entries already handed off stay marked in the new one.
    mutating func splitOff(from index: Int) -> DirectoryListing {
        var tail = DirectoryListing()
        guard index < count else { return tail }
        let cut = Int(starts[index])
        tail.bytes = Array(bytes[cut...])
        tail.starts = starts[index...].map { $0 - Int32(cut) }
        tail.types = Array(types[index...])
        bytes.removeSubrange(cut...)
        starts.removeSubrange(index...)
        types.removeSubrange(index...)
        return tail
    }

    /// Replaces the contents with the entries of the open directory `directory`, read with
    /// `getdents64(2)` through `scratch` (a buffer the caller reuses).
    mutating func read(_ directory: FileDescriptor, scratch: inout [UInt8]) throws(Errno) {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        types.removeAll(keepingCapacity: true)
        while true {
            let filled = try retryingOnInterrupt {
                scratch.withUnsafeMutableBytes { dockdu_getdents64(directory.rawValue, $0.baseAddress, $0.count) }
            }
            if filled == 0 { return }
            scratch.withUnsafeBytes { buffer in
                var offset = 0
                // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                while offset + 19 < filled {
                    let recordLength = Int(buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                    guard recordLength > 0 else { return }
                    let nameStart = offset + 19
                    var nameEnd = nameStart
                    let recordEnd = min(offset + recordLength, filled)
                    while nameEnd < recordEnd && buffer[nameEnd] != 0 { nameEnd += 1 }
                    let length = nameEnd - nameStart
                    let isDot = length == 1 && buffer[nameStart] == 0x2E
                    let isDotDot = length == 2 && buffer[nameStart] == 0x2E && buffer[nameStart + 1] == 0x2E
                    if length > 0 && !isDot && !isDotDot {
                        starts.append(Int32(bytes.count))
                        types.append(buffer[offset + 18])
                        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[nameStart..<nameEnd]))
                        bytes.append(0)
                    }
                    offset += recordLength
                }
            }
        }
    }

    /// The name at `index`, without its NUL.
    func name(at index: Int) -> ArraySlice<UInt8> {
        let start = Int(starts[index])
        let end = index + 1 < starts.count ? Int(starts[index + 1]) - 1 : bytes.count - 1
        return bytes[start..<end]
    }

    /// Calls `body` with the NUL-terminated name at `index` and its bytes without the NUL.
    func withName<R>(at index: Int, _ body: (UnsafePointer<CChar>, UnsafeBufferPointer<UInt8>) throws(Errno) -> R) throws(Errno) -> R {
        let start = Int(starts[index])
        let end = index + 1 < starts.count ? Int(starts[index + 1]) - 1 : bytes.count - 1
        let result: Result<R, Errno> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .failure(Errno.invalidArgument) }
            let name = UnsafeBufferPointer(start: base + start, count: end - start)
            do throws(Errno) {
                return .success(try body(UnsafeRawPointer(base + start).assumingMemoryBound(to: CChar.self), name))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
