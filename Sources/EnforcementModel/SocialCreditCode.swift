/// A unified social credit code (统一社会信用代码, USCC) as defined by GB 32100-2015.
///
/// The 18 characters are drawn from `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V or Z):
///
/// | Characters | Meaning |
/// |---|---|
/// | 1 | registration authority (登记管理部门码): `9` market regulation, `1` 机构编制, `5` 民政, `Y` other… |
/// | 2 | entity category (机构类别码): after `9`, `1` enterprise, `2` sole trader, `3` farmers' cooperative |
/// | 3–8 | division of the registering authority (登记管理机关行政区划码, GB/T 2260), digits |
/// | 9–17 | entity identifier (主体标识码): a GB 11714 organisation code with its own check character |
/// | 18 | check character: weights 3^i mod 31, `check = (31 − Σ mod 31) mod 31` |
///
/// Both the check character and the embedded organisation code's check are verified. Lower case is rejected:
/// normalise input yourself if your source is known to be sloppy.
///
/// ```swift
/// let code = try SocialCreditCode("91130200699229617X")
/// code.registrationDivision          // 130200
/// code.organizationCode.stringValue  // "699229617"
/// SocialCreditCode.isValid("91130200699229617Y")  // false: check character
/// ```
public struct SocialCreditCode: ValidatedCode {
    /// The 18-character code, upper case.
    public let stringValue: String

    /// Creates a code after verifying its alphabet, registration division digits, check character and embedded
    /// organisation code.
    ///
    /// - Throws: ``CodeError`` with code `.empty`, `.length`, `.character` (lower case, I/O/S/V/Z, a letter in
    ///   characters 3–8, non-ASCII), `.checkCharacter` or `.organizationCheck`.
    public init(_ string: String) throws(CodeError) {
        if let diagnosis = string.withUTF8Bytes({ Self.diagnose($0) }) {
            throw CodeError(diagnosis, kind: .socialCreditCode, value: string)
        }
        stringValue = string
    }

    /// Wraps a string already known to be valid.
    init(unchecked string: String) { stringValue = string }

    /// Checks 18 UTF-8 bytes without allocating; returns `nil` when they form a valid USCC.
    @inlinable
    public static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        if bytes.count == 18, let base = bytes.baseAddress, isValid(at: base) { return nil }
        return diagnose(bytes)?.code
    }

    /// Whether the 18 bytes at `base` form a valid USCC: the fast path of ``check(_:)``, unrolled, with no table for
    /// digits (the common case); ``diagnose(_:)`` says what is wrong with any other.
    @inlinable
    static func isValid(at base: UnsafePointer<UInt8>) -> Bool {
        // Negative when a character is out of the alphabet (its value is -1) or a division character is not a digit.
        var flags = 0
        @inline(__always) func value(_ index: Int) -> Int {
            let byte = base[index]
            let digit = Int(byte) &- 48
            let value = UInt(bitPattern: digit) < 10 ? digit : CodeBytes.usccLetterValue(byte)
            flags |= value
            return value
        }
        /// The GB 11714 value (letters count A = 10 … Z = 35, without gaps) of a character in the alphabet.
        @inline(__always) func organizationValue(_ index: Int, _ value: Int) -> Int {
            value < 10 ? value : Int(base[index]) &- 55
        }
        let value0 = value(0)
        let value1 = value(1)
        let value2 = value(2)
        let value3 = value(3)
        let value4 = value(4)
        let value5 = value(5)
        let value6 = value(6)
        let value7 = value(7)
        flags |= (9 &- value2) | (9 &- value3) | (9 &- value4) | (9 &- value5) | (9 &- value6) | (9 &- value7)
        let value8 = value(8)
        let value9 = value(9)
        let value10 = value(10)
        let value11 = value(11)
        let value12 = value(12)
        let value13 = value(13)
        let value14 = value(14)
        let value15 = value(15)
        let value16 = value(16)
        if flags < 0 { return false }
        // Weights 3^i mod 31.
        var sum = value0 &+ value1 &* 3 &+ value2 &* 9 &+ value3 &* 27 &+ value4 &* 19 &+ value5 &* 26
        sum &+= value6 &* 16 &+ value7 &* 17 &+ value8 &* 20 &+ value9 &* 29 &+ value10 &* 25 &+ value11 &* 13
        sum &+= value12 &* 8 &+ value13 &* 24 &+ value14 &* 10 &+ value15 &* 30 &+ value16 &* 28
        // The expected check character is in the alphabet: equal to it, the last one is too.
        if base[17] != CodeBytes.usccCharacter((31 &- sum % 31) % 31) { return false }
        // The embedded organisation code (characters 9–17): weights 3, 7, 9, 10, 5, 8, 4, 2.
        var organization = organizationValue(8, value8) &* 3 &+ organizationValue(9, value9) &* 7
        organization &+= organizationValue(10, value10) &* 9 &+ organizationValue(11, value11) &* 10
        organization &+= organizationValue(12, value12) &* 5 &+ organizationValue(13, value13) &* 8
        organization &+= organizationValue(14, value14) &* 4 &+ organizationValue(15, value15) &* 2
        let check = 11 &- organization % 11
        let expected =
            check == 10 ? UInt8(ascii: "X") : check == 11 ? UInt8(ascii: "0") : UInt8(truncatingIfNeeded: check &+ 48)
        return base[16] == expected
    }

    /// Computes the check character (character 18) for the first 17 characters of a USCC.
    ///
    /// - Parameter body: The first 17 characters (registration, category, division, organisation code).
    /// - Returns: The check character, or `nil` if `body` is not 17 characters of the GB 32100 alphabet.
    public static func checkCharacter(for body: String) -> Character? {
        let value = body.withUTF8Bytes { bytes -> UInt8 in
            guard bytes.count == 17 else { return 0 }
            var sum = 0
            var weight = 1
            for index in 0..<17 {
                let value = CodeBytes.usccValue(bytes[index])
                if value < 0 { return 0 }
                sum += value * weight
                weight = weight * 3 % 31
            }
            return CodeBytes.usccCharacter((31 - sum % 31) % 31)
        }
        return value == 0 ? nil : Character(Unicode.Scalar(value))
    }

    @inlinable
    static func diagnose(_ bytes: UnsafeBufferPointer<UInt8>) -> CodeDiagnosis? {
        guard bytes.count == 18 else { return .badLength(bytes) }
        var sum = 0
        for index in 0..<17 {
            let byte = bytes[index]
            let value = CodeBytes.usccValue(byte)
            if value < 0 { return .character(bytes, at: index, CodeBytes.usccReason(byte)) }
            if index >= 2 && index < 8 && value > 9 { return .character(bytes, at: index, .notDigit) }
            sum &+= value &* CodeBytes.usccWeight(index)
        }
        let last = bytes[17]
        if CodeBytes.usccValue(last) < 0 { return .character(bytes, at: 17, CodeBytes.usccReason(last)) }
        let expected = CodeBytes.usccCharacter((31 - sum % 31) % 31)
        if last != expected {
            return CodeDiagnosis(.checkCharacter, .checkCharacter, offset: 17, found: last, expected: expected)
        }
        let organizationCheck = CodeBytes.organizationCheckCharacter(bytes, start: 8)
        if bytes[16] != organizationCheck {
            return CodeDiagnosis(
                .organizationCheck,
                .organizationCheck,
                offset: 16,
                found: bytes[16],
                expected: organizationCheck
            )
        }
        return nil
    }

    private func character(at offset: Int) -> Character {
        let utf8 = stringValue.utf8
        return Character(Unicode.Scalar(utf8[utf8.index(utf8.startIndex, offsetBy: offset)]))
    }

    /// The registration authority character (登记管理部门码, character 1), such as `9` for market regulation.
    public var registrationAuthority: Character { character(at: 0) }

    /// The entity category character (机构类别码, character 2), such as `1` for an enterprise under authority `9`.
    public var category: Character { character(at: 1) }

    /// The names of the registration authority and entity category, when GB 32100 defines the pair.
    public var registrationCategory: RegistrationCategory? {
        RegistrationCategory(authority: registrationAuthority, category: category)
    }

    /// The GB/T 2260 division of the registering authority (characters 3–8), such as `130200`.
    ///
    /// This is syntactic: it is `nil` only if the digits do not form a division code (`000000` or an unknown
    /// province, which occurs for some central registrations). It is the registering office, not necessarily
    /// where the entity operates.
    public var registrationDivision: DivisionCode? {
        let digits = stringValue.utf8.dropFirst(2).prefix(6)
        return try? DivisionCode(String(decoding: digits, as: UTF8.self))
    }

    /// The embedded organisation code (主体标识码, characters 9–17).
    public var organizationCode: OrganizationCode {
        OrganizationCode(unchecked: String(decoding: stringValue.utf8.dropFirst(8).prefix(9), as: UTF8.self))
    }

    /// The code itself.
    public var description: String { stringValue }
}

extension SocialCreditCode {
    /// The meaning of a USCC's first two characters (登记管理部门码 and 机构类别码) per GB 32100-2015.
    public struct RegistrationCategory: Hashable, Sendable {
        /// The registration authority character, such as `9`.
        public let authorityCode: Character
        /// The category character, such as `1`.
        public let categoryCode: Character
        /// The authority in English, such as "Market regulation (industry and commerce)".
        public let authority: String
        /// The authority in Chinese, such as 工商.
        public let authorityZH: String
        /// The category in English, such as "Enterprise".
        public let category: String
        /// The category in Chinese, such as 企业.
        public let categoryZH: String

        /// Looks up a pair of characters; `nil` when GB 32100 does not define it.
        ///
        /// - Parameters:
        ///   - authority: Character 1 of a USCC.
        ///   - category: Character 2 of a USCC.
        public init?(authority: Character, category: Character) {
            let table: [Character: (String, String, [Character: (String, String)])] = [
                "1": (
                    "Staffing administration", "机构编制",
                    [
                        "1": ("Government organ", "机关"), "2": ("Public institution", "事业单位"),
                        "3": ("Mass organisation under the staffing office", "中央编办直接管理机构编制的群众团体"), "9": ("Other", "其他"),
                    ]
                ),
                "2": (
                    "Foreign affairs", "外交", ["1": ("Resident foreign news agency", "外国常驻新闻机构"), "9": ("Other", "其他")]
                ),
                "3": (
                    "Judicial administration", "司法行政",
                    [
                        "1": ("Law firm", "律师执业机构"), "2": ("Notary office", "公证处"),
                        "3": ("Grassroots legal service", "基层法律服务所"), "4": ("Forensic appraisal institution", "司法鉴定机构"),
                        "5": ("Arbitration commission", "仲裁委员会"), "9": ("Other", "其他"),
                    ]
                ),
                "4": ("Culture", "文化", ["1": ("Foreign cultural centre", "外国在华文化中心"), "9": ("Other", "其他")]),
                "5": (
                    "Civil affairs", "民政",
                    [
                        "1": ("Social organisation", "社会团体"), "2": ("Private non-enterprise unit", "民办非企业单位"),
                        "3": ("Foundation", "基金会"), "9": ("Other", "其他"),
                    ]
                ),
                "6": (
                    "Tourism", "旅游",
                    [
                        "1": ("Foreign tourism office", "外国旅游部门常驻代表机构"),
                        "2": ("Hong Kong, Macao or Taiwan tourism office", "港澳台地区旅游部门常驻内地（大陆）代表机构"),
                        "9": ("Other", "其他"),
                    ]
                ),
                "7": (
                    "Religious affairs", "宗教",
                    [
                        "1": ("Place of religious activity", "宗教活动场所"), "2": ("Religious school", "宗教院校"),
                        "9": ("Other", "其他"),
                    ]
                ),
                "8": ("Trade unions", "工会", ["1": ("Grassroots trade union", "基层工会"), "9": ("Other", "其他")]),
                "9": (
                    "Market regulation (industry and commerce)", "工商",
                    [
                        "1": ("Enterprise", "企业"), "2": ("Individual business", "个体工商户"),
                        "3": ("Farmers' specialised cooperative", "农民专业合作社"),
                    ]
                ),
                "A": (
                    "Central Military Commission staffing office", "中央军委改革和编制办公室",
                    ["1": ("Military public institution", "军队事业单位"), "9": ("Other", "其他")]
                ),
                "N": (
                    "Agriculture", "农业",
                    [
                        "1": ("Group-level collective economic organisation", "组级集体经济组织"),
                        "2": ("Village-level collective economic organisation", "村级集体经济组织"),
                        "3": ("Township-level collective economic organisation", "乡镇级集体经济组织"), "9": ("Other", "其他"),
                    ]
                ),
                "Y": ("Other", "其他", ["1": ("Other", "其他")]),
            ]
            guard let entry = table[authority], let categoryNames = entry.2[category] else { return nil }
            authorityCode = authority
            categoryCode = category
            self.authority = entry.0
            authorityZH = entry.1
            self.category = categoryNames.0
            categoryZH = categoryNames.1
        }
    }
}
