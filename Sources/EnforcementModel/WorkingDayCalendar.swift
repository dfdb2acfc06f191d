/// The PRC working-day calendar: weekends, statutory holidays and 调休 make-up working days, year by year.
///
/// A day is a working day unless it is a listed holiday, or a Saturday or Sunday not listed as a make-up working
/// day. A year the calendar was not given is unknown, and any question about one of its days throws
/// ``CalendarError`` with code `.unknownYear`: the calendar never guesses.
///
/// Periods follow the Civil Code (民法典):
/// - art. 201: the day of the event is not counted; counting starts the next day
///   (``addingWorkingDays(_:to:)``, ``addingCalendarDays(_:to:)``);
/// - art. 203: a period whose last day is a statutory rest day ends on the first working day after it
///   (``addingCalendarDays(_:to:)``). Weekends count as rest days here, as in practice.
///
/// ```swift
/// let calendar = try WorkingDayCalendar(years: [y2024])
/// // 告知书 served Monday 2024-06-03: 5 working days skip the weekend and 端午 (06-10).
/// try calendar.addingWorkingDays(5, to: try CivilDate("2024-06-03"))   // 2024-06-11
/// ```
public struct WorkingDayCalendar: Hashable, Sendable {
    /// The arrangements, keyed by year.
    public let years: [Int: HolidayYear]
    private let holidayNames: [Int: String]
    private let workingDays: Set<Int>

    /// Creates a calendar from per-year arrangements.
    ///
    /// - Parameter years: The arrangements keyed by year; each key must equal its value's `year`.
    /// - Throws: ``CalendarError`` with code `.invalidData` (a key that differs from the year, a range that ends
    ///   before it starts, a make-up working day that is not a Saturday or Sunday) or `.conflict` (a day listed
    ///   twice).
    public init(_ years: [Int: HolidayYear]) throws(CalendarError) {
        var holidayNames: [Int: String] = [:]
        var workingDays: Set<Int> = []
        for (key, arrangement) in years.sorted(by: { $0.key < $1.key }) {
            guard key == arrangement.year else {
                throw Self.dataError(
                    .invalidData, key, "is keyed under \(key) but is for \(arrangement.year)",
                    "以\(key)为键，但内容为\(arrangement.year)年")
            }
            for holiday in arrangement.holidays {
                guard holiday.from <= holiday.to else {
                    throw Self.dataError(
                        .invalidData, key,
                        "\(holiday.name) ends (\(holiday.to)) before it starts "
                            + "(\(holiday.from))", "\(holiday.name)结束日期\(holiday.to)早于开始日期\(holiday.from)")
                }
                for day in holiday.from.daysSinceEpoch...holiday.to.daysSinceEpoch {
                    if let other = holidayNames[day] {
                        let date = CivilDate(daysSinceEpoch: day)
                        throw Self.dataError(
                            .conflict, key, "\(date) is listed under both \(other) and \(holiday.name)",
                            "\(date)同时列于\(other)和\(holiday.name)")
                    }
                    holidayNames[day] = holiday.name
                }
            }
            for date in arrangement.makeUpWorkingDays {
                guard date.weekday.isWeekend else {
                    throw Self.dataError(
                        .invalidData, key,
                        "make-up working day \(date) is a \(date.weekday), "
                            + "not a Saturday or Sunday", "调休上班日\(date)不是周六或周日")
                }
                let day = date.daysSinceEpoch
                if holidayNames[day] != nil || workingDays.contains(day) {
                    throw Self.dataError(
                        .conflict, key,
                        "\(date) is listed twice, or as both a holiday and a "
                            + "working day", "\(date)重复列出，或同时列为假日和上班日")
                }
                workingDays.insert(day)
            }
        }
        for day in workingDays where holidayNames[day] != nil {
            let date = CivilDate(daysSinceEpoch: day)
            throw Self.dataError(
                .conflict, date.year, "\(date) is both a holiday and a make-up working day",
                "\(date)同时列为假日和调休上班日")
        }
        self.years = years
        self.holidayNames = holidayNames
        self.workingDays = workingDays
    }

    /// Creates a calendar from a list of arrangements.
    ///
    /// - Parameter years: One arrangement per year.
    /// - Throws: ``CalendarError`` as ``init(_:)``, and `.conflict` when a year appears twice.
    public init(years: [HolidayYear]) throws(CalendarError) {
        var byYear: [Int: HolidayYear] = [:]
        for arrangement in years {
            if byYear[arrangement.year] != nil {
                throw Self.dataError(.conflict, arrangement.year, "appears twice", "重复出现")
            }
            byYear[arrangement.year] = arrangement
        }
        try self.init(byYear)
    }

    private static func dataError(_ code: CalendarError.Code, _ year: Int, _ en: String, _ zh: String)
        -> CalendarError
    {
        CalendarError(
            code: code,
            message: "Holiday data for \(year): \(en)",
            messageZH: "\(year)年节假日数据：\(zh)",
            year: year
        )
    }

    /// The years the calendar knows, in order.
    public var knownYears: [Int] { years.keys.sorted() }

    private func requireKnown(_ date: CivilDate) throws(CalendarError) {
        guard years[date.year] != nil else { throw CalendarError.unknownYear(date.year) }
    }

    /// Whether `date` is a working day.
    ///
    /// - Parameter date: A date in a known year.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the date's year is not in the calendar.
    public func isWorkingDay(_ date: CivilDate) throws(CalendarError) -> Bool {
        try requireKnown(date)
        let day = date.daysSinceEpoch
        if holidayNames[day] != nil { return false }
        if workingDays.contains(day) { return true }
        return !date.weekday.isWeekend
    }

    /// The holiday `date` falls in, if any (weekends outside a holiday run return `nil`).
    ///
    /// - Parameter date: A date in a known year.
    /// - Returns: The holiday's name, such as 端午节.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the date's year is not in the calendar.
    public func holidayName(on date: CivilDate) throws(CalendarError) -> String? {
        try requireKnown(date)
        return holidayNames[date.daysSinceEpoch]
    }

    /// Whether `date` is a weekend day made a working day (调休上班).
    ///
    /// - Parameter date: A date in a known year.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the date's year is not in the calendar.
    public func isMakeUpWorkingDay(_ date: CivilDate) throws(CalendarError) -> Bool {
        try requireKnown(date)
        return workingDays.contains(date.daysSinceEpoch)
    }

    /// The `n`th working day after `date`, which itself is not counted (民法典 article 201).
    ///
    /// With `n` = 5 and a notice served on Monday 2024-06-03, the period ends on 2024-06-11: the weekend and the
    /// 端午 holiday (06-10) are skipped. A negative `n` counts back to the `|n|`th working day before `date`;
    /// `n` = 0 returns `date`.
    ///
    /// - Parameters:
    ///   - n: The number of working days.
    ///   - date: The day of the event (not counted).
    /// - Returns: The last day of the period.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when counting reaches a year the calendar lacks.
    public func addingWorkingDays(_ n: Int, to date: CivilDate) throws(CalendarError) -> CivilDate {
        let step = n < 0 ? -1 : 1
        var remaining = n.magnitude
        var current = date
        while remaining > 0 {
            current = current.adding(days: step)
            if try isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// The end of a period of `n` calendar days after `date`, moved past rest days (民法典 articles 201 and 203).
    ///
    /// The period's nominal last day is `date + n` (the event day is not counted). If that day is not a working
    /// day — a statutory holiday or a weekend — the period ends on the next working day: a period nominally ending
    /// on 2024-10-01 ends on 2024-10-08.
    ///
    /// - Parameters:
    ///   - n: The number of calendar days, such as 15, 30 or 90.
    ///   - date: The day of the event (not counted).
    /// - Returns: The last day of the period.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the nominal last day, or a day after it that must be
    ///   examined, lies in a year the calendar lacks.
    public func addingCalendarDays(_ n: Int, to date: CivilDate) throws(CalendarError) -> CivilDate {
        try nextWorkingDay(onOrAfter: date.adding(days: n))
    }

    /// The first working day on or after `date`.
    ///
    /// - Parameter date: The starting date.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the search reaches a year the calendar lacks.
    public func nextWorkingDay(onOrAfter date: CivilDate) throws(CalendarError) -> CivilDate {
        var current = date
        while try !isWorkingDay(current) { current = current.adding(days: 1) }
        return current
    }

    /// The number of working days in the half-open range (`from`, `to`]: `from` is not counted, `to` is.
    ///
    /// If `to` is before `from`, the result is the negated count of working days in (`to`, `from`].
    ///
    /// - Parameters:
    ///   - from: The start, not counted.
    ///   - to: The end, counted.
    /// - Throws: ``CalendarError`` with code `.unknownYear` when the range reaches a year the calendar lacks.
    public func workingDays(from: CivilDate, to: CivilDate) throws(CalendarError) -> Int {
        if to < from { return try -workingDays(from: to, to: from) }
        var count = 0
        var current = from
        while current < to {
            current = current.adding(days: 1)
            if try isWorkingDay(current) { count += 1 }
        }
        return count
    }
}
