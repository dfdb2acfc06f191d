/// A national economic industry code (国民经济行业分类代码) as defined by GB/T 4754-2017.
///
/// A code is a section letter `A`–`T` (门类), or 2 digits for a division (大类, `01`–`97`), 3 for a group (中类)
/// or 4 for a class (小类): `C` ⊃ `30` ⊃ `301` ⊃ `3011` 水泥制造. The section of a numeric code follows from its
/// division by the fixed ranges of the 2017 standard (`C` = `13`–`43`, `N` = `76`–`79`…).
///
/// The type checks syntax only. Whether a group or class exists comes from the `industry` code table.
///
/// ```swift
/// let cement = try IndustryCode("3011")
/// cement.level               // .class
/// cement.parent              // 301
/// cement.section             // C
/// ```
public struct IndustryCode: ValidatedCode, Comparable {
    /// The level of a GB/T 4754 code.
    public enum Level: Int, Hashable, Sendable, Codable, CaseIterable, Comparable {
        /// A section (门类), one letter.
        case section = 1
        /// A division (大类), two digits.
        case division = 2
        /// A group (中类), three digits.
        case group = 3
        /// A class (小类), four digits.
        case `class` = 4

        /// Higher levels sort first: `.section < .division < .group < .class`.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The code, such as `3011` or `C`.
    public let stringValue: String

    /// Creates a code from a section letter or 2–4 digits.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.character`, or `.unknown` (a letter after `T`, or a
    ///   division outside `01`–`97`).
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .industry, value: string)
        }
        stringValue = string
    }

    /// Wraps a string already known to be valid.
    init(unchecked string: String) { stringValue = string }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a syntactically valid industry code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        switch bytes.count {
        case 1:
            let byte = bytes[0]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "T") { return nil }
            if byte > UInt8(ascii: "T") && byte <= UInt8(ascii: "Z") {
                return CodeDiagnosis(.unknown, .industrySection, offset: 0, found: byte)
            }
            if CodeBytes.isDigit(byte) { return CodeDiagnosis(.length, .length) }
            return .character(bytes, at: 0, .notUppercaseLetter)
        case 2...4:
            for index in bytes.indices where !CodeBytes.isDigit(bytes[index]) {
                return .character(bytes, at: index, .notDigit)
            }
            let division = CodeBytes.number(bytes, from: 0, count: 2)
            if division < 1 || division > 97 {
                return CodeDiagnosis(.unknown, .industryDivision, offset: 0, found: bytes[0])
            }
            return nil
        default:
            return .badLength(bytes)
        }
    }

    /// The level given by the code's form.
    public var level: Level {
        switch stringValue.utf8.count {
        case 1: .section
        case 2: .division
        case 3: .group
        default: .class
        }
    }

    /// The section letter of a division number under GB/T 4754-2017, or `nil` outside 1–97.
    ///
    /// - Parameter division: A division number, such as `30`.
    public static func section(ofDivision division: Int) -> Character? {
        switch division {
        case 1...5: "A"
        case 6...12: "B"
        case 13...43: "C"
        case 44...46: "D"
        case 47...50: "E"
        case 51...52: "F"
        case 53...60: "G"
        case 61...62: "H"
        case 63...65: "I"
        case 66...69: "J"
        case 70: "K"
        case 71...72: "L"
        case 73...75: "M"
        case 76...79: "N"
        case 80...82: "O"
        case 83: "P"
        case 84...85: "Q"
        case 86...90: "R"
        case 91...96: "S"
        case 97: "T"
        default: nil
        }
    }

    /// The section (门类) this code belongs to; a section is its own section.
    public var section: IndustryCode {
        guard level != .section, let number = Int(stringValue.prefix(2)),
            let letter = Self.section(ofDivision: number)
        else { return self }
        return IndustryCode(unchecked: String(letter))
    }

    /// The division (大类, 2 digits), or `nil` for a section.
    public var division: IndustryCode? {
        level >= .division ? IndustryCode(unchecked: String(stringValue.prefix(2))) : nil
    }

    /// The group (中类, 3 digits), or `nil` for a section or division.
    public var group: IndustryCode? { level >= .group ? IndustryCode(unchecked: String(stringValue.prefix(3))) : nil }

    /// The code one level up: class → group → division → section; `nil` for a section.
    public var parent: IndustryCode? {
        switch level {
        case .section: nil
        case .division: section
        case .group: division
        case .class: group
        }
    }

    /// Whether `other` is this code or lies below it.
    ///
    /// - Parameter other: The code that may lie below this one.
    public func contains(_ other: IndustryCode) -> Bool {
        if level == .section { return other.section == self }
        return other.stringValue.hasPrefix(stringValue)
    }

    /// Orders codes by their text.
    public static func < (lhs: IndustryCode, rhs: IndustryCode) -> Bool { lhs.stringValue < rhs.stringValue }

    /// The code itself.
    public var description: String { stringValue }
}
