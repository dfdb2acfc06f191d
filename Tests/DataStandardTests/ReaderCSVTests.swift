import Foundation
import Testing

@testable import DataStandard

/// CSV reading: RFC 4180 structure, encodings, headers, and malformed input that never stops the rest.
struct ReaderCSVTests {
    typealias Fixture = ValidatorFixture

    static let short = "site_id,company_id,name,division_code,note\n"

    func validate(_ text: String, options: RecordValidator.Options = Fixture.options()) throws -> (
        report: ValidationReport, issues: [ValidationIssue]
    ) {
        try Fixture.validate(text, options: options)
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let text = "\u{FEFF}" + Fixture.siteCSV([[:], [:]]).replacingOccurrences(of: "\n", with: "\r\n")
        let (report, issues) = try validate(text)
        #expect(issues.isEmpty, "\(issues)")
        #expect(report.records == 2)
        #expect(report.files.first?.encoding == "utf-8")
    }

    @Test func quotedCellsWithCommasDoubledQuotesAndLineEnds() throws {
        let text =
            Self.short
            + "S0001,C001,\"锦江,站\",510104,\"第一行\n第二行\"\nS0002,C001,\"金牛\"\"站\"\"一二三四五六七\",510106,\"a\r\nb\"\nS0003,C001,name3,510104,x\n"
        let (report, issues) = try validate(text)
        #expect(report.records == 3)
        #expect(issues.summary == ["field.length@2"], "\(issues)")
        #expect(issues.first?.value == "金牛\"站\"一二三四五六七")
        // Record 3 starts on line 6: the quoted line ends count.
        let withError = try validate(text.replacingOccurrences(of: "S0003,C001,name3", with: "S0003,,name3")).issues
        #expect(withError.last?.line == 6)
        #expect(withError.last?.recordNumber == 3)
    }

    @Test func raggedRowsAreLocatedAndTheRestIsChecked() throws {
        let text =
            Self.short
            + "S0001,C001,锦江站,510104,x\nS0002,C001,金牛站,510106\nS0003,C001,站,510104,x,extra\nS0004,C001,,510104,x\n"
        let (report, issues) = try validate(text)
        #expect(issues.summary == ["input.ragged-row@2", "input.ragged-row@3", "field.required@4"])
        #expect(issues[0].line == 3)
        #expect(issues[0].message.en.contains("4 cells but the header has 5"))
        #expect(issues[1].line == 4)
        #expect(report.records == 4)
        #expect(report.validRecords == 1)
    }

    @Test func aQuoteInsideAnUnquotedCellResynchronisesAtTheNextLine() throws {
        let text = Self.short + "S0001,C001,锦\"江站,510104,x\nS0002,C001,金牛站,510106,x\nS0003,C001,,510104,x\n"
        let (report, issues) = try validate(text)
        #expect(issues.summary == ["input.broken-quote@1", "field.required@3"])
        #expect(issues[0].line == 2)
        #expect(report.records == 3)
    }

    @Test func textAfterAClosingQuote() throws {
        let text = Self.short + "S0001,C001,\"锦江\"站,510104,x\nS0002,C001,金牛站,510106,x\n"
        let (_, issues) = try validate(text)
        #expect(issues.summary == ["input.broken-quote@1"])
    }

    @Test func anUnterminatedQuoteAtTheEndResynchronisesAfterItsLine() throws {
        let text = Self.short + "S0001,C001,\"锦江站,510104,x\nS0002,C001,金牛站,510106,x\nS0003,C001,,510104,x\n"
        let (report, issues) = try validate(text)
        #expect(issues.summary == ["input.broken-quote@1", "field.required@3"])
        #expect(issues[0].message.en.contains("never closed"))
        #expect(issues[0].line == 2)
        #expect(issues[1].line == 4)
        #expect(report.records == 3)
    }

    @Test func anOverlongQuotedCellCountsAsUnterminated() throws {
        var options = Fixture.options(chunkSize: 128)
        options.maximumRecordBytes = 256
        var text = Self.short + "S0001,C001,\"锦江站,510104,x\n"
        for index in 2...40 { text += "S\(String(format: "%04d", index)),C001,站名\(index),510104,x\n" }
        let (report, issues) = try validate(text, options: options)
        #expect(issues.summary == ["input.broken-quote@1"])
        #expect(report.records == 40)
    }

    @Test func invalidUTF8BytesAreLocatedByLineAndOffset() throws {
        var bytes = Array((Self.short + "S0001,C001,锦江站,510104,x\nS0002,C001,金").utf8)
        let offset = bytes.count
        bytes += [0xFF, 0xFE]
        bytes += Array("站,510106,x\nS0003,C001,站三,510104,x\n".utf8)
        let (report, issues) = try Fixture.validate(bytes: bytes, options: Fixture.options(encoding: .utf8))
        #expect(issues.summary == ["input.encoding@2"])
        #expect(issues[0].byteOffset == offset)
        #expect(issues[0].line == 3)
        #expect(issues[0].value == "0xFF 0xFE")
        #expect(report.records == 3)
    }

    @Test func gb18030WithChineseHeadersIsDetected() throws {
        let url = try #require(
            Bundle.module.url(forResource: "validator-gb18030-sites", withExtension: "csv", subdirectory: "Fixtures"))
        for encoding in [InputEncoding.automatic, .gb18030] {
            let validator = try RecordValidator(
                standard: Fixture.standard, entity: "site", options: Fixture.options(encoding: encoding))
            var issues: [ValidationIssue] = []
            let report = try validator.validate(files: [url]) { issues.append($0) }
            #expect(report.files.first?.encoding == "gb18030")
            #expect(report.records == 3)
            #expect(issues.summary == ["R-DIV@3"], "\(issues)")
            #expect(issues.first?.recordKey == "S0003")
            #expect(issues.first?.line == 4)
        }
    }

    @Test func invalidGB18030BytesAreLocated() throws {
        let url = try #require(
            Bundle.module.url(forResource: "validator-gb18030-invalid", withExtension: "csv", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        let offset = try #require(data.firstIndex(of: 0x81))
        let validator = try RecordValidator(
            standard: Fixture.standard, entity: "site", options: Fixture.options(encoding: .gb18030))
        var issues: [ValidationIssue] = []
        let report = try validator.validate(files: [url]) { issues.append($0) }
        #expect(report.records == 2)
        let encoding = issues.with(rule: "input.encoding")
        #expect(encoding.count == 1)
        #expect(encoding.first?.byteOffset == offset)
        #expect(encoding.first?.line == 3)
        #expect(encoding.first?.recordNumber == 2)
    }

    @Test func utf16IsRefused() throws {
        #expect(throws: DataStandardError.self) {
            _ = try Fixture.validate(bytes: [0xFF, 0xFE, 0x61, 0x00])
        }
    }

    @Test func unknownColumnsExceptNamespacedOnes() throws {
        let text =
            "site_id,company_id,name,division_code,note,cd_grid,extra\nS0001,C001,锦江站,510104,x,G1,1\nS0002,C001,金牛站,510106,x,G2,2\n"
        let (report, issues) = try validate(text)
        #expect(issues.summary == ["input.unknown-column@-"])
        #expect(issues[0].field == "extra")
        #expect(issues[0].line == 1)
        #expect(report.validRecords == 2)
    }

    @Test func missingRequiredColumnsAreOneErrorAndRecordsAreStillChecked() throws {
        let text = "site_id,name,division_code,note\nS0001,锦江站,510104,x\nS0002,,510106,x\n"
        let (report, issues) = try validate(text)
        #expect(issues.summary == ["input.missing-column@-", "field.required@2"])
        #expect(issues[0].field == "company_id")
        #expect(report.records == 2)
        let completeness = try #require(report.quality.entity("site")?.fields.first { $0.field == "company_id" })
        #expect(completeness.completeness.numerator == 0)
    }

    @Test func chineseHeaderNamesAndDuplicateColumns() throws {
        let text = "站点编号,单位编号,站点名称,所属区县,备注,note\nS0001,C001,锦江站,510104,x,y\n"
        let (_, issues) = try validate(text)
        #expect(issues.summary == ["input.duplicate-column@-"])
        #expect(issues[0].field == "note")
    }

    @Test func blankLinesAreSkippedButCountAsLines() throws {
        let text = Self.short + "\nS0001,C001,锦江站,510104,x\n\r\n\nS0002,C001,,510106,x\n\n"
        let (report, issues) = try validate(text)
        #expect(report.records == 2)
        #expect(issues.summary == ["field.required@2"])
        #expect(issues[0].line == 6)
    }

    @Test func anEmptyFileHasNoRecords() throws {
        let (report, issues) = try Fixture.validate(bytes: [])
        #expect(report.records == 0)
        #expect(issues.allSatisfy { $0.ruleID == "input.missing-column" })
    }
}
