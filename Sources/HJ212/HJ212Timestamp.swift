/// A time of an HJ 212 packet (`DataTime`, `QN`, `SystemTime`, …): local Beijing time (UTC+8).
///
/// The standard writes times as `YYYYMMDDhhmmss` (14 digits; QN adds 3 digits of milliseconds) without a time
/// zone; in practice they are China Standard Time. ``secondsSince1970`` converts with UTC+8.
///
/// ```swift
/// let time = HJ212Timestamp("20160801085857")
/// time?.secondsSince1970  // 1_470_013_137 (2016-08-01T00:58:57Z)
/// ```
public struct HJ212Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year (4 digits).
    public var year: Int
    /// The month, 1–12.
    public var month: Int
    /// The day of the month, 1–31.
    public var day: Int
    /// The hour, 0–23.
    public var hour: Int
    /// The minute, 0–59.
    public var minute: Int
    /// The second, 0–59.
    public var second: Int
    /// The milliseconds of a QN (17 digits), 0–999; `nil` for 14-digit times.
    public var millisecond: Int?

    /// The offset of Beijing time from UTC, in seconds (UTC+8).
    public static let beijingOffsetSeconds: Int64 = 8 * 3600

    /// Creates a time from its parts (not checked; see ``isValid``).
    ///
    /// - Parameters:
    ///   - year: The year.
    ///   - month: The month, 1–12.
    ///   - day: The day, 1–31.
    ///   - hour: The hour, 0–23.
    ///   - minute: The minute, 0–59.
    ///   - second: The second, 0–59.
    ///   - millisecond: The milliseconds, or `nil`.
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// The Beijing time (UTC+8) of a moment.
    ///
    /// - Parameter secondsSince1970: Seconds since 1970-01-01T00:00:00Z.
    public init(secondsSince1970: Int64) {
        let local = secondsSince1970 &+ Self.beijingOffsetSeconds
        var days = local / 86_400
        var seconds = local % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let dayOfEra = z &- era &* 146_097
        let yearOfEra = (dayOfEra &- dayOfEra / 1460 &+ dayOfEra / 36_524 &- dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra &- (365 &* yearOfEra &+ yearOfEra / 4 &- yearOfEra / 100)
        let mp = (5 &* dayOfYear &+ 2) / 153
        let day = dayOfYear &- (153 &* mp &+ 2) / 5 &+ 1
        let month = mp < 10 ? mp &+ 3 : mp &- 9
        let year = yearOfEra &+ era &* 400 &+ (month <= 2 ? 1 : 0)
        self.init(
            year: Int(truncatingIfNeeded: year), month: Int(truncatingIfNeeded: month),
            day: Int(truncatingIfNeeded: day), hour: Int(seconds / 3600), minute: Int(seconds % 3600 / 60),
            second: Int(seconds % 60))
    }

    /// Reads a 14-digit (`YYYYMMDDhhmmss`) or 17-digit (`YYYYMMDDhhmmsszzz`) time.
    ///
    /// - Parameter text: The digits.
    /// - Returns: `nil` unless `text` is 14 or 17 digits forming a valid date and time.
    public init?(_ text: String) {
        var text = text
        guard let value = text.withUTF8({ Self.parse($0, 0, $0.count) }) else { return nil }
        self = value
    }

    /// Whether the parts form a real date and time.
    public var isValid: Bool {
        (1...9999).contains(year) && (1...12).contains(month) && day >= 1
            && day <= Self.daysInMonth(year: year, month: month) && (0...23).contains(hour)
            && (0...59).contains(minute) && (0...59).contains(second)
            && (millisecond.map { (0...999).contains($0) } ?? true)
    }

    /// The moment as seconds since 1970-01-01T00:00:00Z, reading the time as Beijing time (UTC+8).
    public var secondsSince1970: Int64 {
        Self.daysFromCivil(year: year, month: month, day: day) &* 86_400 &+ Int64(hour) &* 3600 &+ Int64(minute)
            &* 60 &+ Int64(second) &- Self.beijingOffsetSeconds
    }

    /// `YYYY-MM-DD hh:mm:ss` (with `.zzz` for a QN).
    public var description: String {
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        return millisecond.map { "\(date).\(pad($0, 3))" } ?? date
    }

    /// ISO 8601 with the Beijing offset, e.g. `2016-08-01T08:58:57+08:00`.
    public var iso8601: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))+08:00"
    }

    /// The 14 digits `YYYYMMDDhhmmss` (17 with milliseconds), as the packet writes it.
    public var digits: String {
        let base = "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))\(pad(hour, 2))\(pad(minute, 2))\(pad(second, 2))"
        return millisecond.map { base + pad($0, 3) } ?? base
    }

    /// Orders times chronologically.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.secondsSince1970, lhs.millisecond ?? 0) < (rhs.secondsSince1970, rhs.millisecond ?? 0)
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The number of days of `month` in `year` (proleptic Gregorian).
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: return 0
        }
    }

    /// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year &- 1 : year)
        let era = (y >= 0 ? y : y &- 399) / 400
        let yearOfEra = y &- era &* 400
        let m = Int64(month)
        let dayOfYear = (153 &* (m > 2 ? m &- 3 : m &+ 9) &+ 2) / 5 &+ Int64(day) &- 1
        let dayOfEra = yearOfEra &* 365 &+ yearOfEra / 4 &- yearOfEra / 100 &+ dayOfYear
        return era &* 146_097 &+ dayOfEra &- 719_468
    }

    /// Reads 14 or 17 digits at `p[start..<end]`; `nil` if they are not digits or not a valid time.
    static func parse(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> HJ212Timestamp? {
        let count = end - start
        guard count == 14 || count == 17 else { return nil }
        // All digits first (one branch per byte), then the fields.
        var allDigits = true
        for i in start..<end where p[i] &- 48 >= 10 { allDigits = false }
        guard allDigits else { return nil }
        @inline(__always)
        func two(_ at: Int) -> Int { Int(p[at] &- 48) &* 10 &+ Int(p[at + 1] &- 48) }
        let year = two(start) &* 100 &+ two(start + 2)
        let month = two(start + 4)
        let day = two(start + 6)
        let hour = two(start + 8)
        let minute = two(start + 10)
        let second = two(start + 12)
        let millisecond: Int? = count == 17 ? Int(p[start + 14] &- 48) &* 100 &+ two(start + 15) : nil
        let time = HJ212Timestamp(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
        return time.isValid ? time : nil
    }

    /// Whether `p[start..<end]` is a valid 14- or 17-digit time, without building one (the decoder's check).
    @inline(__always)
    static func isValid(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let count = end - start
        guard count == 14 || count == 17 else { return false }
        var allDigits = true
        for i in start..<end where p[i] &- 48 >= 10 { allDigits = false }
        guard allDigits else { return false }
        @inline(__always)
        func two(_ at: Int) -> Int { Int(p[at] &- 48) &* 10 &+ Int(p[at + 1] &- 48) }
        let year = two(start) &* 100 &+ two(start + 2)
        let month = two(start + 4)
        let day = two(start + 6)
        guard year >= 1, month >= 1, month <= 12, day >= 1, two(start + 8) < 24, two(start + 10) < 60,
            two(start + 12) < 60
        else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    /// Seconds since 1970 (UTC) of the 14 digits at `p[start..<start + 14]`, assumed already validated.
    @inline(__always)
    static func fastSeconds(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int64 {
        func n(_ from: Int, _ length: Int) -> Int {
            var result = 0
            for i in from..<(from + length) { result = result &* 10 &+ Int(p[i] &- 48) }
            return result
        }
        return HJ212Timestamp(
            year: n(start, 4), month: n(start + 4, 2), day: n(start + 6, 2), hour: n(start + 8, 2),
            minute: n(start + 10, 2), second: n(start + 12, 2)
        ).secondsSince1970
    }
}
