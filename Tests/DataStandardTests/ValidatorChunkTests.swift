import Foundation
import Testing

@_spi(Benchmark) @testable import DataStandard

/// Chunking: records crossing chunk boundaries (quoted line ends included) and identical results whatever the
/// chunk size or the number of workers.
struct ValidatorChunkTests {
    typealias Fixture = ValidatorFixture

    /// A CSV with quoted line ends, doubled quotes, CRLF, defects, a ragged row and a broken quote.
    static var tricky: String {
        var changes: [[String: String]] = []
        for index in 0..<300 {
            var change: [String: String] = [:]
            if index % 7 == 0 { change["note"] = "第一行\n第二行,\"引号\"" }
            if index % 11 == 0 { change["capacity"] = "2000" }
            if index % 13 == 0 { change["site_id"] = "S0005" }
            if index % 17 == 0 { change["name"] = "名\r\n称" }
            changes.append(change)
        }
        let tail = Fixture.siteCSV([[:], ["name": ""]]).split(separator: "\n").dropFirst()
            .map {
                $0.replacingOccurrences(of: "S0001", with: "S7001").replacingOccurrences(of: "S0002", with: "S7002")
            }
        return Fixture.siteCSV(changes) + "S9999,C001,ragged\nS9998,C001,锦\"江,510104\n" + tail.joined(separator: "\n")
            + "\n"
    }

    @Test(arguments: [32, 100, 257, 1024, 4096])
    func tinyChunksGiveTheSameIssues(chunkSize: Int) throws {
        let reference = try Fixture.validate(Self.tricky, options: Fixture.options(chunkSize: 1 << 22))
        let chunked = try Fixture.validate(Self.tricky, options: Fixture.options(chunkSize: chunkSize))
        #expect(chunked.issues == reference.issues)
        #expect(chunked.report == reference.report)
        #expect(reference.report.records == 304)
        #expect(!reference.issues.with(rule: "record.duplicate-key").isEmpty)
        #expect(reference.issues.with(rule: "input.broken-quote").count == 1)
        #expect(reference.issues.with(rule: "input.ragged-row").count == 1)
    }

    @Test func aQuotedLineEndAtAChunkBoundaryIsJoined() throws {
        // Chunk sizes around the first quoted line end, so that some split inside the quotes.
        let text = Fixture.siteCSV([[:], ["note": "甲\n乙\n丙"], ["name": ""]])
        let reference = try Fixture.validate(text)
        #expect(reference.issues.summary == ["field.required@3"])
        for chunkSize in 64...200 {
            let chunked = try Fixture.validate(text, options: Fixture.options(chunkSize: chunkSize))
            #expect(chunked.issues == reference.issues, "chunk size \(chunkSize)")
        }
    }

    @Test func oneAndTwoWorkersAgree() async throws {
        var generator = try SyntheticRecordGenerator(
            standard: Fixture.standard, entity: "site", asOf: Fixture.asOf, seed: 99)
        var lines = [Fixture.csvLine(generator.header)]
        for index in 0..<3000 {
            var values = generator.record(index)
            if index % 97 == 5 { values[2] = "" }
            lines.append(Fixture.csvLine(values))
        }
        let text =
            lines.joined(separator: "\n") + "\n"
            + Self.tricky.split(separator: "\n").dropFirst().joined(separator: "\n")
        let one = try await Fixture.validateConcurrently(text, options: Fixture.options(chunkSize: 4096, workers: 1))
        let two = try await Fixture.validateConcurrently(text, options: Fixture.options(chunkSize: 4096, workers: 2))
        let four = try await Fixture.validateConcurrently(text, options: Fixture.options(chunkSize: 999, workers: 4))
        let inline = try Fixture.validate(text, options: Fixture.options(chunkSize: 1 << 20))
        #expect(one.issues == two.issues)
        #expect(one.report == two.report)
        #expect(four.issues == one.issues)
        #expect(inline.issues == one.issues)
        #expect(inline.report == one.report)
        #expect(one.report.records > 3000)
    }
}
