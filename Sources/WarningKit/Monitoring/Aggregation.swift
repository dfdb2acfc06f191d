/// An hourly value of one factor of one point, formed from its minute readings by HJ 75/76-2017.
public struct HourlyValue: Sendable, Hashable, Codable {
    /// The monitoring point.
    public var point: String
    /// The factor.
    public var pollutant: String
    /// The start of the hour, seconds since 1970 UTC.
    public var hourStart: Int64
    /// Minute records received in the hour, whatever their flags.
    public var records: Int
    /// Valid minutes: a valid flag, a value, and outside every maintenance window.
    public var validMinutes: Int
    /// The mean of the valid minutes (`nil` when there are none).
    public var mean: Double?
    /// The smallest valid minute value.
    public var minimum: Double?
    /// The largest valid minute value.
    public var maximum: Double?
    /// Whether the hour has enough valid minutes (``ValidityPolicy/minimumValidMinutesPerHour``).
    public var isValid: Bool

    /// Creates an hourly value.
    public init(
        point: String, pollutant: String, hourStart: Int64, records: Int, validMinutes: Int, mean: Double?,
        minimum: Double?, maximum: Double?, isValid: Bool
    ) {
        self.point = point
        self.pollutant = pollutant
        self.hourStart = hourStart
        self.records = records
        self.validMinutes = validMinutes
        self.mean = mean
        self.minimum = minimum
        self.maximum = maximum
        self.isValid = isValid
    }

    /// The hourly value when it is valid, else `nil`.
    public var value: Double? { isValid ? mean : nil }

    /// `N` for a valid hour, `H` (有效数据不足) for one with too few valid minutes.
    public var flag: DataFlag { isValid ? .normal : .insufficient }
}

/// A daily value of one factor of one point: the mean of its valid hourly values.
public struct DailyValue: Sendable, Hashable, Codable {
    /// The monitoring point.
    public var point: String
    /// The factor.
    public var pollutant: String
    /// Beijing midnight starting the day, seconds since 1970 UTC.
    public var dayStart: Int64
    /// Valid hourly values in the day.
    public var validHours: Int
    /// The mean of the valid hourly values (`nil` when there are none).
    public var mean: Double?
    /// Whether the day has enough valid hours (``ValidityPolicy/minimumValidHoursPerDay``).
    public var isValid: Bool

    /// Creates a daily value.
    public init(point: String, pollutant: String, dayStart: Int64, validHours: Int, mean: Double?, isValid: Bool) {
        self.point = point
        self.pollutant = pollutant
        self.dayStart = dayStart
        self.validHours = validHours
        self.mean = mean
        self.isValid = isValid
    }

    /// The daily value when it is valid, else `nil`.
    public var value: Double? { isValid ? mean : nil }
}

/// Accumulates the minute readings of one factor in one hour: O(1) memory, for streaming aggregation.
public struct HourAccumulator: Sendable, Hashable {
    /// Minute records received, whatever their flags.
    public private(set) var records = 0
    /// Valid minutes.
    public private(set) var validMinutes = 0
    /// The sum of the valid minute values.
    public private(set) var sum = 0.0
    /// The smallest valid minute value (`+∞` when none).
    public private(set) var minimum = Double.infinity
    /// The largest valid minute value (`−∞` when none).
    public private(set) var maximum = -Double.infinity

    /// An empty accumulator.
    public init() {}

    /// Adds one minute reading; `inMaintenance` makes it invalid whatever its flag.
    public mutating func add(value: Double?, flag: DataFlag, policy: ValidityPolicy, inMaintenance: Bool = false) {
        records += 1
        guard let value, value.isFinite, !inMaintenance, policy.counts(flag) else { return }
        validMinutes += 1
        sum += value
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    /// The hourly value of the minutes added so far.
    public func value(point: String, pollutant: String, hourStart: Int64, policy: ValidityPolicy) -> HourlyValue {
        let any = validMinutes > 0
        return HourlyValue(
            point: point, pollutant: pollutant, hourStart: hourStart, records: records, validMinutes: validMinutes,
            mean: any ? sum / Double(validMinutes) : nil, minimum: any ? minimum : nil, maximum: any ? maximum : nil,
            isValid: policy.isHourValid(validMinutes: validMinutes))
    }
}

/// Minute → hour → day aggregation with the validity rules of HJ 75/76-2017, and oxygen correction of hourly values.
///
/// ```swift
/// let hours = MonitoringAggregation.hourly(readings)             // sorted by point, factor, hour
/// let days = MonitoringAggregation.daily(hours)
/// ```
///
/// The streaming rule engine (``RuleEngine``) applies the same rules incrementally; these functions are the
/// reference for a recorded batch.
public enum MonitoringAggregation {
    /// The hourly values of `readings` (any order), sorted by point, factor and hour. Only hours with at least one
    /// record appear.
    public static func hourly(
        _ readings: some Sequence<Reading>, policy: ValidityPolicy = ValidityPolicy(),
        maintenance: [MaintenanceFiling] = []
    ) -> [HourlyValue] {
        var windows: [String: [MaintenanceFiling]] = [:]
        for window in maintenance { windows[window.point, default: []].append(window) }
        var accumulators: [HourKey: HourAccumulator] = [:]
        for reading in readings {
            let key = HourKey(
                point: reading.point, pollutant: reading.pollutant, hour: MonitoringTime.hourStart(of: reading.time))
            let inMaintenance =
                windows[reading.point]?.contains { $0.covers(pollutant: reading.pollutant, time: reading.time) }
                ?? false
            accumulators[key, default: HourAccumulator()].add(
                value: reading.value, flag: reading.flag, policy: policy, inMaintenance: inMaintenance)
        }
        return accumulators.map { key, accumulator in
            accumulator.value(point: key.point, pollutant: key.pollutant, hourStart: key.hour, policy: policy)
        }
        .sorted { ($0.point, $0.pollutant, $0.hourStart) < ($1.point, $1.pollutant, $1.hourStart) }
    }

    /// The daily values (Beijing days) of hourly values, sorted by point, factor and day. Invalid hours do not
    /// count; a day with fewer valid hours than the policy asks for is invalid.
    public static func daily(_ hours: some Sequence<HourlyValue>, policy: ValidityPolicy = ValidityPolicy())
        -> [DailyValue]
    {
        var sums: [DayKey: (count: Int, sum: Double)] = [:]
        for hour in hours {
            let key = DayKey(
                point: hour.point, pollutant: hour.pollutant, day: MonitoringTime.dayStart(of: hour.hourStart))
            var entry = sums[key] ?? (0, 0)
            if let value = hour.value {
                entry.count += 1
                entry.sum += value
            }
            sums[key] = entry
        }
        return sums.map { key, entry in
            DailyValue(
                point: key.point, pollutant: key.pollutant, dayStart: key.day, validHours: entry.count,
                mean: entry.count > 0 ? entry.sum / Double(entry.count) : nil,
                isValid: policy.isDayValid(validHours: entry.count))
        }
        .sorted { ($0.point, $0.pollutant, $0.dayStart) < ($1.point, $1.pollutant, $1.dayStart) }
    }

    /// The corrected value of a valid hourly concentration, given the point's valid hourly O2 of the same hour.
    ///
    /// Returns `nil` when either hour is invalid (an hour without a valid O2 cannot be corrected and is not judged).
    public static func corrected(
        _ hour: HourlyValue, oxygen: HourlyValue?, referenceOxygen: Double,
        correction: OxygenCorrection = OxygenCorrection()
    ) -> CorrectionResult? {
        guard let value = hour.value, let oxygen, oxygen.hourStart == hour.hourStart, let measured = oxygen.value
        else { return nil }
        return correction.correct(value, measuredOxygen: measured, referenceOxygen: referenceOxygen)
    }
}

private struct HourKey: Hashable {
    var point: String
    var pollutant: String
    var hour: Int64
}

private struct DayKey: Hashable {
    var point: String
    var pollutant: String
    var day: Int64
}
