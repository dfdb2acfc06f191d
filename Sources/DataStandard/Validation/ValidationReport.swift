/// The outcome of validating one or more inputs: counts and the quality summary (the issues themselves were
/// streamed to the caller).
public struct ValidationReport: Hashable, Sendable, Codable {
    /// One input file as it was read.
    public struct File: Hashable, Sendable, Codable {
        /// The file, as given.
        public var file: String
        /// The entity it was validated as.
        public var entity: String
        /// The format it was read as (`csv`, `jsonl`, `json`).
        public var format: String
        /// The encoding it was read as (`utf-8`, `gb18030`).
        public var encoding: String
        /// Its data records.
        public var records: Int
        /// Its size in bytes.
        public var bytes: Int

        /// Creates a file summary.
        public init(file: String, entity: String, format: String, encoding: String, records: Int, bytes: Int) {
            self.file = file
            self.entity = entity
            self.format = format
            self.encoding = encoding
            self.records = records
            self.bytes = bytes
        }
    }

    /// Data records read.
    public var records: Int
    /// Records without any error (warnings allowed).
    public var validRecords: Int
    /// Issues of severity error.
    public var errors: Int
    /// Issues of severity warning.
    public var warnings: Int
    /// The number of issues per rule id.
    public var issuesByRule: [String: Int]
    /// Reference values that could not be checked because the referenced entity was not among the inputs.
    public var referencesNotChecked: Int
    /// The files read, in order.
    public var files: [File]
    /// The quality summary.
    public var quality: QualitySummary

    /// Whether any error was found.
    public var hasErrors: Bool { errors > 0 }

    /// Creates a report.
    public init(
        records: Int = 0,
        validRecords: Int = 0,
        errors: Int = 0,
        warnings: Int = 0,
        issuesByRule: [String: Int] = [:],
        referencesNotChecked: Int = 0,
        files: [File] = [],
        quality: QualitySummary = QualitySummary()
    ) {
        self.records = records
        self.validRecords = validRecords
        self.errors = errors
        self.warnings = warnings
        self.issuesByRule = issuesByRule
        self.referencesNotChecked = referencesNotChecked
        self.files = files
        self.quality = quality
    }
}
