import DataStandard
import EnforcementModel
import Foundation

/// Exports the changes of a store since a cursor as exchange batches, filtered by the standard's sharing rules.
///
/// ```swift
/// let exporter = BatchExporter(store: cityStore, schema: schema, sender: try DivisionCode("510100"))
/// let export = try await exporter.export(since: cursor, direction: .up, createdAt: now)
/// for batch in export.batches { try Data(batch.encoded()).write(to: folder.appending(path: batch.fileName)) }
/// cursor = export.cursor   // keep it: the next export starts there
/// ```
///
/// The batch id names the direction, sender, entity and the sequence range (`up-510100-permit-41-77`): exporting the
/// same changes again gives the same ids, so that the receiver applies them once.
public struct BatchExporter: Sendable {
    /// What an export made.
    public struct Export: Sendable {
        /// The batches, in sequence order within each entity.
        public var batches: [ExchangeBatch]
        /// The cursor after the export: the store's sequence number when the export began, or the highest read
        /// after it (the given cursor when nothing changed).
        public var cursor: Int64
        /// Records in all batches.
        public var records: Int { batches.reduce(0) { $0 + $1.header.recordCount } }
    }

    /// The store.
    public let store: any RecordStore
    /// Its schema.
    public let schema: StoreSchema
    /// The sending division (a city for `up`, the province for `down`).
    public let sender: DivisionCode

    /// Creates an exporter.
    public init(store: any RecordStore, schema: StoreSchema, sender: DivisionCode) {
        self.store = store
        self.schema = schema
        self.sender = sender
    }

    /// The changes after `cursor`, as batches of at most the standard's `max_records`.
    ///
    /// `up` exports the records within the sender's division; `down(to:)` those within the receiving city. An
    /// entity that does not travel in the direction (sharing `none`) is left out; of the others, the fields the
    /// sharing rule selects.
    public func export(
        since cursor: Int64, direction: ExchangeDirection, createdAt: LocalDateTime, pageSize: Int = 10_000
    ) async throws -> Export {
        let scope: DivisionScope
        switch direction {
        case .up: scope = DivisionScope(sender)
        case .down(let city): scope = DivisionScope(city)
        }
        let maximum = max(1, schema.standard.exchange.maxRecords)
        var open: [String: (lines: [UInt8], count: Int, first: Int64, last: Int64)] = [:]
        var order: [String] = []
        var batches: [ExchangeBatch] = []
        // Everything committed up to here is read; the cursor moves past it even when the last changes are outside
        // the scope (they are not the receiver's business), so that the next export does not read them again.
        let snapshot = try await store.lastSequence()
        var position = cursor
        func close(_ entity: String) {
            guard let pending = open.removeValue(forKey: entity), pending.count > 0 else { return }
            batches.append(
                ExchangeBatch(
                    standard: schema.standard.id, version: schema.standard.version, entity: entity,
                    senderDivision: sender.description,
                    batchID: "\(direction.name)-\(sender)-\(entity)-\(pending.first)-\(pending.last)",
                    createdAt: createdAt.description, body: pending.lines))
        }
        while true {
            let page = try await store.changes(after: position, scope: scope, limit: pageSize)
            guard let last = page.last else { break }
            position = last.sequence
            for record in page {
                guard let table = schema.table(record.entity),
                    let shared = Self.sharedSlots(table, direction: direction)
                else { continue }
                var line = "{\"_version\":\(json(record.standardVersion)),\"_revision\":\"\(record.revision)\""
                for slot in shared where slot < record.values.count {
                    guard let value = record.values[slot] else { continue }
                    line += ",\(json(table.entity.fields[slot].id)):\(json(value))"
                }
                line += "}\n"
                if open[record.entity] == nil {
                    open[record.entity] = ([], 0, record.sequence, record.sequence)
                    order.append(record.entity)
                }
                open[record.entity]?.lines += Array(line.utf8)
                open[record.entity]?.count += 1
                open[record.entity]?.last = record.sequence
                if let count = open[record.entity]?.count, count >= maximum { close(record.entity) }
            }
            if page.count < pageSize { break }
        }
        for entity in order { close(entity) }
        return Export(batches: batches, cursor: max(position, snapshot, cursor))
    }

    /// The slots of the fields an entity shares in a direction; `nil` when it does not travel that way.
    static func sharedSlots(_ table: EntityTable, direction: ExchangeDirection) -> [Int]? {
        let selection: FieldSelection
        switch direction {
        case .up: selection = table.entity.sharing.up
        case .down: selection = table.entity.sharing.down
        }
        switch selection {
        case .all: return Array(table.entity.fields.indices)
        case .none: return nil
        case .fields(let ids):
            let wanted = Set(ids).union(table.entity.key)
            return table.entity.fields.indices.filter { wanted.contains(table.entity.fields[$0].id) }
        }
    }
}

/// Applies exchange batches to a store: validates every record, stores the valid ones, quarantines the others,
/// and returns a receipt per record.
///
/// ```swift
/// let applier = BatchApplier(store: provinceStore, schema: schema)
/// let result = try await applier.apply(try ExchangeBatch(decoding: bytes, name: path), now: now)
/// for receipt in result.receipts where receipt.status == .rejected { print(receipt.key ?? "", receipt.errors) }
/// ```
///
/// Applying is idempotent by batch id: a batch applied before returns its stored receipts and changes nothing.
/// The batch must be of the store's standard, in a version the store reads (STD-7); every record must lie within
/// the sender's division (a city cannot report another city's records; the province sends to anyone).
public struct BatchApplier: Sendable {
    /// The outcome of applying a batch.
    public struct Application: Sendable {
        /// The batch id.
        public var batchID: String
        /// The batch had been applied before: nothing was done, the receipts are those stored then.
        public var alreadyApplied: Bool
        /// One receipt per record, in body order.
        public var receipts: [BatchReceipt]
        /// The import report (`nil` when already applied).
        public var report: ImportReport?

        /// Records accepted.
        public var accepted: Int { receipts.count { $0.status == .accepted } }
        /// Records rejected.
        public var rejected: Int { receipts.count { $0.status == .rejected } }
    }

    /// The store.
    public let store: any RecordStore
    /// Its schema.
    public let schema: StoreSchema
    /// How records are validated (the `asOf` date of timeliness, workers).
    public var options: RecordValidator.Options

    /// Creates an applier.
    public init(store: any RecordStore, schema: StoreSchema, options: RecordValidator.Options = .init()) {
        self.store = store
        self.schema = schema
        self.options = options
    }

    /// Applies a verified batch.
    ///
    /// - Throws: ``StoreError`` `.incompatibleBatch` for another standard, an unread version, an unknown entity or a
    ///   sender that is not a division; or what the store throws.
    public func apply(_ batch: ExchangeBatch, now: Int64) async throws -> Application {
        let header = batch.header
        guard header.standard == schema.standard.id else {
            throw StoreError(
                .incompatibleBatch,
                "batch \(header.batchID) is of the standard \(header.standard), this store holds \(schema.standard.id)",
                zh: "批次\(header.batchID)属于标准\(header.standard)，本存储为\(schema.standard.id)")
        }
        guard schema.reads(version: header.version) else {
            throw StoreError(
                .incompatibleBatch,
                "batch \(header.batchID) follows version \(header.version), which \(schema.standard.id) "
                    + "\(schema.standard.version) does not read",
                zh: "批次\(header.batchID)为\(header.version)版，本存储的\(schema.standard.version)版不兼容读取")
        }
        guard schema.table(header.entity) != nil else {
            throw StoreError(
                .incompatibleBatch, "batch \(header.batchID) is of entity \(header.entity), which the standard lacks",
                zh: "批次\(header.batchID)的实体\(header.entity)不在标准中")
        }
        let sender: DivisionCode
        do {
            sender = try DivisionCode(header.senderDivision)
        } catch {
            throw StoreError(
                .incompatibleBatch,
                "batch \(header.batchID): sender_division \(header.senderDivision) is not a division code",
                zh: "批次\(header.batchID)：sender_division \(header.senderDivision)不是行政区划代码")
        }
        if let receipts = try await store.batchReceipts(batchID: header.batchID) {
            return Application(batchID: header.batchID, alreadyApplied: true, receipts: receipts, report: nil)
        }
        var importOptions = StoreImporter.Options(validation: options, transactionSize: Int.max, force: true)
        importOptions.validation.format = .jsonLines
        let importer = StoreImporter(store: store, schema: schema, options: importOptions)
        let origin = StoreImporter.BatchOrigin(
            batchID: header.batchID, standardVersion: header.version, scope: DivisionScope(sender))
        let (report, receipts) = try await importer.run(
            [ImportSource(entity: header.entity, bytes: batch.body, name: "batch \(header.batchID)")], now: now,
            origin: origin, progress: { _ in })
        return Application(batchID: header.batchID, alreadyApplied: false, receipts: receipts, report: report)
    }
}
