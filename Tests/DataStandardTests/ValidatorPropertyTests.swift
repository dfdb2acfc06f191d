import EnforcementModel
import Foundation
import Testing

@_spi(Benchmark) @testable import DataStandard

/// Seeded random records with planted defects: every planted defect is found, and records without one have no
/// finding at all.
struct ValidatorPropertyTests {
    typealias Fixture = ValidatorFixture

    static func check(
        standard: StandardSpec, entity: String, seed: UInt64, rows: Int, defects: Int, chunkSize: Int
    ) throws {
        var generator = try SyntheticRecordGenerator(standard: standard, entity: entity, asOf: Fixture.asOf, seed: seed)
        let plan = generator.defectPlan(rows: rows, count: defects)
        var lines = [Fixture.csvLine(generator.header)]
        var planted: [Int: SyntheticRecordGenerator.Defect] = [:]
        var first: [String] = []
        for index in 0..<rows {
            var values = generator.record(index)
            if index == 0 { first = values }
            if let defect = plan[index] {
                planted[index + 1] = generator.plant(
                    defect.kind, slot: defect.slot, in: &values, recordNumber: index + 1, earlierRecord: first)
            }
            lines.append(Fixture.csvLine(values))
        }
        let validator = try RecordValidator(
            standard: standard, entity: entity, options: Fixture.options(chunkSize: chunkSize))
        var found = Set<Int>()
        var falsePositives: [ValidationIssue] = []
        _ = try validator.validate([
            ValidationInput(entity: entity, bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: "p.csv")
        ]) { issue in
            guard let record = issue.recordNumber, let defect = planted[record] else {
                falsePositives.append(issue)
                return
            }
            if issue.ruleID == defect.ruleID && (issue.field == defect.field || defect.kind == "duplicate-key") {
                found.insert(record)
            }
        }
        #expect(falsePositives.isEmpty, "seed \(seed): \(falsePositives.prefix(5))")
        let missed = planted.values.filter { !found.contains($0.recordNumber) }
        #expect(missed.isEmpty, "seed \(seed): missed \(missed.prefix(5))")
        #expect(Set(planted.values.map(\.kind)).count >= min(defects, 4), "defect kinds in turn")
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func plantedDefectsAreFoundWithoutFalsePositives(seed: UInt64) throws {
        try Self.check(
            standard: Fixture.standard, entity: "site", seed: seed, rows: 1500, defects: 60,
            chunkSize: 1000 + Int(seed) * 777)
    }

    static var sichuan: StandardSpec? {
        try? StandardLoader().load(directory: StandardLoader.defaultStandardDirectory())
    }

    @Test(.enabled(if: sichuan != nil, "the Sichuan standard loads"), arguments: [11, 12] as [UInt64])
    func theRealRegulatedEntityStandard(seed: UInt64) throws {
        let standard = try #require(Self.sichuan)
        try Self.check(
            standard: standard, entity: "regulated_entity", seed: seed, rows: 2000, defects: 80, chunkSize: 64 * 1024)
    }
}
