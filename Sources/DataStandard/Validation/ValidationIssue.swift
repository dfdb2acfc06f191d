/// One finding about an input: where it is, which rule it breaks, how serious it is, and what to do about it.
///
/// Issues are streamed to the caller while the input is read (see ``RecordValidator``); the final
/// ``ValidationReport`` only counts them.
///
/// ``description`` is safe to log: it names the place, the field and the rule, never the value.
public struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The input file, as given (a path, or the name of an in-memory input).
    public var file: String
    /// The 1-based number of the data record (the header row is not a record), or `nil` for a finding about the
    /// file as a whole (an unknown or missing column).
    public var recordNumber: Int?
    /// The 1-based physical line where the record starts; for a finding about bytes (``RuleID/inputEncoding``,
    /// ``RuleID/inputBrokenQuote``, ``RuleID/inputJSON``), the line of the offending byte; for a CSV header
    /// finding, the header's line.
    public var line: Int
    /// The byte offset in the file of an invalid byte (``RuleID/inputEncoding`` only).
    public var byteOffset: Int?
    /// The record's key: the values of the entity's key fields joined with `|`, when the record has them.
    public var recordKey: String?
    /// The entity the input was validated as.
    public var entity: String
    /// The field (or, for an unknown column, the column name) the finding is about, if any.
    public var field: String?
    /// The stable id of the rule broken: a ``RuleID`` or the id of a cross-field rule of the standard.
    public var ruleID: String
    /// How serious the finding is.
    public var severity: Severity
    /// The offending value, truncated to about 200 characters; masked for sensitive fields unless the options
    /// reveal them.
    public var value: String?
    /// What is wrong, in Chinese and English.
    public var message: LocalizedText

    /// Creates an issue.
    public init(
        file: String,
        recordNumber: Int?,
        line: Int,
        byteOffset: Int? = nil,
        recordKey: String? = nil,
        entity: String,
        field: String? = nil,
        ruleID: String,
        severity: Severity,
        value: String? = nil,
        message: LocalizedText
    ) {
        self.file = file
        self.recordNumber = recordNumber
        self.line = line
        self.byteOffset = byteOffset
        self.recordKey = recordKey
        self.entity = entity
        self.field = field
        self.ruleID = ruleID
        self.severity = severity
        self.value = value
        self.message = message
    }

    /// `file:line: record N: field: severity [rule] English message` — without the value.
    public var description: String {
        var text = "\(file):\(line):"
        if let recordNumber { text += " record \(recordNumber):" }
        if let field { text += " \(field):" }
        return text + " \(severity) [\(ruleID)] \(message.en)"
    }

    private enum CodingKeys: String, CodingKey {
        case file, recordNumber, line, byteOffset, recordKey, entity, field
        case ruleID = "ruleId"
        case severity, value, message
    }
}

extension ValidationIssue {
    /// The stable ids of the validator's own rules. Cross-field rules use the ids the standard gives them.
    public enum RuleID {
        /// A required (or key) field is empty.
        public static let fieldRequired = "field.required"
        /// The value is not of the field's type (a malformed number, date, code…).
        public static let fieldType = "field.type"
        /// The value does not match the field's `pattern`.
        public static let fieldPattern = "field.pattern"
        /// The number is outside the field's `range`.
        public static let fieldRange = "field.range"
        /// The number of characters is outside the field's `length`.
        public static let fieldLength = "field.length"
        /// The value is not in the field's code table.
        public static let fieldCode = "field.code"
        /// A check character (USCC, organisation code, citizen ID) does not match.
        public static let fieldChecksum = "field.checksum"
        /// Another record of the input already has this `unique` value.
        public static let fieldUnique = "field.unique"
        /// The referenced value is not among the input's records of the referenced entity.
        public static let fieldReference = "field.reference"
        /// The code is deprecated (a warning naming its replacement).
        public static let fieldDeprecatedCode = "field.deprecated-code"
        /// Another record of the input already has this key.
        public static let recordDuplicateKey = "record.duplicate-key"
        /// The record's time field is older than the entity's `max_age_days`, or in the future.
        public static let recordTimeliness = "record.timeliness"
        /// A column or JSON key is neither a field of the entity nor an extension field of a declared namespace.
        public static let inputUnknownColumn = "input.unknown-column"
        /// A column of a required field is missing from the CSV header.
        public static let inputMissingColumn = "input.missing-column"
        /// Two columns of the header name the same field.
        public static let inputDuplicateColumn = "input.duplicate-column"
        /// A CSV row has more or fewer cells than the header.
        public static let inputRaggedRow = "input.ragged-row"
        /// A CSV quote is unterminated or stands inside an unquoted cell.
        public static let inputBrokenQuote = "input.broken-quote"
        /// Bytes that are not valid in the input's encoding.
        public static let inputEncoding = "input.encoding"
        /// A JSON record that does not parse, or is not an object of scalar values.
        public static let inputJSON = "input.json"
    }
}
