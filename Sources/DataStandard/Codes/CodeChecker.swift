import EnforcementModel

/// The national and standard code systems that ``CodeChecker`` checks.
public enum CodeSystem: String, Hashable, Sendable, Codable, CaseIterable {
    /// GB 32100 unified social credit code.
    case uscc
    /// GB 11714 organisation code.
    case organizationCode = "org-code"
    /// GB 11643 citizen identity number.
    case idCard = "id-card"
    /// GB/T 2260 division code, checked against the standard's `division` table.
    case division
    /// GB/T 4754-2017 industry code, checked against the standard's `industry` table.
    case industry
    /// HJ 524/525 pollutant code, checked against the standard's `pollutant` table.
    case pollutant
    /// HJ 608 permit number.
    case permit
    /// HJ 608 outlet (or treatment facility) code.
    case outlet
    /// HJ 212 device id (MN).
    case mn
}

/// The verdict on one value.
public struct CodeCheckResult: Hashable, Sendable, Codable {
    /// One problem found.
    public struct Problem: Hashable, Sendable, Codable {
        /// A stable code (`checkCharacter`, `unknown`, `deprecated`, …).
        public var code: String
        /// English.
        public var message: String
        /// Chinese.
        public var messageZH: String
        /// The 1-based character position, when the problem has one.
        public var position: Int?
    }

    /// The code system checked.
    public var system: CodeSystem
    /// The value as given.
    public var value: String
    /// Whether the value is valid (warnings allowed).
    public var valid: Bool
    /// Why it is not.
    public var errors: [Problem]
    /// What is legal but worth knowing (a deprecated code and its replacement).
    public var warnings: [Problem]
    /// The name of what the code designates, from the standard's code table.
    public var name: LocalizedText?
    /// Facts read from the code (level, parent, embedded division, sequence, …).
    public var details: [String: String]
}

/// Checks code values against the algorithms of their national standards and the code tables of a standard.
///
/// ```swift
/// let checker = CodeChecker(standard: standard)
/// let result = checker.check("91510100MA61XXXX0X", as: .uscc)
/// result.valid          // false
/// result.errors[0].messageZH
/// ```
public struct CodeChecker: Sendable {
    private let standard: StandardSpec?
    private let divisions: DivisionCatalog?

    /// Creates a checker; without a standard only the algorithms are checked, not existence in code tables.
    public init(standard: StandardSpec?) {
        self.standard = standard
        self.divisions = try? standard?.divisionCatalog()
    }

    /// Checks one value.
    public func check(_ value: String, as system: CodeSystem) -> CodeCheckResult {
        var result = CodeCheckResult(
            system: system, value: value, valid: true, errors: [], warnings: [], name: nil, details: [:])
        do {
            switch system {
            case .uscc:
                let code = try SocialCreditCode(value)
                describe(code, into: &result)
            case .organizationCode:
                _ = try OrganizationCode(value)
            case .idCard:
                // Personal data: the verdict only, no facts read from the number.
                _ = try CitizenID(value)
            case .division:
                let code = try DivisionCode(value)
                describe(code, into: &result)
            case .industry:
                let code = try IndustryCode(value)
                result.details["level"] = "\(code.level)"
                if let parent = code.parent { result.details["parent"] = parent.stringValue }
                lookUp(value, table: "industry", into: &result)
            case .pollutant:
                let code = try PollutantCode(value)
                result.details["form"] = code.form.rawValue
                if let medium = code.medium { result.details["medium"] = medium.rawValue }
                lookUp(value, table: "pollutant", into: &result)
            case .permit:
                let permit = try PermitNumber(value)
                result.details["uscc"] = permit.uscc.stringValue
                result.details["sequence"] = String(format3(permit.sequence))
                result.details["identifier"] = String(permit.identifier)
                describe(permit.uscc, into: &result)
            case .outlet:
                let outlet = try OutletCode(value)
                result.details["kind"] = "\(outlet.kind)"
                result.details["medium"] = "\(outlet.medium)"
            case .mn:
                let mn = try DeviceMN(value)
                result.details["generation"] = "\(mn.generation)"
            }
        } catch {
            result.valid = false
            result.errors.append(
                CodeCheckResult.Problem(
                    code: error.code.description, message: error.message, messageZH: error.messageZH,
                    position: error.position))
        }
        return result
    }

    private func format3(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    private func describe(_ code: SocialCreditCode, into result: inout CodeCheckResult) {
        result.details["registrationAuthority"] = String(code.registrationAuthority)
        result.details["category"] = String(code.category)
        result.details["organizationCode"] = code.organizationCode.stringValue
        if let division = code.registrationDivision {
            result.details["registrationDivision"] = division.stringValue
            if let known = divisions?.division(division) {
                result.details["registrationDivisionName"] = known.name
            }
        }
    }

    private func describe(_ code: DivisionCode, into result: inout CodeCheckResult) {
        result.details["level"] = code.level.rawValue
        result.details["province"] = code.provinceCode.stringValue
        if let city = code.cityCode { result.details["city"] = city.stringValue }
        guard let divisions else { return }
        guard let division = divisions.division(code) else {
            result.valid = false
            result.errors.append(
                CodeCheckResult.Problem(
                    code: "unknown", message: "Division code \(code) is not in the standard's division table",
                    messageZH: "行政区划代码\(code)不在标准的行政区划代码表中", position: nil))
            return
        }
        result.name = LocalizedText(zh: division.name, en: division.nameEN)
        if let parent = division.parent { result.details["parent"] = parent.stringValue }
        let path =
            divisions.ancestors(of: code).reversed().compactMap { divisions.division($0)?.name } + [division.name]
        result.details["path"] = path.joined(separator: " / ")
        if division.isDeprecated {
            let replacement = division.replacedBy.map { " (replaced by \($0))" } ?? ""
            let replacementZH = division.replacedBy.map { "（已由\($0)取代）" } ?? ""
            result.warnings.append(
                CodeCheckResult.Problem(
                    code: "deprecated", message: "Division code \(code) is no longer in use\(replacement)",
                    messageZH: "行政区划代码\(code)已停用\(replacementZH)", position: nil))
        }
    }

    private func lookUp(_ value: String, table id: String, into result: inout CodeCheckResult) {
        guard let table = standard?.codeTables[id] else { return }
        guard let entry = table.entry(value) else {
            result.valid = false
            result.errors.append(
                CodeCheckResult.Problem(
                    code: "unknown", message: "\(value) is not in the code table `\(id)` (\(table.name.en))",
                    messageZH: "\(value)不在代码表“\(table.name.zh)”中", position: nil))
            return
        }
        result.name = entry.name
        if let parent = entry.parent { result.details["parent"] = parent }
        if entry.deprecated {
            let replacement = entry.replacedBy.map { "; use \($0)" } ?? ""
            let replacementZH = entry.replacedBy.map { "，应使用\($0)" } ?? ""
            result.warnings.append(
                CodeCheckResult.Problem(
                    code: "deprecated", message: "\(value) is a deprecated code\(replacement)",
                    messageZH: "\(value)为已废止代码\(replacementZH)", position: nil))
            if let replacedBy = entry.replacedBy { result.details["replacedBy"] = replacedBy }
        }
    }
}
