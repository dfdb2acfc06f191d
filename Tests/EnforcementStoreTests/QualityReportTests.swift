import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation
import Testing

/// Records of Examples/sample-data, stored in a store, with the counts a report on them must give.
///
/// Division 510100 (成都市) holds, by the end of `fill`:
///
/// | commit | time (Beijing) | source | records |
/// |---|---|---|---|
/// | 1 | 2026-06-01 10:00 | `import:<a&b>.csv` | regulated_entity SC5101130001, SC5101130002 (and SC5107040001 of 绵阳, out of scope) |
/// | 1 | 2026-06-01 10:00 | `import:agency.csv` | agency 51010001, whose parent 51000001 (the province's corps) is out of scope |
/// | 2 | 2026-09-01 10:00 | `batch:B-1` | regulated_entity SC5101820001, SC5101140001 with its required `name` emptied |
/// | 2 | 2026-09-01 10:00 | `import:permit.csv` | permits of SC5101130001 and SC5101130002 |
/// | 2 | 2026-09-01 10:00 | `import:defects.csv` | quarantined: SC5101810098 (RE-R04: control level 1 without a permit number) |
///
/// plus a quarantined record of 绵阳 (out of scope), a quarantined record resolved by commit 3, an open ticket of
/// SC5101810098, a re-checked ticket, and an open ticket of 绵阳.
enum QualityFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schema = TestEnvironment.schema
    static let asOf: CivilDate = {
        do {
            return try CivilDate("2026-11-29")
        } catch {
            fatalError("\(error)")
        }
    }()

    static func time(_ text: String) throws -> Int64 { Int64(try LocalDateTime(text).secondsSinceEpoch) }

    /// The rows of a sample CSV file by their first column (the files have no quoted cells).
    static func rows(_ file: String) throws -> [String: [String: String]] {
        let text = try String(
            contentsOf: repository.appendingPathComponent("Examples/sample-data/\(file)"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        #expect(!text.contains("\""), "\(file) has quoted cells")
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var rows: [String: [String: String]] = [:]
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == header.count, "\(file): \(line)")
            var row: [String: String] = [:]
            for (field, cell) in zip(header, cells) where !cell.isEmpty { row[field] = cell }
            rows[cells[0]] = row
        }
        return rows
    }

    static func write(_ entity: String, _ row: [String: String], source: String) throws -> RecordWrite {
        let table = try #require(schema.table(entity))
        let values = RecordContent.canonical(table.fieldIDs.map { row[$0] }, table: table)
        return RecordWrite(
            entity: entity, key: try #require(RecordContent.key(values, table: table)),
            division: table.divisionSlot.flatMap { values[$0] }, values: values,
            hash: RecordContent.hash(values, table: table), standardVersion: schema.standard.version, source: source)
    }

    static func issue(_ entity: String, field: String?, rule: String, zh: String, en: String) -> ValidationIssue {
        ValidationIssue(
            file: "defects.csv", recordNumber: 1, line: 2, entity: entity, field: field, ruleID: rule,
            severity: .error, message: LocalizedText(zh: zh, en: en))
    }

    static func quarantined(
        _ id: String, _ row: [String: String], source: String, recordNumber: Int, issues: [ValidationIssue], at: Int64
    ) -> QuarantineEntry {
        QuarantineEntry(
            id: id, entity: "regulated_entity", key: row["entity_code"], division: row["division_code"], source: source,
            recordNumber: recordNumber, line: recordNumber + 1, values: row, issues: issues, quarantinedAt: at)
    }

    static func ticket(
        _ id: String, quarantine: QuarantineEntry, status: TicketStatus, message: LocalizedText, at: Int64
    ) -> Ticket {
        var history = [Ticket.Event(status: .open, at: at, by: "system", note: quarantine.source)]
        if status != .open { history.append(Ticket.Event(status: status, at: at + 30, by: "officer-1", note: "")) }
        return Ticket(
            id: id, quarantineID: quarantine.id, entity: quarantine.entity, key: quarantine.key,
            division: quarantine.division, field: "permit_number", ruleID: "RE-R04", message: message, status: status,
            history: history)
    }

    static let openMessage = LocalizedText(
        zh: "重点管理单位应有排污许可证编号 <缺失>", en: "A key-managed unit must have a permit number <missing>")

    /// Prepares the store and commits the records, quarantine and tickets.
    static func fill(_ store: any RecordStore) async throws {
        _ = try await store.prepare(schema)
        let entities = try rows("regulated_entity.csv")
        let defects = try rows("regulated_entity_with_defects.csv")
        let permits = try rows("permit.csv")
        let agencies = try rows("agency.csv")
        let first = try time("2026-06-01 10:00:00")
        let second = try time("2026-09-01 10:00:00")

        var broken = try #require(entities["SC5101140001"])
        broken["name"] = nil
        let inScope = quarantined(
            "Q-1", try #require(defects["SC5101810098"]), source: "import:defects.csv", recordNumber: 9,
            issues: [
                issue(
                    "regulated_entity", field: "permit_number", rule: "RE-R04", zh: "重点管理单位应有排污许可证编号",
                    en: "A key-managed unit must have a permit number")
            ], at: second)
        let mianyang = quarantined(
            "Q-2", try #require(defects["SC5107040092"]), source: "import:defects.csv", recordNumber: 3,
            issues: [issue("regulated_entity", field: "name", rule: "field.required", zh: "必填", en: "required")],
            at: second)
        let resolved = quarantined(
            "Q-3", try #require(defects["SC5101050090"]), source: "import:defects.csv", recordNumber: 1,
            issues: [issue("regulated_entity", field: nil, rule: "RE-R01", zh: "示例", en: "example")], at: second)

        _ = try await store.commit(
            StoreTransaction(
                writes: [
                    try write("regulated_entity", try #require(entities["SC5101130001"]), source: "import:<a&b>.csv"),
                    try write("regulated_entity", try #require(entities["SC5101130002"]), source: "import:<a&b>.csv"),
                    try write("regulated_entity", try #require(entities["SC5107040001"]), source: "import:<a&b>.csv"),
                    try write("agency", try #require(agencies["51000001"]), source: "import:agency.csv"),
                    try write("agency", try #require(agencies["51010001"]), source: "import:agency.csv"),
                ], now: first))
        _ = try await store.commit(
            StoreTransaction(
                writes: [
                    try write("regulated_entity", try #require(entities["SC5101820001"]), source: "batch:B-1"),
                    try write("regulated_entity", broken, source: "batch:B-1"),
                    try write("permit", try #require(permits["91510113206423017B001P"]), source: "import:permit.csv"),
                    try write("permit", try #require(permits["91510113399008265G001P"]), source: "import:permit.csv"),
                ],
                quarantine: [inScope, mianyang, resolved],
                tickets: [
                    ticket("T-000000000001", quarantine: inScope, status: .open, message: openMessage, at: second),
                    ticket(
                        "T-000000000002", quarantine: resolved, status: .rechecked, message: openMessage, at: second),
                    ticket("T-000000000003", quarantine: mianyang, status: .open, message: openMessage, at: second),
                ], now: second))
        _ = try await store.commit(StoreTransaction(resolvedQuarantine: ["Q-3"], now: second + 60))
    }

    static func reporter(_ store: any RecordStore) -> QualityReporter {
        QualityReporter(store: store, schema: schema, options: RecordValidator.Options(asOf: asOf, workers: 2))
    }

    static let generatedAt: LocalDateTime = {
        do {
            return try LocalDateTime("2026-11-29 09:30:00")
        } catch {
            fatalError("\(error)")
        }
    }()
}

private typealias Ratio = QualitySummary.Ratio

@Suite("QualityReport")
struct QualityReportTests {
    @Test("a division's report: per entity, per source, worst field, quarantine, tickets", arguments: Backend.allCases)
    func divisionReport(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await QualityFixture.fill(store)
            let report = try await QualityFixture.reporter(store).report(
                division: try DivisionCode("510100"), generatedAt: QualityFixture.generatedAt)

            #expect(report.division == "510100")
            #expect(report.divisionName?.zh == "成都市")
            #expect(report.standard == StandardStamp(standard: "sichuan-enforcement", version: "1.0"))
            #expect(report.period == nil)
            #expect(report.asOf == QualityFixture.asOf)
            let entityOrder = QualityFixture.schema.tables.map(\.entity.id)
            #expect(Set(report.entities.map(\.entity)) == ["regulated_entity", "permit", "agency"])
            #expect(report.entities.map(\.entity) == entityOrder.filter(Set(report.entities.map(\.entity)).contains))

            // regulated_entity: 4 stored (SC5107040001 of 绵阳 is out of scope) + 1 quarantined (SC5101810098).
            // 22 core fields (the 6 fields of the cd extension do not count); every record leaves
            // registration_number empty, SC5101140001 its name, SC5101810098 its permit_number: 21+21+21+20+20.
            let entity = try #require(report.entities.first { $0.entity == "regulated_entity" })
            #expect(entity.storedRecords == 4)
            #expect(entity.quarantinedRecords == 1)
            #expect(entity.measure.records == 5)
            #expect(entity.measure.validRecords == 3)
            #expect(entity.measure.completeness == Ratio(103, of: 110))
            #expect(entity.measure.requiredCompleteness == Ratio(54, of: 55))  // 11 required fields, one name empty
            #expect(entity.measure.validity == Ratio(103, of: 103))
            #expect(entity.measure.consistency == Ratio(4, of: 5))  // RE-R04
            #expect(entity.measure.uniqueness == Ratio(5, of: 5))
            #expect(entity.measure.timeliness == Ratio(5, of: 5))
            #expect(entity.measure.referentialIntegrity == Ratio(0, of: 0))
            let expectedScore = (103.0 / 110 + 1 + 0.8 + 1 + 1) / 5
            #expect(abs(entity.measure.score - expectedScore) < 1e-12)

            // permit: both reference a stored regulated_entity.
            let permit = try #require(report.entities.first { $0.entity == "permit" })
            #expect(permit.measure.records == 2)
            #expect(permit.measure.validRecords == 2)
            #expect(permit.measure.referentialIntegrity == Ratio(2, of: 2))

            // agency 51010001: its parent, the province's corps, is outside 510100 but stored: resolved.
            let agency = try #require(report.entities.first { $0.entity == "agency" })
            #expect(agency.measure.records == 1)
            #expect(agency.measure.validRecords == 1)
            #expect(agency.measure.referentialIntegrity == Ratio(1, of: 1))

            #expect(report.overall.records == 8)
            #expect(report.overall.validRecords == 6)
            #expect(report.overall.consistency == Ratio(7, of: 8))
            #expect(report.overall.referentialIntegrity == Ratio(3, of: 3))
            #expect(report.errors == 2)
            #expect(report.issuesByRule == ["field.required": 1, "RE-R04": 1])

            #expect(
                report.sources.map(\.source) == [
                    "batch:B-1", "import:<a&b>.csv", "import:agency.csv", "import:defects.csv", "import:permit.csv",
                ])
            let bySource = Dictionary(uniqueKeysWithValues: report.sources.map { ($0.source, $0) })
            #expect(bySource["batch:B-1"]?.measure.records == 2)
            #expect(bySource["batch:B-1"]?.measure.validRecords == 1)
            #expect(bySource["batch:B-1"]?.measure.completeness == Ratio(41, of: 44))
            #expect(bySource["import:<a&b>.csv"]?.measure.records == 2)
            #expect(bySource["import:<a&b>.csv"]?.measure.validRecords == 2)
            #expect(bySource["import:defects.csv"]?.measure.consistency == Ratio(0, of: 1))
            #expect(bySource["import:defects.csv"]?.measure.validRecords == 0)
            // The permits' source delivered no regulated_entity: their references are not checked there.
            #expect(bySource["import:permit.csv"]?.entities == ["permit"])
            #expect(bySource["import:permit.csv"]?.measure.referentialIntegrity == Ratio(0, of: 0))
            #expect(bySource["import:agency.csv"]?.measure.referentialIntegrity == Ratio(1, of: 1))

            // The only required field with a gap is the name emptied; no value is invalid.
            #expect(report.worstFields.map { "\($0.entity).\($0.field)" } == ["regulated_entity.name"])
            #expect(report.worstFields.first?.completeness == Ratio(4, of: 5))
            #expect(report.worstFields.first?.validity == Ratio(4, of: 4))

            #expect(report.quarantine.total == 1)  // Q-2 is of 绵阳, Q-3 resolved
            #expect(report.quarantine.measured == 1)
            #expect(report.quarantine.byEntity == [QualityReport.EntityCount(entity: "regulated_entity", count: 1)])
            let listed = try #require(report.quarantine.listed.first)
            #expect(listed.key == "SC5101810098")
            #expect(listed.source == "import:defects.csv")
            #expect(listed.recordNumber == 9)
            #expect(listed.line == 10)
            #expect(listed.errors.map(\.ruleID) == ["RE-R04"])

            #expect(report.tickets.open == 1)
            #expect(report.tickets.fixed == 0)
            #expect(report.tickets.rechecked == 1)
            #expect(report.tickets.recheckedRatio == Ratio(1, of: 2))
            #expect(report.tickets.openTickets.map(\.id) == ["T-000000000001"])
            #expect(report.tickets.openTickets.first?.message.zh == QualityFixture.openMessage.zh)
        }
    }

    @Test("the period selects records by the Beijing day of their latest change", arguments: Backend.allCases)
    func period(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await QualityFixture.fill(store)
            let reporter = QualityFixture.reporter(store)
            let autumn = QualityPeriod(from: try CivilDate("2026-08-01"), to: try CivilDate("2026-12-31"))
            let report = try await reporter.report(
                division: try DivisionCode("510100"), period: autumn, generatedAt: QualityFixture.generatedAt)
            #expect(report.period == autumn)
            // Commit 2 only: 2 stored + 1 quarantined regulated_entity, 2 permits.
            #expect(report.entities.map(\.entity).sorted() == ["permit", "regulated_entity"])
            let entity = try #require(report.entities.first { $0.entity == "regulated_entity" })
            #expect(entity.measure.records == 3)
            #expect(entity.measure.validRecords == 1)
            // The permits refer to entities changed before the period: still stored, so resolved.
            let permit = try #require(report.entities.first { $0.entity == "permit" })
            #expect(permit.measure.referentialIntegrity == Ratio(2, of: 2))
            #expect(permit.measure.validRecords == 2)
            #expect(report.errors == 2)
            #expect(report.issuesByRule["field.reference"] == nil)
            #expect(report.quarantine.total == 1)
            let openEnded = try await reporter.report(
                division: try DivisionCode("510100"), period: QualityPeriod(from: try CivilDate("2026-08-01"), to: nil),
                generatedAt: QualityFixture.generatedAt)
            #expect(openEnded.entities == report.entities)
            #expect(openEnded.html().contains("2026-08-01 至 to 不限 open"))

            // 2026-06-01 alone: commit 1 only, no quarantine.
            let june = try await reporter.report(
                division: try DivisionCode("510100"),
                period: QualityPeriod(from: try CivilDate("2026-06-01"), to: try CivilDate("2026-06-01")),
                generatedAt: QualityFixture.generatedAt)
            #expect(june.overall.records == 3)
            #expect(june.overall.validRecords == 3)
            #expect(june.quarantine.total == 0)
            #expect(june.quarantine.listed.isEmpty)
            #expect(june.worstFields.isEmpty)

            // Nothing changed in 2025.
            let empty = try await reporter.report(
                division: try DivisionCode("510100"),
                period: QualityPeriod(from: try CivilDate("2025-01-01"), to: try CivilDate("2025-12-31")),
                generatedAt: QualityFixture.generatedAt)
            #expect(empty.overall.records == 0)
            #expect(empty.entities.isEmpty)
            #expect(empty.sources.isEmpty)
            #expect(empty.html().contains("无记录"))
        }
    }

    @Test("the province sees every division; a county its own", arguments: Backend.allCases)
    func scopes(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await QualityFixture.fill(store)
            let reporter = QualityFixture.reporter(store)
            let province = try await reporter.report(
                division: try DivisionCode("510000"), generatedAt: QualityFixture.generatedAt)
            let entity = try #require(province.entities.first { $0.entity == "regulated_entity" })
            #expect(entity.storedRecords == 5)
            #expect(entity.quarantinedRecords == 2)
            #expect(province.quarantine.total == 2)
            #expect(province.tickets.open == 2)
            #expect(province.entities.first { $0.entity == "agency" }?.measure.records == 2)

            let county = try await reporter.report(
                division: try DivisionCode("510113"), generatedAt: QualityFixture.generatedAt)
            #expect(county.divisionName?.zh == "青白江区")
            #expect(county.entities.first { $0.entity == "regulated_entity" }?.measure.records == 2)
            #expect(county.entities.first { $0.entity == "permit" }?.measure.records == 2)
            #expect(county.quarantine.total == 0)
            #expect(county.tickets.total == 0)
        }
    }

    @Test("HTML, Markdown and JSON renderings", arguments: Backend.allCases)
    func renderings(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await QualityFixture.fill(store)
            let report = try await QualityFixture.reporter(store).report(
                division: try DivisionCode("510100"), generatedAt: QualityFixture.generatedAt)

            let html = report.html()
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<style>"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("<link"))
            for heading in [
                "数据质量检验报告 <span class=\"en\">Data-quality inspection report</span>",
                "总体质量 <span class=\"en\">Overall quality</span>",
                "分实体质量 <span class=\"en\">Quality per entity</span>",
                "分来源质量 <span class=\"en\">Quality per source</span>",
                "问题字段 <span class=\"en\">Weakest fields</span>",
                "隔离记录 <span class=\"en\">Quarantined records</span>",
                "整改复核 <span class=\"en\">Rectification and re-check</span>",
            ] {
                #expect(html.contains(heading), "\(heading)")
            }
            #expect(html.contains("import:&lt;a&amp;b&gt;.csv"))
            #expect(!html.contains("<a&b>"))
            #expect(html.contains("重点管理单位应有排污许可证编号 &lt;缺失&gt;"))
            #expect(html.contains("510100 成都市"))
            #expect(html.contains("2026-11-29 09:30:00"))
            #expect(html.contains("80.0%"))  // regulated_entity consistency 4/5
            #expect(html.contains("4/5"))
            #expect(html.contains("SC5101810098"))

            let markdown = report.markdown()
            #expect(markdown.hasPrefix("# 数据质量检验报告 Data-quality inspection report\n"))
            #expect(markdown.contains("## 分来源质量 Quality per source"))
            #expect(markdown.contains("## 整改复核 Rectification and re-check"))
            #expect(markdown.contains("`import:<a&b>.csv`"))
            #expect(markdown.contains("重点管理单位应有排污许可证编号 &lt;缺失&gt;"))
            #expect(markdown.contains("80.0% (4/5)"))

            let json = try report.json()
            #expect(json.contains("\"completeness\" : {"))
            #expect(json.contains("\"source\" : \"import:<a&b>.csv\""))
            let decoded = try JSONDecoder().decode(QualityReport.self, from: Data(json.utf8))
            #expect(decoded == report)
            #expect(try QualityReport(json: json) == report)
            #expect(try decoded.json() == json)
        }
    }

    @Test("a period contains the moments of its Beijing days")
    func periodBoundaries() throws {
        let period = QualityPeriod(from: try CivilDate("2026-08-01"), to: try CivilDate("2026-08-31"))
        let start = try QualityFixture.time("2026-08-01 00:00:00")  // 2026-07-31 16:00 UTC
        let end = try QualityFixture.time("2026-08-31 23:59:59")
        #expect(period.contains(secondsSinceEpoch: start))
        #expect(!period.contains(secondsSinceEpoch: start - 1))
        #expect(period.contains(secondsSinceEpoch: end))
        #expect(!period.contains(secondsSinceEpoch: end + 1))
        let reversed = QualityPeriod(from: try CivilDate("2026-08-31"), to: try CivilDate("2026-08-01"))
        #expect(!reversed.contains(secondsSinceEpoch: start + 86_400 * 10))
        let open = QualityPeriod(from: try CivilDate("2026-08-01"), to: nil)
        #expect(open.contains(secondsSinceEpoch: start + 86_400 * 10_000))
        #expect(!open.contains(secondsSinceEpoch: start - 1))
        #expect(QualityPeriod(from: nil, to: nil).contains(secondsSinceEpoch: .min / 2))
        let before1970 = QualityPeriod(from: try CivilDate("1969-12-31"), to: try CivilDate("1969-12-31"))
        #expect(before1970.contains(secondsSinceEpoch: -8 * 3600 - 1))
        #expect(!before1970.contains(secondsSinceEpoch: -8 * 3600))
    }

    @Test("percentages with one decimal, nothing measured as a dash, text escaped")
    func rendering() throws {
        let zero = QualityMeasure(
            records: 3, validRecords: 2, completeness: Ratio(2, of: 3), requiredCompleteness: Ratio(0, of: 0),
            validity: Ratio(1, of: 8), consistency: Ratio(0, of: 0), uniqueness: Ratio(3, of: 3),
            timeliness: Ratio(0, of: 0), referentialIntegrity: Ratio(0, of: 0), score: 0.5972)
        let report = QualityReport(
            division: "510104", divisionName: nil, standard: StandardStamp(standard: "s", version: "1"),
            standardTitle: LocalizedText(zh: "标准 \"甲\" & 乙", en: "Standard 'A' & B"), period: nil,
            generatedAt: QualityFixture.generatedAt, asOf: nil, overall: zero, errors: 1, warnings: 0,
            issuesByRule: ["field.type": 1], referencesNotChecked: 0,
            entities: [
                QualityReport.EntityQuality(
                    entity: "clue", name: LocalizedText(zh: "线索 <b>", en: "Clue"), storedRecords: 3,
                    quarantinedRecords: 0, measure: zero)
            ],
            sources: [QualityReport.SourceQuality(source: "import:x|y*.csv", entities: ["clue"], measure: zero)],
            worstFields: [],
            quarantine: QualityReport.QuarantineSection(total: 0, measured: 0, byEntity: [], listed: []),
            tickets: QualityReport.TicketSection(open: 0, fixed: 0, rechecked: 0, openTickets: []))
        let html = report.html()
        #expect(html.contains("66.7%"))
        #expect(html.contains("12.5%"))
        #expect(html.contains("59.7%"))
        #expect(html.contains("<td class=\"n\">—</td>"))
        #expect(html.contains("线索 &lt;b&gt;"))
        #expect(html.contains("标准 &quot;甲&quot; &amp; 乙 Standard &#39;A&#39; &amp; B"))
        #expect(html.contains("未测 not measured"))
        #expect(html.contains("全部记录 all records"))
        let markdown = report.markdown()
        #expect(markdown.contains("`import:x\\|y*.csv`"))
        #expect(markdown.contains("线索 &lt;b&gt;"))
        #expect(markdown.contains("66.7% (2/3)"))
        #expect(markdown.contains("| — |"))
    }
}
