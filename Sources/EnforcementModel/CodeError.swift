/// An error thrown when a national code (USCC, division, industry, pollutant, permit, outlet, MN…) is malformed.
///
/// Every code type of this module throws `CodeError` from its `init(_:)`, and the allocation-free
/// `check(_:)` fast paths return its ``Code``. Switch on ``code``; show ``message`` or ``messageZH`` to people.
///
/// ```swift
/// do {
///     _ = try SocialCreditCode("91130200699229617Y")
/// } catch {
///     print(error.code)       // checkCharacter
///     print(error.message)    // "USCC: the check character (position 18) should be 'X', found 'Y'"
///     print(error.messageZH)  // "统一社会信用代码：第18位校验码应为“X”，实际为“Y”"
/// }
/// ```
///
/// ``description`` is the English ``message``. For personal data (citizen ID numbers) the messages never quote
/// characters of the value; ``value``, ``expected`` and ``found`` carry the details.
public struct CodeError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A broad, stable classification of a code failure.
    ///
    /// New codes may be added in minor releases, so don't switch over them exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        @usableFromInline
        enum Base: UInt8, Hashable, Sendable {
            case empty, length, character, checkCharacter, organizationCheck, format, date, unknown, notContained
            case duplicate
        }

        @usableFromInline
        let base: Base

        @inlinable
        init(_ base: Base) { self.base = base }

        /// The value is empty.
        @inlinable public static var empty: Code { Code(.empty) }
        /// The value has the wrong number of characters.
        @inlinable public static var length: Code { Code(.length) }
        /// A character is not allowed at its position (lower case, a forbidden letter, a non-ASCII character, a
        /// letter where a digit is required…).
        @inlinable public static var character: Code { Code(.character) }
        /// The check character does not match the one computed from the other characters.
        @inlinable public static var checkCharacter: Code { Code(.checkCharacter) }
        /// The organisation code embedded in a USCC (characters 9–17) fails its own GB 11714 check.
        @inlinable public static var organizationCheck: Code { Code(.organizationCheck) }
        /// The characters are allowed but their arrangement is not (a misplaced hyphen, county digits under `00`).
        @inlinable public static var format: Code { Code(.format) }
        /// An embedded date (the birth date of a citizen ID number) is not a real calendar date.
        @inlinable public static var date: Code { Code(.date) }
        /// The value is well-formed but does not name anything known (a province `99`, industry division `98`,
        /// a division missing from a catalog).
        @inlinable public static var unknown: Code { Code(.unknown) }
        /// The value lies outside the division (or other container) it must belong to.
        @inlinable public static var notContained: Code { Code(.notContained) }
        /// A catalog was given the same code twice.
        @inlinable public static var duplicate: Code { Code(.duplicate) }

        /// The code's stable name, such as `checkCharacter`.
        public var description: String {
            switch base {
            case .empty: "empty"
            case .length: "length"
            case .character: "character"
            case .checkCharacter: "checkCharacter"
            case .organizationCheck: "organizationCheck"
            case .format: "format"
            case .date: "date"
            case .unknown: "unknown"
            case .notContained: "notContained"
            case .duplicate: "duplicate"
            }
        }
    }

    /// The kind of failure.
    ///
    /// Switch on this; don't parse ``message``.
    public var code: Code
    /// What is wrong, in English, with the position of the bad character where there is one.
    public var message: String
    /// What is wrong, in Chinese (简体中文).
    public var messageZH: String
    /// The rejected input, exactly as given.
    ///
    /// This may be personal data (a citizen ID number); it is left out of ``description``.
    public var value: String
    /// The 1-based character position of the first bad character, when the failure has one.
    public var position: Int?
    /// The character that was expected at ``position`` (for example the computed check character), if known.
    public var expected: String?
    /// The character found at ``position``, if any.
    public var found: String?

    /// Creates an error from its parts.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: The English explanation.
    ///   - messageZH: The Chinese explanation.
    ///   - value: The rejected input.
    ///   - position: The 1-based position of the bad character, if any.
    ///   - expected: The expected character, if known.
    ///   - found: The character found, if any.
    public init(
        code: Code,
        message: String,
        messageZH: String,
        value: String,
        position: Int? = nil,
        expected: String? = nil,
        found: String? = nil
    ) {
        self.code = code
        self.message = message
        self.messageZH = messageZH
        self.value = value
        self.position = position
        self.expected = expected
        self.found = found
    }

    /// The English ``message``; safe to log (never quotes personal data).
    public var description: String { message }

    /// The message followed by the code and the rejected value, for debugging only.
    public var debugDescription: String {
        var text = "CodeError.\(code): \(message) [value: \"\(value)\""
        if let position { text += ", position: \(position)" }
        if let expected { text += ", expected: \"\(expected)\"" }
        if let found { text += ", found: \"\(found)\"" }
        return text + "]"
    }
}
