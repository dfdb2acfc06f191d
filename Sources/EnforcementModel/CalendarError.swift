/// An error thrown by civil-date parsing and working-day arithmetic.
///
/// The most important case is ``Code-swift.struct/unknownYear``: the calendar never guesses the holidays of a year
/// it was not given.
public struct CalendarError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A broad, stable classification of a calendar failure.
    ///
    /// New codes may be added in minor releases, so don't switch over them exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unknownYear, invalidDate, format, conflict, invalidData
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// Date arithmetic reached a year whose holidays the calendar does not have.
        public static let unknownYear = Code(.unknownYear)
        /// The components or text name a date that does not exist, such as `2025-02-29`.
        public static let invalidDate = Code(.invalidDate)
        /// The text is not laid out as `YYYY-MM-DD`.
        public static let format = Code(.format)
        /// The calendar data lists the same day twice (as two holidays, or as a holiday and a working day).
        public static let conflict = Code(.conflict)
        /// The calendar data is inconsistent in another way (a range ending before it starts, a make-up working day
        /// on a weekday, a year keyed under the wrong number).
        public static let invalidData = Code(.invalidData)

        /// The code's stable name, such as `unknownYear`.
        public var description: String {
            switch base {
            case .unknownYear: "unknownYear"
            case .invalidDate: "invalidDate"
            case .format: "format"
            case .conflict: "conflict"
            case .invalidData: "invalidData"
            }
        }
    }

    /// The kind of failure.
    ///
    /// Switch on this; don't parse ``message``.
    public var code: Code
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Chinese (简体中文).
    public var messageZH: String
    /// The year concerned, for ``Code-swift.struct/unknownYear`` and data errors.
    public var year: Int?
    /// The rejected text or date, if any.
    public var value: String?

    /// Creates an error from its parts.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The English explanation.
    ///   - messageZH: The Chinese explanation.
    ///   - year: The year concerned, if any.
    ///   - value: The rejected text or date, if any.
    public init(code: Code, message: String, messageZH: String, year: Int? = nil, value: String? = nil) {
        self.code = code
        self.message = message
        self.messageZH = messageZH
        self.year = year
        self.value = value
    }

    /// The English ``message``.
    public var description: String { message }

    /// The message with the code, year and value, for debugging.
    public var debugDescription: String {
        var text = "CalendarError.\(code): \(message)"
        if let year { text += " [year: \(year)]" }
        if let value { text += " [value: \"\(value)\"]" }
        return text
    }

    static func unknownYear(_ year: Int) -> CalendarError {
        CalendarError(
            code: .unknownYear,
            message: "The calendar has no holiday data for \(year); load that year's State Council notice first",
            messageZH: "日历缺少\(year)年节假日数据，请先载入当年国务院办公厅节假日安排通知",
            year: year
        )
    }
}
