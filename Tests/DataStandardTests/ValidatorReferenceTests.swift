import Foundation
import Testing

@testable import DataStandard

/// References between inputs: resolved within the input, referenced entities first, self-references, and
/// references to entities not among the inputs.
struct ValidatorReferenceTests {
    typealias Fixture = ValidatorFixture

    static let companies = "company_id,name,parent_id\nC001,集团,\nC002,子公司,C001\nC003,孙公司,C009\n"

    func run(_ inputs: [ValidationInput]) throws -> (ValidationReport, [ValidationIssue]) {
        let validator = try RecordValidator(standard: Fixture.standard, options: Fixture.options())
        var issues: [ValidationIssue] = []
        let report = try validator.validate(inputs) { issues.append($0) }
        return (report, issues)
    }

    @Test func referencesResolveAgainstTheReferencedInput() throws {
        let sites = Fixture.siteCSV([[:], ["company_id": "C002"], ["company_id": "C404"]])
        // Sites come first in the list, but companies are validated first.
        let (report, issues) = try run([
            ValidationInput(entity: "site", bytes: Array(sites.utf8), name: "sites.csv"),
            ValidationInput(entity: "company", bytes: Array(Self.companies.utf8), name: "companies.csv"),
        ])
        #expect(
            issues.map { "\($0.file):\($0.ruleID)@\($0.recordNumber ?? 0)" } == [
                "companies.csv:field.reference@3", "sites.csv:field.reference@3",
            ])
        #expect(report.files.map(\.file) == ["companies.csv", "sites.csv"])
        let site = try #require(report.quality.entity("site"))
        #expect(site.referentialIntegrity.numerator == 2 && site.referentialIntegrity.denominator == 3)
        #expect(report.referencesNotChecked == 0)
    }

    @Test func referencesToEntitiesNotInTheInputAreNotChecked() throws {
        let (report, issues) = try Fixture.validate(Fixture.siteCSV([["company_id": "C404"], [:]]))
        #expect(issues.isEmpty)
        #expect(report.referencesNotChecked == 2)
        #expect(report.quality.entity("site")?.referentialIntegrity.denominator == 0)
        #expect(report.quality.entity("site")?.fields.first { $0.field == "company_id" }?.referencesNotChecked == 2)
    }

    @Test func selfReferencesSeeTheWholeInput() throws {
        // C002 refers to C003, which comes later in the file.
        let text = "company_id,name,parent_id\nC001,集团,\nC002,子公司,C003\nC003,孙公司,C404\n"
        let (_, issues) = try run([ValidationInput(entity: "company", bytes: Array(text.utf8), name: "c.csv")])
        #expect(issues.map(\.recordNumber) == [3])
        #expect(issues.first?.ruleID == "field.reference")
    }
}

/// Composite references (`ref: {entity, field, with: [...]}`) on the real standard: an outlet code resolves only
/// within its own permit.
struct CompositeReferenceTests {
    @Test func anOutletCodeMustExistUnderItsOwnPermit() throws {
        let standard = try #require(EntityDriftTests.standard)
        let data = EntityDriftTests.repositorySpecs.deletingLastPathComponent().appendingPathComponent(
            "Examples/sample-data")
        let limits = """
            permit_number,outlet_code,pollutant_code,standard_name,limit_conc_air,ref_oxygen,division_code
            91510113206423017B001P,DA001,a21026,GB 13223-2011,35,6,510113
            91510113399008265G001P,DW001,a21026,GB 13223-2011,35,6,510113
            91510113399008265G001P,DA002,a21026,GB 16297-1996,550,,510113

            """
        let validator = try RecordValidator(
            standard: standard, options: ValidatorFixture.options())
        var issues: [ValidationIssue] = []
        let report = try validator.validate([
            ValidationInput(entity: "permit", file: data.appendingPathComponent("permit.csv")),
            ValidationInput(entity: "permit_outlet", file: data.appendingPathComponent("permit_outlet.csv")),
            ValidationInput(entity: "permit_limit", bytes: Array(limits.utf8), name: "limits.csv"),
        ]) { issues.append($0) }
        // DW001 exists in other permits, but not in 91510113399008265G001P: a simple reference would miss this.
        let failures = issues.filter { $0.ruleID == "field.reference" }
        #expect(failures.map(\.recordNumber) == [2])
        #expect(failures.first?.field == "outlet_code")
        #expect(failures.first?.message.en.contains("together with permit_number") == true)
        let limit = try #require(report.quality.entity("permit_limit"))
        let outlet = try #require(limit.fields.first { $0.field == "outlet_code" })
        #expect(outlet.referentialIntegrity?.numerator == 2)
        #expect(outlet.referentialIntegrity?.denominator == 3)
    }
}
