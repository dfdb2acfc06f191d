import Crypto
import DataStandard
import EnforcementModel
import Foundation

/// One input of an import: an entity and where its records are.
public struct ImportSource: Sendable {
    enum Origin: Sendable {
        case file(URL)
        case bytes([UInt8], name: String)
    }

    /// The entity the records are imported as.
    public var entity: String
    let origin: Origin

    /// A file (CSV, JSON Lines or JSON array; UTF-8 or GB18030).
    public init(entity: String, file: URL) {
        self.entity = entity
        origin = .file(file)
    }

    /// Bytes in memory, named as issues will name them (the extension selects the format when automatic).
    public init(entity: String, bytes: [UInt8], name: String) {
        self.entity = entity
        origin = .bytes(bytes, name: name)
    }

    /// The path or name.
    public var name: String {
        switch origin {
        case .file(let url): url.path
        case .bytes(_, let name): name
        }
    }

    var validationInput: ValidationInput {
        switch origin {
        case .file(let url): ValidationInput(entity: entity, file: url)
        case .bytes(let bytes, let name): ValidationInput(entity: entity, bytes: bytes, name: name)
        }
    }

    /// The SHA-256 of the entity id, a newline and the input's bytes: the import's id.
    func importID() throws(StoreError) -> String {
        switch origin {
        case .bytes(let bytes, _):
            return RecordContent.sha256(Array((entity + "\n").utf8) + bytes)
        case .file(let url):
            func failure() -> StoreError {
                let reason = String(cString: strerror(errno))
                return StoreError(
                    .unavailable, "cannot read \(url.path): \(reason)", zh: "无法读取\(url.path)：\(reason)")
            }
            let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure() }
            defer { close(descriptor) }
            var hasher = SHA256()
            hasher.update(data: Array((entity + "\n").utf8))
            // Blocks read into one buffer, small enough to stay in the processor's cache while they are hashed.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
            defer { buffer.deallocate() }
            while true {
                let count = read(descriptor, buffer.baseAddress, buffer.count)
                if count == 0 { break }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw failure()
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            return RecordContent.hex(hasher.finalize())
        }
    }
}

/// The progress of an import, reported as records are committed.
public struct ImportProgress: Hashable, Sendable {
    /// The input being read.
    public var file: String
    /// Records read so far, all inputs together.
    public var recordsRead: Int
    /// Records committed so far (stored or quarantined), all inputs together.
    public var recordsCommitted: Int
    /// Records quarantined so far.
    public var quarantined: Int
}

/// What an import did.
public struct ImportReport: Hashable, Sendable, Codable {
    /// One input's outcome.
    public struct File: Hashable, Sendable, Codable {
        /// The input.
        public var file: String
        /// The entity.
        public var entity: String
        /// The import id (SHA-256 of the entity and the bytes).
        public var importID: String
        /// Records in the input.
        public var records: Int
        /// New records stored.
        public var inserted: Int
        /// Stored records given new content.
        public var updated: Int
        /// Records already stored with the same content.
        public var unchanged: Int
        /// Records refused and quarantined with their errors.
        public var quarantined: Int
        /// The input was imported before, completely: nothing was done.
        public var alreadyImported: Bool
        /// The import resumed an interrupted one: the records up to this number were committed before.
        public var resumedAfter: Int?
    }

    /// Per input.
    public var files: [File]
    /// The validation of the inputs (`nil` when every input had been imported before).
    public var validation: ValidationReport?

    /// Records in all inputs.
    public var records: Int { files.reduce(0) { $0 + $1.records } }
    /// Records stored (inserted, updated or unchanged).
    public var stored: Int { files.reduce(0) { $0 + $1.inserted + $1.updated + $1.unchanged } }
    /// Records quarantined.
    public var quarantined: Int { files.reduce(0) { $0 + $1.quarantined } }
}

/// Imports files into a store: validates every record, stores the valid ones, quarantines the others with their
/// located errors and opens a rectification ticket per error.
///
/// ```swift
/// let importer = StoreImporter(store: store, schema: schema, options: .init(validation: .init(asOf: today)))
/// let report = try await importer.run([ImportSource(entity: "regulated_entity", file: url)], now: now) {
///     progress in print(progress.recordsCommitted)
/// }
/// print(report.stored, report.quarantined)
/// ```
///
/// **Nothing lost, nothing doubled.** Records are committed in transactions of ``Options/transactionSize``, each
/// with the import's journal (records committed so far). A crash between two commits leaves the store as of the
/// last commit; importing the same file again resumes after the journal's last committed record (the records
/// before it are validated again — duplicates are found across the whole file — but not written). Writes are
/// keyed by record key and content hash, quarantine entries by import id and record number: a record is never
/// stored twice. An input whose journal says it was imported completely is not read again.
public struct StoreImporter: Sendable {
    /// Options of an import.
    public struct Options: Sendable {
        /// How records are read and validated.
        ///
        /// The store's writer commits while the next records are validated, so an import validates on one worker
        /// fewer than the processors (at least one), and never on more than `validation.workers`: the writer, which
        /// sets the pace, keeps a processor of its own.
        public var validation: RecordValidator.Options
        /// Records (stored or quarantined) per transaction. Defaults to 20,000.
        public var transactionSize: Int
        /// Re-import inputs even when their journal says they were imported completely. Defaults to `false`.
        public var force: Bool

        /// Creates options.
        public init(
            validation: RecordValidator.Options = .init(), transactionSize: Int = 20_000, force: Bool = false
        ) {
            self.validation = validation
            self.transactionSize = max(1, transactionSize)
            self.force = force
        }

        /// ``validation`` with the workers an import validates on.
        var validationWhileWriting: RecordValidator.Options {
            var options = validation
            options.workers = min(options.workers, max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
            return options
        }
    }

    /// The store.
    public let store: any RecordStore
    /// The store's schema (the standard records are validated against).
    public let schema: StoreSchema
    /// The options.
    public var options: Options

    /// Creates an importer.
    public init(store: any RecordStore, schema: StoreSchema, options: Options = Options()) {
        self.store = store
        self.schema = schema
        self.options = options
    }

    /// Imports inputs, validated together (references between them resolve).
    ///
    /// - Parameters:
    ///   - sources: The inputs.
    ///   - now: The commit time (seconds since 1970 UTC).
    ///   - progress: Called after every commit; throw to stop the import (what was committed stays, and a later run
    ///     resumes after it).
    /// - Throws: ``StoreError`` (the store, an unknown entity, an unreadable file) or ``DataStandardError``.
    public func run(
        _ sources: [ImportSource], now: Int64, progress: (ImportProgress) throws -> Void = { _ in }
    ) async throws -> ImportReport {
        try await run(sources, now: now, origin: nil, progress: progress).report
    }

    /// The import of an exchange batch: every record gets a receipt, stored with the last transaction.
    struct BatchOrigin {
        var batchID: String
        var standardVersion: String
        /// Records outside this scope are rejected.
        var scope: DivisionScope
    }

    func run(
        _ sources: [ImportSource], now: Int64, origin: BatchOrigin?, progress: (ImportProgress) throws -> Void
    ) async throws -> (report: ImportReport, receipts: [BatchReceipt]) {
        for source in sources { _ = try schema.requireTable(source.entity) }
        let run = ImportRun(schema: schema, options: options, now: now, origin: origin)
        // Inputs already imported are validated again only when others refer to them; they are not written.
        let validator = try RecordValidator(standard: schema.standard, options: options.validationWhileWriting)
        let store = store
        // Each input's id (the hash of all its bytes) is taken beside the validation of the first records: the
        // journals the ids find decide what is written, and the first records wait for them (``begin()``).
        let identified = Task.detached { () async throws -> [(id: String, journal: ImportJournal?)] in
            var found: [(id: String, journal: ImportJournal?)] = []
            for source in sources {
                let id = try source.importID()
                found.append((id, try await store.importJournal(id: id)))
            }
            return found
        }
        /// The entities whose empty tables are bulk loaded (the store may build their secondary indexes once, at
        /// the end); `nil` until the inputs are begun.
        var loaded: [String]?
        /// Begins the inputs with their journals, once; throws ``NothingToImport`` when every input is imported.
        func begin() async throws {
            guard loaded == nil else { return }
            var toWrite: Set<String> = []
            for (source, (id, journal)) in zip(sources, try await identified.value) {
                if !run.begin(source: source, id: id, journal: journal).alreadyImported {
                    toWrite.insert(source.entity)
                }
            }
            guard !toWrite.isEmpty else { throw NothingToImport() }
            loaded = []
            for entity in toWrite.sorted() {
                try await store.beginBulkLoad(entity: entity)
                loaded?.append(entity)
            }
        }
        // One commit runs while the next records are prepared (the validation leaves the store's writer a processor,
        // see Options.validation); commits stay in order, each journal counting every commit before it.
        var inFlight: (task: Task<CommitResult, any Error>, pending: ImportRun.Pending)?
        func settle() async throws {
            guard let (task, pending) = inFlight else { return }
            inFlight = nil
            run.committed(try await task.value, pending)
            try progress(run.progress)
        }
        func submit(_ pending: ImportRun.Pending) async throws {
            try await settle()
            let transaction = run.settled(pending)
            // The commit holds the transaction's only copy: its writes are freed where the commit ends, beside the
            // next records' preparation rather than after it.
            var counts = pending
            counts.transaction = StoreTransaction(now: transaction.now)
            inFlight = (Task { try await store.commit(transaction) }, counts)
        }
        let report: ValidationReport
        do {
            report = try await validator.validate(
                sources.map(\.validationInput),
                onIssue: { issue in run.collect(issue) },
                onRecords: { batch in
                    try await begin()
                    for pending in try await run.take(batch, store: store) { try await submit(pending) }
                })
            try await begin()
            for pending in run.finish() { try await submit(pending) }
            try await settle()
        } catch is NothingToImport {
            return (ImportReport(files: run.files.map(\.report), validation: nil), [])
        } catch {
            // Whatever was submitted is committed (or fails) before the error goes up: nothing runs after it.
            if let (task, _) = inFlight { _ = try? await task.value }
            for entity in loaded ?? [] { try? await store.finishBulkLoad(entity: entity) }
            // An input that cannot be read is told as the store tells it, whichever found it first.
            if case .failure(let failure) = await identified.result { throw failure }
            throw error
        }
        for entity in loaded ?? [] { try await store.finishBulkLoad(entity: entity) }
        var files = run.files.map(\.report)
        for (index, file) in files.enumerated() {
            files[index].records = report.files.first { $0.file == file.file }?.records ?? file.records
        }
        return (ImportReport(files: files, validation: report), run.receipts)
    }
}

/// Every input of an import was imported before: nothing is validated further or written.
private struct NothingToImport: Error {}

/// The state of one import run: accumulates writes, quarantine entries and tickets into transactions.
final class ImportRun {
    final class FileState {
        var report: ImportReport.File
        var journal: ImportJournal
        let source: ImportSource
        let table: EntityTable
        /// Records up to this number were committed by an earlier, interrupted run.
        let skipThrough: Int
        /// `import:<name>`, the source of its records (made once, shared by every write).
        let sourceName: String

        init(source: ImportSource, table: EntityTable, report: ImportReport.File, journal: ImportJournal) {
            self.source = source
            self.table = table
            self.report = report
            self.journal = journal
            skipThrough = journal.finished ? Int.max : journal.recordsCommitted
            sourceName = "import:" + source.name
        }

        var alreadyImported: Bool { report.alreadyImported }
    }

    let schema: StoreSchema
    let options: StoreImporter.Options
    let now: Int64
    let origin: StoreImporter.BatchOrigin?
    /// `batch:<id>`, the source of a batch's records.
    private let batchSource: String?
    var files: [FileState] = []
    private var byName: [String: FileState] = [:]
    /// Issues of records not yet handed over, by file and record number.
    private var issues: [Int: [ValidationIssue]] = [:]
    private var issuesFile = ""
    private var writes: [RecordWrite] = []
    private var quarantine: [QuarantineEntry] = []
    private var tickets: [Ticket] = []
    private var pendingRecords = 0
    /// The input of the pending records.
    private var pendingFile: FileState?
    private(set) var receipts: [BatchReceipt] = []
    private(set) var progress = ImportProgress(file: "", recordsRead: 0, recordsCommitted: 0, quarantined: 0)

    init(schema: StoreSchema, options: StoreImporter.Options, now: Int64, origin: StoreImporter.BatchOrigin?) {
        self.schema = schema
        self.options = options
        self.now = now
        self.origin = origin
        batchSource = origin.map { "batch:" + $0.batchID }
    }

    func begin(source: ImportSource, id: String, journal: ImportJournal?) -> FileState {
        let table = schema.table(source.entity) ?? schema.tables[0]
        let done = (journal?.finished ?? false) && !options.force
        let current =
            done
            ? journal
                ?? ImportJournal(id: id, entity: source.entity, source: source.name, startedAt: now, updatedAt: now)
            : ImportJournal(
                id: id, entity: source.entity, source: source.name,
                recordsCommitted: journal.map { $0.finished ? 0 : $0.recordsCommitted } ?? 0,
                inserted: journal.map { $0.finished ? 0 : $0.inserted } ?? 0,
                updated: journal.map { $0.finished ? 0 : $0.updated } ?? 0,
                unchanged: journal.map { $0.finished ? 0 : $0.unchanged } ?? 0,
                quarantined: journal.map { $0.finished ? 0 : $0.quarantined } ?? 0,
                startedAt: journal?.startedAt ?? now, updatedAt: now)
        let resumed = !done && (journal.map { !$0.finished && $0.recordsCommitted > 0 } ?? false)
        let report = ImportReport.File(
            file: source.name, entity: source.entity, importID: id, records: done ? current.recordsCommitted : 0,
            inserted: current.inserted, updated: current.updated, unchanged: current.unchanged,
            quarantined: current.quarantined, alreadyImported: done,
            resumedAfter: resumed ? current.recordsCommitted : nil)
        let state = FileState(source: source, table: table, report: report, journal: current)
        if done {
            // Read (for references) but never written.
            state.journal.finished = true
        }
        files.append(state)
        byName[source.name] = state
        return state
    }

    func collect(_ issue: ValidationIssue) {
        guard let record = issue.recordNumber else { return }
        if issue.file != issuesFile {
            issues.removeAll(keepingCapacity: true)
            issuesFile = issue.file
        }
        issues[record, default: []].append(issue)
    }

    /// Takes a chunk of records; returns the transactions to commit now: one when enough records are pending, and
    /// one for the previous input when this chunk starts another (a transaction holds one input's journal).
    func take(_ batch: ValidatedRecords, store: any RecordStore) async throws -> [Pending] {
        guard let file = byName[batch.file] else { return [] }
        var ready: [Pending] = []
        if let pending = pendingFile, pending !== file, pendingRecords > 0 || !writes.isEmpty {
            ready.append(makeTransaction(finishing: false))
        }
        pendingFile = file
        let table = file.table
        progress.file = batch.file
        progress.recordsRead += batch.count
        let sameFile = batch.file == issuesFile
        var prepared = Self.prepare(
            batch, table: table, standardVersion: standardVersion, source: source(of: file))
        for record in 0..<batch.count {
            let number = batch.recordNumbers[record]
            let recordIssues = sameFile ? issues.removeValue(forKey: number) ?? [] : []
            if number <= file.skipThrough { continue }
            var isValid = batch.isValid[record]
            // Made only for what needs strings: invalid records, batches, writes not prepared.
            lazy var raw = batch.values(of: record)[...]
            var allIssues = recordIssues
            if !isValid, !allIssues.isEmpty,
                let resolved = try await resolveReferences(allIssues, raw: raw, table: table, store: store)
            {
                // Its only errors were references to records that are not in the input but are in the store.
                isValid = true
                allIssues = resolved
            }
            if isValid, let origin, case let division = table.divisionSlot.flatMap({ raw[raw.startIndex + $0] }),
                !origin.scope.contains(division)
            {
                isValid = false
                allIssues.append(
                    ValidationIssue(
                        file: batch.file, recordNumber: number, line: batch.lines[record],
                        recordKey: RecordContent.key(raw, table: table), entity: table.entity.id,
                        field: table.divisionSlot.map { table.entity.fields[$0].id }, ruleID: "exchange.scope",
                        severity: .error, value: division,
                        message: LocalizedText(
                            zh: "记录的行政区划\(division ?? "（空）")不在发送方\(origin.scope)的管辖范围内",
                            en: "the record's division \(division ?? "(empty)") is outside the sender \(origin.scope)"))
                )
            }
            let write =
                isValid
                ? prepared[record].take()
                    ?? RecordWrite(
                        record: raw, table: table, standardVersion: standardVersion, source: source(of: file))
                : nil
            if let write {
                let key = write.key
                writes.append(write)
                if origin != nil { receipts.append(BatchReceipt(record: number, key: key, status: .accepted)) }
            } else {
                let entry = quarantineEntry(
                    file: file, table: table, number: number, line: batch.lines[record], raw: raw, issues: allIssues)
                quarantine.append(entry)
                tickets += Self.tickets(for: entry, now: now)
                file.report.quarantined += 1
                file.journal.quarantined += 1
                if origin != nil {
                    receipts.append(
                        BatchReceipt(
                            record: number, key: entry.key, status: .rejected,
                            errors: allIssues.filter { $0.severity == .error }))
                }
            }
            file.journal.recordsCommitted = number
            pendingRecords += 1
            if pendingRecords >= options.transactionSize && origin == nil {
                ready.append(makeTransaction(finishing: false))
            }
        }
        return ready
    }

    /// The writes of the chunk's valid records (canonical values, key, SHA-256), made on every processor: it is
    /// most of the work of preparing writes, and the records are independent.
    static func prepare(
        _ batch: ValidatedRecords, table: EntityTable, standardVersion: String, source: String
    ) -> [RecordWrite?] {
        let count = batch.count
        guard count > 0 else { return [] }
        let parts = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / 256))
        return [RecordWrite?](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: nil)
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let packer = RecordPacker(table: table, standardVersion: standardVersion, source: source)
                for record in (count * part / parts)..<(count * (part + 1) / parts) where batch.isValid[record] {
                    output[record] = packer.write(record, of: batch)
                }
            }
            initialized = count
        }
    }

    /// When every error of a record is a reference (`field.reference`) to a record of an entity keyed by the
    /// referenced field alone, and every such record is in the store: the record's other issues (its warnings);
    /// else `nil`.
    private func resolveReferences(
        _ issues: [ValidationIssue], raw: ArraySlice<String?>, table: EntityTable, store: any RecordStore
    ) async throws -> [ValidationIssue]? {
        let errors = issues.filter { $0.severity == .error }
        guard !errors.isEmpty, errors.allSatisfy({ $0.ruleID == ValidationIssue.RuleID.fieldReference }) else {
            return nil
        }
        for error in errors {
            guard let field = error.field, let slot = table.entity.fields.firstIndex(where: { $0.id == field }),
                let reference = table.entity.fields[slot].reference, reference.scope.isEmpty,
                let target = schema.table(reference.entity),
                target.keySlots.count == 1, target.entity.fields[target.keySlots[0]].id == reference.field,
                let value = raw[raw.startIndex + slot],
                try await store.record(entity: reference.entity, key: value, scope: .province) != nil
            else { return nil }
        }
        return issues.filter { $0.severity != .error }
    }

    /// The standard version of the records written: the batch's, or the store's standard's.
    private var standardVersion: String { origin?.standardVersion ?? schema.standard.version }

    private func source(of file: FileState) -> String {
        batchSource ?? file.sourceName
    }

    private func quarantineEntry(
        file: FileState, table: EntityTable, number: Int, line: Int, raw: ArraySlice<String?>,
        issues: [ValidationIssue]
    ) -> QuarantineEntry {
        var values: [String: String] = [:]
        for (slot, value) in raw.enumerated() {
            if let value, !value.isEmpty { values[table.entity.fields[slot].id] = value }
        }
        let id = String(RecordContent.sha256(Array("\(file.journal.id):\(number)".utf8)).prefix(32))
        return QuarantineEntry(
            id: id, entity: table.entity.id, key: RecordContent.key(raw, table: table),
            division: table.divisionSlot.flatMap { raw[raw.startIndex + $0] }, source: source(of: file),
            recordNumber: number, line: line, values: values, issues: issues, quarantinedAt: now)
    }

    /// One ticket per error of a quarantined record and field (duplicates of the same field and rule merged).
    static func tickets(for entry: QuarantineEntry, now: Int64) -> [Ticket] {
        var seen = Set<String>()
        var result: [Ticket] = []
        for issue in entry.issues where issue.severity == .error {
            let id = ticketID(quarantineID: entry.id, field: issue.field, rule: issue.ruleID)
            guard seen.insert(id).inserted else { continue }
            result.append(
                Ticket(
                    id: id, quarantineID: entry.id, entity: entry.entity, key: entry.key, division: entry.division,
                    field: issue.field, ruleID: issue.ruleID, message: issue.message,
                    history: [
                        Ticket.Event(
                            status: .open, at: now, by: "system",
                            note: "\(entry.source) record \(entry.recordNumber) line \(entry.line)")
                    ]))
        }
        return result
    }

    static func ticketID(quarantineID: String, field: String?, rule: String) -> String {
        "T-" + RecordContent.sha256(Array("\(quarantineID)|\(field ?? "")|\(rule)".utf8)).prefix(12)
    }

    /// A transaction ready to commit, with what the report needs to count its outcomes.
    struct Pending {
        var transaction: StoreTransaction
        /// The input whose journal the transaction carries.
        var file: FileState?
        var records: Int
        var quarantined: Int
    }

    /// The pending writes, quarantine entries and tickets of the pending input, with its journal.
    private func makeTransaction(finishing: Bool) -> Pending {
        var transaction = StoreTransaction(writes: writes, quarantine: quarantine, now: now)
        transaction.openedTickets = tickets
        if let file = pendingFile {
            file.journal.updatedAt = now
            if finishing { file.journal.finished = true }
            transaction.journal = file.journal
        }
        let pending = Pending(
            transaction: transaction, file: pendingFile, records: pendingRecords,
            quarantined: quarantine.count)
        writes.removeAll(keepingCapacity: true)
        quarantine.removeAll(keepingCapacity: true)
        tickets.removeAll(keepingCapacity: true)
        pendingRecords = 0
        return pending
    }

    /// The transaction to commit now: its journal with the outcomes of every transaction committed before it (the
    /// journal was taken when the transaction was made, maybe before earlier ones were counted).
    func settled(_ pending: Pending) -> StoreTransaction {
        var transaction = pending.transaction
        if var journal = transaction.journal, let file = pending.file {
            journal.inserted = file.journal.inserted
            journal.updated = file.journal.updated
            journal.unchanged = file.journal.unchanged
            transaction.journal = journal
        }
        return transaction
    }

    /// Counts the outcomes of a committed transaction.
    func committed(_ result: CommitResult, _ pending: Pending) {
        // A transaction writes the records of one input (``take(_:store:)`` ends one where another input starts).
        for outcome in result.outcomes {
            guard let file = pending.file else { break }
            switch outcome {
            case .inserted:
                file.report.inserted += 1
                file.journal.inserted += 1
            case .updated:
                file.report.updated += 1
                file.journal.updated += 1
            case .unchanged:
                file.report.unchanged += 1
                file.journal.unchanged += 1
            }
        }
        progress.recordsCommitted += pending.records
        progress.quarantined += pending.quarantined
    }

    /// The last transactions: the pending records, and the journals of inputs (empty ones too) marked finished;
    /// for a batch, the receipts.
    func finish() -> [Pending] {
        var result: [Pending] = []
        let last = pendingFile
        if last != nil { result.append(makeTransaction(finishing: true)) }
        for file in files where !file.alreadyImported && file !== last {
            pendingFile = file
            result.append(makeTransaction(finishing: true))
        }
        if let origin, !result.isEmpty {
            result[result.count - 1].transaction.receipts = (origin.batchID, receipts)
        }
        return result
    }
}
