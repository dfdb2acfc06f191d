/// An organisation code (组织机构代码) as defined by GB 11714-1997.
///
/// Eight body characters (digits or upper-case letters) and a check character (`0`–`9` or `X`), written either as
/// `699229617` or, as printed on certificates, `69922961-7`. The check uses weights 3, 7, 9, 10, 5, 8, 4, 2 over
/// the body values (`0`–`9` → 0–9, `A`–`Z` → 10–35): `c = 11 − Σ mod 11`, where 10 is written `X` and 11 is `0`.
///
/// Since 2015 the organisation code lives on as characters 9–17 of the USCC (``SocialCreditCode/organizationCode``).
///
/// ```swift
/// let code = try OrganizationCode("69922961-7")
/// code.stringValue   // "699229617"
/// code.formatted     // "69922961-7"
/// ```
public struct OrganizationCode: ValidatedCode {
    /// The 9-character code without the hyphen, such as `699229617`.
    public let stringValue: String

    /// Creates a code from 9 characters, or 10 with a hyphen before the check character.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.format` (a 10th character that is not the hyphen),
    ///   `.character` or `.checkCharacter`.
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .organizationCode, value: string)
        }
        stringValue = string.utf8.count == 10 ? String(string.prefix(8) + string.suffix(1)) : string
    }

    /// Wraps a string already known to be valid and hyphen-free.
    init(unchecked string: String) { stringValue = string }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a valid organisation code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        let count = bytes.count
        guard count == 9 || count == 10 else { return .badLength(bytes) }
        for index in 0..<8 where CodeBytes.alphanumericValue(bytes[index]) < 0 {
            return .character(bytes, at: index, .notAlphanumeric)
        }
        if count == 10 && bytes[8] != UInt8(ascii: "-") {
            let diagnosis = CodeDiagnosis.character(bytes, at: 8, .expectedHyphen)
            if diagnosis.reason == .nonASCII { return diagnosis }
            return CodeDiagnosis(.format, .expectedHyphen, offset: 8, found: bytes[8], expected: UInt8(ascii: "-"))
        }
        let checkOffset = count - 1
        let last = bytes[checkOffset]
        if !CodeBytes.isDigit(last) && last != UInt8(ascii: "X") {
            return .character(bytes, at: checkOffset, .notDigitOrX)
        }
        let expected = CodeBytes.organizationCheckCharacter(bytes, start: 0)
        if last != expected {
            return CodeDiagnosis(.checkCharacter, .checkCharacter, offset: checkOffset, found: last, expected: expected)
        }
        return nil
    }

    /// The code as printed on certificates, with a hyphen before the check character: `69922961-7`.
    public var formatted: String { String(stringValue.prefix(8)) + "-" + String(stringValue.suffix(1)) }

    /// The code without the hyphen.
    public var description: String { stringValue }
}
