import Foundation
import Testing

@testable import DataStandard

/// JSON Lines and JSON arrays: values of every JSON kind, bad lines that do not stop the rest, streamed arrays.
struct ReaderJSONTests {
    typealias Fixture = ValidatorFixture

    static func record(_ id: String, name: String = "\"锦江站\"", extra: String = "") -> String {
        "{\"site_id\": \"\(id)\", \"company_id\": \"C001\", \"name\": \(name), \"division_code\": \"510104\", \"note\": \"x\"\(extra)}"
    }

    @Test func jsonLinesWithABadLineInTheMiddle() throws {
        let text = [
            Self.record("S0001", extra: ", \"capacity\": 12, \"active\": false, \"emission\": 1.5e1, \"closed\": null"),
            "{\"site_id\": \"S0002\", \"name\": }",
            "",
            Self.record("S0003", name: "\"\\u91d1\\u725b\\u7ad9\""),
            Self.record("S0004", name: "null"),
        ].joined(separator: "\n")
        let (report, issues) = try Fixture.validate(text, name: "sites.jsonl")
        #expect(report.files.first?.format == "jsonl")
        #expect(report.records == 4)
        #expect(issues.summary == ["input.json@2", "field.required@4"], "\(issues)")
        #expect(issues[0].line == 2)
        #expect(issues[1].line == 5)
    }

    @Test func missingKeysAreMissingValues() throws {
        let text = "{\"site_id\": \"S0001\", \"name\": \"锦江站\", \"division_code\": \"510104\", \"note\": \"x\"}\n"
        let (_, issues) = try Fixture.validate(text, name: "sites.jsonl")
        #expect(issues.summary == ["field.required@1"])
        #expect(issues[0].field == "company_id")
    }

    @Test func unknownKeysAreReportedOncePerFile() throws {
        let text = (1...3).map {
            Self.record("S000\($0)", extra: ", \"extra\": 1, \"cd_grid\": \"G\", \"_version\": \"1.0\"")
        }
        .joined(separator: "\n")
        let (_, issues) = try Fixture.validate(text, name: "sites.jsonl")
        #expect(issues.summary == ["input.unknown-column@1"])
        #expect(issues[0].field == "extra")
    }

    @Test func nestedValuesAreRejected() throws {
        let text = Self.record("S0001", extra: ", \"note\": {\"a\": [1, 2]}")
        let (_, issues) = try Fixture.validate(text, name: "sites.jsonl")
        #expect(issues.with(rule: "input.json").map(\.field) == ["note"])
    }

    @Test func aPrettyPrintedArrayIsStreamedElementByElement() throws {
        let elements = (1...30).map { index in
            Self.record(String(format: "S%04d", index), name: index == 17 ? "\"\"" : "\"站\\\"\(index)\\\"\"")
                .replacingOccurrences(of: ", ", with: ",\n    ")
        }
        let text = "[\n  " + elements.joined(separator: ",\n  ") + "\n]\n"
        for chunkSize in [64, 200, 4 << 20] {
            let (report, issues) = try Fixture.validate(
                text, name: "sites.json", options: Fixture.options(chunkSize: chunkSize))
            #expect(report.files.first?.format == "json")
            #expect(report.records == 30)
            #expect(issues.summary == ["field.required@17"], "chunk \(chunkSize): \(issues)")
            #expect(issues.first?.line == 2 + 16 * 5, "each element takes 5 lines")
        }
    }

    @Test func brokenArrays() throws {
        let unterminated = "[" + Self.record("S0001") + ", " + Self.record("S0002")
        let (report, issues) = try Fixture.validate(unterminated, name: "sites.json")
        #expect(report.records == 2)
        #expect(issues.summary == ["input.json@-"])
        let notAnArray = Self.record("S0001") + "\n" + Self.record("S0002")
        let (_, second) = try Fixture.validate(
            notAnArray, name: "x",
            options: {
                var options = Fixture.options()
                options.format = .jsonArray
                return options
            }())
        #expect(second.with(rule: "input.json").count >= 1)
        let scalar = "[" + Self.record("S0001") + ", 42, " + Self.record("S0002") + "] trailing"
        let (third, issues3) = try Fixture.validate(scalar, name: "sites.json")
        #expect(third.records == 3)
        #expect(issues3.summary == ["input.json@2", "input.json@-"])
    }
}
