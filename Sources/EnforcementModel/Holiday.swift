/// A named run of statutory rest days (法定节假日及其调休放假日), such as 端午节 2024-06-10.
///
/// ```swift
/// let dragonBoat = Holiday(name: "端午节", from: try CivilDate("2024-06-10"), to: try CivilDate("2024-06-10"))
/// ```
public struct Holiday: Hashable, Sendable, Codable {
    /// The festival's name as the State Council notice gives it, such as 春节.
    public var name: String
    /// The first rest day.
    public var from: CivilDate
    /// The last rest day, inclusive.
    public var to: CivilDate

    /// Creates a holiday from its name and its first and last rest days (inclusive).
    ///
    /// - Parameters:
    ///   - name: The festival's name.
    ///   - from: The first rest day.
    ///   - to: The last rest day, inclusive.
    public init(name: String, from: CivilDate, to: CivilDate) {
        self.name = name
        self.from = from
        self.to = to
    }

    /// Whether `date` is one of the holiday's rest days.
    ///
    /// - Parameter date: The date to test.
    public func contains(_ date: CivilDate) -> Bool { from <= date && date <= to }

    /// The number of rest days, `from` and `to` included.
    public var numberOfDays: Int { from.days(to: to) + 1 }
}

/// One year's holiday arrangement, as published by the General Office of the State Council (国务院办公厅).
///
/// ```swift
/// let y2024 = HolidayYear(
///     year: 2024,
///     holidays: [Holiday(name: "端午节", from: try CivilDate("2024-06-10"), to: try CivilDate("2024-06-10"))],
///     makeUpWorkingDays: [try CivilDate("2024-02-04")],
///     source: "国办发明电〔2023〕7号")
/// ```
public struct HolidayYear: Hashable, Sendable, Codable {
    /// The year the arrangement is for.
    public var year: Int
    /// The runs of rest days.
    public var holidays: [Holiday]
    /// Weekend days made working days (调休上班).
    ///
    /// They may fall in the previous year (a 31 December).
    public var makeUpWorkingDays: [CivilDate]
    /// The notice the data comes from, such as 国办发明电〔2023〕7号.
    public var source: String?

    /// Creates a year's arrangement.
    ///
    /// - Parameters:
    ///   - year: The year.
    ///   - holidays: The runs of rest days.
    ///   - makeUpWorkingDays: The weekend days worked instead (调休上班).
    ///   - source: The notice, if known.
    public init(year: Int, holidays: [Holiday], makeUpWorkingDays: [CivilDate], source: String? = nil) {
        self.year = year
        self.holidays = holidays
        self.makeUpWorkingDays = makeUpWorkingDays
        self.source = source
    }
}
