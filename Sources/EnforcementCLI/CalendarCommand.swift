import ArgumentParser
import DataStandard
import EnforcementModel
import Foundation

extension CivilDate: ExpressibleByArgument {
    public init?(argument: String) {
        guard let date = try? CivilDate(argument) else { return nil }
        self = date
    }
}

/// `--specs` for the calendar, and loading it.
struct CalendarOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The Specs folder (default: $ENFORCE_SPECS, else ./Specs, else the copy bundled with the SDK).")
    var specs: String?

    func load() throws -> WorkingDayCalendar {
        let file = try CalendarLoader.defaultCalendarFile(specs: specs.map { URL(fileURLWithPath: $0) })
        return try CalendarLoader().load(file: file)
    }
}

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Working-day arithmetic on the PRC holiday calendar (法定节假日与调休).",
        discussion: """
            Periods follow the Civil Code: the day of the event is not counted (art. 201); a period in calendar
            days whose last day is a rest day ends on the next working day (art. 203). Years missing from
            Specs/calendar/prc-holidays.yaml are errors, never guesses.
            """,
        subcommands: [AddWorkingDays.self, AddDays.self, IsWorkingDay.self, WorkingDaysBetween.self]
    )

    /// Runs a calendar question, turning an unknown year into a clear failure (exit 2).
    static func answerOrFail<T>(_ body: () throws(CalendarError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CLIFailure(message: "\(error.message) / \(error.messageZH)")
        }
    }

    struct DateResult: Encodable {
        var from: String
        var days: Int
        var date: String
        var weekday: String
    }

    struct AddWorkingDays: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-working-days",
            abstract: "The date N working days after --from (e.g. 5 working days for a hearing request)."
        )

        @OptionGroup var period: PeriodOptions

        func run() throws {
            try period.answer { calendar, days, from throws(CalendarError) in
                try calendar.addingWorkingDays(days, to: from)
            }
        }
    }

    struct AddDays: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-days",
            abstract:
                "The end of a period of N calendar days from --from, moved to the next working day if it ends on a rest day."
        )

        @OptionGroup var period: PeriodOptions

        func run() throws {
            try period.answer { calendar, days, from throws(CalendarError) in
                try calendar.addingCalendarDays(days, to: from)
            }
        }
    }

    struct IsWorkingDay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "is-working-day", abstract: "Whether a date is a working day, and why.")

        struct Result: Encodable {
            var date: String
            var workingDay: Bool
            var weekday: String
            var holiday: String?
            var makeUpWorkingDay: Bool
        }

        @Argument(help: "The date (YYYY-MM-DD).") var date: CivilDate
        @OptionGroup var calendar: CalendarOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let calendar = try calendar.load()
            let day = date
            let result = try CalendarCommand.answerOrFail { () throws(CalendarError) in
                Result(
                    date: day.description, workingDay: try calendar.isWorkingDay(day), weekday: "\(day.weekday)",
                    holiday: try calendar.holidayName(on: day), makeUpWorkingDay: try calendar.isMakeUpWorkingDay(day))
            }
            if output.isJSON {
                try printJSON(result)
            } else {
                var reason = result.weekday
                if let holiday = result.holiday { reason += ", \(holiday)" }
                if result.makeUpWorkingDay { reason += ", 调休上班" }
                print("\(result.date): \(result.workingDay ? "working day" : "rest day") (\(reason))")
            }
        }
    }

    struct WorkingDaysBetween: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "working-days", abstract: "The number of working days after --from up to and including --to.")

        struct Result: Encodable {
            var from: String
            var to: String
            var workingDays: Int
        }

        @Option(help: "The first date (not counted).") var from: CivilDate
        @Option(help: "The last date (counted).") var to: CivilDate
        @OptionGroup var calendar: CalendarOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let calendar = try calendar.load()
            let (start, end) = (from, to)
            let count = try CalendarCommand.answerOrFail { () throws(CalendarError) in
                try calendar.workingDays(from: start, to: end)
            }
            let result = Result(from: from.description, to: to.description, workingDays: count)
            if output.isJSON { try printJSON(result) } else { print("\(count) working days") }
        }
    }
}

/// `--from`, `--days` and the output of the period commands.
struct PeriodOptions: ParsableArguments {
    @Option(help: "The day of the event (YYYY-MM-DD); it is not counted.") var from: CivilDate
    @Option(help: "The number of days.") var days: Int
    @OptionGroup var calendar: CalendarOptions
    @OptionGroup var output: OutputOptions

    /// Computes the end of the period and prints it.
    func answer(
        _ compute: (WorkingDayCalendar, Int, CivilDate) throws(CalendarError) -> CivilDate
    ) throws {
        let calendar = try calendar.load()
        let (days, from) = (days, from)
        let date = try CalendarCommand.answerOrFail { () throws(CalendarError) in try compute(calendar, days, from) }
        let result = CalendarCommand.DateResult(
            from: from.description, days: days, date: date.description, weekday: "\(date.weekday)")
        if output.isJSON {
            try printJSON(result)
        } else {
            print("\(result.date) (\(result.weekday))")
        }
    }
}
