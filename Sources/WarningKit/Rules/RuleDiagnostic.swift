import DataStandard

/// A located finding about warning rules, point profiles, monitoring tables or replay input: what is wrong and where.
///
/// Its ``description`` is `file:line:column: error: message [check]`, the form of `enforce standard lint`.
public struct RuleDiagnostic: Hashable, Sendable, Codable, CustomStringConvertible, Error {
    /// How serious it is; an `error` makes the file unusable.
    public var severity: Severity
    /// A stable id of the check (`yaml.syntax`, `rules.unknown-key`, `rules.override-unknown-rule`, `replay.time`, …).
    public var check: String
    /// What is wrong, in English.
    public var message: String
    /// Where: the file, and the 1-based line and column when known.
    public var location: SourceLocation?

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ check: String, _ message: String, at location: SourceLocation?) {
        self.severity = severity
        self.check = check
        self.message = message
        self.location = location
    }

    /// `file:line:column: error: message [check]`.
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message) [\(check)]"
    }
}

/// An error that carries every located diagnostic of a failed load (the first one is ``first``).
public struct RuleLoadError: Error, Sendable, CustomStringConvertible {
    /// Every diagnostic, errors and warnings, in file order.
    public var diagnostics: [RuleDiagnostic]

    /// Creates the error.
    public init(diagnostics: [RuleDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// The first error.
    public var first: RuleDiagnostic? { diagnostics.first { $0.severity == .error } ?? diagnostics.first }

    /// The first error, and how many more there are.
    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }
        guard let first = errors.first else { return "no errors" }
        return errors.count > 1 ? "\(first) (and \(errors.count - 1) more errors)" : first.description
    }
}

/// Collects diagnostics while files are read, so that one run reports every problem, not just the first.
final class DiagnosticSink {
    private(set) var items: [RuleDiagnostic] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    func error(_ check: String, _ message: String, at location: SourceLocation?) {
        items.append(RuleDiagnostic(.error, check, message, at: location))
    }

    func warning(_ check: String, _ message: String, at location: SourceLocation?) {
        items.append(RuleDiagnostic(.warning, check, message, at: location))
    }

    func append(contentsOf other: [RuleDiagnostic]) {
        items.append(contentsOf: other)
    }
}
