extension BoltDB {
    /// A page's place in the file: a real page, or the inline page inside a bucket value.
    struct PageSpan {
        /// The page's number, or for an inline page the number of the page holding it (for messages).
        var id: UInt64
        var isInline: Bool
        var isBranch: Bool
        var start: Int
        var end: Int
        var count: Int
    }

    /// Walks the page tree once, checking every page it reaches and counting what it decodes
    /// against ``Limits``.
    ///
    /// Offsets read from the file are at most 2^32 and the file's size is an `Int`, so sums of a
    /// few of them cannot overflow on a 64-bit machine; bounds are still checked as "length fits in
    /// what is left" (`length <= end - offset`), which holds whatever the operands.
    struct TreeReader {
        static let elementSize = 16
        static let bucketHeaderSize = 16
        static let branchFlag: UInt16 = 0x01
        static let leafFlag: UInt16 = 0x02
        static let bucketLeafFlag: UInt32 = 0x01
        /// bbolt's `MaxKeySize`.
        static let maxKeySize = 32768
        /// Tree levels plus bucket nesting, which bounds the recursion's stack. bbolt pages hold at
        /// least two keys, so a tree of the largest possible file is under 64 levels deep.
        static let maxDepth = 256

        let bytes: [UInt8]
        let pageSize: Int
        let pageCount: UInt64
        let maxNesting: Int
        /// The limits, lowered to what a sound file of this size can hold: every entry has its own
        /// 16-byte element, and no two entries share key or value bytes.
        let maxEntries: Int
        let maxEntryBytes: Int
        /// Every real page reached so far. A sound file reaches each page once.
        var visited: Set<UInt64> = []
        var entryCount = 0
        var entryBytes = 0

        init(bytes: [UInt8], pageSize: Int, pageCount: UInt64, limits: Limits) {
            self.bytes = bytes
            self.pageSize = pageSize
            self.pageCount = pageCount
            maxNesting = limits.maxBucketNesting
            maxEntries = min(limits.maxEntries, bytes.count / Self.elementSize)
            maxEntryBytes = min(limits.maxEntryBytes, bytes.count)
        }

        /// The bucket whose root is the real page `rootPage`, `nesting` buckets below the top.
        mutating func bucket(rootPage: UInt64, depth: Int, nesting: Int) throws(FormatError) -> Bucket {
            let root = try page(rootPage, depth: depth)
            var entries: [Bucket.Entry] = []
            try collect(root, into: &entries, depth: depth, nesting: nesting)
            return try sortedBucket(entries, rootPage: root)
        }

        /// The inline bucket whose page is `span` of the file (a bucket value after its header).
        /// Its elements are checked against `span`'s end, so nothing in it reaches outside the value.
        mutating func inlineBucket(_ span: Range<Int>, heldBy holder: UInt64, depth: Int, nesting: Int)
            throws(FormatError) -> Bucket
        {
            guard span.count >= Meta.pageHeaderSize else {
                throw .malformedPage(page: holder, reason: "an inline bucket value is too short for a page header")
            }
            let flags = BoltBytes.uint16(bytes, span.lowerBound + 8)
            let page = PageSpan(
                id: holder, isInline: true, isBranch: flags & Self.branchFlag != 0, start: span.lowerBound,
                end: span.upperBound, count: Int(BoltBytes.uint16(bytes, span.lowerBound + 10)))
            // bbolt only inlines buckets that fit in one leaf.
            guard flags & Self.leafFlag != 0, !page.isBranch else {
                throw .malformedPage(page: holder, reason: "an inline bucket's page is not a leaf (flags \(flags))")
            }
            var entries: [Bucket.Entry] = []
            try collect(page, into: &entries, depth: depth, nesting: nesting)
            return try sortedBucket(entries, rootPage: page)
        }

        /// Finds real page `id`, checking that it lies inside the database and the file.
        mutating func page(_ id: UInt64, depth: Int) throws(FormatError) -> PageSpan {
            guard depth <= Self.maxDepth else {
                throw .malformedPage(page: id, reason: "buckets and pages nest more than \(Self.maxDepth) levels deep")
            }
            guard id < pageCount else { throw .pageOutOfRange(page: id, pageCount: pageCount) }
            guard visited.insert(id).inserted else { throw .cycle(page: id) }
            let (start, startOverflow) = Int(clamping: id).multipliedReportingOverflow(by: pageSize)
            guard !startOverflow, start <= bytes.count - pageSize else {
                throw .truncated(fileBytes: bytes.count, neededBytes: startOverflow ? Int.max : start + pageSize)
            }
            let headerID = BoltBytes.uint64(bytes, start)
            guard headerID == id else {
                throw .malformedPage(page: id, reason: "its header names page \(headerID)")
            }
            let flags = BoltBytes.uint16(bytes, start + 8)
            let isBranch = flags & Self.branchFlag != 0
            guard isBranch || flags & Self.leafFlag != 0 else {
                throw .malformedPage(page: id, reason: "expected a branch or leaf page, found flags \(flags)")
            }
            // id * pageSize fit in an Int, so id + overflow (< 2^32) cannot overflow a UInt64.
            let overflow = UInt64(BoltBytes.uint32(bytes, start + 12))
            guard id + overflow < pageCount else {
                throw .pageOutOfRange(page: id + overflow, pageCount: pageCount)
            }
            // overflow < 2^32 and pageSize <= 2^24: the product fits in an Int.
            let length = (Int(overflow) + 1) * pageSize
            guard length <= bytes.count - start else {
                throw .truncated(fileBytes: bytes.count, neededBytes: start + length)
            }
            return PageSpan(
                id: id, isInline: false, isBranch: isBranch, start: start, end: start + length,
                count: Int(BoltBytes.uint16(bytes, start + 10)))
        }

        /// Appends the entries under `page` (all its leaves, in order) to `entries`.
        mutating func collect(_ page: PageSpan, into entries: inout [Bucket.Entry], depth: Int, nesting: Int)
            throws(FormatError)
        {
            let elementsStart = page.start + Meta.pageHeaderSize
            guard page.count * Self.elementSize <= page.end - elementsStart else {
                throw .malformedPage(page: page.id, reason: "\(page.count) elements do not fit in the page")
            }
            if page.isBranch {
                try collectBranch(page, into: &entries, depth: depth, nesting: nesting)
                return
            }
            for index in 0..<page.count {
                let element = elementsStart + index * Self.elementSize
                let flags = BoltBytes.uint32(bytes, element)
                let position = Int(BoltBytes.uint32(bytes, element + 4))
                let keySize = Int(BoltBytes.uint32(bytes, element + 8))
                let valueSize = Int(BoltBytes.uint32(bytes, element + 12))
                // position, keySize and valueSize are below 2^32 each: their sum cannot overflow.
                guard keySize <= Self.maxKeySize, position + keySize + valueSize <= page.end - element else {
                    throw .malformedPage(page: page.id, reason: "leaf element \(index) runs past the page")
                }
                let key = (element + position)..<(element + position + keySize)
                let value = key.upperBound..<(key.upperBound + valueSize)
                let isBucket = flags & Self.bucketLeafFlag != 0
                try count(keyBytes: keySize, valueBytes: isBucket ? 0 : valueSize)
                guard isBucket else {
                    entries.append(Bucket.Entry(key: key, value: .bytes(value)))
                    continue
                }
                let child = try nestedBucket(value, heldBy: page.id, index: index, depth: depth, nesting: nesting + 1)
                entries.append(Bucket.Entry(key: key, value: .bucket(child)))
            }
        }

        /// Follows every child of a branch page, in order.
        private mutating func collectBranch(
            _ page: PageSpan, into entries: inout [Bucket.Entry], depth: Int, nesting: Int
        ) throws(FormatError) {
            guard page.count > 0 else {
                throw .malformedPage(page: page.id, reason: "a branch page has no children")
            }
            for index in 0..<page.count {
                let element = page.start + Meta.pageHeaderSize + index * Self.elementSize
                let position = Int(BoltBytes.uint32(bytes, element))
                let keySize = Int(BoltBytes.uint32(bytes, element + 4))
                guard keySize <= Self.maxKeySize, position + keySize <= page.end - element else {
                    throw .malformedPage(page: page.id, reason: "branch element \(index) runs past the page")
                }
                let child = try self.page(BoltBytes.uint64(bytes, element + 8), depth: depth + 1)
                try collect(child, into: &entries, depth: depth + 1, nesting: nesting)
            }
        }

        /// The bucket stored in leaf value `value`: inline when its root page is 0, else a real page.
        private mutating func nestedBucket(
            _ value: Range<Int>, heldBy holder: UInt64, index: Int, depth: Int, nesting: Int
        ) throws(FormatError) -> Bucket {
            guard nesting <= maxNesting else { throw .nestedTooDeep(limit: maxNesting) }
            guard value.count >= Self.bucketHeaderSize else {
                throw .malformedPage(page: holder, reason: "bucket value \(index) is shorter than a bucket header")
            }
            let root = BoltBytes.uint64(bytes, value.lowerBound)
            if root == 0 {
                let inlinePage = (value.lowerBound + Self.bucketHeaderSize)..<value.upperBound
                return try inlineBucket(inlinePage, heldBy: holder, depth: depth + 1, nesting: nesting)
            }
            return try bucket(rootPage: root, depth: depth + 1, nesting: nesting)
        }

        /// Counts one entry against the limits before it is decoded further. Inline buckets can
        /// point many entries at one value, so this, not the page tree, is what bounds the work.
        private mutating func count(keyBytes: Int, valueBytes: Int) throws(FormatError) {
            entryCount += 1
            guard entryCount <= maxEntries else { throw .tooManyEntries(limit: maxEntries) }
            // Both terms are below 2^33 and entryBytes stays at most maxEntryBytes: no overflow.
            entryBytes += keyBytes + valueBytes
            guard entryBytes <= maxEntryBytes else { throw .tooManyEntryBytes(limit: maxEntryBytes) }
        }

        /// Wraps `entries` in a bucket after checking they are in strictly ascending key order,
        /// which lookups rely on.
        func sortedBucket(_ entries: [Bucket.Entry], rootPage: PageSpan) throws(FormatError) -> Bucket {
            for index in entries.indices.dropFirst()
            where BoltBytes.compare(bytes[entries[index - 1].key], bytes[entries[index].key]) != .less {
                let place = rootPage.isInline ? "an inline bucket" : "the bucket rooted here"
                throw .malformedPage(page: rootPage.id, reason: "keys of \(place) are not in ascending order")
            }
            return Bucket(file: bytes, entries: entries)
        }
    }
}
