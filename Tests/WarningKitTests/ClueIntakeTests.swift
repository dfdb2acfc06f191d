import EnforcementModel
import Foundation
import Testing
import WarningKit

/// Normalising clues from every source into the standard's `clue`, with the shipped policy.
struct ClueIntakeTests {
    static func configuration() throws -> ClueConfiguration {
        try ClueConfiguration.load(file: AlertConfigurationTests.specs.appendingPathComponent("crosscheck/clues.yaml"))
    }

    static let directory = ClueEntityDirectory(entries: [
        "SC5106820001": .init(
            name: "什邡川西磷化工有限公司", uscc: "91510682MA67UHKB1H", address: "四川省德阳市什邡市港口路608号",
            divisionCode: "510682", medium: "A"),
        "SC5106810001": .init(name: "广汉三星表面处理有限公司", divisionCode: "510681", medium: "A"),
    ])

    static func intake(existing: [String] = []) throws -> ClueIntake {
        ClueIntake(policy: try configuration().intake, directory: directory, existingIDs: existing)
    }

    static let report12369 = ClueSourceRecord(
        entity: "report_12369",
        fields: [
            "report_no": "12369202611228109", "channel": "1", "received_at": "2026-11-22 10:14:00",
            "anonymous": "false",
            "reporter_name": "肖德明", "reporter_phone": "13722096232", "reported_object": "成都武侯蓉清水务有限公司",
            "entity_code": "SC5101070001", "address": "四川省成都市武侯区", "city_code": "510100",
            "division_code": "510107", "medium": "A", "violation_type": "0303", "content": "夜间排放刺鼻气味",
            "status": "1",
        ])

    @Test func the12369ReportBecomesAClue() throws {
        var intake = try Self.intake()
        let clue = try intake.normalize(Self.report12369).clue
        #expect(clue.clueId == "XS510107202611220001")
        #expect(clue.source == "01")
        #expect(clue.sourceRef == "12369202611228109")
        #expect(clue.receivedAt.description == "2026-11-22 10:14:00")
        #expect(clue.objectName == "成都武侯蓉清水务有限公司")
        #expect(clue.entityCode == "SC5101070001")
        #expect(clue.cityCode.stringValue == "510100" && clue.divisionCode.stringValue == "510107")
        #expect(clue.medium == "A" && clue.violationType == "0303")
        #expect(clue.summary == "夜间排放刺鼻气味")
        #expect(clue.severity == "2")
        #expect(clue.reporterName == "肖德明" && clue.reporterPhone == "13722096232")
        #expect(clue.status == "01")
        #expect(try intake.normalize(Self.report12369).clue.clueId == "XS510107202611220002")
    }

    @Test func idsContinueAfterTheTakenOnesAndDoNotDependOnTheOrder() throws {
        var continued = try Self.intake(existing: ["XS510107202611220007", "XS510107202611210042", "junk"])
        #expect(try continued.normalize(Self.report12369).clue.clueId == "XS510107202611220008")

        var later = Self.report12369
        later.fields["report_no"] = "12369202611229999"
        later.fields["received_at"] = "2026-11-22 18:00:00"
        var forward = try Self.intake()
        var backward = try Self.intake()
        let a = forward.normalize([.record(Self.report12369), .record(later)])
        let b = backward.normalize([.record(later), .record(Self.report12369)])
        #expect(a.clues.map(\.clue.clueId) == ["XS510107202611220001", "XS510107202611220002"])
        #expect(b.clues.map(\.clue.clueId) == ["XS510107202611220002", "XS510107202611220001"])
        #expect(a.errors.isEmpty && b.errors.isEmpty)
    }

    @Test func anAutomaticMonitoringAlarmTakesItsObjectFromTheDirectory() throws {
        var intake = try Self.intake()
        let normalized = try intake.normalize(
            ClueSourceRecord(
                entity: "auto_monitoring_alarm",
                fields: [
                    "alarm_id": "BJ20261125030001", "point_code": "SC5106820001-DA001", "entity_code": "SC5106820001",
                    "pollutant_code": "a21026", "alarm_type": "01", "alarm_time": "2026-11-25 03:00:00",
                    "alarm_value": "412.5", "limit_value": "200", "status": "01", "division_code": "510682",
                ]))
        let clue = normalized.clue
        #expect(clue.source == "03")
        #expect(clue.objectName == "什邡川西磷化工有限公司")
        #expect(clue.address == "四川省德阳市什邡市港口路608号")
        #expect(clue.cityCode.stringValue == "510600")
        #expect(clue.medium == "A" && clue.violationType == "0301")
        #expect(clue.occurredAt == clue.receivedAt)
        #expect(clue.summary.contains("412.5"))
        #expect(normalized.uscc == "91510682MA67UHKB1H")
        #expect(clue.clueId == "XS510682202611250001")
    }

    @Test func electricityAlarmsTakeTheirSeverityFromTheLevel() throws {
        var intake = try Self.intake()
        let clue = try intake.normalize(
            ClueSourceRecord(
                entity: "power_alarm",
                fields: [
                    "alarm_id": "YDBJ20261126001", "entity_code": "SC5106810001", "alarm_type": "04", "level": "2",
                    "alarm_start": "2026-11-26 09:00:00", "alert_level": "1", "description": "红色预警期间生产负荷超限",
                    "status": "01", "division_code": "510681",
                ])
        ).clue
        #expect(clue.source == "04")
        #expect(clue.severity == "3")
        #expect(clue.violationType == "0305")
        #expect(clue.objectName == "广汉三星表面处理有限公司")
    }

    @Test func ordersReportsAndPublicReportsKeepTheirReferences() throws {
        var intake = try Self.intake()
        let order = try intake.normalize(
            ClueSourceRecord(
                entity: "e_supervision_order",
                fields: [
                    "order_no": "DB202611250001", "entity_code": "SC5106820001", "uscc": "91510682MA67UHKB1H",
                    "entity_name": "什邡川西磷化工有限公司", "issue_type": "04", "content": "数据连续6小时恒值",
                    "issued_by": "德阳市生态环境局", "issued_at": "2026-11-25 10:00:00", "deadline": "2026-11-28 10:00:00",
                    "status": "1", "division_code": "510682",
                ]))
        #expect(order.clue.source == "05" && order.clue.violationType == "0504" && order.clue.severity == "2")
        let report = try intake.normalize(
            ClueSourceRecord(
                entity: "public_report",
                fields: [
                    "report_id": "JB202611230001", "channel": "3", "submitted_at": "2026-11-23 08:30:00",
                    "anonymous": "true", "reward_requested": "true", "object_name": "成都武侯蓉清水务有限公司",
                    "address": "四川省成都市武侯区", "city_code": "510100", "division_code": "510107", "medium": "A",
                    "content": "夜间异味，附照片", "review_status": "1",
                ],
                evidence: ["JB202611230001-01.jpg", "JB202611230001-02.jpg"]))
        #expect(report.clue.source == "06")
        #expect(report.evidence == ["JB202611230001-01.jpg", "JB202611230001-02.jpg"])
        let hotline = try intake.normalize(
            ClueSourceRecord(
                entity: "hotline_12345",
                fields: [
                    "ticket_no": "SC12345-20261122-0001", "received_at": "2026-11-22 21:05:00", "appeal_type": "1",
                    "address": "成都市武侯区簇桥街道", "city_code": "510100", "division_code": "510107",
                    "content": "污水处理厂附近异味", "handling_dept": "武侯生态环境局", "status": "1",
                ]))
        #expect(hotline.clue.source == "02" && hotline.clue.objectName == "成都市武侯区簇桥街道")
    }

    @Test func aWarningBecomesAClueOfSource07() throws {
        var intake = try Self.intake()
        let warning = Warning(
            ruleID: "crosscheck.power.control-off", ruleVersion: "1.0", type: "12", level: .orange, point: "GH-TA001",
            pollutant: nil, triggeredAt: 1_795_654_800, windowStart: 1_795_653_900, windowEnd: 1_795_654_800,
            description: "生产设施运行期间治污设施停运", descriptionEN: "Treatment off",
            labels: ["entity": "SC5106810001", "division": "510681"])
        let clue = try intake.normalize(warning, id: "YJ510681202611260001").clue
        #expect(clue.source == "07")
        #expect(clue.sourceRef == "YJ510681202611260001")
        #expect(clue.receivedAt.description == "2026-11-26 09:00:00")
        #expect(clue.occurredAt?.description == "2026-11-26 08:45:00")
        #expect(clue.objectName == "广汉三星表面处理有限公司")
        #expect(clue.medium == "A" && clue.violationType == "0702" && clue.severity == "3")
        #expect(clue.clueId == "XS510681202611260001")
    }

    @Test func badRecordsGiveLocatedErrors() throws {
        var intake = try Self.intake()
        var record = Self.report12369
        record.fields["content"] = " "
        record.place = .init(file: "12369.csv", line: 4)
        #expect {
            _ = try intake.normalize(record)
        } throws: { error in
            guard let error = error as? ClueError else { return false }
            return error.code == .missingField && error.field == "content" && error.entity == "report_12369"
                && error.place.recordKey == "12369202611228109" && error.description.hasPrefix("12369.csv:4:")
        }
        #expect(throws: ClueError.self) {
            _ = try intake.normalize(ClueSourceRecord(entity: "permit", fields: [:]))
        }
        let lost = Warning(
            ruleID: "r", ruleVersion: "1", type: "01", level: .red, point: "P", pollutant: "a21026", triggeredAt: 0,
            windowStart: 0, windowEnd: 0, description: "d", descriptionEN: "d")
        let batch = intake.normalize([.warning(lost, id: nil), .record(Self.report12369)])
        #expect(batch.clues.count == 1)
        #expect(batch.errors.map(\.field) == ["division_code"])
    }

    @Test func fromEverySourceIntoOneGroup() throws {
        var intake = try Self.intake()
        let warning = Warning(
            ruleID: "sichuan.exceedance.hourly", ruleVersion: "1.0", type: "01", level: .red,
            point: "SC5106820001-DA001",
            pollutant: "a21026", triggeredAt: 1_795_543_200, windowStart: 1_795_539_600, windowEnd: 1_795_543_200,
            description: "二氧化硫小时折算浓度超标", descriptionEN: "SO2 hourly exceedance",
            labels: ["entity": "SC5106820001", "division": "510682"])
        let alarm = ClueSourceRecord(
            entity: "auto_monitoring_alarm",
            fields: [
                "alarm_id": "BJ20261125030001", "point_code": "SC5106820001-DA001", "entity_code": "SC5106820001",
                "pollutant_code": "a21026", "alarm_type": "01", "alarm_time": "2026-11-25 03:00:00", "status": "01",
                "division_code": "510682",
            ])
        let order = ClueSourceRecord(
            entity: "e_supervision_order",
            fields: [
                "order_no": "DB202611250001", "entity_code": "SC5106820001", "uscc": "91510682MA67UHKB1H",
                "entity_name": "什邡川西磷化工有限公司", "issue_type": "01", "content": "二氧化硫超标，请核查",
                "issued_by": "德阳市生态环境局", "issued_at": "2026-11-25 10:00:00", "deadline": "2026-11-28 10:00:00",
                "status": "1", "division_code": "510682",
            ])
        let (clues, errors) = intake.normalize([.record(alarm), .record(order), .warning(warning, id: nil)])
        #expect(errors.isEmpty)
        let policy = try Self.configuration().merge
        let result = ClueMerger(policy: policy).merge(clues, now: 1_796_000_000)
        #expect(result.groups.count == 1)
        #expect(result.groups.first?.sources == ["03", "05", "07"])
        // The warning (02:00) came first and is the primary.
        #expect(result.groups.first?.primary == clues[2].clue.clueId)
    }
}
