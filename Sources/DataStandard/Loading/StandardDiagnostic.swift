/// A finding about a standard itself: a load error or a lint finding, with its place.
public struct StandardDiagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How serious it is; an `error` makes the standard unusable.
    public var severity: Severity
    /// A stable id of the check (`yaml.syntax`, `spec.unknown-key`, `lint.dangling-reference`, …).
    public var check: String
    /// What is wrong, in English.
    public var message: String
    /// Where.
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

/// Collects diagnostics while a standard is read, so that one run reports every problem, not just the first.
final class DiagnosticLog {
    private(set) var items: [StandardDiagnostic] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    func error(_ check: String, _ message: String, at location: SourceLocation?) {
        items.append(StandardDiagnostic(.error, check, message, at: location))
    }

    func warning(_ check: String, _ message: String, at location: SourceLocation?) {
        items.append(StandardDiagnostic(.warning, check, message, at: location))
    }
}
