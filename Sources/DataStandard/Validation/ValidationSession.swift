import EnforcementModel
import Foundation

/// The state of one entity across its input files: tallies and the hash sets of keys, unique values and
/// referenced values. The sets are the only memory that grows with the input (about 16 bytes per distinct value
/// plus table slack).
final class EntityRun {
    let plan: EntityPlan
    var tally: EntityTally
    var keys: ValueHashSet
    var uniques: [ValueHashSet]
    /// Ordinal (across the entity's files) of the next record.
    var ordinal = 0
    /// The files read, with the ordinal of their first record.
    var fileStarts: [(file: String, ordinal: Int)] = []

    init(plan: EntityPlan) {
        self.plan = plan
        tally = EntityTally(fields: plan.checks.count)
        keys = ValueHashSet(minimumCapacity: plan.keySlots.isEmpty ? 16 : 1 << 16)
        uniques = plan.uniqueSlots.map { _ in ValueHashSet(minimumCapacity: 1 << 16) }
    }

    /// The file and 1-based record number of an ordinal.
    func locate(_ ordinal: Int) -> (file: String, record: Int) {
        var located = (file: fileStarts.first?.file ?? "", record: ordinal + 1)
        for start in fileStarts where start.ordinal <= ordinal { located = (start.file, ordinal - start.ordinal + 1) }
        return located
    }
}

/// Runs one validation: inputs in dependency order, chunks in parallel, merged in order.
final class ValidationSession {
    let standard: StandardSpec
    let options: RecordValidator.Options
    let onIssue: (ValidationIssue) throws -> Void
    let plans: [String: EntityPlan]

    private var errors = 0
    private var warnings = 0
    private var issuesByRule: [String: Int] = [:]
    private var files: [ValidationReport.File] = []
    private var runs: [EntityRun] = []
    /// Collected values of referenced fields, by `entity.field`.
    private var referenceValues: [String: FrozenValueSet] = [:]

    init(
        standard: StandardSpec, options: RecordValidator.Options, plans: [String: EntityPlan],
        onIssue: @escaping (ValidationIssue) throws -> Void
    ) {
        self.standard = standard
        self.options = options
        self.plans = plans
        self.onIssue = onIssue
    }

    /// Values of one entity that references of other inputs point at: a field, or a field within the scope fields
    /// of a composite reference (`ref: {entity, field, with: [...]}`).
    struct CollectTarget {
        /// `entity.field`, or `entity.field@scope,…` for a composite reference.
        var key: String
        /// The slot of the referenced field.
        var slot: Int
        /// The slots of the scope fields, in the reference's order.
        var scope: [Int]

        static func key(_ reference: FieldReference) -> String {
            let base = reference.entity + "." + reference.field
            return reference.scope.isEmpty ? base : base + "@" + reference.scope.joined(separator: ",")
        }
    }

    /// One file to read: a pre-pass that only collects referenced values, or a validation.
    struct Step {
        enum Kind {
            /// Collect the values of `target` into `referenceValues[target.key]`.
            case collect(target: CollectTarget)
            /// Validate, collecting the values of `targets`.
            case validate(collect: [CollectTarget])
        }

        var input: ValidationInput
        var plan: EntityPlan
        var kind: Kind
        /// The first file of its entity (or of its pre-pass).
        var isFirst: Bool
        /// The last file of its entity (or of its pre-pass).
        var isLast: Bool
    }

    /// A file being read.
    struct OpenFile {
        var reader: InputReader
        var context: InputContext
        var merger: FileMerger
        var size: Int?
    }

    private var currentRun: EntityRun?
    private var currentSets: [ValueHashSet] = []
    /// Whether records' values are kept for `onRecords`.
    var capturesValues = false
    /// Records merged but not yet handed to `onRecords`.
    var pendingRecords: [ValidatedRecords] = []

    // MARK: Running

    /// Validates on the calling thread.
    func runInline(_ inputs: [ValidationInput]) throws -> ValidationReport {
        defer { ChunkBuffer.releaseSpareBlocks() }
        for step in plannedSteps(inputs) {
            let file = try open(step)
            while let job = try file.reader.nextJob() {
                try file.merger.merge(Self.process(file.context, job))
            }
            try close(step, file)
        }
        return makeReport()
    }

    /// Validates up to `workers` chunks at a time; merges in input order.
    func runConcurrently(
        _ inputs: [ValidationInput], workers: Int,
        onRecords: ((ValidatedRecords) async throws -> Void)? = nil
    ) async throws -> ValidationReport {
        capturesValues = onRecords != nil
        defer { ChunkBuffer.releaseSpareBlocks() }
        for step in plannedSteps(inputs) {
            let file = try open(step)
            let reader = file.reader
            let context = file.context
            let merger = file.merger
            try await withThrowingTaskGroup(of: (Int, ChunkOutcome).self) { group in
                var submitted = 0
                var nextToMerge = 0
                var inFlight = 0
                var exhausted = false
                var ready: [Int: ChunkOutcome] = [:]
                let window = workers <= 1 ? 1 : workers + 1
                // Chunks done but waiting for an earlier one to be merged count too: memory stays bounded even when
                // one chunk is much slower than the next ones.
                let ahead = 2 * window
                while true {
                    while !exhausted && inFlight < window && submitted - nextToMerge < ahead {
                        guard let job = try reader.nextJob() else {
                            exhausted = true
                            break
                        }
                        let sequence = submitted
                        submitted += 1
                        inFlight += 1
                        group.addTask { (sequence, Self.process(context, job)) }
                    }
                    if inFlight == 0 { break }
                    guard let (sequence, outcome) = try await group.next() else { break }
                    inFlight -= 1
                    ready[sequence] = outcome
                    while let next = ready.removeValue(forKey: nextToMerge) {
                        try merger.merge(next)
                        nextToMerge += 1
                        try await handOver(onRecords)
                    }
                }
            }
            try close(step, file)
            try await handOver(onRecords)
        }
        return makeReport()
    }

    private func handOver(_ onRecords: ((ValidatedRecords) async throws -> Void)?) async throws {
        guard let onRecords, !pendingRecords.isEmpty else { return }
        let batches = pendingRecords
        pendingRecords.removeAll()
        for batch in batches { try await onRecords(batch) }
    }

    /// The files to read, in order: entities referenced ones first; before an entity whose references point at
    /// an entity not read yet (a cycle, or itself), a pre-pass over that entity's files.
    func plannedSteps(_ inputs: [ValidationInput]) -> [Step] {
        var order: [String] = []
        var sources: [String: [ValidationInput]] = [:]
        for input in inputs {
            if sources[input.entity] == nil { order.append(input.entity) }
            sources[input.entity, default: []].append(input)
        }
        var sorted: [String] = []
        var visiting: Set<String> = []
        func visit(_ entity: String) {
            if sorted.contains(entity) || visiting.contains(entity) { return }
            visiting.insert(entity)
            for field in plans[entity]?.entity.fields ?? [] {
                if let target = field.reference?.entity, target != entity, sources[target] != nil { visit(target) }
            }
            visiting.remove(entity)
            sorted.append(entity)
        }
        for entity in order { visit(entity) }

        func target(_ reference: FieldReference) -> CollectTarget? {
            guard let fields = plans[reference.entity]?.entity.fields,
                let slot = fields.firstIndex(where: { $0.id == reference.field })
            else { return nil }
            var scope: [Int] = []
            for id in reference.scope {
                guard let scoped = fields.firstIndex(where: { $0.id == id }) else { return nil }
                scope.append(scoped)
            }
            return CollectTarget(key: CollectTarget.key(reference), slot: slot, scope: scope)
        }
        var wanted: [String: [CollectTarget]] = [:]
        var wantedKeys: Set<String> = []
        for entity in sorted {
            for field in plans[entity]?.entity.fields ?? [] {
                if let reference = field.reference, sources[reference.entity] != nil, let target = target(reference),
                    !wantedKeys.contains(target.key)
                {
                    wantedKeys.insert(target.key)
                    wanted[reference.entity, default: []].append(target)
                }
            }
        }
        var available: Set<String> = []
        var steps: [Step] = []
        for entity in sorted {
            guard let plan = plans[entity], let entityInputs = sources[entity] else { continue }
            for field in plan.entity.fields {
                guard let reference = field.reference, let targetInputs = sources[reference.entity],
                    let targetPlan = plans[reference.entity], let target = target(reference)
                else { continue }
                if available.contains(target.key) { continue }
                available.insert(target.key)
                for (index, input) in targetInputs.enumerated() {
                    steps.append(
                        Step(
                            input: input, plan: targetPlan, kind: .collect(target: target),
                            isFirst: index == 0, isLast: index == targetInputs.count - 1))
                }
            }
            let collect = (wanted[entity] ?? []).filter { !available.contains($0.key) }
            for target in collect { available.insert(target.key) }
            for (index, input) in entityInputs.enumerated() {
                steps.append(
                    Step(
                        input: input, plan: plan, kind: .validate(collect: collect), isFirst: index == 0,
                        isLast: index == entityInputs.count - 1))
            }
        }
        return steps
    }

    private func open(_ step: Step) throws -> OpenFile {
        let plan = step.plan
        let collectOnly: Bool
        let collectTargets: [CollectTarget]
        switch step.kind {
        case .collect(let target):
            collectOnly = true
            collectTargets = [target]
        case .validate(let targets):
            collectOnly = false
            collectTargets = targets
        }
        if step.isFirst {
            currentRun = EntityRun(plan: plan)
            currentSets = collectTargets.map { _ in ValueHashSet(minimumCapacity: 1 << 16) }
            if let currentRun, !collectOnly { runs.append(currentRun) }
        }
        let run = currentRun ?? EntityRun(plan: plan)
        let byteInput: ByteInput
        switch step.input.source {
        case .file(let url): byteInput = try ByteInput(path: url.path)
        case .bytes(let bytes, let name): byteInput = ByteInput(bytes: bytes, name: name)
        }
        let reader = try InputReader(
            input: byteInput, encoding: options.encoding, format: options.format, chunkSize: options.chunkSize)
        let fileName = byteInput.name
        if !collectOnly { run.fileStarts.append((fileName, run.ordinal)) }

        // The CSV header: columns to slots, unknown, duplicate and missing columns.
        var columnSlots: [Int] = []
        var missingSlots = [Bool](repeating: false, count: plan.checks.count)
        var headerIssues: [ValidationIssue] = []
        if reader.format == .csv {
            var seen = Set<Int>()
            for name in reader.header {
                guard let slot = plan.names[name] else {
                    columnSlots.append(-1)
                    if !plan.isExtensionColumn(name) {
                        headerIssues.append(
                            ValidationIssue(
                                file: fileName, recordNumber: nil, line: max(reader.headerLines, 1),
                                entity: plan.entity.id, field: name, ruleID: ValidationIssue.RuleID.inputUnknownColumn,
                                severity: .error, message: IssueMessages.unknownColumn(name)))
                    }
                    continue
                }
                if seen.contains(slot) {
                    columnSlots.append(-1)
                    headerIssues.append(
                        ValidationIssue(
                            file: fileName, recordNumber: nil, line: max(reader.headerLines, 1),
                            entity: plan.entity.id, field: name, ruleID: ValidationIssue.RuleID.inputDuplicateColumn,
                            severity: .error, message: IssueMessages.duplicateColumn(name, plan.entity.fields[slot])))
                    continue
                }
                seen.insert(slot)
                columnSlots.append(slot)
            }
            for slot in plan.checks.indices where !seen.contains(slot) {
                missingSlots[slot] = true
                if plan.checks[slot].isRequired {
                    headerIssues.append(
                        ValidationIssue(
                            file: fileName, recordNumber: nil, line: max(reader.headerLines, 1),
                            entity: plan.entity.id, field: plan.entity.fields[slot].id,
                            ruleID: ValidationIssue.RuleID.inputMissingColumn, severity: .error,
                            message: IssueMessages.missingColumn(plan.entity.fields[slot])))
                }
            }
        }
        if !collectOnly {
            for issue in headerIssues { try emit(issue) }
        }
        let references: [FrozenValueSet?] = plan.referenceSlots.map { slot in
            guard let reference = plan.entity.fields[slot].reference else { return nil }
            return referenceValues[CollectTarget.key(reference)]
        }
        // The scope fields of composite references, as slots of this entity (-1: not a field; the linter reports it).
        let referenceScopes: [[Int]] = plan.referenceSlots.map { slot in
            (plan.entity.fields[slot].reference?.scope ?? []).map { id in
                plan.entity.fields.firstIndex { $0.id == id } ?? -1
            }
        }
        let context = InputContext(
            plan: plan, file: fileName, format: reader.format, encodingName: reader.encodingName,
            columnSlots: columnSlots, missingSlots: missingSlots, references: references,
            referenceScopes: referenceScopes, collectSlots: collectTargets.map(\.slot),
            collectScopes: collectTargets.map(\.scope),
            asOfDay: options.asOf?.daysSinceEpoch, revealsSensitiveValues: options.revealsSensitiveValues,
            maximumRecordBytes: options.maximumRecordBytes, collectOnly: collectOnly,
            checksUTF8: reader.encodingName == "utf-8", capturesValues: capturesValues)
        let merger = FileMerger(
            session: self, context: context, run: run, collected: currentSets, firstLine: reader.headerLines + 1,
            collectOnly: collectOnly, expectedBytes: byteInput.size)
        return OpenFile(reader: reader, context: context, merger: merger, size: byteInput.size)
    }

    private func close(_ step: Step, _ file: OpenFile) throws {
        try file.merger.finish()
        currentSets = file.merger.collected
        guard let run = currentRun else { return }
        switch step.kind {
        case .collect(let target):
            if step.isLast, let set = currentSets.first { referenceValues[target.key] = FrozenValueSet(set) }
        case .validate(let targets):
            run.ordinal += file.merger.records
            files.append(
                ValidationReport.File(
                    file: file.context.file, entity: step.plan.entity.id, format: file.reader.format.name,
                    encoding: file.reader.encodingName, records: file.merger.records,
                    bytes: file.size ?? file.reader.fileBytes))
            if step.isLast {
                for (position, target) in targets.enumerated() {
                    referenceValues[target.key] = FrozenValueSet(currentSets[position])
                }
            }
        }
    }

    static func process(_ context: InputContext, _ job: ChunkJob) -> ChunkOutcome {
        var worker = ChunkWorker(context: context, job: job)
        defer { worker.deallocate() }
        return worker.run()
    }

    func emit(_ issue: ValidationIssue) throws {
        if issue.severity == .error { errors += 1 } else { warnings += 1 }
        issuesByRule[issue.ruleID, default: 0] += 1
        try onIssue(issue)
    }

    // MARK: Report

    private func makeReport() -> ValidationReport {
        var report = ValidationReport()
        report.errors = errors
        report.warnings = warnings
        report.issuesByRule = issuesByRule
        report.files = files
        var entities: [QualitySummary.Entity] = []
        for run in runs {
            let tally = run.tally
            let plan = run.plan
            report.records += tally.records
            report.validRecords += tally.validRecords
            report.referencesNotChecked += tally.referencesNotChecked
            let fieldCount = plan.checks.count
            let requiredSlots = plan.checks.indices.filter { plan.checks[$0].isRequired }
            // Fields a city extension adds to a core entity are optional to everybody else: they are measured per
            // field, but the entity's completeness counts the core fields only.
            let isExtension = plan.entity.fields.map { plan.entity.namespace == nil && plan.isExtensionColumn($0.id) }
            let coreSlots = (0..<fieldCount).filter { !isExtension[$0] }
            let filled = tally.filled.reduce(0, +)
            let coreFilled = coreSlots.map { tally.filled[$0] }.reduce(0, +)
            let uniqueChecked = Set(plan.uniqueSlots + (plan.keySlots.count == 1 ? plan.keySlots : []))
            var fields: [QualitySummary.Field] = []
            for slot in 0..<fieldCount {
                let spec = plan.entity.fields[slot]
                let hasReference = plan.referenceSlots.contains(slot)
                fields.append(
                    QualitySummary.Field(
                        field: spec.id,
                        completeness: .init(tally.filled[slot], of: tally.records),
                        validity: .init(tally.valid[slot], of: tally.filled[slot]),
                        uniqueness: uniqueChecked.contains(slot)
                            ? .init(tally.filled[slot] - tally.duplicates[slot], of: tally.filled[slot]) : nil,
                        referentialIntegrity: hasReference
                            ? .init(tally.slotReferencesResolved[slot], of: tally.slotReferencesChecked[slot]) : nil,
                        referencesNotChecked: tally.slotReferencesNotChecked[slot], isExtension: isExtension[slot]))
            }
            entities.append(
                QualitySummary.Entity(
                    entity: plan.entity.id, records: tally.records, validRecords: tally.validRecords,
                    completeness: .init(coreFilled, of: tally.records * coreSlots.count),
                    requiredCompleteness: .init(
                        requiredSlots.map { tally.filled[$0] }.reduce(0, +), of: tally.records * requiredSlots.count),
                    validity: .init(tally.valid.reduce(0, +), of: filled),
                    consistency: .init(tally.consistentRecords, of: tally.records),
                    uniqueness: .init(tally.records - tally.recordsWithDuplicates, of: tally.records),
                    timeliness: .init(tally.timely, of: tally.timeChecked),
                    referentialIntegrity: .init(tally.referencesResolved, of: tally.referencesChecked),
                    fields: fields))
        }
        report.quality = QualitySummary(entities: entities)
        return report
    }
}

/// Merges chunk outcomes in input order: makes record numbers and lines absolute, finds duplicate keys and
/// unique values, re-reads a record cut by a chunk boundary inside a quoted cell, and streams the issues.
final class FileMerger {
    let session: ValidationSession
    let context: InputContext
    let run: EntityRun
    var collected: [ValueHashSet]
    let collectOnly: Bool
    /// Records merged so far in this file.
    private(set) var records = 0
    /// The 1-based line of the next chunk's first byte.
    private var lineBase: Int
    /// The start of a record cut by the end of its chunk, waiting for the next chunk.
    private var pending: ChunkJob?
    private var reportedUnknownColumns: Set<String> = []
    /// The size of the input, to size the hash sets from the first chunk's record density.
    private let expectedBytes: Int?
    private var sized = false

    init(
        session: ValidationSession, context: InputContext, run: EntityRun, collected: [ValueHashSet],
        firstLine: Int, collectOnly: Bool, expectedBytes: Int? = nil
    ) {
        self.expectedBytes = expectedBytes
        self.session = session
        self.context = context
        self.run = run
        self.collected = collected
        self.collectOnly = collectOnly
        lineBase = firstLine
    }

    func merge(_ outcome: ChunkOutcome) throws {
        if let tail = pending {
            // This chunk was validated as if it started a record, but it continues the pending one: join the two
            // and validate again, here (rare: a quoted line end exactly at a chunk boundary).
            pending = nil
            let joined = Self.join(tail, outcome.job)
            try merge(ValidationSession.process(context, joined))
            return
        }
        try apply(outcome)
        if outcome.isIncomplete {
            pending = Self.tail(of: outcome.job, from: outcome.consumed)
        }
    }

    func finish() throws {
        if let tail = pending {
            // Cannot happen (the final chunk is never incomplete), but never lose bytes.
            pending = nil
            var job = tail
            job.isFinal = true
            try merge(ValidationSession.process(context, job))
        }
    }

    static func tail(of job: ChunkJob, from start: Int) -> ChunkJob {
        let count = job.count - start
        let buffer = ChunkBuffer(capacity: count)
        buffer.pointer.update(from: job.buffer.pointer + start, count: count)
        let events = job.events.filter { $0.offset >= start }.map { event in
            var moved = event
            moved.offset -= start
            return moved
        }
        return ChunkJob(
            buffer: buffer, count: count, isFinal: false, streamOffset: job.streamOffset + start,
            fileOffset: job.fileOffset.map { $0 + start }, events: events, notes: [], elements: [])
    }

    static func join(_ first: ChunkJob, _ second: ChunkJob) -> ChunkJob {
        let count = first.count + second.count
        let buffer = ChunkBuffer(capacity: count)
        buffer.pointer.update(from: first.buffer.pointer, count: first.count)
        (buffer.pointer + first.count).update(from: second.buffer.pointer, count: second.count)
        let events =
            first.events
            + second.events.map { event in
                var moved = event
                moved.offset += first.count
                return moved
            }
        return ChunkJob(
            buffer: buffer, count: count, isFinal: second.isFinal, streamOffset: first.streamOffset,
            fileOffset: first.fileOffset, events: events, notes: [], elements: [])
    }

    private func apply(_ outcome: ChunkOutcome) throws {
        let count = outcome.records
        let plan = context.plan
        let uniqueCount = plan.uniqueSlots.count
        let collectCount = context.collectSlots.count
        let hasKey = !plan.keySlots.isEmpty && !collectOnly
        var tally = outcome.tally
        if !sized, let expectedBytes, outcome.consumed > 0, count > 0 {
            // Size the sets for the whole input at once (no rehashing as they grow).
            sized = true
            let estimate = Int(Double(expectedBytes) / Double(outcome.consumed) * Double(count) * 1.05)
            if !collectOnly {
                if hasKey { run.keys.reserve(run.keys.count + estimate) }
                for position in 0..<uniqueCount {
                    run.uniques[position].reserve(run.uniques[position].count + estimate)
                }
            }
            for position in 0..<collectCount { collected[position].reserve(collected[position].count + estimate) }
        }
        // Referenced values: inserted in bulk.
        var ignored: [(index: Int, first: UInt32)] = []
        for position in 0..<collectCount where outcome.collected.count == count * collectCount {
            collected[position].insertBatch(
                outcome.collected, start: position, stride: collectCount, count: count, firstPayload: 0,
                duplicates: &ignored)
            ignored.removeAll(keepingCapacity: true)
        }
        if collectOnly {
            records += count
            lineBase += outcome.newlines
            return
        }
        let recordErrors = effectiveRecordErrors(outcome)
        // Duplicate keys and unique values, in bulk; then the findings, merged with the worker's in record order.
        let ordinal = run.ordinal + records
        var events: [(record: Int, slot: Int?, first: UInt32)] = []
        if hasKey && outcome.keyHashes.count == count {
            var duplicates: [(index: Int, first: UInt32)] = []
            run.keys.insertBatch(
                outcome.keyHashes, count: count, firstPayload: ordinal, duplicates: &duplicates)
            events += duplicates.map { (record: $0.index, slot: nil, first: $0.first) }
        }
        for position in 0..<uniqueCount where outcome.uniqueHashes.count == count * uniqueCount {
            var duplicates: [(index: Int, first: UInt32)] = []
            run.uniques[position].insertBatch(
                outcome.uniqueHashes, start: position, stride: uniqueCount, count: count, firstPayload: ordinal,
                duplicates: &duplicates)
            events += duplicates.map { (record: $0.index, slot: plan.uniqueSlots[position], first: $0.first) }
        }
        if uniqueCount > 0 && events.count > 1 {
            // Stable: by record, the key first, then unique fields in declaration order.
            events = events.enumerated().sorted { ($0.element.record, $0.offset) < ($1.element.record, $1.offset) }
                .map(\.element)
        }
        var invalid = 0
        for flag in recordErrors where flag != 0 { invalid += 1 }
        var lastDuplicated = -1
        var lastMadeInvalid = -1
        var invalidated = Set<Int>()
        let issues = outcome.issues
        var issueIndex = 0
        for event in events {
            while issueIndex < issues.count && (issues[issueIndex].recordNumber ?? -1) <= event.record {
                try emit(issues[issueIndex])
                issueIndex += 1
            }
            if event.record != lastDuplicated {
                lastDuplicated = event.record
                tally.recordsWithDuplicates += 1
            }
            let isError: Bool
            if let slot = event.slot {
                tally.duplicates[slot] += 1
                isError = plan.checks[slot].severity == .error
            } else {
                if plan.keySlots.count == 1 { tally.duplicates[plan.keySlots[0]] += 1 }
                isError = true
            }
            if isError && recordErrors[event.record] == 0 && lastMadeInvalid != event.record {
                lastMadeInvalid = event.record
                invalid += 1
                invalidated.insert(event.record)
            }
            try reportDuplicate(outcome, record: event.record, slot: event.slot, first: Int(event.first))
        }
        while issueIndex < issues.count {
            try emit(issues[issueIndex])
            issueIndex += 1
        }
        tally.validRecords = count - invalid
        run.tally.add(tally)
        if context.capturesValues { capture(outcome, recordErrors: recordErrors, invalidated: invalidated) }
        records += count
        lineBase += outcome.newlines
    }

    /// Hands the chunk's records, with their values and verdicts, to the session.
    private func capture(_ outcome: ChunkOutcome, recordErrors: [UInt8], invalidated: Set<Int>) {
        let count = outcome.records
        let fields = context.plan.entity.fields.map(\.id)
        guard outcome.valueEnds.count == count * fields.count else { return }
        var batch = ValidatedRecords(
            entity: context.plan.entity.id, file: context.file, fields: fields, recordNumbers: [], lines: [],
            isValid: [], bytes: outcome.valueBytes, ends: outcome.valueEnds)
        batch.recordNumbers.reserveCapacity(count)
        batch.lines.reserveCapacity(count)
        batch.isValid.reserveCapacity(count)
        for record in 0..<count {
            batch.recordNumbers.append(records + record + 1)
            batch.lines.append(Int(outcome.recordLines[record]) + lineBase)
            batch.isValid.append(recordErrors[record] == 0 && !invalidated.contains(record))
        }
        session.pendingRecords.append(batch)
    }

    /// The worker's per-record error flags, less those of records whose only error is an unknown JSON key an earlier
    /// chunk already reported: the key is reported once per file, and a record without a finding is valid, however
    /// the input was cut into chunks.
    private func effectiveRecordErrors(_ outcome: ChunkOutcome) -> [UInt8] {
        let unknownColumn = ValidationIssue.RuleID.inputUnknownColumn
        func isSuppressed(_ issue: ValidationIssue) -> Bool {
            issue.ruleID == unknownColumn && issue.recordNumber != nil
                && issue.field.map { reportedUnknownColumns.contains($0) } == true
        }
        var flags = outcome.recordErrors
        for issue in outcome.issues where isSuppressed(issue) {
            guard let record = issue.recordNumber, record < flags.count else { continue }
            let hasOtherError = outcome.issues.contains {
                $0.recordNumber == record && $0.severity == .error && !isSuppressed($0)
            }
            if !hasOtherError { flags[record] = 0 }
        }
        return flags
    }

    /// Makes a worker issue absolute and streams it (unknown JSON keys once per file).
    private func emit(_ relative: ValidationIssue) throws {
        if collectOnly { return }
        var issue = relative
        if let record = issue.recordNumber {
            if issue.ruleID == ValidationIssue.RuleID.inputUnknownColumn, let column = issue.field {
                if reportedUnknownColumns.contains(column) { return }
                reportedUnknownColumns.insert(column)
            }
            issue.recordNumber = records + record + 1
        }
        issue.line += lineBase
        try session.emit(issue)
    }

    private func reportDuplicate(_ outcome: ChunkOutcome, record: Int, slot: Int?, first: Int) throws {
        let plan = context.plan
        let slots = slot.map { [$0] } ?? plan.keySlots
        let values = ChunkWorker.peek(
            context, outcome.job, record: record, outcome: outcome, slots: plan.keySlots + slots)
        let keyValues = Array(values.prefix(plan.keySlots.count))
        let recordKey = keyValues.allSatisfy { $0 == nil } ? nil : keyValues.map { $0 ?? "" }.joined(separator: "|")
        let located = run.locate(first)
        let firstText = IssueMessages.firstRecord(
            file: located.file, record: located.record, sameFile: located.file == context.file)
        let issue: ValidationIssue
        if let slot {
            let field = plan.entity.fields[slot]
            var value = values.last ?? nil
            if field.sensitive && !context.revealsSensitiveValues { value = value.map(ChunkWorker.masked) }
            issue = ValidationIssue(
                file: context.file, recordNumber: record, line: Int(outcome.recordLines[record]), recordKey: recordKey,
                entity: plan.entity.id, field: field.id, ruleID: ValidationIssue.RuleID.fieldUnique,
                severity: field.severity, value: value,
                message: IssueMessages.unique(field, first: firstText))
        } else {
            issue = ValidationIssue(
                file: context.file, recordNumber: record, line: Int(outcome.recordLines[record]), recordKey: recordKey,
                entity: plan.entity.id, field: plan.keySlots.count == 1 ? plan.entity.fields[plan.keySlots[0]].id : nil,
                ruleID: ValidationIssue.RuleID.recordDuplicateKey, severity: .error, value: recordKey,
                message: IssueMessages.duplicateKey(plan.entity, first: firstText))
        }
        var absolute = issue
        absolute.recordNumber = records + record + 1
        absolute.line += lineBase
        try session.emit(absolute)
    }
}
