import Foundation

/// A condition on one label of an alert, as Alertmanager writes it: `point="P1"`, `level!="4"`, `type=~"0[1-3]"`,
/// `pollutant!~"a34.*"`.
///
/// A missing label matches as the empty string, so `pollutant=""` selects warnings without a pollutant. Regular
/// expressions are anchored at both ends, as in Alertmanager.
///
/// ```swift
/// let matcher = try LabelMatcher(parsing: #"level=~"1|2""#)
/// matcher.matches(["level": "1"])   // true
/// matcher.matches(["level": "3"])   // false
/// ```
public struct LabelMatcher: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the label's value is compared.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        /// `=`: equal.
        case equal = "="
        /// `!=`: not equal.
        case notEqual = "!="
        /// `=~`: matches the regular expression (anchored).
        case matchesRegex = "=~"
        /// `!~`: does not match the regular expression (anchored).
        case notMatchesRegex = "!~"
    }

    /// The label name.
    public let name: String
    /// The comparison.
    public let op: Operator
    /// The value or the regular expression.
    public let value: String
    private let regex: NSRegularExpression?

    /// Creates a matcher.
    ///
    /// - Throws: ``AlertingError`` `.invalidMatcher` when the name is empty or the regular expression does not
    ///   compile.
    public init(_ name: String, _ op: Operator, _ value: String) throws(AlertingError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw AlertingError(
                .invalidMatcher, "`\(name)` is not a label name (ASCII letters, digits, _)",
                "“\(name)”不是合法的标签名（ASCII 字母、数字、下划线）")
        }
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual:
            regex = nil
        case .matchesRegex, .notMatchesRegex:
            do {
                regex = try NSRegularExpression(pattern: "^(?:\(value))$")
            } catch {
                throw AlertingError(
                    .invalidMatcher, "`\(value)` is not a valid regular expression", "“\(value)”不是合法的正则表达式")
            }
        }
    }

    /// Parses `name="value"`, `name!="value"`, `name=~"regex"` or `name!~"regex"` (quotes optional; `\"` and `\\`
    /// escape inside quotes).
    ///
    /// - Throws: ``AlertingError`` `.invalidMatcher` for anything else.
    public init(parsing text: String) throws(AlertingError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // The first operator in the text wins (a regex value may itself contain `=`); at one position the longer.
        let candidates: [(op: Operator, range: Range<String.Index>)] = Operator.allCases.compactMap { op in
            trimmed.range(of: op.rawValue).map { (op, $0) }
        }
        guard
            let first = candidates.min(by: { lhs, rhs in
                lhs.range.lowerBound != rhs.range.lowerBound
                    ? lhs.range.lowerBound < rhs.range.lowerBound : lhs.op.rawValue.count > rhs.op.rawValue.count
            })
        else {
            throw AlertingError(
                .invalidMatcher, "`\(text)` is not a matcher (name=\"value\", !=, =~, !~)",
                "“\(text)”不是标签匹配条件（name=\"value\"、!=、=~、!~）")
        }
        let name = trimmed[..<first.range.lowerBound].trimmingCharacters(in: .whitespaces)
        var value = trimmed[first.range.upperBound...].trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            var unescaped = ""
            var escaping = false
            for character in value.dropFirst().dropLast() {
                if escaping {
                    unescaped.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    unescaped.append(character)
                }
            }
            value = unescaped
        }
        try self.init(name, first.op, value)
    }

    /// Whether the labels satisfy the matcher (a missing label is the empty string).
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matchesRegex: return regexMatches(actual)
        case .notMatchesRegex: return !regexMatches(actual)
        }
    }

    private func regexMatches(_ text: String) -> Bool {
        guard let regex else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `name="value"`, as Alertmanager prints it.
    public var description: String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(name)\(op.rawValue)\"\(escaped)\""
    }

    /// Two matchers are equal when their name, operator and value are.
    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    /// Hashes the name, operator and value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }

    /// Decodes from its text form (`point="P1"`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes as its text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Array where Element == LabelMatcher {
    /// Whether every matcher matches (an empty list matches everything).
    func allMatch(_ labels: [String: String]) -> Bool {
        allSatisfy { $0.matches(labels) }
    }
}

/// An error of alert handling: a bad matcher, silence or maintenance window, or an unknown id.
public struct AlertingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A broad, stable classification of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A label matcher that does not parse or whose regular expression does not compile.
        public static let invalidMatcher = Code("invalidMatcher")
        /// A silence without matchers, creator or comment, or ending before it starts.
        public static let invalidSilence = Code("invalidSilence")
        /// A maintenance window without matchers or ending before it starts, or whose id is taken.
        public static let invalidMaintenance = Code("invalidMaintenance")
        /// No silence or maintenance window has this id.
        public static let unknownID = Code("unknownID")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Chinese.
    public var messageZH: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, _ messageZH: String) {
        self.code = code
        self.message = message
        self.messageZH = messageZH
    }

    /// `[code] message`.
    public var description: String { "[\(code)] \(message)" }
}
