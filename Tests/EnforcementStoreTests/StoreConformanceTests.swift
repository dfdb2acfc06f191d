import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation
import Testing

/// Records, values and scopes built from the real standard in Specs/.
private enum Fixture {
    static let schema = TestEnvironment.schema
    static let now: Int64 = 1_772_000_000

    static func table(_ entity: String, in schema: StoreSchema = schema) -> EntityTable {
        guard let table = schema.table(entity) else { fatalError("the standard has no entity \(entity)") }
        return table
    }

    /// A write of an entity from values by field id, in canonical form, with its key, division and hash.
    static func write(
        _ entity: String, _ values: [String: String], source: String = "import:test.csv",
        schema: StoreSchema = schema
    ) -> RecordWrite {
        let table = table(entity, in: schema)
        guard
            let write = RecordWrite(
                record: table.fieldIDs.map { values[$0] }, table: table, standardVersion: schema.standard.version,
                source: source)
        else {
            fatalError("a key field of \(entity) has no value in \(values)")
        }
        return write
    }

    /// A regulated entity (排污单位) of a county.
    static func regulatedEntity(
        _ code: String, division: String = "510104", name: String = "成都锦江示范化工有限公司", source: String = "import:test.csv"
    ) -> RecordWrite {
        write(
            "regulated_entity",
            [
                "entity_code": code, "name": name, "uscc": "91510104MA6C123456", "legal_rep": "张三",
                "legal_rep_phone": "13800000000", "industry_code": "C2614",
                "city_code": String(division.prefix(4)) + "00", "division_code": division,
                "address": "四川省成都市锦江区东大街1号", "longitude": "104.0800", "latitude": "30.65",
                "control_level": "1", "permit_number": "91510104MA6C123456001P", "key_emitter": "true",
                "positive_list": "false", "operating_status": "1", "updated_at": "2026-03-01 09:30:00",
            ], source: source)
    }

    /// An assessment (考核) of a county: dates, a decimal, a boolean and an integer.
    static func assessment(_ id: String, division: String = "510104", rank: String = "3") -> RecordWrite {
        let table = table("assessment")
        var values: [String: String] = [:]
        for field in table.entity.fields where field.required { values[field.id] = sample(field, slot: 0) }
        values["assessment_id"] = id
        values["division_code"] = division
        values["period_start"] = "2026-01-01"
        values["period_end"] = "2026-03-31"
        values["score"] = "12.50"
        values["veto"] = "false"
        values["rank"] = rank
        return write("assessment", values)
    }

    /// A value of a field's type (valid for the type, not necessarily for the field's constraints).
    static func sample(_ field: FieldSpec, slot: Int) -> String {
        switch field.type {
        case .integer: slot.isMultiple(of: 2) ? "9223372036854775807" : "-15"
        case .decimal: slot.isMultiple(of: 2) ? "12.50" : "-0.125"
        case .boolean: slot.isMultiple(of: 2) ? "true" : "false"
        case .date: "2026-02-28"
        case .datetime: "2026-02-28 23:59:59"
        case .division: "510104"
        case .string, .text: "值「\(field.id)」 'quoted' \"double\" 😀"
        default: "V\(slot)-\(field.id)"
        }
    }

    /// A value of a key field's type other than ``sample(_:slot:)`` gives for any slot.
    static func otherKey(_ field: FieldSpec) -> String {
        switch field.type {
        case .integer: "2026"
        case .decimal: "1.5"
        case .boolean: "false"
        case .date: "2025-12-31"
        case .datetime: "2025-12-31 08:00:00"
        case .division: "510302"
        default: "S-\(field.id)"
        }
    }

    static func scope(_ division: String) throws -> DivisionScope {
        DivisionScope(try DivisionCode(division))
    }

    static func issue(_ entity: String, field: String, record: Int) -> ValidationIssue {
        ValidationIssue(
            file: "test.csv", recordNumber: record, line: record + 1, recordKey: "K\(record)", entity: entity,
            field: field, ruleID: "STD-E003", severity: .error, value: "坏值",
            message: LocalizedText(zh: "取值不符合格式", en: "The value does not match the pattern"))
    }

    static func quarantine(
        _ id: String, entity: String = "regulated_entity", division: String?, record: Int,
        source: String = "import:bad.csv", value: String = "坏值"
    ) -> QuarantineEntry {
        QuarantineEntry(
            id: id, entity: entity, key: "K\(record)", division: division, source: source, recordNumber: record,
            line: record + 1, values: ["entity_code": "K\(record)", "name": value],
            issues: [issue(entity, field: "name", record: record)], quarantinedAt: now)
    }

    static func ticket(
        _ id: String, division: String?, status: TicketStatus = .open, history: [Ticket.Event]? = nil
    ) -> Ticket {
        Ticket(
            id: id, quarantineID: "Q-\(id)", entity: "regulated_entity", key: "K1", division: division,
            field: "name", ruleID: "STD-E003",
            message: LocalizedText(zh: "单位名称不符合要求", en: "The name is not valid"), status: status,
            correctedValue: status == .open ? nil : "成都锦江示范化工有限公司",
            history: history ?? [Ticket.Event(status: .open, at: now, by: "system", note: "自动生成")])
    }

    static func journal(_ id: String, committed: Int, finished: Bool) -> ImportJournal {
        ImportJournal(
            id: id, entity: "regulated_entity", source: "data/排污单位.csv", recordsCommitted: committed,
            inserted: committed - 1, updated: 1, unchanged: 0, quarantined: 0, finished: finished,
            startedAt: now, updatedAt: now + Int64(committed))
    }

    static func sequences(_ outcomes: [WriteOutcome]) -> [Int64] {
        outcomes.compactMap { outcome in
            switch outcome {
            case .inserted(let sequence), .updated(let sequence, _): sequence
            case .unchanged: nil
            }
        }
    }

    /// The standard as version 1.1: reads 1.0, and regulated_entity has a new field `inspection_grade`.
    static func standard11() -> StandardSpec {
        var standard = TestEnvironment.standard
        standard.version = "1.1"
        standard.readsVersions = ["1.0"]
        guard let index = standard.entities.firstIndex(where: { $0.id == "regulated_entity" }) else {
            fatalError("no regulated_entity")
        }
        standard.entities[index].fields.append(
            FieldSpec(
                id: "inspection_grade", name: LocalizedText(zh: "检查等级", en: "Inspection grade"), type: .string,
                since: "1.1"))
        return standard
    }
}

/// Asserts that `body` throws a ``StoreError`` of a code.
private func expectStoreError(
    _ code: StoreError.Code, sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected a StoreError .\(code.rawValue); nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a StoreError .\(code.rawValue); got \(error)", sourceLocation: sourceLocation)
    }
}

/// The behaviour every ``RecordStore`` has, run against each backend.
@Suite("Record store conformance")
struct StoreConformanceTests {
    // MARK: - Schema

    @Test("prepare creates a table per entity; preparing again runs nothing", arguments: Backend.allCases)
    func prepareCreatesTables(backend: Backend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.storedStandard() == nil)
            await expectStoreError(.notPrepared) {
                _ = try await store.commit(StoreTransaction(writes: [Fixture.regulatedEntity("E0001")], now: 1))
            }

            let first = try await store.prepare(Fixture.schema)
            #expect(first.from == nil)
            #expect(first.to == Fixture.schema.stamp)
            let creates = first.statements.filter { $0.hasPrefix("CREATE TABLE \"rec_") }
            #expect(creates.count == TestEnvironment.standard.entities.count)
            #expect(try await store.storedStandard() == Fixture.schema.stamp)
            for entity in TestEnvironment.standard.entities {
                #expect(try await store.count(entity: entity.id, scope: .province) == 0)
            }
            #expect(try await store.lastSequence() == 0)

            let second = try await store.prepare(Fixture.schema)
            #expect(second.statements.isEmpty)
            #expect(second.from == Fixture.schema.stamp)
            #expect(second.to == Fixture.schema.stamp)

            await expectStoreError(.unknownEntity) {
                _ = try await store.count(entity: "no_such_entity", scope: .province)
            }
        }
    }

    @Test("STD-7: a 1.1 standard that reads 1.0 adds its column; 2.0 is refused", arguments: Backend.allCases)
    func migration(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            let old = [Fixture.regulatedEntity("E0001"), Fixture.regulatedEntity("E0002", division: "510105")]
            _ = try await store.commit(StoreTransaction(writes: old, now: Fixture.now))

            let standard11 = Fixture.standard11()
            let schema11 = StoreSchema(standard: standard11)
            let migration = try await store.prepare(schema11)
            #expect(migration.from == StandardStamp(standard: "sichuan-enforcement", version: "1.0"))
            #expect(migration.to == StandardStamp(standard: "sichuan-enforcement", version: "1.1"))
            #expect(migration.statements.count == 1)
            #expect(
                migration.statements.contains {
                    $0.hasPrefix("ALTER TABLE") && $0.contains("ADD COLUMN") && $0.contains("inspection_grade")
                })
            #expect(try await store.storedStandard() == schema11.stamp)

            let table11 = Fixture.table("regulated_entity", in: schema11)
            for write in old {
                let record = try #require(
                    try await store.record(entity: "regulated_entity", key: write.key, scope: .province))
                #expect(record.values.count == table11.fieldIDs.count)
                #expect(record.values.last == .some(nil))
                #expect(Array(record.values.dropLast()) == write.values)
                #expect(record.hash == write.hash)
                #expect(RecordContent.hash(record.values, table: table11) == write.hash)
                #expect(record.standardVersion == "1.0")
            }

            // The same record written under 1.1 is unchanged; a value in the new field updates it.
            var same = old[0]
            same.values.append(nil)
            same.hash = RecordContent.hash(same.values, table: table11)
            same.standardVersion = "1.1"
            #expect(same.hash == old[0].hash)
            var graded = same
            graded.values[graded.values.count - 1] = "A"
            graded.hash = RecordContent.hash(graded.values, table: table11)
            let result = try await store.commit(StoreTransaction(writes: [same, graded], now: Fixture.now + 1))
            #expect(result.outcomes[0] == .unchanged)
            guard case .updated(_, let revision) = result.outcomes[1] else {
                Issue.record("expected an update, got \(result.outcomes[1])")
                return
            }
            #expect(revision == 2)
            let record = try #require(
                try await store.record(entity: "regulated_entity", key: graded.key, scope: .province))
            #expect(record.values.last == "A")
            #expect(record.standardVersion == "1.1")

            #expect(try await store.prepare(schema11).statements.isEmpty)

            var standard20 = standard11
            standard20.version = "2.0"
            standard20.readsVersions = []
            await expectStoreError(.incompatibleStandard) {
                _ = try await store.prepare(StoreSchema(standard: standard20))
            }
            await expectStoreError(.incompatibleStandard) { _ = try await store.prepare(Fixture.schema) }
            var other = standard11
            other.id = "chongqing-enforcement"
            await expectStoreError(.incompatibleStandard) { _ = try await store.prepare(StoreSchema(standard: other)) }
            #expect(try await store.storedStandard() == schema11.stamp)
        }
    }

    // MARK: - Writes

    @Test("inserted, then unchanged for the same hash, then updated with revision 2", arguments: Backend.allCases)
    func insertUnchangedUpdate(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            let original = Fixture.regulatedEntity("E0001")

            let inserted = try await store.commit(StoreTransaction(writes: [original], now: Fixture.now))
            guard case .inserted(let first) = inserted.outcomes.first, inserted.outcomes.count == 1 else {
                Issue.record("expected one insert, got \(inserted.outcomes)")
                return
            }
            #expect(first > 0)
            #expect(inserted.lastSequence == first)
            let stored = try #require(
                try await store.record(entity: "regulated_entity", key: "E0001", scope: .province))
            #expect(stored.entity == "regulated_entity")
            #expect(stored.key == "E0001")
            #expect(stored.division == "510104")
            #expect(stored.values == original.values)
            #expect(stored.revision == 1)
            #expect(stored.sequence == first)
            #expect(stored.hash == original.hash)
            #expect(stored.standardVersion == "1.0")
            #expect(stored.source == "import:test.csv")
            #expect(stored.changedAt == Fixture.now)

            let again = try await store.commit(
                StoreTransaction(writes: [Fixture.regulatedEntity("E0001", source: "batch:B1")], now: Fixture.now + 5))
            #expect(again.outcomes == [.unchanged])
            #expect(again.lastSequence == first)
            #expect(try await store.lastSequence() == first)
            let untouched = try #require(
                try await store.record(entity: "regulated_entity", key: "E0001", scope: .province))
            #expect(untouched == stored)

            let renamed = Fixture.regulatedEntity("E0001", name: "成都锦江示范化工股份有限公司", source: "batch:B2")
            let updated = try await store.commit(StoreTransaction(writes: [renamed], now: Fixture.now + 10))
            guard case .updated(let second, let revision) = updated.outcomes.first else {
                Issue.record("expected an update, got \(updated.outcomes)")
                return
            }
            #expect(second > first)
            #expect(revision == 2)
            #expect(updated.lastSequence == second)
            let changed = try #require(
                try await store.record(entity: "regulated_entity", key: "E0001", scope: .province))
            #expect(changed.values == renamed.values)
            #expect(changed.hash == renamed.hash)
            #expect(changed.revision == 2)
            #expect(changed.sequence == second)
            #expect(changed.source == "batch:B2")
            #expect(changed.changedAt == Fixture.now + 10)
            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 1)

            // The same key twice in one transaction: the second write sees the first.
            let twice = try await store.commit(
                StoreTransaction(
                    writes: [Fixture.regulatedEntity("E0002"), Fixture.regulatedEntity("E0002", name: "改名后的公司")],
                    now: Fixture.now + 20))
            #expect(twice.outcomes.count == 2)
            guard case .inserted(let third) = twice.outcomes[0], case .updated(let fourth, 2) = twice.outcomes[1]
            else {
                Issue.record("expected an insert then an update, got \(twice.outcomes)")
                return
            }
            #expect(third > second)
            #expect(fourth > third)
        }
    }

    @Test(
        "a large transaction of new, unchanged, changed and repeated keys gives each write its outcome",
        arguments: Backend.allCases)
    func largeMixedTransaction(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            func key(_ number: Int) -> String { "E" + String(number + 10_000) }
            var model: [String: (hash: String, revision: Int, sequence: Int64)] = [:]

            func commit(_ writes: [RecordWrite], now: Int64) async throws {
                let result = try await store.commit(StoreTransaction(writes: writes, now: now))
                #expect(result.outcomes.count == writes.count)
                var previous = model.values.map(\.sequence).max() ?? 0
                for (write, outcome) in zip(writes, result.outcomes) {
                    let stored = model[write.key]
                    switch outcome {
                    case .inserted(let sequence):
                        #expect(stored == nil, "\(write.key) was stored: not an insert")
                        #expect(sequence > previous)
                        previous = sequence
                        model[write.key] = (write.hash, 1, sequence)
                    case .updated(let sequence, let revision):
                        #expect(stored != nil && stored?.hash != write.hash, "\(write.key): not an update")
                        #expect(revision == (stored?.revision ?? 0) + 1)
                        #expect(sequence > previous)
                        previous = sequence
                        model[write.key] = (write.hash, revision, sequence)
                    case .unchanged:
                        #expect(stored?.hash == write.hash, "\(write.key): not unchanged")
                    }
                }
                #expect(result.lastSequence == previous)
            }

            // 70 new records, then 170 writes: every other stored record unchanged, the others changed, 30 new
            // ones, some keys two or three times (changed, then back, then again), a few of another entity between.
            try await commit((0..<70).map { Fixture.regulatedEntity(key($0)) }, now: Fixture.now)
            var writes: [RecordWrite] = []
            for number in 0..<100 {
                if number < 70, number.isMultiple(of: 2) {
                    writes.append(Fixture.regulatedEntity(key(number)))
                } else {
                    writes.append(Fixture.regulatedEntity(key(number), name: "更名\(number)有限公司"))
                }
                if number.isMultiple(of: 7) {
                    writes.append(Fixture.regulatedEntity(key(number), name: "再次更名\(number)有限公司"))
                }
                if number.isMultiple(of: 21) { writes.append(Fixture.regulatedEntity(key(number))) }
                if number.isMultiple(of: 33) { writes.append(Fixture.assessment("A\(number)")) }
            }
            writes += (0..<40).map { Fixture.regulatedEntity(key($0)) }
            try await commit(writes, now: Fixture.now + 1)

            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 100)
            var keys: [String] = []
            var after: String?
            while true {
                let page = try await store.records(
                    entity: "regulated_entity", scope: .province, after: after, limit: 33)
                guard let last = page.last else { break }
                for record in page {
                    let expected = try #require(model[record.key])
                    #expect(record.hash == expected.hash)
                    #expect(record.revision == expected.revision)
                    #expect(record.sequence == expected.sequence)
                    #expect(
                        RecordContent.hash(record.values, table: Fixture.table("regulated_entity")) == expected.hash)
                }
                keys += page.map(\.key)
                after = last.key
            }
            #expect(keys == (0..<100).map(key))
            let feed = try await store.changes(after: 0, scope: .province, limit: 1000)
            #expect(feed.count == model.count)
            #expect(feed.map(\.sequence) == model.values.map(\.sequence).sorted())
        }
    }

    @Test("sequence numbers increase strictly across entities and commits", arguments: Backend.allCases)
    func sequencesAcrossEntities(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            var all: [Int64] = []
            for round in 0..<3 {
                let writes = [
                    Fixture.regulatedEntity("E\(round)01"), Fixture.assessment("A\(round)01"),
                    Fixture.regulatedEntity("E\(round)02"), Fixture.assessment("A\(round)02", rank: "\(round + 7)"),
                ]
                let result = try await store.commit(StoreTransaction(writes: writes, now: Fixture.now + Int64(round)))
                let sequences = Fixture.sequences(result.outcomes)
                #expect(sequences.count == 4)
                #expect(result.lastSequence == sequences.last)
                all += sequences
            }
            #expect(zip(all, all.dropFirst()).allSatisfy { $0 < $1 })
            #expect(try await store.lastSequence() == all.last)

            // An unchanged record takes no sequence number.
            let result = try await store.commit(
                StoreTransaction(
                    writes: [Fixture.assessment("A001"), Fixture.assessment("A101", rank: "99")], now: Fixture.now + 9))
            #expect(result.outcomes[0] == .unchanged)
            let sequences = Fixture.sequences(result.outcomes)
            #expect(sequences.count == 1)
            #expect(sequences[0] > all[all.count - 1])
            #expect(result.lastSequence == sequences[0])
        }
    }

    @Test("values of every entity and field type read back exactly as written", arguments: Backend.allCases)
    func valuesRoundTrip(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            var full: [RecordWrite] = []
            var sparse: [RecordWrite] = []
            for table in Fixture.schema.tables {
                var values: [String: String] = [:]
                for (slot, field) in table.entity.fields.enumerated() {
                    values[field.id] = Fixture.sample(field, slot: slot)
                }
                full.append(Fixture.write(table.entity.id, values))
                // Only the key fields (other values for them), everything else empty.
                var keys: [String: String] = [:]
                for slot in table.keySlots {
                    let field = table.entity.fields[slot]
                    keys[field.id] = Fixture.otherKey(field)
                }
                sparse.append(Fixture.write(table.entity.id, keys))
            }
            let result = try await store.commit(StoreTransaction(writes: full + sparse, now: Fixture.now))
            #expect(result.outcomes.allSatisfy { if case .inserted = $0 { true } else { false } })
            #expect(Set((full + sparse).map { "\($0.entity)/\($0.key)" }).count == full.count + sparse.count)
            for write in full + sparse {
                let record = try #require(
                    try await store.record(entity: write.entity, key: write.key, scope: .province),
                    "\(write.entity) \(write.key)")
                #expect(record.values == write.values, "\(write.entity)")
                #expect(record.hash == write.hash, "\(write.entity)")
                #expect(record.division == write.division, "\(write.entity)")
            }

            // Edge values of integers, decimals, booleans, dates and text in one entity.
            let cases: [(rank: String, score: String, veto: String, note: String)] = [
                ("0", "0.00", "true", "零"),
                ("-9223372036854775808", "100.000", "false", "单引号'与双引号\"，换行\n和制表\t"),
                ("+42", "99.9", "是", "  前后空格  "),
            ]
            let assessment = Fixture.table("assessment")
            for (index, edge) in cases.enumerated() {
                var values: [String: String] = [:]
                for field in assessment.entity.fields where field.required {
                    values[field.id] = Fixture.sample(field, slot: 1)
                }
                values["assessment_id"] = "EDGE\(index)"
                values["rank"] = edge.rank
                values["score"] = edge.score
                values["veto"] = edge.veto
                if let textField = assessment.entity.fields.first(where: {
                    ($0.type == .string || $0.type == .text) && !assessment.entity.key.contains($0.id)
                }) {
                    values[textField.id] = edge.note
                }
                let write = Fixture.write("assessment", values)
                _ = try await store.commit(StoreTransaction(writes: [write], now: Fixture.now))
                let record = try #require(
                    try await store.record(entity: "assessment", key: write.key, scope: .province))
                #expect(record.values == write.values)
                #expect(RecordContent.hash(record.values, table: assessment) == write.hash)
            }
            let plus = try #require(try await store.record(entity: "assessment", key: "EDGE2", scope: .province))
            let rankSlot = try #require(assessment.fieldIDs.firstIndex(of: "rank"))
            let vetoSlot = try #require(assessment.fieldIDs.firstIndex(of: "veto"))
            #expect(plus.values[rankSlot] == "42")
            #expect(plus.values[vetoSlot] == "true")

            // An empty text given to a write as it is (canonical values have nil instead) stays empty, not NULL.
            var required: [String: String] = ["assessment_id": "EMPTY"]
            for field in assessment.entity.fields where field.required && field.id != "assessment_id" {
                required[field.id] = Fixture.sample(field, slot: 1)
            }
            var empty = Fixture.write("assessment", required)
            let textSlot = try #require(
                assessment.entity.fields.firstIndex {
                    ($0.type == .string || $0.type == .text) && !$0.required && !assessment.entity.key.contains($0.id)
                })
            empty.values[textSlot] = ""
            _ = try await store.commit(StoreTransaction(writes: [empty], now: Fixture.now))
            let stored = try #require(try await store.record(entity: "assessment", key: "EMPTY", scope: .province))
            #expect(stored.values[textSlot] == "")
            #expect(stored.values == empty.values)
        }
    }

    // MARK: - Jurisdiction and the change feed

    @Test("scopes: a city sees its counties, a county itself, the province everything", arguments: Backend.allCases)
    func scopeFiltering(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            var orphan = Fixture.regulatedEntity("E0000")
            orphan.division = nil
            let writes = [
                Fixture.regulatedEntity("E0104", division: "510104"),
                Fixture.regulatedEntity("E0105", division: "510105"),
                Fixture.regulatedEntity("E0302", division: "510302"),
                orphan,
            ]
            _ = try await store.commit(StoreTransaction(writes: writes, now: Fixture.now))

            let chengdu = try Fixture.scope("510100")
            let jinjiang = try Fixture.scope("510104")
            let zigong = try Fixture.scope("510300")
            let province = try Fixture.scope("510000")
            #expect(province.prefix.isEmpty)

            func keys(_ scope: DivisionScope) async throws -> [String] {
                try await store.records(entity: "regulated_entity", scope: scope, after: nil, limit: 100).map(\.key)
            }
            #expect(try await keys(.province) == ["E0000", "E0104", "E0105", "E0302"])
            #expect(try await keys(province) == ["E0000", "E0104", "E0105", "E0302"])
            #expect(try await keys(chengdu) == ["E0104", "E0105"])
            #expect(try await keys(jinjiang) == ["E0104"])
            #expect(try await keys(zigong) == ["E0302"])

            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 4)
            #expect(try await store.count(entity: "regulated_entity", scope: chengdu) == 2)
            #expect(try await store.count(entity: "regulated_entity", scope: jinjiang) == 1)
            #expect(try await store.count(entity: "regulated_entity", scope: try Fixture.scope("510105")) == 1)
            #expect(try await store.count(entity: "regulated_entity", scope: try Fixture.scope("510700")) == 0)

            #expect(try await store.record(entity: "regulated_entity", key: "E0104", scope: chengdu) != nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0104", scope: jinjiang) != nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0105", scope: jinjiang) == nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0302", scope: chengdu) == nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0000", scope: chengdu) == nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0000", scope: .province)?.division == nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E9999", scope: .province) == nil)

            // Key paging within a scope.
            let page1 = try await store.records(entity: "regulated_entity", scope: .province, after: nil, limit: 3)
            #expect(page1.map(\.key) == ["E0000", "E0104", "E0105"])
            let page2 = try await store.records(
                entity: "regulated_entity", scope: .province, after: page1.last?.key, limit: 3)
            #expect(page2.map(\.key) == ["E0302"])
            #expect(
                try await store.records(entity: "regulated_entity", scope: chengdu, after: "E0104", limit: 10).map(
                    \.key) == ["E0105"])
            #expect(
                try await store.records(entity: "regulated_entity", scope: .province, after: "E0302", limit: 10).isEmpty
            )

            #expect(try await store.changes(after: 0, scope: chengdu, limit: 100).map(\.key) == ["E0104", "E0105"])
            #expect(try await store.changes(after: 0, scope: jinjiang, limit: 100).map(\.key) == ["E0104"])
            #expect(try await store.changes(after: 0, scope: .province, limit: 100).count == 4)
        }
    }

    @Test("the change feed: every record once, at its latest change, in sequence order", arguments: Backend.allCases)
    func changeFeed(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            #expect(try await store.changes(after: 0, scope: .province, limit: 10).isEmpty)
            _ = try await store.commit(
                StoreTransaction(
                    writes: [Fixture.regulatedEntity("E1"), Fixture.assessment("A1")], now: Fixture.now))
            _ = try await store.commit(
                StoreTransaction(
                    writes: [
                        Fixture.assessment("A2", division: "510302"), Fixture.regulatedEntity("E2", division: "510105"),
                    ], now: Fixture.now + 1))
            _ = try await store.commit(
                StoreTransaction(
                    writes: [Fixture.regulatedEntity("E3"), Fixture.assessment("A3")], now: Fixture.now + 2))
            // E1 changes again: it moves to the end of the feed.
            _ = try await store.commit(
                StoreTransaction(writes: [Fixture.regulatedEntity("E1", name: "新名称有限公司")], now: Fixture.now + 3))

            let feed = try await store.changes(after: 0, scope: .province, limit: 100)
            #expect(feed.map(\.key) == ["A1", "A2", "E2", "E3", "A3", "E1"])
            #expect(
                feed.map(\.entity) == [
                    "assessment", "assessment", "regulated_entity", "regulated_entity",
                    "assessment", "regulated_entity",
                ])
            #expect(zip(feed, feed.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            #expect(feed.last?.revision == 2)
            #expect(feed.last?.sequence == (try await store.lastSequence()))

            // Paging with the last sequence as the cursor gives the same feed.
            var paged: [StoredRecord] = []
            var cursor: Int64 = 0
            while true {
                let page = try await store.changes(after: cursor, scope: .province, limit: 4)
                #expect(page.count <= 4)
                guard let last = page.last else { break }
                paged += page
                cursor = last.sequence
            }
            #expect(paged == feed)
            #expect(try await store.changes(after: feed[2].sequence, scope: .province, limit: 2) == Array(feed[3...4]))

            let chengdu = try Fixture.scope("510100")
            let cityFeed = try await store.changes(after: 0, scope: chengdu, limit: 100)
            #expect(cityFeed.map(\.key) == ["A1", "E2", "E3", "A3", "E1"])
            let cityPage = try await store.changes(after: cityFeed[0].sequence, scope: chengdu, limit: 2)
            #expect(cityPage.map(\.key) == ["E2", "E3"])
            #expect(try await store.changes(after: 0, scope: .province, limit: 0).isEmpty)
        }
    }

    // MARK: - Quarantine, tickets, journals, receipts

    @Test("quarantine is idempotent by id, scoped, and entries can be resolved", arguments: Backend.allCases)
    func quarantine(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            let jinjiang = Fixture.quarantine("Q1", division: "510104", record: 2)
            let nowhere = Fixture.quarantine("Q2", division: nil, record: 5)
            let zigong = Fixture.quarantine("Q3", entity: "assessment", division: "510302", record: 1)
            _ = try await store.commit(
                StoreTransaction(quarantine: [jinjiang, nowhere, zigong], now: Fixture.now))
            // Importing the same input again: the stored entry stays as it was.
            _ = try await store.commit(
                StoreTransaction(
                    quarantine: [Fixture.quarantine("Q1", division: "510104", record: 2, value: "另一个值")],
                    now: Fixture.now + 1))

            func ids(_ scope: DivisionScope, _ entity: String? = nil, resolved: Bool = false) async throws -> [String] {
                try await store.quarantine(scope: scope, entity: entity, includeResolved: resolved).map(\.id).sorted()
            }
            let all = try await store.quarantine(scope: .province, entity: nil, includeResolved: false)
            #expect(all.count == 3)
            #expect(all.first { $0.id == "Q1" } == jinjiang)
            #expect(all.first { $0.id == "Q2" } == nowhere)
            #expect(all.first { $0.id == "Q3" } == zigong)
            #expect(try await ids(try Fixture.scope("510100")) == ["Q1"])
            #expect(try await ids(try Fixture.scope("510104")) == ["Q1"])
            #expect(try await ids(try Fixture.scope("510300")) == ["Q3"])
            #expect(try await ids(.province, "regulated_entity") == ["Q1", "Q2"])
            #expect(try await ids(.province, "assessment") == ["Q3"])

            _ = try await store.commit(StoreTransaction(resolvedQuarantine: ["Q1", "Q3"], now: Fixture.now + 2))
            #expect(try await ids(.province) == ["Q2"])
            #expect(try await ids(.province, resolved: true) == ["Q1", "Q2", "Q3"])
            let resolved = try await store.quarantine(
                scope: .province, entity: "regulated_entity", includeResolved: true)
            var expected = jinjiang
            expected.resolved = true
            #expect(resolved.first { $0.id == "Q1" } == expected)
            #expect(resolved.first { $0.id == "Q2" }?.resolved == false)
            #expect(try await ids(try Fixture.scope("510100"), resolved: true) == ["Q1"])
            #expect(try await ids(try Fixture.scope("510100")).isEmpty)

            // The order is deterministic.
            let first = try await store.quarantine(scope: .province, entity: nil, includeResolved: true)
            let second = try await store.quarantine(scope: .province, entity: nil, includeResolved: true)
            #expect(first == second)
        }
    }

    @Test("tickets are replaced by id and filtered by status and scope", arguments: Backend.allCases)
    func tickets(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            let first = Fixture.ticket("T-000000000001", division: "510104")
            let second = Fixture.ticket("T-000000000002", division: nil)
            let third = Fixture.ticket("T-000000000003", division: "510302", status: .fixed)
            _ = try await store.commit(StoreTransaction(tickets: [third, first, second], now: Fixture.now))

            var fixed = first
            fixed.status = .fixed
            fixed.correctedValue = "成都锦江示范化工有限公司"
            fixed.history.append(Ticket.Event(status: .fixed, at: Fixture.now + 60, by: "officer-7", note: "已更正"))
            _ = try await store.commit(StoreTransaction(tickets: [fixed], now: Fixture.now + 60))

            let all = try await store.tickets(scope: .province, status: nil)
            #expect(all == [fixed, second, third])
            #expect(try await store.tickets(scope: .province, status: .fixed) == [fixed, third])
            #expect(try await store.tickets(scope: .province, status: .open) == [second])
            #expect(try await store.tickets(scope: .province, status: .rechecked).isEmpty)
            #expect(try await store.tickets(scope: try Fixture.scope("510100"), status: nil) == [fixed])
            #expect(try await store.tickets(scope: try Fixture.scope("510104"), status: .fixed) == [fixed])
            #expect(try await store.tickets(scope: try Fixture.scope("510104"), status: .open).isEmpty)
            #expect(try await store.tickets(scope: try Fixture.scope("510300"), status: nil) == [third])
        }
    }

    @Test("import journals are replaced; batch receipts are stored once", arguments: Backend.allCases)
    func journalsAndReceipts(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            #expect(try await store.importJournal(id: "J1") == nil)
            #expect(try await store.batchReceipts(batchID: "B1") == nil)

            let started = Fixture.journal("J1", committed: 10_000, finished: false)
            _ = try await store.commit(StoreTransaction(journal: started, now: Fixture.now))
            #expect(try await store.importJournal(id: "J1") == started)
            let finished = Fixture.journal("J1", committed: 12_345, finished: true)
            _ = try await store.commit(StoreTransaction(journal: finished, now: Fixture.now + 1))
            #expect(try await store.importJournal(id: "J1") == finished)
            #expect(try await store.importJournal(id: "J2") == nil)

            // The store adds the outcomes of the transaction's writes to the journal's counts.
            _ = try await store.commit(StoreTransaction(writes: [Fixture.regulatedEntity("E0001")], now: Fixture.now))
            let counted = Fixture.journal("J3", committed: 3, finished: false)
            let writes = [
                Fixture.regulatedEntity("E0001"), Fixture.regulatedEntity("E0002"),
                Fixture.regulatedEntity("E0003", division: "510105"),
                Fixture.regulatedEntity("E0001", name: "另一个名称有限公司"),
            ]
            let result = try await store.commit(
                StoreTransaction(writes: writes, journal: counted, now: Fixture.now + 2))
            #expect(result.outcomes.count == 4)
            var expected = counted
            expected.inserted += 2
            expected.updated += 1
            expected.unchanged += 1
            #expect(try await store.importJournal(id: "J3") == expected)

            let receipts = [
                BatchReceipt(record: 1, key: "E0001", status: .accepted),
                BatchReceipt(
                    record: 2, key: nil, status: .rejected,
                    errors: [Fixture.issue("regulated_entity", field: "name", record: 2)]),
            ]
            _ = try await store.commit(StoreTransaction(receipts: ("B1", receipts), now: Fixture.now))
            #expect(try await store.batchReceipts(batchID: "B1") == receipts)
            _ = try await store.commit(
                StoreTransaction(
                    receipts: ("B1", [BatchReceipt(record: 1, key: "X", status: .rejected)]), now: Fixture.now + 1))
            #expect(try await store.batchReceipts(batchID: "B1") == receipts)
            _ = try await store.commit(StoreTransaction(receipts: ("B2", []), now: Fixture.now))
            #expect(try await store.batchReceipts(batchID: "B2") == [])
            #expect(try await store.batchReceipts(batchID: "B3") == nil)
        }
    }

    @Test("a transaction with an unknown entity leaves nothing of its writes", arguments: Backend.allCases)
    func atomicity(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            let base = Fixture.regulatedEntity("E0001")
            _ = try await store.commit(StoreTransaction(writes: [base], now: Fixture.now))
            let before = try #require(
                try await store.record(entity: "regulated_entity", key: "E0001", scope: .province))
            let sequence = try await store.lastSequence()

            var unknown = Fixture.regulatedEntity("E0003")
            unknown.entity = "no_such_entity"
            let doomed = StoreTransaction(
                writes: [
                    Fixture.regulatedEntity("E0002"), Fixture.regulatedEntity("E0001", name: "改过名的公司"),
                    Fixture.assessment("A1"), unknown,
                ],
                quarantine: [Fixture.quarantine("Q1", division: "510104", record: 1)],
                tickets: [Fixture.ticket("T-000000000001", division: "510104")],
                journal: Fixture.journal("J1", committed: 3, finished: false),
                receipts: ("B1", [BatchReceipt(record: 1, key: "E0002", status: .accepted)]),
                now: Fixture.now + 1)
            await expectStoreError(.unknownEntity) { _ = try await store.commit(doomed) }

            #expect(try await store.record(entity: "regulated_entity", key: "E0002", scope: .province) == nil)
            #expect(try await store.record(entity: "regulated_entity", key: "E0001", scope: .province) == before)
            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 1)
            #expect(try await store.count(entity: "assessment", scope: .province) == 0)
            #expect(try await store.quarantine(scope: .province, entity: nil, includeResolved: true).isEmpty)
            #expect(try await store.tickets(scope: .province, status: nil).isEmpty)
            #expect(try await store.importJournal(id: "J1") == nil)
            #expect(try await store.batchReceipts(batchID: "B1") == nil)
            #expect(try await store.lastSequence() == sequence)
            #expect(try await store.changes(after: sequence, scope: .province, limit: 10).isEmpty)

            // The store still works, and the next sequence number follows the last committed one.
            let next = try await store.commit(
                StoreTransaction(writes: [Fixture.regulatedEntity("E0002")], now: Fixture.now + 2))
            #expect(Fixture.sequences(next.outcomes).count == 1)
            #expect(next.lastSequence > sequence)
        }
    }

    // MARK: - Monitoring readings

    @Test("readings: append, replace on conflict, query [from, to) in time order", arguments: Backend.allCases)
    func readings(backend: Backend) async throws {
        try await withStore(backend) { store in
            _ = try await store.prepare(Fixture.schema)
            // Two hours before midnight of 1 February 2026 in Beijing, across a month boundary.
            let start: Int64 = 1_769_868_000
            let hour: Int64 = 3600
            let point = "88888880000001"
            var batch: [MonitoringReading] = []
            for step in (0..<5).reversed() {
                batch.append(
                    MonitoringReading(
                        point: point, pollutant: "a21026", time: start + Int64(step) * hour, value: 10.5 + Double(step))
                )
                batch.append(
                    MonitoringReading(
                        point: point, pollutant: "a21002", time: start + Int64(step) * hour, value: Double(step)))
            }
            batch.append(MonitoringReading(point: "88888880000002", pollutant: "a21026", time: start, value: 99))
            batch.append(
                MonitoringReading(point: point, pollutant: "a34013", time: start + hour, value: nil, flag: "F"))
            try await store.appendReadings(batch)

            // Replaced: the same point, pollutant and time.
            try await store.appendReadings([
                MonitoringReading(point: point, pollutant: "a21026", time: start + hour, value: 0.25, flag: "M")
            ])
            try await store.appendReadings([])

            let so2 = try await store.readings(point: point, pollutant: "a21026", from: start, to: start + 3 * hour)
            #expect(
                so2 == [
                    MonitoringReading(point: point, pollutant: "a21026", time: start, value: 10.5),
                    MonitoringReading(point: point, pollutant: "a21026", time: start + hour, value: 0.25, flag: "M"),
                    MonitoringReading(point: point, pollutant: "a21026", time: start + 2 * hour, value: 12.5),
                ])
            let all = try await store.readings(point: point, pollutant: nil, from: start + hour, to: start + 5 * hour)
            #expect(all.count == 4 + 4 + 1)
            #expect(
                all.map(\.pollutant) == Array(repeating: "a21002", count: 4) + Array(repeating: "a21026", count: 4) + [
                    "a34013"
                ])
            #expect(all.prefix(4).map(\.time) == [1, 2, 3, 4].map { start + $0 * hour })
            #expect(
                all.last
                    == MonitoringReading(point: point, pollutant: "a34013", time: start + hour, value: nil, flag: "F"))
            #expect(
                try await store.readings(
                    point: point, pollutant: "a21026", from: start + 5 * hour, to: start + 9 * hour
                ).isEmpty)
            #expect(
                try await store.readings(point: "88888880000002", pollutant: nil, from: start, to: start + 1) == [
                    MonitoringReading(point: "88888880000002", pollutant: "a21026", time: start, value: 99)
                ])
        }
    }

    // MARK: - Between stores

    @Test(
        "a record copied to another store keeps its hash and is unchanged when copied again",
        arguments: Backend.allCases)
    func exchangeBetweenStores(backend: Backend) async throws {
        try await withTwoStores(backend) { city, province in
            _ = try await city.prepare(Fixture.schema)
            _ = try await province.prepare(Fixture.schema)
            _ = try await city.commit(
                StoreTransaction(
                    writes: [Fixture.regulatedEntity("E1"), Fixture.assessment("A1"), Fixture.regulatedEntity("E2")],
                    now: Fixture.now))
            let feed = try await city.changes(after: 0, scope: .province, limit: 100)
            let writes = feed.map { record in
                RecordWrite(
                    entity: record.entity, key: record.key, division: record.division, values: record.values,
                    hash: record.hash, standardVersion: record.standardVersion, source: "batch:B1")
            }
            let first = try await province.commit(StoreTransaction(writes: writes, now: Fixture.now + 1))
            #expect(Fixture.sequences(first.outcomes).count == 3)
            let again = try await province.commit(StoreTransaction(writes: writes, now: Fixture.now + 2))
            #expect(again.outcomes == [.unchanged, .unchanged, .unchanged])
            for record in feed {
                let copy = try #require(
                    try await province.record(entity: record.entity, key: record.key, scope: .province))
                #expect(copy.values == record.values)
                #expect(copy.hash == record.hash)
                let table = Fixture.table(record.entity)
                #expect(RecordContent.hash(copy.values, table: table) == record.hash)
                #expect(copy.source == "batch:B1")
            }
            #expect(try await city.changes(after: 0, scope: .province, limit: 100) == feed)
        }
    }
}
