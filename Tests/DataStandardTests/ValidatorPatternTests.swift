import Testing

@testable import DataStandard

/// The pattern matcher: the fast path agrees with ICU, and common patterns take the fast path.
struct ValidatorPatternTests {
    static let standardPatterns = [
        "^[0-9A-Z]{8,32}$",
        "^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$",
        "^.{18}[0-9]{3}P$",
        "^.{18}[0-9]{3}[A-Z]$",
        "^5101[0-9]{5}$",
        "^[0-9A-Z]{6,32}$",
        "[\\u4e00-\\u9fa5]{2,20}",
        "[A-Z]{2}\\d{4,8}",
        "a*a*b",
        "[a-z]+[0-9]*[a-z]",
    ]

    @Test(arguments: standardPatterns)
    func commonPatternsUseTheFastMatcher(_ pattern: String) throws {
        #expect(try ValuePattern(pattern).isSimple)
    }

    @Test func complexPatternsFallBackToICU() throws {
        for pattern in ["^(?:DA|DW)[0-9]{3}$", "(ab)+c", "^a(?=b)", "\\p{Han}{2}", "(a|b)c|d(e|f)", "x++y"] {
            #expect(try !ValuePattern(pattern).isSimple, "\(pattern)")
        }
    }

    static let samples = [
        "", "0", "13456645789", "0534193626", "028-87654321", "02887654321", "12345", "0281234567", "E00000000001",
        "e0000001", "ABCDEFGH", "ABCDEFG", "91510104MA6C5XRT7X001P", "91510104MA6C5XRT7X001p", "510104001",
        "5101040011", "成都市", "成", "成都市武侯区人民南路四段", "AB1234", "AB123", "ab1234", "ＡＢ１２３４", "AB１２３４",
        "DA001", "DW002", "TA001", "aab", "ab", "b", "abc1d", "abcd", "a1", "x\n", "\u{2028}",
        String(repeating: "9", count: 18) + "123P", String(repeating: "成", count: 18) + "123P",
    ]

    @Test(arguments: standardPatterns)
    func fastMatcherAgreesWithICU(_ pattern: String) throws {
        let compiled = try ValuePattern(pattern)
        for sample in Self.samples {
            var copy = sample
            let icu = copy.withUTF8 { buffer in
                compiled.matchesWithICU(
                    buffer.baseAddress ?? UnsafePointer(bitPattern: 8).unsafelyUnwrapped, buffer.count)
            }
            #expect(compiled.matches(sample) == icu, "pattern \(pattern) on \(sample.debugDescription)")
        }
    }

    @Test func wholeValueMustMatch() throws {
        let pattern = try ValuePattern("[0-9]{3}")
        #expect(pattern.matches("123"))
        #expect(!pattern.matches("1234"))
        #expect(!pattern.matches("x123"))
    }

    @Test func unicodeDigitClassesDeferToICU() throws {
        // ICU's \d matches full-width digits; the fast matcher must not say otherwise.
        let pattern = try ValuePattern("[A-Z]{2}\\d{4}")
        #expect(pattern.matches("AB１２３４"))
        #expect(!pattern.matches("AB12"))
    }

    @Test func invalidPatternsAreRejected() {
        #expect(throws: DataStandardError.self) { try ValuePattern("[a-") }
    }
}
