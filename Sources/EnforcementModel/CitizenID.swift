/// A citizen identity number (公民身份号码) as defined by GB 11643-1999: 18 characters with an ISO 7064 MOD 11-2 check.
///
/// | Characters | Meaning |
/// |---|---|
/// | 1–6 | address code (GB/T 2260 division at first registration) |
/// | 7–14 | birth date `YYYYMMDD` |
/// | 15–17 | sequence; character 17 is odd for men, even for women |
/// | 18 | check character `0`–`9` or `X` (weights 2^(17−i) mod 11, table `10X98765432`) |
///
/// This is personal data. ``description`` masks the birth date and sequence (`510104********123X`), and
/// ``CodeError`` messages for this type never quote its characters. Use ``stringValue`` for the full number. The
/// old 15-digit numbers are not accepted; a lower-case `x` is rejected.
///
/// ```swift
/// let id = try CitizenID("11010519491231002X")
/// id.birthDate  // 1949-12-31
/// id.isMale     // false
/// ```
public struct CitizenID: ValidatedCode {
    /// The full 18-character number.
    public let stringValue: String

    /// Creates an ID number after verifying its digits, birth date and check character.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.character`, `.date` (no such birth date, or a year
    ///   before 1800) or `.checkCharacter`.
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .citizenID, value: string)
        }
        stringValue = string
    }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a valid ID number.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    /// The ISO 7064 MOD 11-2 weight of position `index` (0–16): 2^(17 − index) mod 11.
    @inlinable
    static func weight(_ index: Int) -> Int {
        switch index {
        case 0, 10: 7
        case 1, 11: 9
        case 2, 12: 10
        case 3, 13: 5
        case 4, 14: 8
        case 5, 15: 4
        case 6, 16: 2
        case 7: 1
        case 8: 6
        default: 3
        }
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        guard bytes.count == 18 else { return .badLength(bytes) }
        var sum = 0
        for index in 0..<17 {
            let byte = bytes[index]
            if !CodeBytes.isDigit(byte) { return .character(bytes, at: index, .notDigit) }
            sum &+= Int(byte &- UInt8(ascii: "0")) &* weight(index)
        }
        let last = bytes[17]
        if !CodeBytes.isDigit(last) && last != UInt8(ascii: "X") { return .character(bytes, at: 17, .notDigitOrX) }
        let year = CodeBytes.number(bytes, from: 6, count: 4)
        let month = CodeBytes.number(bytes, from: 10, count: 2)
        let day = CodeBytes.number(bytes, from: 12, count: 2)
        if year < 1800 || !CivilDate.isValid(year: year, month: month, day: day) {
            return CodeDiagnosis(.date, .birthDate, offset: 6, found: bytes[6])
        }
        let remainder = sum % 11
        let expected: UInt8 =
            switch remainder {
            case 0: UInt8(ascii: "1")
            case 1: UInt8(ascii: "0")
            case 2: UInt8(ascii: "X")
            default: UInt8(truncatingIfNeeded: 12 - remainder + 48)
            }
        if last != expected {
            return CodeDiagnosis(.checkCharacter, .checkCharacter, offset: 17, found: last, expected: expected)
        }
        return nil
    }

    /// The birth date (characters 7–14).
    public var birthDate: CivilDate {
        let digits = Array(stringValue.utf8)
        func number(_ start: Int, _ count: Int) -> Int {
            digits[start..<(start + count)].reduce(0) { $0 * 10 + Int($1 &- UInt8(ascii: "0")) }
        }
        return CivilDate(unchecked: number(6, 4), number(10, 2), number(12, 2))
    }

    /// The address code (characters 1–6) as a division code, or `nil` when it is not one (for example the `83xxxx`
    /// codes of residence permits for Taiwan residents).
    public var addressCode: DivisionCode? { try? DivisionCode(String(stringValue.prefix(6))) }

    /// Whether character 17 is odd, which GB 11643 assigns to men.
    public var isMale: Bool {
        let utf8 = Array(stringValue.utf8)
        return (utf8[16] &- UInt8(ascii: "0")) % 2 == 1
    }

    /// The number with characters 7–14 masked, such as `510104********123X`.
    ///
    /// Safe for logs.
    public var description: String { String(stringValue.prefix(6)) + "********" + String(stringValue.suffix(4)) }
}
