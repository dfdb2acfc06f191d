import EnforcementModel
import Foundation
import Testing

@testable import DataStandard

/// Every field type and every field constraint of the standard.
struct ValidatorFieldTests {
    typealias Fixture = ValidatorFixture

    func issues(_ change: [String: String]) throws -> [ValidationIssue] {
        try Fixture.validate(Fixture.siteCSV([change])).issues
    }

    @Test func aValidRecordHasNoIssues() throws {
        let (report, issues) = try Fixture.validate(Fixture.siteCSV([[:], [:]]))
        #expect(issues.isEmpty, "\(issues)")
        #expect(report.records == 2)
        #expect(report.validRecords == 2)
        #expect(report.errors == 0 && report.warnings == 0)
    }

    @Test func requiredFieldsMustNotBeEmpty() throws {
        let found = try issues(["name": ""])
        #expect(found.summary == ["field.required@1"])
        #expect(found[0].field == "name")
        #expect(found[0].severity == .error)
        #expect(found[0].message.zh.contains("站点名称"))
        #expect(found[0].recordKey == "S0001")
        #expect(found[0].line == 2)
    }

    @Test func keyFieldsAreRequired() throws {
        let found = try issues(["site_id": ""])
        #expect(found.summary == ["field.required@1"])
        #expect(found[0].recordKey == nil)
    }

    @Test(arguments: [
        ("capacity", "12a"), ("capacity", "1.5"), ("capacity", "99999999999999999999"), ("emission", "1,5"),
        ("emission", "abc"), ("emission", "1e"), ("active", "yes"), ("opened", "2025-02-29"), ("opened", "2025-13-01"),
        ("opened", "2025-1-01"), ("updated_at", "2026-11-20T25:00:00"), ("updated_at", "2026-11-20 10:00"),
        ("updated_at", "2026/11/20 10:00:00"),
    ])
    func malformedScalarsAreTypeErrors(field: String, value: String) throws {
        let found = try issues([field: value])
        #expect(found.with(rule: "field.type").map(\.field) == [field], "\(found)")
        #expect(found.with(rule: "field.type").first?.value == value)
    }

    @Test(arguments: [
        ("capacity", "-0"), ("capacity", "+12"), ("emission", "0.5"), ("emission", "1.25e1"), ("emission", ".5"),
        ("active", "TRUE"), ("active", "1"), ("active", "是"), ("opened", "2024-02-29"),
        ("updated_at", "2026-11-20T10:00:00Z"), ("updated_at", "2026-11-20T10:00:00.123+08:00"),
        ("updated_at", "2026-11-20 10:00:00"),
    ])
    func wellFormedScalarsPass(field: String, value: String) throws {
        #expect(try issues([field: value]).isEmpty)
    }

    @Test func checkCharactersAreVerifiedWithAPreciseMessage() throws {
        var bad = Array(Fixture.usccJinjiang)
        let last = bad[17]
        bad[17] = last == "0" ? "1" : "0"
        let value = String(bad)
        let found = try issues(["uscc": value, "permit": value + "001P"])
        let checksum = found.with(rule: "field.checksum")
        #expect(checksum.map(\.field) == ["uscc", "permit"])
        #expect(checksum[0].message.en.contains("'\(last)'"), "\(checksum[0].message.en)")
        #expect(checksum[0].message.zh.contains("校验码"))
    }

    @Test(arguments: [
        ("org_code", "12345678-0"), ("owner_id", "110105194912310021"), ("division_code", "51010"),
        ("industry", "2614X"), ("pollutant", "A21026"), ("outlet", "XA001"), ("mn", "01000"), ("permit", "123"),
    ])
    func codeTypesAreChecked(field: String, value: String) throws {
        var change = [field: value]
        if field == "outlet" { change["permit"] = "" }
        if field == "permit" { change["level"] = "3" }
        let found = try issues(change)
        let own = found.filter {
            $0.field == field && ["field.type", "field.checksum", "field.code"].contains($0.ruleID)
        }
        #expect(own.count == 1, "\(found.summary)")
    }

    @Test func sensitiveValuesAreMasked() throws {
        let found = try issues(["owner_id": "110105194912310021"])
        let issue = try #require(found.first { $0.field == "owner_id" })
        #expect(issue.value == "110*************21")
        #expect(!issue.message.zh.contains("110105194912310021"))
        #expect(!issue.description.contains("110105194912310021"))
        var options = Fixture.options()
        options.revealsSensitiveValues = true
        let revealed = try Fixture.validate(Fixture.siteCSV([["owner_id": "110105194912310021"]]), options: options)
        #expect(revealed.issues.first { $0.field == "owner_id" }?.value == "110105194912310021")
    }

    @Test func patternsMatchTheWholeValue() throws {
        #expect(try issues(["phone": "138001380001"]).summary == ["field.pattern@1"])
        #expect(try issues(["phone": "x13800138000"]).summary == ["field.pattern@1"])
        #expect(try issues(["site_id": "S12345"]).summary == ["field.pattern@1"])
    }

    @Test func rangesAreInclusiveAndUseTheFieldSeverity() throws {
        #expect(try issues(["capacity": "1000"]).isEmpty)
        #expect(try issues(["capacity": "0"]).isEmpty)
        let over = try issues(["capacity": "1001"])
        #expect(over.summary == ["field.range@1"])
        #expect(over[0].message.en.contains("0…1000 t/d"))
        let warning = try issues(["emission": "50.01"])
        #expect(warning.summary == ["field.range@1"])
        #expect(warning[0].severity == .warning)
        let (report, _) = try Fixture.validate(Fixture.siteCSV([["emission": "50.01"]]))
        #expect(report.validRecords == 1, "a warning does not make a record invalid")
    }

    @Test func lengthsCountCharactersNotBytes() throws {
        #expect(try issues(["name": "一二三四五六七八九十"]).isEmpty, "10 characters, 30 bytes")
        #expect(try issues(["name": "一二三四五六七八九十一"]).summary == ["field.length@1"])
        #expect(try issues(["name": "一"]).summary == ["field.length@1"])
        #expect(try issues(["note": String(repeating: "文", count: 21)]).summary == ["field.length@1"])
    }

    @Test func stringsDefaultToAtMost255Characters() throws {
        #expect(try issues(["serial": String(repeating: "x", count: 255)]).isEmpty)
        #expect(try issues(["serial": String(repeating: "x", count: 256)]).summary == ["field.length@1"])
    }

    @Test func codesMustBeInTheirTable() throws {
        let found = try issues(["level": "7", "permit": ""])
        #expect(found.summary == ["field.code@1"])
        #expect(found[0].message.en.contains("level"))
        let industry = try issues(["industry": "2615"])
        #expect(industry.summary == ["field.code@1"], "well-formed but not in the industry table")
        let division = try issues(["division_code": "510199", "city_code": "510100"])
        #expect(division.with(rule: "field.code").map(\.field) == ["division_code"])
    }

    @Test func deprecatedCodesAreWarningsNamingTheReplacement() throws {
        let found = try issues(["pollutant": "011"])
        #expect(found.summary == ["field.deprecated-code@1"])
        #expect(found[0].severity == .warning)
        #expect(found[0].message.zh.contains("w01018"))
        #expect(found[0].message.en.contains("use w01018"))
        let level = try issues(["level": "9"])
        #expect(level.summary == ["field.deprecated-code@1"])
    }

    @Test func uniqueValuesAndDuplicateKeysAreFound() throws {
        let text = Fixture.siteCSV([[:], ["serial": "SN-1"], ["site_id": "S0001"]])
        let (report, issues) = try Fixture.validate(text)
        #expect(issues.summary == ["field.unique@2", "record.duplicate-key@3"])
        #expect(issues[0].message.en.contains("record 1"))
        #expect(issues[1].recordKey == "S0001")
        #expect(issues[1].value == "S0001")
        #expect(report.validRecords == 1)
        let uniqueness = try #require(report.quality.entity("site")?.uniqueness)
        #expect(uniqueness.numerator == 1 && uniqueness.denominator == 3)
    }

    @Test func duplicatesAreFoundAcrossFiles() throws {
        let validator = try RecordValidator(standard: Fixture.standard, entity: "site", options: Fixture.options())
        let first = Array(Fixture.siteCSV([[:]]).utf8)
        var issues: [ValidationIssue] = []
        _ = try validator.validate([
            ValidationInput(entity: "site", bytes: first, name: "a.csv"),
            ValidationInput(entity: "site", bytes: first, name: "b.csv"),
        ]) { issues.append($0) }
        #expect(issues.map(\.ruleID) == ["record.duplicate-key", "field.unique"])
        #expect(issues.allSatisfy { $0.file == "b.csv" })
        #expect(issues[0].message.en.contains("record 1 of a.csv"))
    }

    @Test func timelinessIsMeasuredAgainstTheInjectedDate() throws {
        let stale = try issues(["updated_at": "2026-10-29 23:59:59"])
        #expect(stale.summary == ["record.timeliness@1"])
        #expect(stale[0].severity == .warning)
        #expect(stale[0].message.en.contains("31 days"))
        #expect(try issues(["updated_at": "2026-10-30 00:00:00"]).isEmpty)
        let future = try issues(["updated_at": "2026-11-30T00:00:00+08:00"])
        #expect(future.summary == ["record.timeliness@1"])
        #expect(future[0].message.en.contains("after"))
        // Without a reference date, timeliness is not measured.
        let (report, none) = try Fixture.validate(
            Fixture.siteCSV([["updated_at": "2020-01-01 00:00:00"]]), options: Fixture.options(asOf: nil))
        #expect(none.isEmpty)
        #expect(report.quality.entity("site")?.timeliness.denominator == 0)
    }

    @Test func unknownEntitiesAreRejected() {
        #expect(throws: DataStandardError.self) {
            _ = try RecordValidator(standard: Fixture.standard, entity: "nothing")
        }
        do {
            _ = try RecordValidator(standard: Fixture.standard, entity: "nothing")
        } catch {
            #expect(error.code == .unknownEntity)
        }
    }

    @Test func unreadableFilesThrow() throws {
        let validator = try RecordValidator(standard: Fixture.standard, entity: "site")
        do {
            _ = try validator.validate(files: [URL(fileURLWithPath: "/nonexistent/site.csv")])
            Issue.record("expected an error")
        } catch let error as DataStandardError {
            #expect(error.code == .fileUnreadable)
        }
    }
}
