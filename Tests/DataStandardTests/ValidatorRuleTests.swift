import Testing

@testable import DataStandard

/// Every cross-field rule kind, with and without `when`.
struct ValidatorRuleTests {
    typealias Fixture = ValidatorFixture

    func rules(_ change: [String: String]) throws -> [String] {
        try Fixture.validate(Fixture.siteCSV([change])).issues.filter { $0.ruleID.hasPrefix("R-") }.map(\.ruleID)
    }

    @Test func compareHoldsWhenBothArePresent() throws {
        #expect(try rules(["opened": "2025-01-02", "closed": "2025-01-01"]) == ["R-CMP"])
        #expect(try rules(["opened": "2025-01-01", "closed": "2025-01-01"]).isEmpty)
        #expect(try rules(["closed": ""]).isEmpty, "not checked when a side is empty")
        let found = try Fixture.validate(Fixture.siteCSV([["opened": "2025-01-02", "closed": "2025-01-01"]])).issues
        #expect(found[0].field == "opened")
        #expect(found[0].message.zh == "启用日期晚于停用日期")
        #expect(found[0].value == "2025-01-02")
    }

    @Test func compareOperatorsOnNumbersDatesAndDatetimes() throws {
        let standard = StandardSpec(
            id: "t", version: "1", title: .init(zh: "t", en: "t"),
            entities: [
                EntitySpec(
                    id: "pair", name: .init(zh: "对", en: "pair"), key: ["id"],
                    fields: [
                        FieldSpec(id: "id", name: .init(zh: "编号", en: "id"), type: .string),
                        FieldSpec(id: "a", name: .init(zh: "甲", en: "a"), type: .decimal),
                        FieldSpec(id: "b", name: .init(zh: "乙", en: "b"), type: .decimal),
                        FieldSpec(id: "d", name: .init(zh: "日", en: "d"), type: .date),
                        FieldSpec(id: "t", name: .init(zh: "时", en: "t"), type: .datetime),
                    ],
                    rules: ComparisonOperator.allCases.map { op in
                        RuleSpec(
                            id: op.rawValue, kind: .compare(left: "a", op: op, right: "b"),
                            message: .init(zh: op.rawValue, en: op.rawValue))
                    } + [
                        RuleSpec(
                            id: "dt", kind: .compare(left: "d", op: .le, right: "t"), message: .init(zh: "dt", en: "dt")
                        )
                    ])
            ], codeTables: [:], exchange: ExchangeSpec(header: []))
        func failing(_ a: String, _ b: String, _ d: String = "", _ t: String = "") throws -> Set<String> {
            let validator = try RecordValidator(standard: standard, entity: "pair")
            var failed = Set<String>()
            _ = try validator.validate([
                ValidationInput(entity: "pair", bytes: Array("id,a,b,d,t\n1,\(a),\(b),\(d),\(t)\n".utf8), name: "p.csv")
            ]) { failed.insert($0.ruleID) }
            return failed
        }
        #expect(try failing("1", "2") == ["eq", "ge", "gt"])
        #expect(try failing("2", "2") == ["lt", "ne", "gt"])
        #expect(try failing("1e1", "9.5") == ["lt", "le", "eq"])
        // A date is midnight, Beijing time: 2025-01-02 ≤ 2025-01-02T00:00:00+08:00, but not ≤ 2025-01-01T23:00:00Z.
        #expect(try failing("", "", "2025-01-02", "2025-01-02T00:00:00+08:00").isEmpty)
        #expect(try failing("", "", "2025-01-02", "2025-01-01T15:59:59Z") == ["dt"])
        #expect(try failing("", "", "2025-01-02", "2025-01-01T16:00:00Z").isEmpty)
    }

    @Test func requiredIfAppliesOnlyWhenTheConditionHolds() throws {
        #expect(try rules(["permit": "", "level": "1"]) == ["R-REQ"])
        #expect(try rules(["permit": "", "level": "2"]) == ["R-REQ"])
        #expect(try rules(["permit": "", "level": "3"]).isEmpty)
        #expect(try rules(["permit": "", "level": ""]).isEmpty)
    }

    @Test func conditionsOnBooleansAcceptEverySpelling() throws {
        for truth in ["true", "TRUE", "1", "是"] {
            #expect(try rules(["mn": "", "active": truth]) == ["R-ACT"], "\(truth)")
        }
        for falsehood in ["false", "0", "否", ""] {
            #expect(try rules(["mn": "", "active": falsehood]).isEmpty, "\(falsehood)")
        }
    }

    @Test func presentConditions() throws {
        #expect(try rules(["industry": ""]) == ["R-PRS"])
        #expect(try rules(["industry": "", "pollutant": ""]).isEmpty)
    }

    @Test func atLeastOneAndItsSeverity() throws {
        let found = try Fixture.validate(Fixture.siteCSV([["phone": "", "note": ""]])).issues
        #expect(found.map(\.ruleID) == ["R-ONE"])
        #expect(found[0].severity == .warning)
        #expect(try rules(["phone": ""]).isEmpty)
    }

    @Test func exclusiveFields() throws {
        #expect(try rules(["outlet": "DA001"]) == ["R-EXC"])
        #expect(try rules(["outlet": "DA001", "permit": "", "level": "3"]).isEmpty)
    }

    @Test func withinDivision() throws {
        #expect(try rules(["division_code": "510704"]) == ["R-DIV"], "游仙区 is in 绵阳市, not 成都市")
        #expect(try rules(["city_code": "510000"]).isEmpty, "a province contains its counties")
        #expect(try rules(["city_code": "510104"]).isEmpty, "a county contains itself")
        #expect(try rules(["city_code": ""]).isEmpty)
    }

    @Test func prefix() throws {
        #expect(try rules(["permit": Fixture.usccMianyang + "001P", "uscc": Fixture.usccJinjiang]) == ["R-PRE"])
    }

    @Test func usccDivision() throws {
        let found = try Fixture.validate(
            Fixture.siteCSV([["uscc": Fixture.usccBeijing, "permit": Fixture.usccBeijing + "001P"]])
        ).issues
        #expect(found.map(\.ruleID) == ["R-USC"])
        #expect(found[0].severity == .warning)
        #expect(try rules(["uscc": Fixture.usccMianyang, "permit": Fixture.usccMianyang + "001P"]).isEmpty)
    }

    @Test func consistencyCountsRecordsPassingEveryRule() throws {
        let (report, _) = try Fixture.validate(Fixture.siteCSV([[:], ["outlet": "DA001"], ["opened": "2026-01-01"]]))
        let consistency = try #require(report.quality.entity("site")?.consistency)
        #expect(consistency.numerator == 1 && consistency.denominator == 3)
    }
}
