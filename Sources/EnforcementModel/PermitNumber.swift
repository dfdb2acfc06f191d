/// A pollutant discharge permit number, also the fixed pollution source code (固定污染源代码), of HJ 608-2017.
///
/// It is the holder's 18-character USCC, a 3-digit sequence number (顺序码) distinguishing the holder's sites,
/// and an identifier letter (标识码): `P` for a permit; registration-only numbers (排污登记) are commonly seen with
/// `W`. The USCC is fully verified, check character and embedded organisation code included.
///
/// ```swift
/// let permit = try PermitNumber("91130200699229617X001P")
/// permit.uscc.stringValue   // "91130200699229617X"
/// permit.sequence           // 1
/// permit.identifier         // "P"
/// ```
public struct PermitNumber: ValidatedCode {
    /// The 22-character number.
    public let stringValue: String

    /// Creates a permit number after verifying the embedded USCC, the sequence digits and the identifier letter.
    ///
    /// - Throws: ``CodeError`` with any USCC code for characters 1–18 (positions refer to the whole number), or
    ///   `.character` for a non-digit sequence or a non-letter identifier.
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .permit, value: string)
        }
        stringValue = string
    }

    /// Checks UTF-8 bytes without allocating; returns `nil` when they form a valid permit number.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        // The fast path: a valid number; `diagnose` says what is wrong with any other.
        if bytes.count == 22, let base = bytes.baseAddress, SocialCreditCode.isValid(at: base),
            CodeBytes.isDigit(base[18]), CodeBytes.isDigit(base[19]), CodeBytes.isDigit(base[20]),
            CodeBytes.isUppercase(base[21])
        {
            return nil
        }
        return diagnose(bytes)?.code
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        guard bytes.count == 22 else { return .badLength(bytes) }
        guard let base = bytes.baseAddress else { return .badLength(bytes) }
        if let diagnosis = SocialCreditCode.diagnose(UnsafeBufferPointer(start: base, count: 18)) {
            return diagnosis
        }
        for index in 18..<21 where !CodeBytes.isDigit(bytes[index]) {
            return .character(bytes, at: index, .notDigit)
        }
        if !CodeBytes.isUppercase(bytes[21]) { return .character(bytes, at: 21, .notUppercaseLetter) }
        return nil
    }

    /// The holder's unified social credit code (characters 1–18).
    public var uscc: SocialCreditCode { SocialCreditCode(unchecked: String(stringValue.prefix(18))) }

    /// The sequence number (characters 19–21), such as `1` for `001`.
    public var sequence: Int { Int(stringValue.dropFirst(18).prefix(3)) ?? 0 }

    /// The identifier letter (character 22), such as `P`.
    public var identifier: Character { stringValue.last ?? "P" }

    /// The number itself.
    public var description: String { stringValue }
}
