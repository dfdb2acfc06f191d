/// An error about a clue or a clue's source record: which record (file, line, entity, key), which field, which
/// rule, and what is wrong, in English and Chinese.
///
/// ```swift
/// do {
///     _ = try Clue(fields: fields, place: .init(file: "clues.csv", line: 7, recordKey: "XS…"))
/// } catch {
///     print(error)   // clues.csv:7: clue XS…: received_at: [clue.datetime] `2026-02-30 10:00:00` is not a datetime
/// }
/// ```
public struct ClueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A broad, stable classification of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A field the clue needs is missing from the record.
        public static let missingField = Code("missingField")
        /// A value does not parse (a datetime, a division code, …).
        public static let invalidValue = Code("invalidValue")
        /// The record is of an entity that is not a clue source.
        public static let unknownSource = Code("unknownSource")
        /// The day's 9999 clue ids of a division are used up.
        public static let sequenceExhausted = Code("sequenceExhausted")

        /// The code's name.
        public var description: String { name }
    }

    /// Where a record comes from.
    public struct Place: Hashable, Sendable, Codable {
        /// The input file, if the record was read from one.
        public var file: String?
        /// The 1-based line where the record starts, if known.
        public var line: Int?
        /// The record's key (its id in the source system), if known.
        public var recordKey: String?

        /// Creates a place.
        public init(file: String? = nil, line: Int? = nil, recordKey: String? = nil) {
            self.file = file
            self.line = line
            self.recordKey = recordKey
        }
    }

    /// The kind of failure.
    public var code: Code
    /// Where the record comes from.
    public var place: Place
    /// The entity of the record (`clue`, `report_12369`, `warning`, …).
    public var entity: String
    /// The field concerned, if any.
    public var field: String?
    /// The stable id of the rule broken (`clue.required`, `clue.datetime`, `clue.division`, `clue.object`,
    /// `clue.source`, `clue.sequence`).
    public var rule: String
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Chinese.
    public var messageZH: String

    /// Creates an error.
    public init(
        _ code: Code, place: Place = Place(), entity: String, field: String? = nil, rule: String, message: String,
        messageZH: String
    ) {
        self.code = code
        self.place = place
        self.entity = entity
        self.field = field
        self.rule = rule
        self.message = message
        self.messageZH = messageZH
    }

    /// `file:line: entity KEY: field: [rule] message`.
    public var description: String {
        var text = ""
        if let file = place.file { text += place.line.map { "\(file):\($0): " } ?? "\(file): " }
        text += entity
        if let key = place.recordKey { text += " \(key)" }
        text += ":"
        if let field { text += " \(field):" }
        return text + " [\(rule)] \(message)"
    }
}
