/// The precise outcome of a failed code check: what failed, where, and which character was expected.
///
/// It is a trivial value (no allocation), so the `check(_:)` fast paths can share one validation routine with the
/// throwing initialisers, which turn it into a ``CodeError`` with messages.
@usableFromInline
struct CodeDiagnosis: Sendable {
    /// Why a character or value was rejected; selects the wording of the message.
    @usableFromInline
    enum Reason: UInt8, Sendable {
        case empty, length
        case nonASCII, lowercase, uppercase, forbiddenLetter, notInAlphabet
        case notDigit, notDigitOrX, notAlphanumeric, notUppercaseLetter
        case expectedHyphen, countyWithoutCity, unknownProvince
        case birthDate
        case checkCharacter, organizationCheck
        case outletKind, outletMedium
        case pollutantMedium
        case industrySection, industryDivision
    }

    @usableFromInline var code: CodeError.Code
    @usableFromInline var reason: Reason
    /// The byte offset of the bad character, or -1.
    @usableFromInline var offset: Int
    /// The byte found at `offset`, or 0.
    @usableFromInline var found: UInt8
    /// The expected byte, or 0 when there is no single expected character.
    @usableFromInline var expected: UInt8

    @inlinable
    init(_ code: CodeError.Code, _ reason: Reason, offset: Int = -1, found: UInt8 = 0, expected: UInt8 = 0) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.found = found
        self.expected = expected
    }

    /// A character failure at `offset`, refined to `.lowercase` or `.nonASCII` when that explains it better.
    @inlinable
    static func character(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ reason: Reason) -> CodeDiagnosis {
        let byte = bytes[offset]
        var refined = reason
        if byte >= 0x80 {
            refined = .nonASCII
        } else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && reason != .uppercase {
            refined = .lowercase
        }
        return CodeDiagnosis(.character, refined, offset: offset, found: byte)
    }

    /// The failure for a value whose byte count is not an allowed length.
    ///
    /// A non-ASCII character (a full-width digit, say) changes the byte count, so it is reported first as a
    /// `.character` failure: both the fast path and the messages then agree on the cause.
    @inlinable
    static func badLength(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis {
        if bytes.isEmpty { return CodeDiagnosis(.empty, .empty) }
        for index in bytes.indices where bytes[index] >= 0x80 {
            return CodeDiagnosis(.character, .nonASCII, offset: index, found: bytes[index])
        }
        return CodeDiagnosis(.length, .length)
    }
}

/// Byte-level helpers shared by the code types.
@usableFromInline
enum CodeBytes {
    @inlinable
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inlinable
    static func isUppercase(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }

    /// The GB 11714 value of a digit or upper-case letter (`0`–`9` → 0–9, `A`–`Z` → 10–35), or -1.
    @inlinable
    static func alphanumericValue(_ byte: UInt8) -> Int {
        if isDigit(byte) { return Int(byte &- UInt8(ascii: "0")) }
        if isUppercase(byte) { return Int(byte &- UInt8(ascii: "A")) + 10 }
        return -1
    }

    /// The value of a character in the GB 32100 alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY`, or -1.
    @inlinable
    static func usccValue(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte) - 48
        case UInt8(ascii: "A")...UInt8(ascii: "H"): Int(byte) - 55  // A = 10 … H = 17
        case UInt8(ascii: "J")...UInt8(ascii: "N"): Int(byte) - 56  // J = 18 … N = 22
        case UInt8(ascii: "P")...UInt8(ascii: "R"): Int(byte) - 57  // P = 23 … R = 25
        case UInt8(ascii: "T")...UInt8(ascii: "U"): Int(byte) - 58  // T = 26, U = 27
        case UInt8(ascii: "W")...UInt8(ascii: "Y"): Int(byte) - 59  // W = 28 … Y = 30
        default: -1
        }
    }

    /// ``usccValue(_:)`` for a byte that is not a digit, without branches: letters skip I, O, S and V; Z and
    /// anything but a capital letter is -1.
    @inlinable
    static func usccLetterValue(_ byte: UInt8) -> Int {
        let letter = Int(byte) &- 65
        let skipped = (letter > 8 ? 1 : 0) &+ (letter > 14 ? 1 : 0) &+ (letter > 18 ? 1 : 0) &+ (letter > 21 ? 1 : 0)
        // I, O, S, V and Z: letters 8, 14, 18, 21 and 25.
        let forbidden = UInt(bitPattern: letter) >= 26 || (0x224_4100 &>> letter) & 1 == 1
        return forbidden ? -1 : letter &+ 10 &- skipped
    }

    /// The GB 32100 character for a value 0–30 (letters skip I, O, S and V).
    @inlinable
    static func usccCharacter(_ value: Int) -> UInt8 {
        if value < 10 { return UInt8(truncatingIfNeeded: value &+ 48) }
        let skipped = (value >= 18 ? 1 : 0) &+ (value >= 23 ? 1 : 0) &+ (value >= 26 ? 1 : 0) &+ (value >= 28 ? 1 : 0)
        return UInt8(truncatingIfNeeded: value &+ 55 &+ skipped)
    }

    /// The GB 32100 weight of position `index` (0–16): 3^index mod 31.
    @inlinable
    static func usccWeight(_ index: Int) -> Int {
        switch index {
        case 0: 1
        case 1: 3
        case 2: 9
        case 3: 27
        case 4: 19
        case 5: 26
        case 6: 16
        case 7: 17
        case 8: 20
        case 9: 29
        case 10: 25
        case 11: 13
        case 12: 8
        case 13: 24
        case 14: 10
        case 15: 30
        default: 28
        }
    }

    /// The reason a byte is not in the GB 32100 alphabet.
    @inlinable
    static func usccReason(_ byte: UInt8) -> CodeDiagnosis.Reason {
        switch byte {
        case UInt8(ascii: "I"), UInt8(ascii: "O"), UInt8(ascii: "S"), UInt8(ascii: "V"), UInt8(ascii: "Z"):
            .forbiddenLetter
        default: .notInAlphabet
        }
    }

    /// The GB 11714 weight of body position `index` (0–7): 3, 7, 9, 10, 5, 8, 4, 2.
    @inlinable
    static func organizationWeight(_ index: Int) -> Int {
        switch index {
        case 0: 3
        case 1: 7
        case 2: 9
        case 3: 10
        case 4: 5
        case 5: 8
        case 6: 4
        default: 2
        }
    }

    /// The GB 11714 check character (`0`–`9` or `X`) of the 8 body bytes starting at `start`, or 0 when a body byte
    /// is not a digit or upper-case letter.
    @inlinable
    static func organizationCheckCharacter(_ bytes: UnsafeBufferPointer<UInt8>, start: Int) -> UInt8 {
        var sum = 0
        for index in 0..<8 {
            let value = alphanumericValue(bytes[start + index])
            if value < 0 { return 0 }
            sum += value * organizationWeight(index)
        }
        let check = 11 - sum % 11
        switch check {
        case 10: return UInt8(ascii: "X")
        case 11: return UInt8(ascii: "0")
        default: return UInt8(truncatingIfNeeded: check + 48)
        }
    }

    /// The integer value of `count` ASCII digits starting at `start` (digits must have been checked).
    @inlinable
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> Int {
        var value = 0
        for index in start..<(start + count) { value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
        return value
    }
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes without copying when the string is native and contiguous.
    @usableFromInline
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = self
        return copy.withUTF8(body)
    }
}
