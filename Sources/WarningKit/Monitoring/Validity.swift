/// The validity rules of HJ 75/76-2017 for forming hourly and daily values (`DOMAIN.md` §7.3).
///
/// A minute value is valid when its data flag is one of ``validFlags`` (by default `N`, and `S` as suspect but
/// counted) and it is not inside a filed maintenance window. An hourly value needs at least
/// ``minimumValidMinutesPerHour`` valid minutes (45), a daily value at least ``minimumValidHoursPerDay`` valid hours
/// (20). The thresholds are configuration (`Specs/monitoring/validity.yaml`), never constants in the logic.
public struct ValidityPolicy: Sendable, Hashable, Codable {
    /// Valid minutes an hourly value needs (HJ 76-2017: 45).
    public var minimumValidMinutesPerHour: Int
    /// Valid hours a daily value needs (HJ 76-2017: 20).
    public var minimumValidHoursPerDay: Int
    /// The flags whose values count as valid data.
    public var validFlags: Set<DataFlag>

    /// Creates a policy; the defaults are those of HJ 76-2017.
    public init(
        minimumValidMinutesPerHour: Int = 45, minimumValidHoursPerDay: Int = 20,
        validFlags: Set<DataFlag> = [.normal, .manual]
    ) {
        self.minimumValidMinutesPerHour = minimumValidMinutesPerHour
        self.minimumValidHoursPerDay = minimumValidHoursPerDay
        self.validFlags = validFlags
    }

    /// Whether a value with `flag` counts as valid data.
    @inlinable
    public func counts(_ flag: DataFlag) -> Bool { validFlags.contains(flag) }

    /// Whether an hour with `validMinutes` valid minutes forms a valid hourly value.
    @inlinable
    public func isHourValid(validMinutes: Int) -> Bool { validMinutes >= minimumValidMinutesPerHour }

    /// Whether a day with `validHours` valid hours forms a valid daily value.
    @inlinable
    public func isDayValid(validHours: Int) -> Bool { validHours >= minimumValidHoursPerDay }
}

/// A filed maintenance (or other marked) period of a point (运维/标记报备): data inside it is invalid, as if flagged
/// `M`, and never raises an exceedance.
///
/// It mirrors the standard's `auto_monitoring_mark` (`point_code`, `pollutant_code`, `start_time`, `end_time`,
/// `mark_id`). Windows must be known to the engine before the readings they cover are evaluated.
public struct MaintenanceFiling: Sendable, Hashable, Codable {
    /// The monitoring point (its code, or the device MN).
    public var point: String
    /// The factor, or `nil` for every factor of the point.
    public var pollutant: String?
    /// The first second covered, seconds since 1970 UTC.
    public var start: Int64
    /// The first second no longer covered (exclusive end).
    public var end: Int64
    /// The filing it comes from (a `mark_id`), for the record.
    public var reference: String?

    /// Creates a window covering `start ..< end`.
    public init(point: String, pollutant: String? = nil, start: Int64, end: Int64, reference: String? = nil) {
        self.point = point
        self.pollutant = pollutant
        self.start = start
        self.end = end
        self.reference = reference
    }

    /// Whether the window covers a reading of `pollutant` at `time`.
    public func covers(pollutant: String, time: Int64) -> Bool {
        time >= start && time < end && (self.pollutant == nil || self.pollutant == pollutant)
    }
}
