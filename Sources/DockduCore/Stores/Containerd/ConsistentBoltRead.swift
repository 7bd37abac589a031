/// Reads a bolt file that a running daemon may be writing at the same time.
///
/// containerd holds an exclusive `flock` on meta.db and the snapshotter's metadata.db for as long
/// as it runs, so a shared lock would block dockdu: the bytes are read without one. bbolt never
/// writes over a page that the current meta page's tree can reach (a transaction writes its pages
/// to free space, syncs them, then writes the other meta page), so a copy is sound unless a
/// transaction committed while it was being read. Hence: read, decode, read again and compare the
/// meta pages' current transaction; when it moved, the first copy may mix two transactions, and
/// the read is retried.
///
/// (Strictly, one commit in between is still safe, since pages freed by transaction T+1 are only
/// reused from T+2 on; requiring no change at all is simpler and costs at most a retry.)
public enum ConsistentBoltRead {
    /// A decoded value and how it was got.
    public struct Outcome<Value: Sendable>: Sendable {
        public var value: Value
        /// The bolt transaction the value was decoded from.
        public var transactionID: UInt64
        /// Reads made, 1 when the first was already stable.
        public var attempts: Int
        /// False when the file changed during every attempt: `value` is the last attempt's, whose
        /// pages may mix transactions (it decoded without error, so it is at least well-formed).
        public var isConsistent: Bool
    }

    /// Why no value could be decoded at all.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadable(Errno)
        case notBolt(BoltDB.FormatError)

        public var description: String {
            switch self {
            case .unreadable(let errno): "cannot read it: \(errno)"
            case .notBolt(let error): error.description
            }
        }
    }

    /// Reads with `readFile` and decodes with `decode` until the file's current transaction is the
    /// same before and after, at most `maximumAttempts` times. A decoding error is retried too (a
    /// copy caught mid-commit can be damaged); the last one is thrown when no attempt decoded.
    public static func read<Value: Sendable>(
        maximumAttempts: Int = 5,
        readFile: () throws(Errno) -> [UInt8],
        decode: (BoltDB) -> Value
    ) throws(Failure) -> Outcome<Value> {
        var lastFailure: Failure = .notBolt(.notBolt)
        var lastOutcome: Outcome<Value>?
        for attempt in 1...max(1, maximumAttempts) {
            let database: BoltDB
            do {
                database = try BoltDB(bytes: try readFile())
            } catch let error as Errno {
                throw .unreadable(error)
            } catch let error as BoltDB.FormatError {
                lastFailure = .notBolt(error)
                continue
            } catch {
                throw .notBolt(.notBolt)  // unreachable: the two calls throw only those types
            }
            let value = decode(database)
            let after: [UInt8]
            do {
                after = try readFile()
            } catch {
                throw .unreadable(error)
            }
            let outcome = Outcome(value: value, transactionID: database.transactionID, attempts: attempt, isConsistent: true)
            if BoltMetaPages.currentTransactionID(in: after) == database.transactionID { return outcome }
            lastOutcome = outcome
        }
        if var outcome = lastOutcome {
            outcome.isConsistent = false
            return outcome
        }
        throw lastFailure
    }
}

/// The current transaction named by a bolt file's two meta pages, read without decoding the rest.
///
/// The same rules as ``BoltDB``'s own choice of meta page (bbolt `db.go`, `meta.validate`): magic
/// 0xED0CDAED, version 2, an FNV-1a checksum of the first 56 bytes (or 0), and of the valid ones
/// the higher txid. It lives here, not in `Formats/BoltDB.swift`, only because that file is being
/// changed on another branch; it belongs beside `BoltDB.Meta` as one public entry point.
enum BoltMetaPages {
    private static let headerSize = 16
    private static let magic: UInt32 = 0xED0C_DAED
    private static let pageSizesTried = [4096, 16384, 65536, 8192, 32768, 2048, 1024, 512]

    static func currentTransactionID(in bytes: [UInt8]) -> UInt64? {
        let first = meta(in: bytes, at: 0)
        var candidates: [(pageSize: Int, transactionID: UInt64)] = []
        if let first { candidates.append(first) }
        let secondOffsets = first.map { [$0.pageSize] } ?? pageSizesTried
        for offset in secondOffsets {
            if let second = meta(in: bytes, at: offset), second.pageSize == offset {
                candidates.append(second)
                break
            }
        }
        return candidates.map(\.transactionID).max()
    }

    /// A valid meta page at `offset`: its page size and txid.
    private static func meta(in bytes: [UInt8], at offset: Int) -> (pageSize: Int, transactionID: UInt64)? {
        let start = offset + headerSize
        guard offset >= 0, start + 64 <= bytes.count else { return nil }
        guard read32(bytes, start) == magic, read32(bytes, start + 4) == 2 else { return nil }
        let pageSize = Int(read32(bytes, start + 8))
        guard (512...(1 << 24)).contains(pageSize) else { return nil }
        let checksum = read64(bytes, start + 56)
        if checksum != 0 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes[start..<(start + 56)] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            guard hash == checksum else { return nil }
        }
        return (pageSize, read64(bytes, start + 48))
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reversed().reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    private static func read64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reversed().reduce(0) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }
}
