import DataStandard
import Foundation
import Testing

/// Rules of the Sichuan standard that encode the law, checked on records of the real standard.
struct SichuanRuleTests {
    static func findings(_ entity: String, _ jsonLines: String) throws -> [ValidationIssue] {
        let standard = try #require(EntityDriftTests.standard)
        let validator = try RecordValidator(standard: standard, entity: entity, options: ValidatorFixture.options())
        var issues: [ValidationIssue] = []
        _ = try validator.validate([ValidationInput(entity: entity, bytes: Array(jsonLines.utf8), name: "in.jsonl")]) {
            issues.append($0)
        }
        return issues
    }

    static func penaltyCase(_ number: String, handlers: (String, String)) -> String {
        """
        {"case_no":"\(number)","case_name":"超标排放案","stage":"investigating","procedure":"1","party_name":"某化工有限公司","party_uscc":"91130200699229617X",\
        "violation_type":"0102","agency_code":"51010001","handler_1":"\(handlers.0)","handler_2":"\(handlers.1)",\
        "filed_date":"2024-03-01","city_code":"510100","division_code":"510104"}
        """
    }

    @Test func aPenaltyCaseNeedsTwoDifferentOfficers() throws {
        let input = [
            Self.penaltyCase("川成环罚〔2024〕1号", handlers: ("OF-0001", "OF-0002")),
            Self.penaltyCase("川成环罚〔2024〕2号", handlers: ("OF-0001", "OF-0001")),
        ].joined(separator: "\n")
        let issues = try Self.findings("penalty_case", input)
        let twoOfficers = issues.filter { $0.ruleID == "CAS-R20" }
        #expect(twoOfficers.map(\.recordNumber) == [2])
        #expect(twoOfficers.first?.message.zh.contains("第四十二条") == true)
        #expect(issues.filter { $0.recordNumber == 1 && $0.severity == .error }.isEmpty, "\(issues)")
    }
}
