/// Byte and inode arithmetic that clamps instead of trapping or wrapping, as GNU du's
/// `duinfo_add` does: a hostile file system, cache or earlier report can make a figure absurd,
/// but never make dockdu crash or print a negative total.
extension Int64 {
    /// `self + other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func subtractingSaturated(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func multipliedSaturated(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}

infix operator +|: AdditionPrecedence
infix operator -|: AdditionPrecedence
infix operator +|=: AssignmentPrecedence

/// Saturating addition of byte counts.
@inlinable
public func +| (lhs: Int64, rhs: Int64) -> Int64 { lhs.addingSaturated(rhs) }

/// Saturating subtraction of byte counts.
@inlinable
public func -| (lhs: Int64, rhs: Int64) -> Int64 { lhs.subtractingSaturated(rhs) }

/// Saturating `+=` of byte counts.
@inlinable
public func +|= (lhs: inout Int64, rhs: Int64) { lhs = lhs.addingSaturated(rhs) }

extension Int {
    /// `self + other`, clamped: inode and item counts.
    @inlinable
    public func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}

extension Sequence {
    /// The saturating sum of `bytes` over the elements.
    @inlinable
    public func sumOfBytes(_ bytes: (Element) -> Int64) -> Int64 {
        var total: Int64 = 0
        for element in self { total +|= bytes(element) }
        return total
    }
}
