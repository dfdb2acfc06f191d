import Foundation
import Testing

@testable import DataStandard

/// The quality summary: each dimension's numerator and denominator, per field and per entity.
struct QualitySummaryTests {
    typealias Fixture = ValidatorFixture

    @Test func dimensionsCountWhatTheyShould() throws {
        let text = Fixture.siteCSV([
            [:],
            ["capacity": "abc", "note": ""],  // a type error, an empty optional cell
            ["site_id": "S0001", "updated_at": "2025-01-01 00:00:00"],  // duplicate key, untimely
            ["outlet": "DA001", "emission": ""],  // an exclusive rule broken
        ])
        let (report, _) = try Fixture.validate(text)
        let site = try #require(report.quality.entity("site"))
        let fields = Fixture.site.fields.count
        #expect(site.records == 4)
        #expect(site.validRecords == 1)
        // Cells: 4 records × 23 fields; the valid record leaves `outlet` empty, and so do records 2 and 3.
        // Empty: outlet in records 1–3, the note of record 2, the emission of record 4.
        let emptyCells = 3 + 1 + 1
        #expect(site.completeness.denominator == 4 * fields)
        #expect(site.completeness.numerator == 4 * fields - emptyCells)
        #expect(site.validity.denominator == site.completeness.numerator)
        #expect(site.validity.numerator == site.validity.denominator - 1)
        #expect(site.requiredCompleteness.numerator == site.requiredCompleteness.denominator)
        #expect(site.consistency.numerator == 3)
        #expect(site.uniqueness.numerator == 3)
        #expect(site.timeliness.numerator == 3 && site.timeliness.denominator == 4)
        let capacity = try #require(site.fields.first { $0.field == "capacity" })
        #expect(capacity.validity.numerator == 3 && capacity.validity.denominator == 4)
        let key = try #require(site.fields.first { $0.field == "site_id" })
        #expect(key.uniqueness?.numerator == 3)
        #expect(site.score > 0 && site.score < 1)
        #expect(report.quality.score == site.score)
        #expect(report.issuesByRule["record.duplicate-key"] == 1)
        #expect(
            report.errors
                == report.issuesByRule.filter { !["record.timeliness", "R-ONE"].contains($0.key) }.values.reduce(0, +))
    }

    @Test func theReportIsCodable() throws {
        let (report, issues) = try Fixture.validate(Fixture.siteCSV([["capacity": "x"]]))
        let data = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(ValidationReport.self, from: data)
        #expect(decoded == report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"value\""))
        let issue = try JSONDecoder().decode(ValidationIssue.self, from: JSONEncoder().encode(issues[0]))
        #expect(issue == issues[0])
        #expect(String(decoding: try JSONEncoder().encode(issues[0]), as: UTF8.self).contains("\"ruleId\""))
    }
}

/// A city's extension fields don't lower the completeness of another city's records.
struct ExtensionCompletenessTests {
    @Test func extensionFieldsAreMeasuredButNotCountedInTheEntity() throws {
        let standard = try #require(EntityDriftTests.standard)
        let entity = try #require(standard.entity("regulated_entity"))
        let extensionFields = entity.fields.filter { $0.id.hasPrefix("cd_") }
        #expect(!extensionFields.isEmpty)
        let file = EntityDriftTests.repositorySpecs.deletingLastPathComponent().appendingPathComponent(
            "Examples/sample-data/regulated_entity.csv")
        let validator = try RecordValidator(
            standard: standard, entity: "regulated_entity", options: ValidatorFixture.options())
        let report = try validator.validate(files: [file])
        let quality = try #require(report.quality.entity("regulated_entity"))
        let coreCount = entity.fields.count - extensionFields.count
        #expect(quality.completeness.denominator == report.records * coreCount)
        let flagged = Set(quality.fields.filter(\.isExtension).map(\.field))
        #expect(flagged == Set(extensionFields.map(\.id)))
        #expect(quality.fields.first { $0.field == "cd_grid_code" }?.completeness.numerator == 0)
    }
}
