import EnforcementModel
import Foundation
import Testing

/// Builds a date from a literal known to be valid.
func date(_ string: String) -> CivilDate {
    do { return try CivilDate(string) } catch { fatalError("bad test date \(string): \(error)") }
}

/// The State Council arrangements for 2024–2026, typed in from the notices.
enum PRCHolidays {
    static func holiday(_ name: String, _ from: String, _ to: String) -> Holiday {
        Holiday(name: name, from: date(from), to: date(to))
    }

    static let y2024 = HolidayYear(
        year: 2024,
        holidays: [
            holiday("元旦", "2024-01-01", "2024-01-01"),
            holiday("春节", "2024-02-10", "2024-02-17"),
            holiday("清明节", "2024-04-04", "2024-04-06"),
            holiday("劳动节", "2024-05-01", "2024-05-05"),
            holiday("端午节", "2024-06-10", "2024-06-10"),
            holiday("中秋节", "2024-09-15", "2024-09-17"),
            holiday("国庆节", "2024-10-01", "2024-10-07"),
        ],
        makeUpWorkingDays: [
            "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
            "2024-09-29", "2024-10-12",
        ].map(date),
        source: "国办发明电〔2023〕7号"
    )

    static let y2025 = HolidayYear(
        year: 2025,
        holidays: [
            holiday("元旦", "2025-01-01", "2025-01-01"),
            holiday("春节", "2025-01-28", "2025-02-04"),
            holiday("清明节", "2025-04-04", "2025-04-06"),
            holiday("劳动节", "2025-05-01", "2025-05-05"),
            holiday("端午节", "2025-05-31", "2025-06-02"),
            holiday("国庆节、中秋节", "2025-10-01", "2025-10-08"),
        ],
        makeUpWorkingDays: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"].map(date),
        source: "国办发明电〔2024〕12号"
    )

    static let y2026 = HolidayYear(
        year: 2026,
        holidays: [
            holiday("元旦", "2026-01-01", "2026-01-03"),
            holiday("春节", "2026-02-15", "2026-02-23"),
            holiday("清明节", "2026-04-04", "2026-04-06"),
            holiday("劳动节", "2026-05-01", "2026-05-05"),
            holiday("端午节", "2026-06-19", "2026-06-21"),
            holiday("中秋节", "2026-09-25", "2026-09-27"),
            holiday("国庆节", "2026-10-01", "2026-10-07"),
        ],
        makeUpWorkingDays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
            .map(date),
        source: "国办发明电〔2025〕7号"
    )

    static let calendar: WorkingDayCalendar = {
        do { return try WorkingDayCalendar(years: [y2024, y2025, y2026]) } catch { fatalError("\(error)") }
    }()
}

struct CivilDateTests {
    @Test func parsesAndFormats() throws {
        let d = try CivilDate("2024-06-10")
        #expect(d.year == 2024 && d.month == 6 && d.day == 10)
        #expect(d.description == "2024-06-10")
        #expect(d.weekday == .monday)
        #expect(try CivilDate(year: 5, month: 1, day: 2).description == "0005-01-02")
        #expect(try CivilDate("2024-02-29").adding(days: 1) == (try CivilDate("2024-03-01")))
        #expect(try CivilDate("1970-01-01").daysSinceEpoch == 0)
        #expect(try CivilDate("1970-01-01").weekday == .thursday)
        #expect(try CivilDate("2000-02-29").weekday == .tuesday)
    }

    @Test(arguments: ["2025-02-29", "2024-13-01", "2024-04-31", "2024-00-10", "0000-01-01"])
    func rejectsDatesThatDoNotExist(_ string: String) throws {
        let error = try #require(throws: CalendarError.self) { try CivilDate(string) }
        #expect(error.code == .invalidDate)
    }

    @Test(arguments: ["2024-6-10", "20240610", "2024/06/10", "２024-06-10", "", "2024-06-10 "])
    func rejectsOtherLayouts(_ string: String) throws {
        let error = try #require(throws: CalendarError.self) { try CivilDate(string) }
        #expect(error.code == .format)
    }

    @Test func ordersAndCounts() throws {
        let a = try CivilDate("2024-03-01")
        let b = try CivilDate("2024-03-20")
        #expect(a < b)
        // DOMAIN §2.1: penalty days 03-02 … 03-20 after service on 03-01 = 19.
        #expect(a.days(to: b) == 19)
        #expect(b.days(to: a) == -19)
    }

    @Test func codableAsString() throws {
        let data = try JSONEncoder().encode([try CivilDate("2026-02-14")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-02-14"]"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: data) == [try CivilDate("2026-02-14")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CivilDate].self, from: Data(#"["2026-02-30"]"#.utf8))
        }
    }
}

struct WorkingDayCalendarTests {
    let calendar = PRCHolidays.calendar

    @Test func dragonBoatHoliday2024PushesTheHearingWindow() throws {
        // DOMAIN §1.2: 告知书 served Monday 2024-06-03; 5 working days end 2024-06-11, not 06-10.
        #expect(try calendar.addingWorkingDays(5, to: date("2024-06-03")) == date("2024-06-11"))
        #expect(try calendar.holidayName(on: date("2024-06-10")) == "端午节")
        #expect(try calendar.workingDays(from: date("2024-06-03"), to: date("2024-06-11")) == 5)
    }

    @Test(arguments: [
        "2024-02-04", "2024-02-18", "2025-01-26", "2025-09-28", "2025-10-11", "2026-01-04",
        "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ])
    func makeUpWeekendDaysAreWorkingDays(_ string: String) throws {
        let day = date(string)
        #expect(day.weekday.isWeekend)
        #expect(try calendar.isWorkingDay(day))
        #expect(try calendar.isMakeUpWorkingDay(day))
    }

    @Test func ordinaryWeekendsAndWeekdays() throws {
        #expect(try !calendar.isWorkingDay(date("2024-06-08")))  // Saturday
        #expect(try calendar.isWorkingDay(date("2024-06-07")))  // Friday
        #expect(try calendar.holidayName(on: date("2024-06-08")) == nil)
    }

    @Test func nationalDay2025() throws {
        for day in 1...8 {
            #expect(try !calendar.isWorkingDay(date("2025-10-0\(day)")))
            #expect(try calendar.holidayName(on: date("2025-10-0\(day)")) == "国庆节、中秋节")
        }
        #expect(try calendar.isWorkingDay(date("2025-10-09")))
        // Served Friday 2025-09-26: 9-28 (Sun, worked) is day 1, 9-29 and 9-30 are 2 and 3, then 10-09 …
        #expect(try calendar.addingWorkingDays(3, to: date("2025-09-26")) == date("2025-09-30"))
        #expect(try calendar.addingWorkingDays(4, to: date("2025-09-26")) == date("2025-10-09"))
        #expect(try calendar.addingWorkingDays(5, to: date("2025-09-26")) == date("2025-10-10"))
        #expect(try calendar.addingWorkingDays(6, to: date("2025-09-26")) == date("2025-10-11"))  // Sat, worked
    }

    @Test func springFestival2026() throws {
        for day in 15...23 { #expect(try !calendar.isWorkingDay(date("2026-02-\(day)"))) }
        #expect(try calendar.isWorkingDay(date("2026-02-13")))
        #expect(try calendar.isWorkingDay(date("2026-02-24")))
        // 7 working days after Thursday 2026-02-12: 13, 14 (Sat, worked), 24, 25, 26, 27, 28 (Sat, worked).
        #expect(try calendar.addingWorkingDays(7, to: date("2026-02-12")) == date("2026-02-28"))
    }

    @Test func calendarDayPeriodEndingOnAHolidayMovesToTheNextWorkingDay() throws {
        // Nominal last day 2024-10-01 (国庆) → 2024-10-08.
        #expect(try calendar.addingCalendarDays(15, to: date("2024-09-16")) == date("2024-10-08"))
        // 2024-10-12 is a Saturday worked, so a period ending then is not moved.
        #expect(try calendar.addingCalendarDays(11, to: date("2024-10-01")) == date("2024-10-12"))
        // An ordinary Sunday moves to Monday.
        #expect(try calendar.addingCalendarDays(15, to: date("2024-05-25")) == date("2024-06-11"))
    }

    @Test func caseDeadlinesFromDomainExample() throws {
        // DOMAIN §1.2: filed 2024-03-01; 90 days → 2024-05-30, a Thursday, so no move.
        let filed = date("2024-03-01")
        #expect(filed.adding(days: 90) == date("2024-05-30"))
        #expect(try calendar.addingCalendarDays(90, to: filed) == date("2024-05-30"))
        // Extension by 30: the nominal day 2024-06-29 is a Saturday; art. 203 moves the end to Monday 07-01.
        #expect(date("2024-05-30").adding(days: 30) == date("2024-06-29"))
        #expect(try calendar.addingCalendarDays(30, to: date("2024-05-30")) == date("2024-07-01"))
        // A second 30-day extension from the nominal day ends on Monday 2024-07-29.
        #expect(try calendar.addingCalendarDays(30, to: date("2024-06-29")) == date("2024-07-29"))
        // Payment: 15 days after receipt on Monday 2024-09-16 → nominal 10-01 → 10-08.
        #expect(try calendar.addingCalendarDays(15, to: date("2024-09-16")) == date("2024-10-08"))
        // Hearing notice 7 working days; evidence decision 7 working days (行政处罚法 arts. 56, 64).
        #expect(try calendar.addingWorkingDays(7, to: date("2024-09-26")) == date("2024-10-11"))
    }

    @Test func workingDaysPerYearMatchTheNotices() throws {
        #expect(try calendar.workingDays(from: date("2023-12-31"), to: date("2024-12-31")) == 251)
        #expect(try calendar.workingDays(from: date("2024-12-31"), to: date("2025-12-31")) == 248)
        #expect(try calendar.workingDays(from: date("2025-12-31"), to: date("2026-12-31")) == 248)
        #expect(try calendar.workingDays(from: date("2024-06-11"), to: date("2024-06-03")) == -5)
        #expect(try calendar.workingDays(from: date("2024-06-03"), to: date("2024-06-03")) == 0)
    }

    @Test func countingBackwards() throws {
        #expect(try calendar.addingWorkingDays(-5, to: date("2024-06-11")) == date("2024-06-03"))
        #expect(try calendar.addingWorkingDays(0, to: date("2024-06-10")) == date("2024-06-10"))
    }

    @Test func unknownYearsAreErrorsNotGuesses() throws {
        let before = try #require(throws: CalendarError.self) { try calendar.isWorkingDay(date("2023-12-29")) }
        #expect(before.code == .unknownYear)
        #expect(before.year == 2023)
        #expect(before.message.contains("2023"))
        let after = try #require(throws: CalendarError.self) {
            try calendar.addingWorkingDays(5, to: date("2026-12-28"))
        }
        #expect(after.code == .unknownYear)
        #expect(after.year == 2027)
        #expect(throws: CalendarError.self) { try calendar.addingCalendarDays(10, to: date("2026-12-25")) }
        #expect(throws: CalendarError.self) {
            try calendar.workingDays(from: date("2023-12-01"), to: date("2024-01-05"))
        }
        #expect(calendar.knownYears == [2024, 2025, 2026])
    }

    @Test func inconsistentDataIsRejected() throws {
        let weekdayWorked = HolidayYear(year: 2024, holidays: [], makeUpWorkingDays: [date("2024-06-03")])
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([2024: weekdayWorked]) }
        let wrongKey = try #require(throws: CalendarError.self) { try WorkingDayCalendar([2025: PRCHolidays.y2024]) }
        #expect(wrongKey.code == .invalidData)
        let overlap = HolidayYear(
            year: 2024,
            holidays: [
                PRCHolidays.holiday("A", "2024-10-01", "2024-10-03"),
                PRCHolidays.holiday("B", "2024-10-03", "2024-10-04"),
            ],
            makeUpWorkingDays: []
        )
        let conflict = try #require(throws: CalendarError.self) { try WorkingDayCalendar([2024: overlap]) }
        #expect(conflict.code == .conflict)
        let backwards = HolidayYear(
            year: 2024, holidays: [PRCHolidays.holiday("A", "2024-10-03", "2024-10-01")], makeUpWorkingDays: [])
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([2024: backwards]) }
        let both = HolidayYear(
            year: 2024, holidays: [PRCHolidays.holiday("A", "2024-06-08", "2024-06-10")],
            makeUpWorkingDays: [date("2024-06-08")])
        #expect(throws: CalendarError.self) { try WorkingDayCalendar([2024: both]) }
        #expect(throws: CalendarError.self) { try WorkingDayCalendar(years: [PRCHolidays.y2024, PRCHolidays.y2024]) }
    }

    @Test func holidayBasics() {
        let spring = PRCHolidays.y2026.holidays[1]
        #expect(spring.numberOfDays == 9)
        #expect(spring.contains(date("2026-02-17")))
        #expect(!spring.contains(date("2026-02-24")))
    }
}
