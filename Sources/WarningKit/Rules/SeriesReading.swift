/// The integer id of one series (a point's factor) in a ``RuleEngine``: readings on the hot path name their series
/// by id, not by strings.
public struct SeriesID: Hashable, Sendable, Comparable, Codable {
    /// The index of the series in its engine.
    public let rawValue: UInt32

    /// An id from its index.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SeriesID, rhs: SeriesID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A reading of an interned series: 24 bytes, no strings, for the batch API of ``RuleEngine``.
///
/// ```swift
/// let so2 = engine.series(point: "51010400000001", pollutant: "a21026")
/// let warnings = engine.evaluate([SeriesReading(series: so2, time: t, value: 35.2)])
/// ```
public struct SeriesReading: Sendable {
    /// The time, seconds since 1970 UTC.
    public var time: Int64
    /// The value; NaN when the device sent none.
    public var value: Double
    /// The series.
    public var series: SeriesID
    /// The data flag.
    public var flag: DataFlag

    /// Creates a reading; a `nil` value is stored as NaN.
    @inlinable
    public init(series: SeriesID, time: Int64, value: Double?, flag: DataFlag = .normal) {
        self.time = time
        self.value = value ?? .nan
        self.series = series
        self.flag = flag
    }

    /// Whether the reading carries a value.
    @inlinable
    public var hasValue: Bool { !value.isNaN }
}

/// Counts of what an engine saw.
public struct RuleEngineStatistics: Sendable, Hashable, Codable {
    /// Readings evaluated.
    public var readings = 0
    /// Readings dropped because their hour had already closed (older than the clock minus the allowed lateness).
    public var lateReadings = 0
    /// Readings dropped because their series already had a reading at that time or later.
    public var outOfOrderReadings = 0
    /// Readings naming a series id the engine does not know.
    public var unknownSeries = 0
    /// Readings with a time outside ±2^40 seconds of 1970 (dropped).
    public var invalidTimes = 0
    /// Warnings raised.
    public var warnings = 0
    /// Warnings raised per `warning_type` code.
    public var warningsByType: [String: Int] = [:]

    /// Empty statistics.
    public init() {}

    /// Adds another engine's counts (for partitioned evaluation).
    public mutating func add(_ other: RuleEngineStatistics) {
        readings += other.readings
        lateReadings += other.lateReadings
        outOfOrderReadings += other.outOfOrderReadings
        unknownSeries += other.unknownSeries
        invalidTimes += other.invalidTimes
        warnings += other.warnings
        warningsByType.merge(other.warningsByType, uniquingKeysWith: +)
    }
}

extension Warning {
    /// The canonical order of warnings: by trigger time, point, factor, type, rule and window start. Output of
    /// partitioned engines, and of `enforce rules test`, is sorted this way.
    public static func canonicalOrder(_ lhs: Warning, _ rhs: Warning) -> Bool {
        if lhs.triggeredAt != rhs.triggeredAt { return lhs.triggeredAt < rhs.triggeredAt }
        if lhs.point != rhs.point { return lhs.point < rhs.point }
        if lhs.pollutant != rhs.pollutant { return (lhs.pollutant ?? "") < (rhs.pollutant ?? "") }
        if lhs.type != rhs.type { return lhs.type < rhs.type }
        if lhs.ruleID != rhs.ruleID { return lhs.ruleID < rhs.ruleID }
        return lhs.windowStart < rhs.windowStart
    }
}
