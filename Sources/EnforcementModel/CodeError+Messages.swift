/// The code types, as far as error messages need to know them.
enum CodeKind: Sendable {
    case socialCreditCode, organizationCode, citizenID, division, industry, pollutant, permit, outlet
    case deviceMN, deviceMNLenient

    var nameEN: String {
        switch self {
        case .socialCreditCode: "USCC"
        case .organizationCode: "Organisation code"
        case .citizenID: "Citizen ID number"
        case .division: "Division code"
        case .industry: "Industry code"
        case .pollutant: "Pollutant code"
        case .permit: "Permit number"
        case .outlet: "Outlet code"
        case .deviceMN, .deviceMNLenient: "MN"
        }
    }

    var nameZH: String {
        switch self {
        case .socialCreditCode: "统一社会信用代码"
        case .organizationCode: "组织机构代码"
        case .citizenID: "公民身份号码"
        case .division: "行政区划代码"
        case .industry: "国民经济行业代码"
        case .pollutant: "污染物代码"
        case .permit: "排污许可证编号"
        case .outlet: "排放口编码"
        case .deviceMN, .deviceMNLenient: "设备唯一标识(MN)"
        }
    }

    var lengthEN: String {
        switch self {
        case .socialCreditCode, .citizenID: "18 characters"
        case .organizationCode: "9 characters (10 with a hyphen before the check character)"
        case .division: "6 digits"
        case .industry: "a section letter or 2 to 4 digits"
        case .pollutant: "6 characters (HJ 212-2017) or 2 to 3 characters (HJ/T 212-2005)"
        case .permit: "22 characters (18-character USCC, 3-digit sequence, identifier letter)"
        case .outlet: "5 characters"
        case .deviceMN: "14 characters (HJ/T 212-2005) or 24 characters (HJ 212-2017)"
        case .deviceMNLenient: "14 to 24 characters"
        }
    }

    var lengthZH: String {
        switch self {
        case .socialCreditCode, .citizenID: "18位"
        case .organizationCode: "9位（校验码前带连字符时为10位）"
        case .division: "6位数字"
        case .industry: "1位门类字母或2至4位数字"
        case .pollutant: "6位（HJ 212-2017）或2至3位（HJ/T 212-2005）"
        case .permit: "22位（18位统一社会信用代码＋3位顺序码＋1位标识码）"
        case .outlet: "5位"
        case .deviceMN: "14位（HJ/T 212-2005）或24位（HJ 212-2017）"
        case .deviceMNLenient: "14至24位"
        }
    }

    /// Whether the value is personal data whose characters must not appear in messages.
    var isSensitive: Bool { self == .citizenID }

    /// Extra words explaining which part of the code a position belongs to.
    func part(at position: Int) -> (en: String, zh: String) {
        switch (self, position) {
        case (.socialCreditCode, 3...8), (.permit, 3...8):
            (" (characters 3–8 are the registration division code)", "（第3–8位为登记管理机关行政区划码）")
        case (.permit, 19...21):
            (" (characters 19–21 are the sequence number)", "（第19–21位为顺序码）")
        case (.permit, 22):
            (" (character 22 is the identifier letter, e.g. P)", "（第22位为标识码，如P）")
        case (.citizenID, 7...14):
            (" (characters 7–14 are the birth date)", "（第7–14位为出生日期）")
        case (.outlet, 3...5):
            (" (characters 3–5 are the sequence number)", "（第3–5位为顺序号）")
        case (.pollutant, 2...6):
            (" (2017 codes are a or w followed by 5 digits)", "（2017版代码为a或w加5位数字）")
        default: ("", "")
        }
    }
}

extension CodeError {
    /// Builds the error, with English and Chinese messages, for a failed check of `value`.
    init(_ diagnosis: CodeDiagnosis, kind: CodeKind, value: String) {
        var position: Int?
        var found: String?
        if diagnosis.offset >= 0 {
            var byteOffset = 0
            var characterPosition = 1
            for character in value {
                let width = character.utf8.count
                if diagnosis.offset < byteOffset + width {
                    position = characterPosition
                    found = String(character)
                    break
                }
                byteOffset += width
                characterPosition += 1
            }
        }
        let expected: String? =
            diagnosis.expected == 0 ? nil : String(decoding: CollectionOfOne(diagnosis.expected), as: UTF8.self)
        let hide = kind.isSensitive
        let foundEN = hide ? "" : found.map { " '\($0)'" } ?? ""
        let foundZH = hide ? "" : found.map { "“\($0)”" } ?? ""
        let pos = position ?? 0
        let part = kind.part(at: pos)
        let name = kind.nameEN
        let nameZH = kind.nameZH
        var en: String
        var zh: String
        switch diagnosis.reason {
        case .empty:
            en = "is empty"
            zh = "为空"
        case .length:
            en = "must have \(kind.lengthEN), found \(value.count)"
            zh = "应为\(kind.lengthZH)，实际为\(value.count)位"
        case .nonASCII:
            en = "character \(pos)\(foundEN) is not an ASCII letter or digit (full-width or other non-ASCII character)"
            zh = "第\(pos)位字符\(foundZH)不是半角字母或数字（全角或其他非ASCII字符）"
        case .lowercase:
            en = "character \(pos)\(foundEN) is lower case; use upper case"
            zh = "第\(pos)位\(foundZH)为小写字母，应使用大写"
        case .uppercase:
            en = "character \(pos)\(foundEN) is upper case; 2017 pollutant codes start with a lower-case a or w"
            zh = "第\(pos)位\(foundZH)为大写字母，2017版污染物代码以小写a或w开头"
        case .forbiddenLetter:
            en = "character \(pos)\(foundEN) is not allowed: GB 32100 never uses the letters I, O, S, V and Z"
            zh = "第\(pos)位\(foundZH)不允许使用：统一社会信用代码不使用字母I、O、S、V、Z"
        case .notInAlphabet:
            en = "character \(pos)\(foundEN) is not a digit or one of the letters A–H, J–N, P–R, T, U, W–Y"
            zh = "第\(pos)位\(foundZH)不是数字或允许的大写字母（不含I、O、S、V、Z）"
        case .notDigit:
            en = "character \(pos)\(foundEN) must be a digit\(part.en)"
            zh = "第\(pos)位\(foundZH)应为数字\(part.zh)"
        case .notDigitOrX:
            en = "character \(pos)\(foundEN) must be a digit or X"
            zh = "第\(pos)位\(foundZH)应为数字或X"
        case .notAlphanumeric:
            en = "character \(pos)\(foundEN) must be a digit or an upper-case letter\(part.en)"
            zh = "第\(pos)位\(foundZH)应为数字或大写字母\(part.zh)"
        case .notUppercaseLetter:
            en = "character \(pos)\(foundEN) must be an upper-case letter\(part.en)"
            zh = "第\(pos)位\(foundZH)应为大写字母\(part.zh)"
        case .expectedHyphen:
            en = "character \(pos)\(foundEN) must be the hyphen '-' before the check character"
            zh = "第\(pos)位\(foundZH)应为校验码前的连字符“-”"
        case .countyWithoutCity:
            en = "characters 5–6 (county) are set while characters 3–4 (city) are 00"
            zh = "第5–6位（县级）不为00，而第3–4位（地市级）为00"
        case .unknownProvince:
            let province = String(value.prefix(2))
            en = "province \(province) (characters 1–2) does not exist in GB/T 2260"
            zh = "省级代码“\(province)”（第1–2位）在GB/T 2260中不存在"
        case .birthDate:
            en = "the birth date (characters 7–14) is not a real calendar date"
            zh = "出生日期（第7–14位）不是有效日期"
        case .checkCharacter:
            if hide {
                en = "the check character (position \(pos)) does not match"
                zh = "第\(pos)位校验码不正确"
            } else {
                en = "the check character (position \(pos)) should be '\(expected ?? "?")', found\(foundEN)"
                zh = "第\(pos)位校验码应为“\(expected ?? "?")”，实际为\(foundZH)"
            }
        case .organizationCheck:
            en =
                "the organisation code in characters 9–17 fails its GB 11714 check: character \(pos) should be "
                + "'\(expected ?? "?")', found\(foundEN)"
            zh = "第9–17位主体标识码（组织机构代码）校验不符：第\(pos)位应为“\(expected ?? "?")”，实际为\(foundZH)"
        case .outletKind:
            en = "character \(pos)\(foundEN) must be D (discharge outlet) or T (treatment facility)"
            zh = "第\(pos)位\(foundZH)应为D（排放口）或T（污染治理设施）"
        case .outletMedium:
            en = "character \(pos)\(foundEN) must be A or W after D, or A, W, N or S after T"
            zh = "第\(pos)位\(foundZH)应为A或W（排放口），或A、W、N、S（治理设施）"
        case .pollutantMedium:
            en = "character \(pos)\(foundEN) must be a (air) or w (water)"
            zh = "第\(pos)位\(foundZH)应为a（废气）或w（废水）"
        case .industrySection:
            en = "\(value) is not a GB/T 4754-2017 section (A–T)"
            zh = "“\(value)”不是GB/T 4754-2017门类（A–T）"
        case .industryDivision:
            let division = String(value.prefix(2))
            en = "division \(division) (characters 1–2) is not a GB/T 4754-2017 division (01–97)"
            zh = "大类“\(division)”（第1–2位）不是GB/T 4754-2017大类（01–97）"
        }
        self.init(
            code: diagnosis.code,
            message: "\(name): \(en)",
            messageZH: "\(nameZH)：\(zh)",
            value: value,
            position: position,
            expected: expected,
            found: found
        )
    }
}
