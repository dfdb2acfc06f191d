import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation
import Testing

/// Import, exchange and rectification, on every backend, with the bundled sample data.
@Suite struct ImportExchangeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let samples = repository.appendingPathComponent("Examples/sample-data")
    static let cleanEntities = [
        "agency", "officer", "regulated_entity", "permit", "permit_outlet", "monitoring_point", "clue",
    ]
    static let now: Int64 = 1_796_000_000  // 2026-11-29 in seconds since 1970

    static func validation() throws -> RecordValidator.Options {
        RecordValidator.Options(asOf: try CivilDate("2026-11-29"))
    }

    static func importer(_ store: any RecordStore, transactionSize: Int = 20_000) throws -> StoreImporter {
        StoreImporter(
            store: store, schema: TestEnvironment.schema,
            options: .init(validation: try validation(), transactionSize: transactionSize))
    }

    static func cleanSources() -> [ImportSource] {
        cleanEntities.map { ImportSource(entity: $0, file: samples.appendingPathComponent("\($0).csv")) }
    }

    static func prepared(_ store: any RecordStore) async throws {
        _ = try await store.prepare(TestEnvironment.schema)
    }

    @Test(arguments: Backend.allCases)
    func importingTheSampleDataStoresEveryRecordOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let report = try await Self.importer(store).run(Self.cleanSources(), now: Self.now)
            #expect(report.records == 292)
            #expect(report.stored == 292)
            #expect(report.quarantined == 0)
            #expect(report.files.allSatisfy { $0.inserted == $0.records && !$0.alreadyImported })
            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 40)
            #expect(try await store.count(entity: "clue", scope: .province) == 32)
            #expect(try await store.lastSequence() == 292)
            // Chengdu's records only, for a Chengdu scope.
            let chengdu = DivisionScope(try DivisionCode("510100"))
            let inChengdu = try await store.records(
                entity: "regulated_entity", scope: chengdu, after: nil, limit: 1000)
            #expect(!inChengdu.isEmpty && inChengdu.count < 40)
            #expect(inChengdu.allSatisfy { $0.division?.hasPrefix("5101") == true })

            // Again: nothing to do, nothing changes.
            let again = try await Self.importer(store).run(Self.cleanSources(), now: Self.now + 60)
            #expect(again.files.allSatisfy { $0.alreadyImported })
            #expect(again.validation == nil)
            #expect(try await store.lastSequence() == 292)

            // Forced: everything read again, every record unchanged.
            var forced = try Self.importer(store)
            forced.options.force = true
            let redo = try await forced.run(Self.cleanSources(), now: Self.now + 120)
            #expect(redo.files.reduce(0) { $0 + $1.unchanged } == 292)
            #expect(try await store.lastSequence() == 292)
        }
    }

    @Test(arguments: Backend.allCases)
    func inputsAlreadyImportedAreSkippedAndAMissingInputStopsTheImport(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let sources = Self.cleanSources()
            let first = try await Self.importer(store).run([sources[0]], now: Self.now)
            #expect(first.files.map(\.alreadyImported) == [false])
            let stored = try await store.lastSequence()
            #expect(stored == Int64(first.stored))

            // The first input again beside the others: it is read, not written; the others are imported.
            let rest = try await Self.importer(store).run(sources, now: Self.now + 60)
            #expect(rest.files.map(\.alreadyImported) == [true] + Array(repeating: false, count: sources.count - 1))
            #expect(rest.validation != nil)
            #expect(try await store.lastSequence() == 292)

            // An input that cannot be read: the store's error names it, whatever the validation did meanwhile, and
            // nothing of the other inputs is written.
            let missing = Self.samples.appendingPathComponent("no-such-input.csv")
            let extra = ImportSource(entity: "regulated_entity", file: missing)
            let error = await #expect(throws: StoreError.self) {
                try await Self.importer(store).run(sources.reversed() + [extra], now: Self.now + 120)
            }
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains(missing.path) == true)
            #expect(try await store.lastSequence() == 292)
        }
    }

    @Test(arguments: Backend.allCases)
    func invalidRecordsGoToQuarantineWithTicketsPerError(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let file = Self.samples.appendingPathComponent("regulated_entity_with_defects.csv")
            let report = try await Self.importer(store).run(
                [ImportSource(entity: "regulated_entity", file: file)], now: Self.now)
            // 12 records: lines 2, 6, 11 (a warning only) and 12 are valid; the 8 others carry errors.
            #expect(report.records == 12)
            #expect(report.stored == 4)
            #expect(report.quarantined == 8)
            let quarantine = try await store.quarantine(scope: .province, entity: nil, includeResolved: false)
            #expect(quarantine.count == 8)
            #expect(Set(quarantine.map(\.line)) == [3, 4, 5, 7, 8, 9, 10, 13])
            let duplicate = try #require(quarantine.first { $0.line == 7 })
            #expect(duplicate.issues.contains { $0.ruleID == "record.duplicate-key" })
            #expect(duplicate.values["entity_code"] == "SC5115030094")
            // One ticket per error: D1 has two (uscc and the permit number embedding it), the others one.
            let tickets = try await store.tickets(scope: .province, status: .open)
            #expect(tickets.count == 9)
            #expect(tickets.contains { $0.field == "name" && $0.ruleID == "field.required" })
            // Re-import: the same entries, no new tickets.
            var again = try Self.importer(store)
            again.options.force = true
            _ = try await again.run([ImportSource(entity: "regulated_entity", file: file)], now: Self.now + 5)
            #expect(try await store.quarantine(scope: .province, entity: nil, includeResolved: false).count == 8)
            #expect(try await store.tickets(scope: .province, status: nil).count == 9)
        }
    }

    @Test(arguments: Backend.allCases)
    func anInterruptedImportResumesWithoutLossOrDoubles(_ backend: Backend) async throws {
        struct Interrupted: Error {}
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let source = ImportSource(
                entity: "regulated_entity", file: Self.samples.appendingPathComponent("regulated_entity.csv"))
            var commits = 0
            await #expect(throws: Interrupted.self) {
                _ = try await Self.importer(store, transactionSize: 10).run([source], now: Self.now) { _ in
                    commits += 1
                    if commits == 2 { throw Interrupted() }
                }
            }
            // Two transactions of 10 were committed before the interruption.
            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 20)
            let id = try await store.importJournal(id: try #require(Self.journalID(store, source)))
            #expect(id?.recordsCommitted == 20)
            #expect(id?.inserted == 20)
            #expect(id?.finished == false)

            let resumed = try await Self.importer(store, transactionSize: 10).run([source], now: Self.now + 1)
            let file = try #require(resumed.files.first)
            #expect(file.resumedAfter == 20)
            #expect(file.inserted == 40)  // 20 before the interruption, 20 now
            #expect(file.unchanged == 0)
            #expect(try await store.count(entity: "regulated_entity", scope: .province) == 40)
            #expect(try await store.lastSequence() == 40)
        }
    }

    /// The journal id of a source (SHA-256 of the entity, a newline and the bytes).
    static func journalID(_ store: any RecordStore, _ source: ImportSource) throws -> String? {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source.name))
        return RecordContent.sha256(Array((source.entity + "\n").utf8) + Array(bytes))
    }

    @Test(arguments: Backend.allCases)
    func exportedBatchesReproduceTheRecordsOnAnotherStore(_ backend: Backend) async throws {
        try await withTwoStores(backend) { city, province in
            try await Self.prepared(city)
            try await Self.prepared(province)
            let sources = Self.cleanSources()
            _ = try await Self.importer(city).run(sources, now: Self.now)
            // The province knows the province-level agencies that the cities' agencies name as parents; the
            // Mianyang agencies' parent_code resolves against its store, not the batch.
            let provincial = try await Self.importer(province).run(
                [ImportSource(entity: "agency", file: Self.samples.appendingPathComponent("agency.csv"))], now: Self.now
            )
            #expect(provincial.stored == 21)
            // Mianyang reports its records up; the whole province's data sits in this "city" store, so only the
            // records within 5107 travel.
            let mianyang = try DivisionCode("510700")
            let exporter = BatchExporter(store: city, schema: TestEnvironment.schema, sender: mianyang)
            let export = try await exporter.export(
                since: 0, direction: .up, createdAt: try LocalDateTime("2026-11-29 10:00:00"))
            #expect(!export.batches.isEmpty)
            #expect(export.cursor == 292)
            let applier = BatchApplier(store: province, schema: TestEnvironment.schema, options: try Self.validation())
            var accepted = 0
            for batch in export.batches {
                // Through the wire format.
                let decoded = try ExchangeBatch(decoding: batch.encoded(), name: batch.fileName)
                #expect(decoded == batch)
                let result = try await applier.apply(decoded, now: Self.now)
                #expect(!result.alreadyApplied)
                #expect(result.rejected == 0, "\(result.receipts.filter { $0.status == .rejected })")
                accepted += result.accepted
            }
            #expect(accepted == export.records)
            // Every Mianyang record arrived exactly: values and content hash.
            let scope = DivisionScope(mianyang)
            for entity in ["regulated_entity", "permit", "monitoring_point"] {
                let sent = try await city.records(entity: entity, scope: scope, after: nil, limit: 10_000)
                let received = try await province.records(entity: entity, scope: scope, after: nil, limit: 10_000)
                #expect(sent.count == received.count && !sent.isEmpty, "\(entity)")
                for (a, b) in zip(sent, received) {
                    #expect(a.key == b.key && a.values == b.values && a.hash == b.hash, "\(entity) \(a.key)")
                }
            }
            // The same batches again: receipts as before, nothing changes.
            let sequence = try await province.lastSequence()
            for batch in export.batches {
                let again = try await applier.apply(batch, now: Self.now + 10)
                #expect(again.alreadyApplied)
                #expect(again.accepted == batch.header.recordCount)
            }
            #expect(try await province.lastSequence() == sequence)
            // Nothing new after the cursor.
            let next = try await exporter.export(
                since: export.cursor, direction: .up, createdAt: try LocalDateTime("2026-11-29 11:00:00"))
            #expect(next.batches.isEmpty && next.cursor == export.cursor)
        }
    }

    @Test(arguments: Backend.allCases)
    func recordsOutsideTheSendersDivisionAreRejected(_ backend: Backend) async throws {
        try await withStore(backend) { province in
            try await Self.prepared(province)
            let lines = try String(
                contentsOf: Self.samples.appendingPathComponent("regulated_entity.csv"), encoding: .utf8
            ).split(separator: "\n")
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var body = ""
            for line in lines[1...] {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                var object: [String: String] = [:]
                for (index, cell) in cells.enumerated() where !cell.isEmpty { object[header[index]] = cell }
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                body += String(decoding: data, as: UTF8.self) + "\n"
            }
            let batch = ExchangeBatch(
                standard: "sichuan-enforcement", version: "1.0", entity: "regulated_entity", senderDivision: "510100",
                batchID: "up-510100-test-1", createdAt: "2026-11-29 10:00:00", body: Array(body.utf8))
            let result = try await BatchApplier(
                store: province, schema: TestEnvironment.schema, options: try Self.validation()
            ).apply(batch, now: Self.now)
            #expect(result.receipts.count == 40)
            let rejected = result.receipts.filter { $0.status == .rejected }
            #expect(!rejected.isEmpty && result.accepted > 0)
            #expect(rejected.allSatisfy { $0.errors.contains { $0.ruleID == "exchange.scope" } })
            let stored = try await province.records(
                entity: "regulated_entity", scope: .province, after: nil, limit: 100)
            #expect(stored.count == result.accepted)
            #expect(stored.allSatisfy { $0.division?.hasPrefix("5101") == true })
        }
    }

    @Test func corruptedBatchesAreRefusedWithTheReason() throws {
        let batch = ExchangeBatch(
            standard: "sichuan-enforcement", version: "1.0", entity: "agency", senderDivision: "510100",
            batchID: "b1", createdAt: "2026-11-29 10:00:00",
            body: Array("{\"agency_code\":\"A1\"}\n{\"agency_code\":\"A2\"}\n".utf8))
        var bytes = batch.encoded()
        #expect(try ExchangeBatch(decoding: bytes, name: "b1.jsonl") == batch)

        func reason(_ bytes: [UInt8]) -> String? {
            do {
                _ = try ExchangeBatch(decoding: bytes, name: "b1.jsonl")
                return nil
            } catch {
                #expect(error.code == .corruptBatch)
                return error.message
            }
        }
        // A flipped byte in the body.
        let last = bytes.count - 3
        bytes[last] ^= 0x01
        #expect(reason(bytes)?.contains("SHA-256") == true)
        // A truncated body (the last record lost).
        let truncated = Array(batch.encoded().dropLast(22))
        #expect(reason(truncated)?.contains("SHA-256") == true)
        // A header without its checksum.
        let text = String(decoding: batch.encoded(), as: UTF8.self)
            .replacingOccurrences(of: ",\"body_sha256\":\"\(batch.header.bodySHA256)\"", with: "")
        #expect(reason(Array(text.utf8))?.contains("lacks body_sha256") == true)
        // A count that does not match.
        let miscounted = String(decoding: batch.encoded(), as: UTF8.self)
            .replacingOccurrences(of: "\"record_count\":2", with: "\"record_count\":3")
        #expect(reason(Array(miscounted.utf8))?.contains("the header says 3") == true)
        // Not a batch at all.
        #expect(reason(Array("hello".utf8)) != nil)
        #expect(reason([]) != nil)
        #expect(reason(Array("[1,2]\n".utf8))?.contains("not a JSON object") == true)
    }

    @Test(arguments: Backend.allCases)
    func batchesOfAnotherStandardOrVersionAreRefused(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let applier = BatchApplier(store: store, schema: TestEnvironment.schema)
            for (standard, version) in [("other-standard", "1.0"), ("sichuan-enforcement", "0.9")] {
                let batch = ExchangeBatch(
                    standard: standard, version: version, entity: "agency", senderDivision: "510100",
                    batchID: "x-\(standard)-\(version)", createdAt: "2026-11-29 10:00:00", body: [])
                await #expect {
                    _ = try await applier.apply(batch, now: Self.now)
                } throws: { error in
                    (error as? StoreError)?.code == .incompatibleBatch
                }
            }
            #expect(try await store.lastSequence() == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func ticketsGoFromOpenToFixedToRechecked(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await Self.prepared(store)
            let file = Self.samples.appendingPathComponent("regulated_entity_with_defects.csv")
            _ = try await Self.importer(store).run(
                [ImportSource(entity: "regulated_entity", file: file)], now: Self.now)
            let desk = TicketDesk(store: store, schema: TestEnvironment.schema, options: try Self.validation())
            let open = try await desk.list(scope: .province, status: .open)
            // D5: control_level 4 is not a code; the right value is 1, 2 or 3.
            let level = try #require(open.first { $0.field == "control_level" })
            #expect(level.key == "SC5111110096")

            // A wrong correction: fixed → re-check fails → open again.
            _ = try await desk.markFixed(
                level.id, correctedValue: "9", by: "tester", scope: .province, now: Self.now + 1)
            let failed = try await desk.recheck([level.id], by: "tester", scope: .province, now: Self.now + 2)
            #expect(failed.count == 1 && failed[0].passed == false && failed[0].reopened == [level.id])
            #expect(try await store.record(entity: "regulated_entity", key: "SC5111110096", scope: .province) == nil)

            // The right correction: stored, quarantine resolved, ticket closed with its history.
            _ = try await desk.markFixed(
                level.id, correctedValue: "2", by: "tester", scope: .province, now: Self.now + 3)
            let passed = try await desk.recheck(nil, by: "tester", scope: .province, now: Self.now + 4)
            #expect(passed.count == 1 && passed[0].passed && passed[0].closed == [level.id])
            let stored = try #require(
                try await store.record(entity: "regulated_entity", key: "SC5111110096", scope: .province))
            let slot = try #require(
                TestEnvironment.schema.table("regulated_entity")?.fieldIDs.firstIndex(of: "control_level"))
            #expect(stored.values[slot] == "2")
            #expect(stored.source.hasPrefix("recheck:"))
            let closed = try #require(try await store.tickets(scope: .province, status: .rechecked).first)
            #expect(closed.history.map(\.status) == [.open, .fixed, .open, .fixed, .rechecked])
            #expect(try await store.quarantine(scope: .province, entity: nil, includeResolved: false).count == 7)

            // Only open tickets can be marked fixed.
            await #expect {
                _ = try await desk.markFixed(
                    level.id, correctedValue: "1", by: "tester", scope: .province, now: Self.now)
            } throws: { error in
                (error as? StoreError)?.code == .invalidTransition
            }
            // Importing the file again does not reopen what was rectified.
            var again = try Self.importer(store)
            again.options.force = true
            _ = try await again.run([ImportSource(entity: "regulated_entity", file: file)], now: Self.now + 9)
            let afterImport = try #require(
                try await store.tickets(scope: .province, status: nil).first { $0.id == level.id })
            #expect(afterImport.status == .rechecked)
            #expect(afterImport.history.count == 5)
            // A city does not see another city's tickets.
            let chengdu = DivisionScope(try DivisionCode("510100"))
            #expect(try await desk.list(scope: chengdu).allSatisfy { $0.division?.hasPrefix("5101") == true })
        }
    }
}
