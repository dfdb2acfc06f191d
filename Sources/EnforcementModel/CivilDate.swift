/// A date in the proleptic Gregorian calendar, without time or time zone, such as a statutory deadline.
///
/// Civil dates are what Chinese law counts in (期间 of the Civil Code arts. 200–204), so they are kept apart from
/// Foundation's `Date`, which is an instant. Text form is ISO 8601 `YYYY-MM-DD`, also used by `Codable`.
///
/// ```swift
/// let served = try CivilDate("2024-06-03")
/// served.weekday                    // .monday
/// served.adding(days: 7)            // 2024-06-10
/// served.days(to: try CivilDate("2024-06-11"))   // 8
/// ```
public struct CivilDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// A day of the week, numbered as in ISO 8601 (Monday = 1 … Sunday = 7).
    public enum Weekday: Int, Hashable, Sendable, Codable, CaseIterable {
        /// 星期一.
        case monday = 1
        /// 星期二.
        case tuesday
        /// 星期三.
        case wednesday
        /// 星期四.
        case thursday
        /// 星期五.
        case friday
        /// 星期六.
        case saturday
        /// 星期日.
        case sunday

        /// Whether the day is Saturday or Sunday.
        public var isWeekend: Bool { self == .saturday || self == .sunday }
    }

    /// The year, such as 2024.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Creates a date after checking that it exists.
    ///
    /// - Parameters:
    ///   - year: The year, 1–9999.
    ///   - month: The month, 1–12.
    ///   - day: The day of the month.
    /// - Throws: ``CalendarError`` with code `.invalidDate` when there is no such date.
    public init(year: Int, month: Int, day: Int) throws(CalendarError) {
        guard (1...9999).contains(year), Self.isValid(year: year, month: month, day: day) else {
            throw CalendarError(
                code: .invalidDate,
                message: "There is no date \(year)-\(month)-\(day)",
                messageZH: "日期\(year)年\(month)月\(day)日不存在",
                value: "\(year)-\(month)-\(day)"
            )
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses an ISO 8601 calendar date `YYYY-MM-DD`.
    ///
    /// - Parameter string: Ten characters such as `2024-06-10`.
    /// - Throws: ``CalendarError`` with code `.format` for another layout, or `.invalidDate` for a date that does
    ///   not exist (`2025-02-29`).
    public init(_ string: String) throws(CalendarError) {
        let parts = string.withUTF8Bytes { bytes -> (Int, Int, Int)? in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            for index in [0, 1, 2, 3, 5, 6, 8, 9] where !CodeBytes.isDigit(bytes[index]) { return nil }
            return (
                CodeBytes.number(bytes, from: 0, count: 4), CodeBytes.number(bytes, from: 5, count: 2),
                CodeBytes.number(bytes, from: 8, count: 2)
            )
        }
        guard let parts else {
            throw CalendarError(
                code: .format,
                message: "A date must be written YYYY-MM-DD, such as 2024-06-10",
                messageZH: "日期格式应为YYYY-MM-DD，例如2024-06-10",
                value: string
            )
        }
        do {
            try self.init(year: parts.0, month: parts.1, day: parts.2)
        } catch {
            throw CalendarError(
                code: .invalidDate,
                message: "There is no date \(string)",
                messageZH: "日期\(string)不存在",
                value: string
            )
        }
    }

    /// Creates a date from the number of days since 1970-01-01 (negative before).
    ///
    /// - Parameter daysSinceEpoch: The day number; 0 is 1970-01-01.
    public init(daysSinceEpoch: Int) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Wraps components already known to form a date.
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Whether the year is a Gregorian leap year.
    ///
    /// - Parameter year: The year.
    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in a month.
    ///
    /// - Parameters:
    ///   - month: The month, 1–12.
    ///   - year: The year (for February).
    /// - Returns: 28–31, or 0 for a month outside 1–12.
    public static func numberOfDays(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// Whether the components form a date (any year).
    @usableFromInline
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        day >= 1 && day <= numberOfDays(inMonth: month, year: year)
    }

    /// The number of days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let index = ((daysSinceEpoch + 3) % 7 + 7) % 7
        return Weekday(rawValue: index + 1) ?? .monday
    }

    /// The date `days` days later (earlier if negative).
    ///
    /// - Parameter days: The number of calendar days to add.
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The number of days from this date to `other`: positive when `other` is later.
    ///
    /// - Parameter other: The end date.
    public func days(to other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// Orders dates chronologically.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The date as `YYYY-MM-DD`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// Decodes a date from a `YYYY-MM-DD` string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        do {
            try self.init(string)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the date as a `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
