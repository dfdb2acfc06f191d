import Foundation
import Testing

struct CodeCommandTests {
    @Test func usccValuesGetOneVerdictEach() throws {
        let result = try CLIRunner.run([
            "code", "check", "uscc", "91130200699229617X", "91130200699229617Y", "9113020069922961", "--format", "json",
        ])
        #expect(result.status == 1)
        let verdicts = try #require(try result.json() as? [[String: Any]])
        #expect(verdicts.count == 3)
        #expect(
            verdicts.map { $0["value"] as? String } == ["91130200699229617X", "91130200699229617Y", "9113020069922961"])
        #expect(verdicts.map { $0["valid"] as? Bool } == [true, false, false])
        let errors = try #require(verdicts[1]["errors"] as? [[String: Any]])
        #expect(errors.first?["code"] as? String == "checkCharacter")
        #expect(errors.first?["position"] as? Int == 18)
    }

    @Test func allValidValuesExitZero() throws {
        let result = try CLIRunner.run(["code", "check", "permit", "91130200699229617X001P"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("valid"))
    }

    @Test func divisionsAreCheckedAgainstTheSichuanTable() throws {
        let result = try CLIRunner.run(["code", "check", "division", "510104", "513425", "510199", "--format", "json"])
        let verdicts = try #require(try result.json() as? [[String: Any]])
        #expect(verdicts[0]["valid"] as? Bool == true)
        #expect((verdicts[0]["name"] as? [String: String])?["zh"] == "锦江区")
        #expect((verdicts[0]["details"] as? [String: String])?["path"] == "四川省 / 成都市 / 锦江区")
        // 会理县 513425 became 会理市 513402 in 2021: still readable, with a warning naming the replacement.
        #expect(verdicts[1]["valid"] as? Bool == true)
        #expect(
            ((verdicts[1]["warnings"] as? [[String: Any]])?.first?["message"] as? String)?.contains("513402") == true)
        #expect(verdicts[2]["valid"] as? Bool == false)
        #expect(result.status == 1)
    }

    @Test func industryAndPollutantCodesUseTheirTables() throws {
        let industry = try CLIRunner.run(["code", "check", "industry", "4411", "3032", "9999", "--format", "json"])
        let verdicts = try #require(try industry.json() as? [[String: Any]])
        #expect((verdicts[0]["name"] as? [String: String])?["zh"] == "火力发电")
        #expect((verdicts[1]["name"] as? [String: String])?["zh"] == "建筑用石加工")
        #expect(verdicts[2]["valid"] as? Bool == false)
        let pollutant = try CLIRunner.run(["code", "check", "pollutant", "a21026", "w01018", "02", "--format", "json"])
        let results = try #require(try pollutant.json() as? [[String: Any]])
        #expect(results.map { $0["valid"] as? Bool } == [true, true, true])
        #expect((results[2]["details"] as? [String: String])?["replacedBy"] == "a21026")
    }

    @Test func anUnknownSystemIsAUsageError() throws {
        let result = try CLIRunner.run(["code", "check", "phone", "123"])
        #expect(result.status == 2)
    }
}

struct CalendarCommandTests {
    @Test func addWorkingDaysSkipsWeekendsAndHolidays() throws {
        let result = try CLIRunner.run([
            "calendar", "add-working-days", "--from", "2024-06-03", "--days", "5", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try result.json() as? [String: Any])
        #expect(object["date"] as? String == "2024-06-11")
    }

    @Test func addDaysMovesAPeriodEndingOnAHolidayToTheNextWorkingDay() throws {
        // 30 calendar days from 2024-09-01 end on 2024-10-01 (国庆节): the period ends on 2024-10-08.
        let result = try CLIRunner.run([
            "calendar", "add-days", "--from", "2024-09-01", "--days", "30", "--format", "json",
        ])
        let object = try #require(try result.json() as? [String: Any])
        #expect(object["date"] as? String == "2024-10-08")
    }

    @Test func isWorkingDayKnowsMakeUpDays() throws {
        let sunday = try CLIRunner.run(["calendar", "is-working-day", "2024-02-04", "--format", "json"])
        let object = try #require(try sunday.json() as? [String: Any])
        #expect(object["date"] as? String == "2024-02-04")
        #expect(object["workingDay"] as? Bool == true)
        let holiday = try CLIRunner.run(["calendar", "is-working-day", "2025-10-08", "--format", "json"])
        #expect((try holiday.json() as? [String: Any])?["workingDay"] as? Bool == false)
    }

    @Test func anUnknownYearIsAnErrorNotAGuess() throws {
        let result = try CLIRunner.run(["calendar", "is-working-day", "2031-05-06"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("2031"))
    }

    @Test func aMalformedDateIsAUsageError() throws {
        let result = try CLIRunner.run(["calendar", "add-days", "--from", "2024-02-30", "--days", "3"])
        #expect(result.status == 2)
    }
}
