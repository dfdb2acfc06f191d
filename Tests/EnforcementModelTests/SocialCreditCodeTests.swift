import EnforcementModel
import Foundation
import Testing

struct SocialCreditCodeTests {
    /// Real codes: the HJ 608-2017 example, Huawei, and well-known companies' codes that pass both checks.
    static let realCodes = [
        "91130200699229617X",  // HJ 608-2017 附录A example
        "914403001922038216",  // 华为技术有限公司
        "91330100799655058B",  // 阿里巴巴（中国）有限公司
        "91440300708461136T",  // 深圳市腾讯计算机系统有限公司
        "91110000710925462X",  // 中国石油天然气股份有限公司
        "91110108551385082Q",  // 小米科技有限责任公司
        "91110000802100433B",  // 百度在线网络技术（北京）有限公司
    ]

    @Test(arguments: realCodes)
    func realCodesAreValid(_ string: String) throws {
        let code = try SocialCreditCode(string)
        #expect(code.stringValue == string)
        #expect(code.description == string)
        #expect(SocialCreditCode.check(string) == nil)
        #expect(SocialCreditCode.isValid(string))
        #expect(code.registrationAuthority == "9")
        #expect(code.category == "1")
        #expect(code.registrationCategory?.categoryZH == "企业")
    }

    @Test func partsOfTheHJ608Example() throws {
        let code = try SocialCreditCode("91130200699229617X")
        #expect(code.registrationDivision == (try DivisionCode("130200")))
        #expect(code.organizationCode.stringValue == "699229617")
        #expect(code.organizationCode.formatted == "69922961-7")
        #expect(code.registrationCategory?.authorityZH == "工商")
        #expect(SocialCreditCode.checkCharacter(for: "91130200699229617") == "X")
        #expect(SocialCreditCode.checkCharacter(for: "9113020069922961") == nil)
        #expect(SocialCreditCode.checkCharacter(for: "9113020069922961I") == nil)
    }

    @Test func registrationCategories() {
        #expect(SocialCreditCode.RegistrationCategory(authority: "5", category: "1")?.categoryZH == "社会团体")
        #expect(SocialCreditCode.RegistrationCategory(authority: "1", category: "2")?.categoryZH == "事业单位")
        #expect(SocialCreditCode.RegistrationCategory(authority: "9", category: "2")?.categoryZH == "个体工商户")
        #expect(SocialCreditCode.RegistrationCategory(authority: "9", category: "9") == nil)
        #expect(SocialCreditCode.RegistrationCategory(authority: "B", category: "1") == nil)
    }

    @Test func wrongCheckCharacterNamesExpectedAndFound() throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode("91130200699229617Y") }
        #expect(error.code == .checkCharacter)
        #expect(error.position == 18)
        #expect(error.expected == "X")
        #expect(error.found == "Y")
        #expect(error.message.contains("'X'"))
        #expect(error.messageZH.contains("第18位"))
        #expect(error.value == "91130200699229617Y")
    }

    @Test func knownInvalidCodeFails() {
        // Circulates as an example but fails the check (expected check character B).
        #expect(SocialCreditCode.check("911103027776213788") == .checkCharacter)
    }

    @Test func organizationCodeCheckIsVerified() throws {
        // Body digit changed and the USCC check character recomputed: only the embedded GB 11714 check fails.
        let body = "9113020069922961" + "8"
        let check = try #require(SocialCreditCode.checkCharacter(for: body))
        let string = body + String(check)
        let error = try #require(throws: CodeError.self) { try SocialCreditCode(string) }
        #expect(error.code == .organizationCheck)
        #expect(error.position == 17)
        #expect(error.expected == "7")
        #expect(error.found == "8")
    }

    @Test(arguments: [
        ("", CodeError.Code.empty, nil as Int?),
        ("91130200699229617", .length, nil),
        ("91130200699229617XX", .length, nil),
        ("91130200699229617x", .character, 18),
        ("9113020069922961I7X", .length, nil),
        ("91I30200699229617X", .character, 3),
        ("9113020069922961OX", .character, 17),
        ("911302006992296S7X", .character, 16),
        ("91130200699229V17X", .character, 15),
        ("Z1130200699229617X", .character, 1),
        ("9113A200699229617X", .character, 5),
        ("91130200-99229617X", .character, 9),
        ("９1130200699229617X", .character, 1),
        ("91130200699229617X ", .length, nil),
    ])
    func malformedCodesAreRejected(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(SocialCreditCode.check(string) == code)
    }

    @Test func forbiddenLetterMessageExplainsTheRule() throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode("91I30200699229617X") }
        #expect(error.message.contains("I, O, S, V and Z"))
        #expect(error.message.contains("character 3"))
        #expect(error.messageZH.contains("第3位"))
    }

    @Test func lowercaseMessageSaysUseUpperCase() throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode("91130200699229617x") }
        #expect(error.message.contains("lower case"))
        #expect(error.found == "x")
    }

    @Test func fullWidthDigitIsReportedAsCharacterNotLength() throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode("９1130200699229617X") }
        #expect(error.code == .character)
        #expect(error.position == 1)
        #expect(error.found == "９")
    }

    @Test func divisionDigitsMustBeDigits() throws {
        let error = try #require(throws: CodeError.self) { try SocialCreditCode("9113A200699229617X") }
        #expect(error.message.contains("registration division"))
    }

    @Test func codableRoundTripsAsASingleString() throws {
        let code = try SocialCreditCode("914403001922038216")
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["914403001922038216"]"#)
        #expect(try JSONDecoder().decode([SocialCreditCode].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([SocialCreditCode].self, from: Data(#"["914403001922038217"]"#.utf8))
        }
    }

    @Test func fastPathWorksOnRawBuffers() {
        let bytes = Array("91130200699229617X".utf8)
        let result = bytes.withUnsafeBufferPointer { SocialCreditCode.check($0) }
        #expect(result == nil)
        let empty: [UInt8] = []
        #expect(empty.withUnsafeBufferPointer { SocialCreditCode.check($0) } == .empty)
    }
}
