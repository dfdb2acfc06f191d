/// A pollutant (monitoring factor) code of HJ 212 / HJ 524-2009 / HJ 525-2009.
///
/// The current form (HJ 212-2017, Appendix B) is a lower-case medium letter, `a` (air and flue gas) or `w`
/// (water), followed by five digits: `w01018` COD, `w21003` NH3-N, `a21026` SO2, `a34013` particulate matter.
/// The legacy HJ/T 212-2005 forms are recognised as ``Form-swift.enum/legacy``: two digits for gas factors (`01`
/// 烟尘, `02` SO2, `03` NOx), three digits for water factors (`011` COD, `060` NH3-N), or an upper-case letter and
/// two digits (`B01` wastewater flow, `B02` flue-gas flow, `S01` O2). Map legacy codes with the `pollutant` code
/// table's `replaced_by`.
///
/// ```swift
/// try PollutantCode("a21026").form     // .current
/// try PollutantCode("a21026").medium   // .air
/// try PollutantCode("011").form        // .legacy
/// ```
public struct PollutantCode: ValidatedCode {
    /// The generation of a pollutant code.
    public enum Form: String, Hashable, Sendable, Codable {
        /// HJ 212-2017 / HJ 524-525-2009: `a` or `w` and five digits.
        case current
        /// HJ/T 212-2005: two or three digits, or an upper-case letter and two digits.
        case legacy
    }

    /// The environmental medium of a pollutant code.
    public enum Medium: String, Hashable, Sendable, Codable {
        /// Air, ambient or flue gas (`a…`, HJ 524).
        case air
        /// Water or wastewater (`w…`, HJ 525).
        case water
    }

    /// The code, such as `w01018` or `B02`.
    public let stringValue: String

    /// Creates a code in the current or the legacy form.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.character` (for example an upper-case `W01018`), or
    ///   `.unknown` (a six-character code whose medium letter is not `a` or `w`, such as process codes `e…`).
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .pollutant, value: string)
        }
        stringValue = string
    }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a current or legacy pollutant code.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        diagnose(bytes)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        switch bytes.count {
        case 6:
            let first = bytes[0]
            if first == UInt8(ascii: "A") || first == UInt8(ascii: "W") {
                return .character(bytes, at: 0, .uppercase)
            }
            if first != UInt8(ascii: "a") && first != UInt8(ascii: "w") {
                let diagnosis = CodeDiagnosis.character(bytes, at: 0, .pollutantMedium)
                if diagnosis.reason == .nonASCII { return diagnosis }
                return CodeDiagnosis(.unknown, .pollutantMedium, offset: 0, found: first)
            }
            for index in 1..<6 where !CodeBytes.isDigit(bytes[index]) {
                return .character(bytes, at: index, .notDigit)
            }
            return nil
        case 2:
            for index in 0..<2 where !CodeBytes.isDigit(bytes[index]) {
                return .character(bytes, at: index, .notDigit)
            }
            return nil
        case 3:
            let first = bytes[0]
            if !CodeBytes.isDigit(first) && !CodeBytes.isUppercase(first) {
                return .character(bytes, at: 0, .notAlphanumeric)
            }
            for index in 1..<3 where !CodeBytes.isDigit(bytes[index]) {
                return .character(bytes, at: index, .notDigit)
            }
            return nil
        default:
            return .badLength(bytes)
        }
    }

    /// Whether the code has the current (2017) or the legacy (2005) form.
    public var form: Form { stringValue.utf8.count == 6 ? .current : .legacy }

    /// The medium of a current code (`a` air, `w` water), or `nil` for a legacy code.
    public var medium: Medium? {
        guard form == .current else { return nil }
        return stringValue.hasPrefix("a") ? .air : .water
    }

    /// The code itself.
    public var description: String { stringValue }
}
