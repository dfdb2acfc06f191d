/// An error that stops a data-standard operation: a standard that cannot be loaded, an input that cannot be read.
///
/// Findings about records are not errors: they are ``ValidationIssue`` values streamed to the caller.
/// `description` names the place and the rule; it never contains record values.
public struct DataStandardError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A broad, stable classification of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A file or directory could not be read.
        public static let fileUnreadable = Code("fileUnreadable")
        /// A YAML file is not well-formed YAML.
        public static let malformedYAML = Code("malformedYAML")
        /// A YAML file is well-formed but does not follow the standard's format (unknown key, wrong type, missing key).
        public static let malformedSpec = Code("malformedSpec")
        /// The standard refers to something it does not declare (entity, field, code table).
        public static let danglingReference = Code("danglingReference")
        /// Something is declared twice (entity, field, rule id, code).
        public static let duplicate = Code("duplicate")
        /// The requested entity is not in the standard.
        public static let unknownEntity = Code("unknownEntity")
        /// The requested standard or version is not available.
        public static let unknownStandard = Code("unknownStandard")
        /// The input's text encoding is not supported or cannot be detected.
        public static let unsupportedEncoding = Code("unsupportedEncoding")
        /// The input's format is not supported.
        public static let unsupportedFormat = Code("unsupportedFormat")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, in English.
    public var message: String
    /// Where, when known.
    public var location: SourceLocation?

    /// Creates an error.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:column: message`.
    public var description: String {
        if let location { "\(location): \(message)" } else { message }
    }
}
