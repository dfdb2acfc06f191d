import EnforcementModel
import Foundation
import Testing

struct OrganizationCodeTests {
    @Test(arguments: ["699229617", "69922961-7", "192203821", "19220382-1", "799655058", "MA61R5AT0"])
    func validCodes(_ string: String) throws {
        let code = try OrganizationCode(string)
        #expect(code.stringValue.count == 9)
        #expect(!code.stringValue.contains("-"))
        #expect(OrganizationCode.check(string) == nil)
    }

    @Test func hyphenatedFormIsNormalised() throws {
        let code = try OrganizationCode("69922961-7")
        #expect(code.stringValue == "699229617")
        #expect(code.formatted == "69922961-7")
        #expect(code == (try OrganizationCode("699229617")))
    }

    @Test(arguments: [
        ("", CodeError.Code.empty, nil as Int?),
        ("69922961", .length, nil),
        ("6992296178", .format, 9),
        ("69922961_7", .format, 9),
        ("699229618", .checkCharacter, 9),
        ("69922961-8", .checkCharacter, 10),
        ("ma61R5AT0", .character, 1),
        ("69922961Y", .character, 9),
    ])
    func malformedCodes(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try OrganizationCode(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(OrganizationCode.check(string) == code)
    }
}

struct CitizenIDTests {
    @Test func standardExamplesAreValid() throws {
        let female = try CitizenID("11010519491231002X")
        #expect(female.birthDate == (try CivilDate("1949-12-31")))
        #expect(!female.isMale)
        #expect(female.addressCode == (try DivisionCode("110105")))
        let male = try CitizenID("440524188001010014")
        #expect(male.birthDate == (try CivilDate("1880-01-01")))
        #expect(male.isMale)
    }

    @Test func descriptionMasksBirthDate() throws {
        let id = try CitizenID("11010519491231002X")
        #expect(id.description == "110105********002X")
        #expect(id.stringValue == "11010519491231002X")
    }

    @Test(arguments: [
        ("11010519491231002x", CodeError.Code.character, 18 as Int?),
        ("110105194912310021", .checkCharacter, 18),
        ("11010519490231002X", .date, 7),
        ("1101051949123100", .length, nil),
        ("1101051949123100AX", .character, 17),
        ("110105179912310020", .date, 7),
    ])
    func malformedNumbers(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try CitizenID(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(CitizenID.check(string) == code)
    }

    @Test func messagesNeverQuoteTheNumber() throws {
        let error = try #require(throws: CodeError.self) { try CitizenID("110105194912310021") }
        #expect(!error.message.contains("'"))
        #expect(!error.message.contains("1101"))
        #expect(!error.messageZH.contains("“"))
        #expect(error.expected == "X")
        #expect(error.description == error.message)
        #expect(error.debugDescription.contains("110105194912310021"))
    }
}

struct IndustryCodeTests {
    @Test func hierarchyIsSyntactic() throws {
        let cement = try IndustryCode("3011")
        #expect(cement.level == .class)
        #expect(cement.group == (try IndustryCode("301")))
        #expect(cement.division == (try IndustryCode("30")))
        #expect(cement.section == (try IndustryCode("C")))
        #expect(cement.parent?.parent?.parent == (try IndustryCode("C")))
        #expect(try IndustryCode("C").parent == nil)
        #expect(try IndustryCode("C").contains(cement))
        #expect(try IndustryCode("30").contains(cement))
        #expect(!(try IndustryCode("31").contains(cement)))
    }

    @Test(arguments: [
        ("4411", "D"), ("4620", "D"), ("7721", "N"), ("0610", "B"), ("1713", "C"), ("4710", "E"), ("97", "T"),
        ("01", "A"), ("43", "C"), ("50", "E"),
    ])
    func sectionsFollowTheDivisionRanges(_ code: String, _ section: String) throws {
        #expect(try IndustryCode(code).section.stringValue == section)
    }

    @Test(arguments: [
        ("", CodeError.Code.empty), ("U", .unknown), ("c", .character), ("1", .length), ("98", .unknown),
        ("00", .unknown), ("30111", .length), ("30A1", .character),
    ])
    func malformedCodes(_ string: String, _ code: CodeError.Code) throws {
        let error = try #require(throws: CodeError.self) { try IndustryCode(string) }
        #expect(error.code == code)
        #expect(IndustryCode.check(string) == code)
    }

    @Test func allTwentySectionsAndNinetySevenDivisionsAreAccepted() {
        for letter in "ABCDEFGHIJKLMNOPQRST" { #expect(IndustryCode.isValid(String(letter))) }
        for division in 1...97 {
            let string = division < 10 ? "0\(division)" : "\(division)"
            #expect(IndustryCode.isValid(string))
            #expect(IndustryCode.section(ofDivision: division) != nil)
        }
    }
}

struct PollutantCodeTests {
    @Test(arguments: [
        "w01001", "w01018", "w21003", "w21011", "w21001", "w00000", "a21026", "a21002", "a34013",
        "a19001", "a01012", "a01011", "a00000", "a24088",
    ])
    func currentCodes(_ string: String) throws {
        let code = try PollutantCode(string)
        #expect(code.form == .current)
        #expect(code.medium == (string.hasPrefix("a") ? .air : .water))
    }

    @Test(arguments: ["011", "060", "02", "03", "01", "B02", "B01", "S01", "S08", "001", "101"])
    func legacyCodes(_ string: String) throws {
        let code = try PollutantCode(string)
        #expect(code.form == .legacy)
        #expect(code.medium == nil)
    }

    @Test(arguments: [
        ("W01018", CodeError.Code.character, 1 as Int?), ("w0101", .length, nil), ("e70101", .unknown, 1),
        ("w0101A", .character, 6), ("b01", .character, 1), ("B0X", .character, 3), ("1", .length, nil),
    ])
    func malformedCodes(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try PollutantCode(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(PollutantCode.check(string) == code)
    }
}

struct PermitNumberTests {
    @Test func hj608Example() throws {
        let permit = try PermitNumber("91130200699229617X001P")
        #expect(permit.uscc == (try SocialCreditCode("91130200699229617X")))
        #expect(permit.sequence == 1)
        #expect(permit.identifier == "P")
        #expect(try PermitNumber("91130200699229617X002P").sequence == 2)
        #expect(try PermitNumber("914403001922038216001W").identifier == "W")
    }

    @Test(arguments: [
        ("91130200699229617X", CodeError.Code.length, nil as Int?),
        ("91130200699229617Y001P", .checkCharacter, 18),
        ("91130200699229617X0O1P", .character, 20),
        ("91130200699229617X001p", .character, 22),
        ("91130200699229617X0011", .character, 22),
        ("91I30200699229617X001P", .character, 3),
    ])
    func malformedNumbers(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try PermitNumber(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(PermitNumber.check(string) == code)
    }
}

struct OutletCodeTests {
    @Test(arguments: [
        ("DA001", OutletCode.Kind.outlet, OutletCode.Medium.air), ("DW001", .outlet, .water),
        ("TA001", .treatmentFacility, .air), ("TW012", .treatmentFacility, .water),
        ("TN001", .treatmentFacility, .noise), ("TS001", .treatmentFacility, .solidWaste),
    ])
    func validCodes(_ string: String, _ kind: OutletCode.Kind, _ medium: OutletCode.Medium) throws {
        let code = try OutletCode(string)
        #expect(code.kind == kind)
        #expect(code.medium == medium)
    }

    @Test(arguments: [
        ("DN001", CodeError.Code.character, 2 as Int?), ("XA001", .character, 1), ("da001", .character, 1),
        ("DA01", .length, nil), ("DA0A1", .character, 4), ("DA0001", .length, nil),
    ])
    func malformedCodes(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try OutletCode(string) }
        #expect(error.code == code)
        #expect(error.position == position)
    }

    @Test func sequence() throws { #expect(try OutletCode("DW012").sequence == 12) }
}

struct DeviceMNTests {
    @Test func strictLengths() throws {
        #expect(try DeviceMN("010000A8900016F000169DC0").generation == .v2017)
        #expect(try DeviceMN("88888880000001").generation == .v2005)
        #expect(DeviceMN.check("8888888000000") == .length)
        #expect(DeviceMN.check("510100123456789") == .length)
    }

    @Test func lenientLengths() throws {
        #expect(try DeviceMN("510100123456789", lenient: true).generation == .nonstandard)
        #expect(throws: CodeError.self) { try DeviceMN("8888888000000", lenient: true) }
        #expect(throws: CodeError.self) { try DeviceMN("010000A8900016F000169DC0A", lenient: true) }
        let bytes = Array("510100123456789".utf8)
        #expect(bytes.withUnsafeBufferPointer { DeviceMN.check($0, lenient: true) } == nil)
        #expect(bytes.withUnsafeBufferPointer { DeviceMN.check($0) } == .length)
    }

    @Test func lowerCaseIsRejected() throws {
        let error = try #require(throws: CodeError.self) { try DeviceMN("010000a8900016F000169DC0") }
        #expect(error.code == .character)
        #expect(error.position == 7)
    }

    @Test func decodingIsLenient() throws {
        let decoded = try JSONDecoder().decode([DeviceMN].self, from: Data(#"["510100123456789"]"#.utf8))
        #expect(decoded.first?.generation == .nonstandard)
    }
}
