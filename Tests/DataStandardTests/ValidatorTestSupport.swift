import EnforcementModel
import Foundation
import Testing

@_spi(Benchmark) @testable import DataStandard

/// A small standard built in Swift that exercises every field type, constraint and rule kind.
enum ValidatorFixture {
    static func name(_ zh: String, _ en: String) -> LocalizedText { LocalizedText(zh: zh, en: en) }

    static let usccJinjiang = SyntheticRecordGenerator.socialCreditCode(division: "510104", index: 1)
    static let usccMianyang = SyntheticRecordGenerator.socialCreditCode(division: "510704", index: 2)
    static let usccBeijing = SyntheticRecordGenerator.socialCreditCode(division: "110105", index: 3)

    static let site = EntitySpec(
        id: "site", name: name("监测站点", "Site"), key: ["site_id"], divisionField: "division_code",
        timeField: "updated_at", maxAgeDays: 30,
        fields: [
            FieldSpec(
                id: "site_id", name: name("站点编号", "Site id"), type: .string, required: true, pattern: "^S[0-9]{4}$"),
            FieldSpec(
                id: "company_id", name: name("单位编号", "Company id"), type: .string, required: true,
                reference: FieldReference(entity: "company", field: "company_id")),
            FieldSpec(
                id: "name", name: name("站点名称", "Name"), type: .string, required: true,
                length: LengthRange(min: 2, max: 10)),
            FieldSpec(id: "uscc", name: name("统一社会信用代码", "USCC"), type: .uscc),
            FieldSpec(id: "org_code", name: name("组织机构代码", "Organisation code"), type: .organizationCode),
            FieldSpec(id: "owner_id", name: name("负责人身份证号", "Owner id"), type: .idCard, sensitive: true),
            FieldSpec(id: "division_code", name: name("所属区县", "County"), type: .division, required: true),
            FieldSpec(id: "city_code", name: name("所属市州", "City"), type: .division),
            FieldSpec(id: "industry", name: name("行业", "Industry"), type: .industry),
            FieldSpec(id: "pollutant", name: name("污染物", "Pollutant"), type: .pollutant),
            FieldSpec(id: "permit", name: name("许可证编号", "Permit"), type: .permitNumber),
            FieldSpec(id: "outlet", name: name("排放口", "Outlet"), type: .outletCode),
            FieldSpec(id: "mn", name: name("设备MN", "MN"), type: .mn),
            FieldSpec(id: "level", name: name("管理类别", "Level"), type: .code, codeTable: "level"),
            FieldSpec(
                id: "capacity", name: name("处理能力", "Capacity"), type: .integer, unit: "t/d",
                range: NumericRange(min: 0, max: 1000)),
            FieldSpec(
                id: "emission", name: name("排放浓度", "Emission"), type: .decimal, unit: "mg/m3",
                range: NumericRange(min: 0, max: 50), severity: .warning),
            FieldSpec(id: "active", name: name("是否在用", "Active"), type: .boolean),
            FieldSpec(id: "opened", name: name("启用日期", "Opened"), type: .date),
            FieldSpec(id: "closed", name: name("停用日期", "Closed"), type: .date),
            FieldSpec(id: "updated_at", name: name("更新时间", "Updated at"), type: .datetime),
            FieldSpec(
                id: "phone", name: name("联系电话", "Phone"), type: .string, pattern: "^1[3-9][0-9]{9}$", sensitive: true),
            FieldSpec(id: "serial", name: name("序列号", "Serial"), type: .string, unique: true),
            FieldSpec(id: "note", name: name("备注", "Note"), type: .text, length: LengthRange(max: 20)),
        ],
        rules: [
            RuleSpec(
                id: "R-CMP", kind: .compare(left: "opened", op: .le, right: "closed"),
                message: name("启用日期晚于停用日期", "opened after closed")),
            RuleSpec(
                id: "R-REQ", kind: .requiredIf(field: "permit"),
                condition: RuleCondition(field: "level", values: ["1", "2"]),
                message: name("重点管理须有许可证", "key units need a permit")),
            RuleSpec(
                id: "R-ONE", kind: .atLeastOne(fields: ["phone", "note"]), severity: .warning,
                message: name("至少填写电话或备注", "phone or note expected")),
            RuleSpec(
                id: "R-EXC", kind: .exclusive(fields: ["permit", "outlet"]),
                message: name("许可证与排放口不能同时填写", "permit or outlet, not both")),
            RuleSpec(
                id: "R-DIV", kind: .withinDivision(field: "division_code", container: "city_code"),
                message: name("区县不在市州内", "county outside city")),
            RuleSpec(
                id: "R-PRE", kind: .prefix(field: "permit", prefixField: "uscc"),
                message: name("许可证编号应以信用代码开头", "permit must start with USCC")),
            RuleSpec(
                id: "R-USC", kind: .usccDivision(field: "uscc", divisionField: "division_code"), severity: .warning,
                message: name("信用代码登记地不在本省", "USCC registered outside the province")),
            RuleSpec(
                id: "R-ACT", kind: .requiredIf(field: "mn"),
                condition: RuleCondition(field: "active", values: ["true"]),
                message: name("在用站点须有MN", "active sites need an MN")),
            RuleSpec(
                id: "R-PRS", kind: .requiredIf(field: "industry"),
                condition: RuleCondition(field: "pollutant", present: true),
                message: name("有污染物须填行业", "a pollutant needs an industry")),
        ])

    static let company = EntitySpec(
        id: "company", name: name("单位", "Company"), key: ["company_id"],
        fields: [
            FieldSpec(
                id: "company_id", name: name("单位编号", "Company id"), type: .string, required: true,
                pattern: "^C[0-9]{3}$"),
            FieldSpec(id: "name", name: name("单位名称", "Name"), type: .string, required: true),
            FieldSpec(
                id: "parent_id", name: name("上级单位", "Parent"), type: .string,
                reference: FieldReference(entity: "company", field: "company_id")),
        ])

    static func table(_ id: String, _ entries: [CodeEntry]) -> CodeTable {
        CodeTable(id: id, name: name(id, id), entries: entries)
    }

    static func code(_ code: String, _ zh: String, deprecated: Bool = false, replacedBy: String? = nil) -> CodeEntry {
        CodeEntry(code: code, name: name(zh, zh), deprecated: deprecated, replacedBy: replacedBy)
    }

    static let standard = StandardSpec(
        id: "test-standard", version: "1.0", title: name("测试标准", "Test standard"), entities: [site, company],
        codeTables: [
            "level": table(
                "level",
                [
                    code("1", "重点"), code("2", "简化"), code("3", "登记"),
                    code("9", "旧类别", deprecated: true, replacedBy: "3"),
                ]),
            "division": table(
                "division",
                [
                    code("510000", "四川省"), code("510100", "成都市"), code("510104", "锦江区"), code("510106", "金牛区"),
                    code("510116", "双流区"), code("510122", "双流县", deprecated: true, replacedBy: "510116"),
                    code("510700", "绵阳市"), code("510704", "游仙区"), code("110100", "市辖区"), code("110105", "朝阳区"),
                ]),
            "industry": table(
                "industry",
                [
                    code("C", "制造业"), code("26", "化学原料"), code("261", "基础化学"), code("2614", "有机化学原料"),
                    code("4411", "火力发电"),
                ]),
            "pollutant": table(
                "pollutant",
                [
                    code("a21026", "二氧化硫"), code("w01018", "化学需氧量"),
                    code("011", "COD（旧）", deprecated: true, replacedBy: "w01018"),
                ]),
        ],
        exchange: ExchangeSpec(header: []),
        namespaces: [ExtensionNamespace(id: "cd", division: "510100", name: name("成都", "Chengdu"))])

    /// A valid site record.
    static var validSite: [String: String] {
        [
            "site_id": "S0001", "company_id": "C001", "name": "锦江站", "uscc": usccJinjiang,
            "org_code": SyntheticRecordGenerator.organizationCode(index: 7),
            "owner_id": "11010519491231002X", "division_code": "510104", "city_code": "510100", "industry": "2614",
            "pollutant": "a21026", "permit": usccJinjiang + "001P", "outlet": "", "mn": "010000A8900016F000169DC0",
            "level": "1", "capacity": "500", "emission": "12.5", "active": "true", "opened": "2024-01-01",
            "closed": "2025-01-01", "updated_at": "2026-11-20 10:00:00", "phone": "13800138000", "serial": "SN-1",
            "note": "备注",
        ]
    }

    static let siteColumns = site.fields.map(\.id)

    static func csvLine(_ values: [String]) -> String {
        values.map { value in
            value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }.joined(separator: ",")
    }

    /// A CSV of site records; each record starts from the valid one, with `changes` applied, and a distinct key.
    static func siteCSV(_ changes: [[String: String]], columns: [String] = siteColumns) -> String {
        var lines = [csvLine(columns)]
        for (index, change) in changes.enumerated() {
            var record = validSite
            record["site_id"] = "S" + String(format: "%04d", index + 1)
            record["serial"] = "SN-\(index + 1)"
            for (key, value) in change { record[key] = value }
            lines.append(csvLine(columns.map { record[$0] ?? "" }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let asOf: CivilDate = {
        do { return try CivilDate("2026-11-29") } catch { return CivilDate(daysSinceEpoch: 20_786) }
    }()

    static func options(
        chunkSize: Int = 4 << 20, workers: Int = 2, encoding: InputEncoding = .automatic, asOf: CivilDate? = asOf
    ) -> RecordValidator.Options {
        RecordValidator.Options(asOf: asOf, encoding: encoding, workers: workers, chunkSize: chunkSize)
    }

    /// Validates text as one input of an entity, synchronously; returns the report and every issue.
    static func validate(
        _ text: String, entity: String = "site", name: String = "input.csv",
        options: RecordValidator.Options = options()
    ) throws -> (report: ValidationReport, issues: [ValidationIssue]) {
        try validate(bytes: Array(text.utf8), entity: entity, name: name, options: options)
    }

    static func validate(
        bytes: [UInt8], entity: String = "site", name: String = "input.csv",
        options: RecordValidator.Options = options()
    ) throws -> (report: ValidationReport, issues: [ValidationIssue]) {
        let validator = try RecordValidator(standard: standard, entity: entity, options: options)
        var issues: [ValidationIssue] = []
        let report = try validator.validate([ValidationInput(entity: entity, bytes: bytes, name: name)]) {
            issues.append($0)
        }
        return (report, issues)
    }

    /// The same, with the parallel `async` form.
    static func validateConcurrently(
        _ text: String, entity: String = "site", name: String = "input.csv", options: RecordValidator.Options
    ) async throws -> (report: ValidationReport, issues: [ValidationIssue]) {
        let validator = try RecordValidator(standard: standard, entity: entity, options: options)
        var issues: [ValidationIssue] = []
        let report = try await validator.validate([ValidationInput(entity: entity, bytes: Array(text.utf8), name: name)]
        ) {
            issues.append($0)
        }
        return (report, issues)
    }
}

extension Array where Element == ValidationIssue {
    /// `ruleID@record` of each issue, for compact expectations.
    var summary: [String] { map { "\($0.ruleID)@\($0.recordNumber.map(String.init) ?? "-")" } }

    func with(rule: String) -> [ValidationIssue] { filter { $0.ruleID == rule } }
}
