import DataStandard
import EnforcementModel
import Foundation
import Testing

struct CalendarLoaderTests {
    static var bundledFile: URL {
        EntityDriftTests.repositorySpecs.appendingPathComponent("calendar/prc-holidays.yaml")
    }

    @Test func theBundledCalendarCoversTwentyFourToTwentySix() throws {
        let calendar = try CalendarLoader().load(file: Self.bundledFile)
        #expect(calendar.knownYears == [2024, 2025, 2026])
        // DOMAIN.md §1.2: 告知书 served Monday 2024-06-03; the 5-working-day hearing window ends 2024-06-11 (端午 06-10).
        #expect(try calendar.addingWorkingDays(5, to: CivilDate("2024-06-03")) == CivilDate("2024-06-11"))
        #expect(try calendar.isWorkingDay(CivilDate("2025-01-26")))  // 调休 Sunday before 春节
        #expect(try !calendar.isWorkingDay(CivilDate("2026-02-16")))  // 春节 2026
        #expect(throws: CalendarError.self) { try calendar.isWorkingDay(CivilDate("2027-01-04")) }
    }

    @Test func aBrokenCalendarIsReportedWithItsPlace() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(
            """
            standard: prc-calendar
            version: "1"
            years:
              2024:
                holidays:
                  - {name: 元旦, from: 2024-01-01, to: 2024-13-01}
                working_days:
                  - {date: 2024-02-04, for: 春节, extra: 1}

            """.utf8
        ).write(to: file)
        let (calendar, diagnostics) = CalendarLoader().read(file: file)
        #expect(calendar == nil)
        let badDate = try #require(diagnostics.first { $0.check == "spec.type" })
        #expect(badDate.location?.line == 6)
        #expect(diagnostics.contains { $0.check == "spec.unknown-key" && $0.message.contains("extra") })
        #expect(throws: DataStandardError.self) { try CalendarLoader().load(file: file) }
    }

    @Test func aMakeUpDayOnAWeekdayIsRejected() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(
            """
            standard: prc-calendar
            version: "1"
            years:
              2024:
                holidays: []
                working_days:
                  - {date: 2024-06-03, for: 端午节}

            """.utf8
        ).write(to: file)
        #expect(throws: DataStandardError.self) { try CalendarLoader().load(file: file) }
    }
}
