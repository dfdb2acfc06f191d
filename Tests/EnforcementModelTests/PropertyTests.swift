import EnforcementModel
import Testing

/// A small seeded generator (SplitMix64), so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct PropertyTests {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let digits = Array("0123456789")
    static let organizationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    static func value(_ character: Character) -> Int {
        character.isNumber ? Int(String(character)) ?? 0 : Int(character.asciiValue ?? 0) - 55
    }

    /// A random valid USCC: random head, random organisation code body with its GB 11714 check, then the USCC check.
    static func randomCode(using generator: inout SeededGenerator) throws -> String {
        var body = "9" + String(["1", "2", "3"].randomElement(using: &generator) ?? "1")
        for _ in 0..<6 { body.append(digits.randomElement(using: &generator) ?? "0") }
        var organization = ""
        for _ in 0..<8 { organization.append(alphabet.randomElement(using: &generator) ?? "0") }
        let sum = zip(organization, organizationWeights).reduce(0) { $0 + value($1.0) * $1.1 }
        let check = 11 - sum % 11
        organization += check == 10 ? "X" : check == 11 ? "0" : String(check)
        body += organization
        let last = try #require(SocialCreditCode.checkCharacter(for: body))
        return body + String(last)
    }

    @Test func randomValidCodesPass() throws {
        var generator = SeededGenerator(seed: 20_240_610)
        for _ in 0..<2000 {
            let code = try Self.randomCode(using: &generator)
            #expect(SocialCreditCode.check(code) == nil, "\(code)")
            let organization = try OrganizationCode(String(code.dropFirst(8).prefix(9)))
            #expect(organization.stringValue.count == 9)
            #expect(try PermitNumber(code + "001P").uscc.stringValue == code)
        }
    }

    @Test func everySingleCharacterChangeIsDetected() throws {
        var generator = SeededGenerator(seed: 4754)
        for _ in 0..<200 {
            let code = Array(try Self.randomCode(using: &generator))
            for position in code.indices {
                for replacement in Self.alphabet where replacement != code[position] {
                    var changed = code
                    changed[position] = replacement
                    let string = String(changed)
                    #expect(SocialCreditCode.check(string) != nil, "\(string) from \(String(code))")
                }
            }
        }
    }

    @Test func everySingleCharacterChangeOfRealCodesIsDetected() {
        for code in SocialCreditCodeTests.realCodes.map(Array.init) {
            for position in code.indices {
                for replacement in Self.alphabet where replacement != code[position] {
                    var changed = code
                    changed[position] = replacement
                    #expect(!SocialCreditCode.isValid(String(changed)))
                }
            }
        }
    }

    @Test func citizenIDSingleDigitChangesAreDetected() throws {
        let id = Array("11010519491231002X")
        for position in 0..<17 {
            for replacement in Self.digits where replacement != id[position] {
                var changed = id
                changed[position] = replacement
                #expect(CitizenID.check(String(changed)) != nil)
            }
        }
    }

    @Test func civilDateRoundTripsThroughDayNumbers() throws {
        var generator = SeededGenerator(seed: 201)
        for _ in 0..<5000 {
            let day = Int.random(in: -800_000...2_900_000, using: &generator)
            let date = CivilDate(daysSinceEpoch: day)
            #expect(date.daysSinceEpoch == day)
            #expect(date.adding(days: 1).daysSinceEpoch == day + 1)
            if (1...9999).contains(date.year) {
                #expect(try CivilDate(date.description) == date)
            }
        }
    }
}
