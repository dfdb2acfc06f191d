import EnforcementModel

#if canImport(Glibc)
    import Glibc
#endif

/// Validates the records of one chunk: parses them (CSV or JSON) into per-field cells that point into the chunk,
/// runs the field checks and rules, and collects the hashes the merger needs (keys, unique values, referenced
/// values). One worker per chunk; nothing is shared but the read-only ``InputContext``.
///
/// The hot loop touches only unsafe buffers of trivial values; strings are made only for issues.
struct ChunkWorker {
    let context: InputContext
    let plan: EntityPlan
    let base: UnsafePointer<UInt8>
    let count: Int
    let isFinal: Bool
    let fieldCount: Int

    // Per slot.
    let cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>
    let cellCount: UnsafeMutablePointer<Int>
    let cellValid: UnsafeMutablePointer<Bool>
    let numbers: UnsafeMutablePointer<Double>
    let numberKnown: UnsafeMutablePointer<Bool>
    let filled: UnsafeMutablePointer<Int>
    let valid: UnsafeMutablePointer<Int>
    let missing: UnsafeMutablePointer<Bool>
    let slotReferencesChecked: UnsafeMutablePointer<Int>
    let slotReferencesResolved: UnsafeMutablePointer<Int>
    let slotReferencesNotChecked: UnsafeMutablePointer<Int>

    // Plan tables copied into unsafe buffers, so the loop neither retains nor checks bounds.
    let checks: UnsafeMutableBufferPointer<FieldCheck>
    let ruleOps: UnsafeMutableBufferPointer<RuleOp>
    let ruleSlots: UnsafeMutableBufferPointer<Int>
    let conditionOps: UnsafeMutableBufferPointer<ConditionOp>
    let conditionRanges: UnsafeMutableBufferPointer<Int>
    let conditionBytes: UnsafeMutableBufferPointer<UInt8>
    let keySlots: UnsafeMutableBufferPointer<Int>
    let uniqueSlots: UnsafeMutableBufferPointer<Int>
    let referenceSlots: UnsafeMutableBufferPointer<Int>
    let collectSlots: UnsafeMutableBufferPointer<Int>
    let columnSlots: UnsafeMutableBufferPointer<Int>
    let codeHandles: UnsafeMutableBufferPointer<FrozenSetHandle>
    let shortCodeHandles: UnsafeMutableBufferPointer<ShortCodeHandle?>
    let codeDeprecations: UnsafeMutableBufferPointer<UnsafeMutablePointer<Bool>>
    let patternHandles: UnsafeMutableBufferPointer<PatternHandle?>
    let codeTypeValidity: UnsafeMutableBufferPointer<UnsafeMutablePointer<Bool>?>
    let usccMemo: UnsafeMutablePointer<UInt8>
    let referenceHandles: UnsafeMutableBufferPointer<FrozenSetHandle?>
    let nameHandle: FrozenSetHandle
    let scratch: UnsafeMutablePointer<UInt8>
    let notesCount: Int
    let collectOnly: Bool
    /// The hot loop's pointers, in one trivial value.
    let kernel: FieldKernel
    var nextEventOffset = Int.max

    // Per record, appended without the checks of arrays; made into the outcome's arrays at the end.
    var recordOffsets: AppendBuffer<Int32>
    var recordLines: AppendBuffer<Int32>
    var recordErrors: AppendBuffer<UInt8>
    var keyHashes: AppendBuffer<ValueHash>
    var uniqueHashes: AppendBuffer<ValueHash>
    var collected: AppendBuffer<ValueHash>
    /// When the context captures values: their bytes, and where each ends.
    var valueBytes: AppendBuffer<UInt8>
    var valueEnds: AppendBuffer<Int32>

    var outcome: ChunkOutcome
    var events: [EncodingEvent]
    var eventIndex = 0
    var noteIndex = 0

    // The current record.
    var recordIndex = 0
    var recordLine = 0
    var recordStart = 0
    var recordHasError = false
    var recordKey: String?
    var recordKeyKnown = false
    var consistent = true
    var reportedUnknownKeys: Set<String> = []

    init(context: InputContext, job: ChunkJob, scansEncoding: Bool = true) {
        self.context = context
        plan = context.plan
        base = UnsafePointer(job.buffer.pointer)
        count = job.count
        isFinal = job.isFinal
        fieldCount = plan.checks.count
        let fields = max(fieldCount, 1)
        cellPointer = .allocate(capacity: fields)
        cellPointer.initialize(repeating: base, count: fields)
        cellCount = .allocate(capacity: fields)
        cellCount.initialize(repeating: -1, count: fields)
        cellValid = .allocate(capacity: fields)
        cellValid.initialize(repeating: false, count: fields)
        numbers = .allocate(capacity: fields)
        numbers.initialize(repeating: 0, count: fields)
        numberKnown = .allocate(capacity: fields)
        numberKnown.initialize(repeating: false, count: fields)
        missing = .allocate(capacity: fields)
        missing.initialize(repeating: false, count: fields)
        for (slot, isMissing) in context.missingSlots.enumerated() where slot < fields { missing[slot] = isMissing }
        filled = .allocate(capacity: fields)
        filled.initialize(repeating: 0, count: fields)
        valid = .allocate(capacity: fields)
        valid.initialize(repeating: 0, count: fields)
        slotReferencesChecked = .allocate(capacity: fields)
        slotReferencesChecked.initialize(repeating: 0, count: fields)
        slotReferencesResolved = .allocate(capacity: fields)
        slotReferencesResolved.initialize(repeating: 0, count: fields)
        slotReferencesNotChecked = .allocate(capacity: fields)
        slotReferencesNotChecked.initialize(repeating: 0, count: fields)

        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        checks = copy(plan.checks)
        ruleOps = copy(plan.ruleOps)
        ruleSlots = copy(plan.ruleSlots)
        conditionOps = copy(plan.conditionOps)
        conditionRanges = copy(plan.conditionRanges)
        conditionBytes = copy(plan.conditionBytes)
        keySlots = copy(plan.keySlots)
        uniqueSlots = copy(plan.uniqueSlots)
        referenceSlots = copy(plan.referenceSlots)
        collectSlots = copy(context.collectSlots)
        columnSlots = copy(context.columnSlots)
        codeHandles = copy(plan.codes.map(\.frozen.handle))
        shortCodeHandles = copy(plan.codes.map { $0.short?.handle })
        codeDeprecations = copy(plan.codes.map(\.deprecated.flags))
        patternHandles = copy(plan.patterns.map(\.handle))
        codeTypeValidity = copy(plan.codeTypeValidity.map { $0?.flags })
        usccMemo = .allocate(capacity: 24)
        usccMemo.initialize(repeating: 0, count: 24)
        referenceHandles = copy(context.references.map { $0?.handle })
        nameHandle = plan.nameHashes.handle
        notesCount = job.notes.count
        scratch = .allocate(capacity: (scansEncoding ? job.count : context.maximumRecordBytes) + ChunkBuffer.padding)

        collectOnly = context.collectOnly
        kernel = FieldKernel(
            checks: checks.baseAddress.unsafelyUnwrapped, cellPointer: cellPointer, cellCount: cellCount,
            numbers: numbers, numberKnown: numberKnown, cellValid: cellValid, filled: filled, valid: valid,
            missing: missing, codeHandles: codeHandles.baseAddress.unsafelyUnwrapped,
            shortCodeHandles: shortCodeHandles.baseAddress.unsafelyUnwrapped,
            codeDeprecations: codeDeprecations.baseAddress.unsafelyUnwrapped,
            patternHandles: patternHandles.baseAddress.unsafelyUnwrapped,
            codeTypeValidity: codeTypeValidity.baseAddress.unsafelyUnwrapped, usccMemo: usccMemo)

        outcome = ChunkOutcome(job: job, fields: fieldCount)
        // Room for the records of a typical chunk (about 100 bytes a record or more); the buffers grow if needed.
        let expected = scansEncoding ? job.count / 96 + 16 : 16
        recordOffsets = AppendBuffer(capacity: expected)
        recordLines = AppendBuffer(capacity: expected)
        recordErrors = AppendBuffer(capacity: expected)
        keyHashes = AppendBuffer(capacity: plan.keySlots.isEmpty ? 1 : expected)
        uniqueHashes = AppendBuffer(capacity: expected * plan.uniqueSlots.count + 1)
        // The values of the chunk's records are at most its bytes.
        let capturesAll = context.capturesValues && scansEncoding
        valueBytes = AppendBuffer(capacity: capturesAll ? job.count : 1)
        valueEnds = AppendBuffer(capacity: capturesAll ? expected * fieldCount : 1)
        collected = AppendBuffer(capacity: expected * context.collectSlots.count + 1)
        events = job.events
        if context.checksUTF8 && !context.collectOnly && scansEncoding {
            var found: [EncodingEvent] = []
            let fileOffset = job.fileOffset ?? 0
            if !UTF8Validation.isValid(base, from: 0, to: count) {
                UTF8Validation.scan(base, from: 0, to: count) { offset, length in
                    var text = ""
                    for index in 0..<length {
                        let hex = String(base[offset + index], radix: 16, uppercase: true)
                        text += (index > 0 ? " " : "") + "0x" + (hex.count == 1 ? "0" : "") + hex
                    }
                    if let last = found.last, last.offset + 1 == offset, length == 1, last.bytes.count < 40 {
                        found[found.count - 1].bytes += " " + text
                    } else {
                        found.append(EncodingEvent(offset: offset, fileOffset: fileOffset + offset, bytes: text))
                    }
                }
            }
            if !found.isEmpty {
                events = (events + found).sorted { $0.offset < $1.offset }
            }
        }
        nextEventOffset = events.first?.offset ?? Int.max
    }

    /// Frees the worker's buffers; call once, after ``run()``.
    func deallocate() {
        for pointer in [cellValid, numberKnown, missing] { pointer.deallocate() }
        for pointer in [
            cellCount, filled, valid, slotReferencesChecked, slotReferencesResolved, slotReferencesNotChecked,
        ] { pointer.deallocate() }
        cellPointer.deallocate()
        numbers.deallocate()
        checks.baseAddress?.deallocate()
        ruleOps.baseAddress?.deallocate()
        for buffer in [ruleSlots, conditionRanges, keySlots, uniqueSlots, referenceSlots, collectSlots, columnSlots] {
            buffer.baseAddress?.deallocate()
        }
        conditionOps.baseAddress?.deallocate()
        codeHandles.baseAddress?.deallocate()
        shortCodeHandles.baseAddress?.deallocate()
        codeDeprecations.baseAddress?.deallocate()
        patternHandles.baseAddress?.deallocate()
        codeTypeValidity.baseAddress?.deallocate()
        usccMemo.deallocate()
        referenceHandles.baseAddress?.deallocate()
        conditionBytes.baseAddress?.deallocate()
        scratch.deallocate()
        for buffer in [recordOffsets, recordLines] { buffer.deallocate() }
        recordErrors.deallocate()
        for buffer in [keyHashes, uniqueHashes, collected] { buffer.deallocate() }
        valueBytes.deallocate()
        valueEnds.deallocate()
    }

    /// Validates the whole chunk.
    mutating func run() -> ChunkOutcome {
        switch context.format {
        case .csv: runCSV()
        case .jsonLines: runJSONLines()
        case .jsonArray: runJSONArray()
        }
        // Reader notes past the last record (an array not closed at the end of the input).
        while noteIndex < outcome.job.notes.count {
            let note = outcome.job.notes[noteIndex]
            emitNote(note, line: outcome.newlines)
            noteIndex += 1
        }
        for slot in 0..<fieldCount {
            outcome.tally.filled[slot] = filled[slot]
            outcome.tally.valid[slot] = valid[slot]
            outcome.tally.slotReferencesChecked[slot] = slotReferencesChecked[slot]
            outcome.tally.slotReferencesResolved[slot] = slotReferencesResolved[slot]
            outcome.tally.slotReferencesNotChecked[slot] = slotReferencesNotChecked[slot]
        }
        outcome.recordOffsets = recordOffsets.array()
        outcome.recordLines = recordLines.array()
        outcome.recordErrors = recordErrors.array()
        outcome.keyHashes = keyHashes.array()
        outcome.uniqueHashes = uniqueHashes.array()
        outcome.collected = collected.array()
        if context.capturesValues {
            outcome.valueBytes = valueBytes.array()
            outcome.valueEnds = valueEnds.array()
        }
        outcome.records = outcome.recordOffsets.count
        outcome.tally.records = outcome.records
        return outcome
    }

    /// The values of some slots of one record of a chunk (slow path, for duplicate findings).
    static func peek(
        _ context: InputContext, _ job: ChunkJob, record: Int, outcome: ChunkOutcome, slots: [Int]
    ) -> [String?] {
        guard record < outcome.recordOffsets.count else { return slots.map { _ in nil } }
        let worker = ChunkWorker(context: context, job: job, scansEncoding: false)
        defer { worker.deallocate() }
        let start = Int(outcome.recordOffsets[record])
        worker.resetCells()
        switch context.format {
        case .csv:
            var sink = CSVRecordSink(
                columnSlots: worker.columnSlots, cellPointer: worker.cellPointer, cellCount: worker.cellCount,
                scratch: worker.scratch)
            _ = CSVScanner.scanRecord(
                worker.base, start: start, end: min(job.count, start + context.maximumRecordBytes), isFinal: true,
                maximumRecordBytes: Int.max, sink: &sink)
        case .jsonLines, .jsonArray:
            var end = CSVScanner.lineEnd(worker.base, start, job.count).next
            if context.format == .jsonArray {
                var index = 0
                while index + 1 < job.elements.count {
                    if job.elements[index] == start { end = job.elements[index + 1] }
                    index += 2
                }
            }
            end = min(end, start + context.maximumRecordBytes)
            var sink = JSONRecordSink(
                nameHashes: worker.nameHandle, cellPointer: worker.cellPointer, cellCount: worker.cellCount)
            _ = JSONRecordParser.parseObject(
                worker.base, start: start, end: end, scratch: worker.scratch, sink: &sink)
        }
        return slots.map { slot in
            let length = worker.cellCount[slot]
            guard length > 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(start: worker.cellPointer[slot], count: length), as: UTF8.self)
        }
    }

    // MARK: Formats

    mutating func runCSV() {
        var position = 0
        var line = 0
        var needsReset = true
        let expectedCells = columnSlots.count
        while position < count {
            let byte = base[position]
            if byte == 0x0A {
                position &+= 1
                line &+= 1
                continue
            }
            if byte == 0x0D && position &+ 1 < count && base[position &+ 1] == 0x0A {
                position &+= 2
                line &+= 1
                continue
            }
            // A complete record writes every mapped slot; unmapped (missing) slots stay absent. Reset only after
            // a record that may have left cells behind.
            if needsReset {
                resetCells()
                needsReset = false
            }
            var sink = CSVRecordSink(
                columnSlots: columnSlots, cellPointer: cellPointer, cellCount: cellCount, scratch: scratch)
            let scan = CSVScanner.scanPaddedRecord(
                base, start: position, end: count, isFinal: isFinal,
                maximumRecordBytes: context.maximumRecordBytes, sink: &sink)
            if scan.status == .incomplete {
                outcome.isIncomplete = true
                outcome.consumed = position
                outcome.newlines = line
                return
            }
            if scan.status != .complete || scan.cells != expectedCells { needsReset = true }
            beginRecord(start: position, line: line)
            reportEvents(before: scan.next)
            if context.collectOnly {
                if scan.status == .complete && scan.cells == expectedCells { collect() }
                endRecord()
            } else {
                switch scan.status {
                case .complete:
                    if scan.cells == expectedCells {
                        validateRecord()
                    } else {
                        malformed(
                            ruleID: ValidationIssue.RuleID.inputRaggedRow,
                            message: IssueMessages.ragged(cells: scan.cells, expected: expectedCells))
                    }
                default:
                    let quoteLine = line + CSVScanner.countNewlines(base, position, scan.problemOffset)
                    malformed(
                        ruleID: ValidationIssue.RuleID.inputBrokenQuote,
                        message: IssueMessages.brokenQuote(scan.status),
                        value: snippet(from: scan.problemOffset, to: scan.next), line: quoteLine)
                }
                endRecord()
            }
            line &+= scan.newlines
            position = scan.next
        }
        outcome.consumed = count
        outcome.newlines = line
    }

    mutating func runJSONLines() {
        var position = 0
        var line = 0
        while position < count {
            let (next, newline) = CSVScanner.lineEnd(base, position, count)
            var end = newline ? next &- 1 : next
            if end > position && base[end &- 1] == 0x0D { end &-= 1 }
            var index = position
            JSONRecordParser.skipSpace(base, &index, end)
            if index < end {
                beginRecord(start: position, line: line)
                reportEvents(before: next)
                parseJSONRecord(start: position, end: end)
                endRecord()
            }
            if newline { line &+= 1 }
            position = next
        }
        outcome.consumed = count
        outcome.newlines = line
    }

    mutating func runJSONArray() {
        var line = 0
        var scanned = 0
        let elements = outcome.job.elements
        var index = 0
        while index + 1 < elements.count {
            let start = elements[index]
            let end = elements[index + 1]
            line &+= CSVScanner.countNewlines(base, scanned, start)
            scanned = start
            beginRecord(start: start, line: line)
            reportEvents(before: end)
            parseJSONRecord(start: start, end: end)
            endRecord()
            index += 2
        }
        line &+= CSVScanner.countNewlines(base, scanned, count)
        outcome.consumed = count
        outcome.newlines = line
    }

    mutating func parseJSONRecord(start: Int, end: Int) {
        resetCells()
        var sink = JSONRecordSink(nameHashes: nameHandle, cellPointer: cellPointer, cellCount: cellCount)
        if let failure = JSONRecordParser.parseObject(base, start: start, end: end, scratch: scratch, sink: &sink) {
            if context.collectOnly { return }
            let line = recordLine + CSVScanner.countNewlines(base, recordStart, failure.offset)
            malformed(
                ruleID: ValidationIssue.RuleID.inputJSON,
                message: LocalizedText(
                    zh: "JSON 无法解析：\(failure.message.zh)", en: "the JSON does not parse: \(failure.message.en)"),
                value: snippet(from: start, to: end), line: line)
            return
        }
        if context.collectOnly {
            collect()
            return
        }
        for (key, slot) in sink.nested {
            cellCount[slot] = 0
            report(
                slot: slot, ruleID: ValidationIssue.RuleID.inputJSON, severity: .error, value: nil,
                message: IssueMessages.nestedValue(key))
        }
        for key in sink.unknownKeys where !reportedUnknownKeys.contains(key) {
            reportedUnknownKeys.insert(key)
            if plan.isExtensionColumn(key) { continue }
            report(
                slot: nil, field: key, ruleID: ValidationIssue.RuleID.inputUnknownColumn, severity: .error,
                value: nil, message: IssueMessages.unknownColumn(key))
        }
        validateRecord()
    }

    // MARK: Records

    @inline(__always)
    func resetCells() {
        var slot = 0
        while slot < fieldCount {
            cellCount[slot] = -1
            slot &+= 1
        }
    }

    @inline(__always)
    mutating func beginRecord(start: Int, line: Int) {
        recordIndex = recordOffsets.count
        recordStart = start
        recordLine = line
        recordHasError = false
        recordKeyKnown = false
        recordKey = nil
        consistent = true
        recordOffsets.append(Int32(truncatingIfNeeded: start))
        recordLines.append(Int32(truncatingIfNeeded: line))
        // Reader notes that come before this record.
        while noteIndex < notesCount && outcome.job.notes[noteIndex].offset <= start {
            let note = outcome.job.notes[noteIndex]
            emitNote(note, line: line)
            noteIndex += 1
        }
    }

    @inline(__always)
    mutating func endRecord() {
        recordErrors.append(recordHasError ? 1 : 0)
        if context.capturesValues { captureValues() }
        if consistent && !collectOnly { outcome.tally.consistentRecords &+= 1 }
    }

    /// Keeps the record's values (import: valid records go to a store, invalid ones to quarantine).
    mutating func captureValues() {
        var slot = 0
        while slot < fieldCount {
            let length = cellCount[slot]
            if length > 0 { valueBytes.append(contentsOf: cellPointer[slot], count: length) }
            valueEnds.append(Int32(truncatingIfNeeded: valueBytes.count))
            slot &+= 1
        }
    }

    mutating func emitNote(_ note: ReaderNote, line: Int) {
        outcome.issues.append(
            ValidationIssue(
                file: context.file, recordNumber: nil, line: line, entity: plan.entity.id, ruleID: note.ruleID,
                severity: .error, message: note.message))
    }

    /// A record that could not be split into fields: it counts, it is invalid, its fields are not checked; the
    /// hash arrays get empty entries so that they stay aligned with the records.
    mutating func malformed(ruleID: String, message: LocalizedText, value: String? = nil, line: Int? = nil) {
        consistent = false
        report(slot: nil, ruleID: ruleID, severity: .error, value: value, message: message, line: line)
        if !keySlots.isEmpty { keyHashes.append(.none) }
        for _ in 0..<uniqueSlots.count { uniqueHashes.append(.none) }
        for _ in 0..<collectSlots.count { collected.append(.none) }
    }

    @inline(__always)
    mutating func reportEvents(before end: Int) {
        if nextEventOffset >= end { return }
        reportEventsSlowly(before: end)
    }

    mutating func reportEventsSlowly(before end: Int) {
        defer { nextEventOffset = eventIndex < events.count ? events[eventIndex].offset : Int.max }
        while eventIndex < events.count && events[eventIndex].offset < end {
            let event = events[eventIndex]
            let offset = max(event.offset, recordStart)
            let line = recordLine + CSVScanner.countNewlines(base, recordStart, offset)
            report(
                slot: nil, ruleID: ValidationIssue.RuleID.inputEncoding, severity: .error, value: event.bytes,
                message: IssueMessages.encoding(
                    bytes: event.bytes, offset: event.fileOffset, encoding: context.encodingName),
                byteOffset: event.fileOffset, line: line)
            eventIndex += 1
        }
    }

    /// Collects only the referenced values (pre-pass).
    mutating func collect() {
        for index in 0..<collectSlots.count {
            let slot = collectSlots[index]
            let scope = context.collectScopes[index]
            collected.append(scope.isEmpty ? valueHash(slot) : scopedHash(slot, scope))
        }
    }

    /// The hash of one cell, `.none` when it is empty.
    @inline(__always)
    func valueHash(_ slot: Int) -> ValueHash {
        let length = cellCount[slot]
        return length > 0 ? ValueHasher.hash(cellPointer[slot], length) : .none
    }

    /// The hash of a cell within the cells of its scope (a composite reference); `.none` when any is empty.
    func scopedHash(_ slot: Int, _ scope: [Int]) -> ValueHash {
        var hasher = ValueHasher(seed: 0x5245_4653)
        for scoped in scope {
            guard scoped >= 0, cellCount[scoped] > 0 else { return .none }
            hasher.combine(cellPointer[scoped], cellCount[scoped])
        }
        guard cellCount[slot] > 0 else { return .none }
        hasher.combine(cellPointer[slot], cellCount[slot])
        return hasher.finalize()
    }

    mutating func validateRecord() {
        // The pointers in locals: the calls that report findings cannot make the loop reload them.
        let kernel = self.kernel
        let fieldCount = self.fieldCount
        var index = 0
        while index < fieldCount {
            let check = kernel.checks + index
            let slot = check.pointee.slot
            let length = kernel.cellCount[slot]
            kernel.numberKnown[slot] = false
            kernel.cellValid[slot] = false
            if length <= 0 {
                if check.pointee.isRequired && !(length < 0 && kernel.missing[slot]) { requiredFailure(index) }
            } else {
                kernel.filled[slot] &+= 1
                // Plain text whose byte count already proves its length valid needs nothing more.
                let failures: UInt32
                if check.pointee.isPlainText
                    && (!check.pointee.checksLength
                        || (length <= check.pointee.maximumLength && (length &+ 3) / 4 >= check.pointee.minimumLength))
                {
                    failures = 0
                } else {
                    failures = kernel.check(index, kernel.cellPointer[slot], length)
                }
                if failures == 0 || reportFailures(index, failures) {
                    kernel.valid[slot] &+= 1
                    kernel.cellValid[slot] = true
                }
            }
            index &+= 1
        }
        if !ruleOps.isEmpty { checkRules() }

        // Keys, unique values, referenced values, references, timeliness.
        if !keySlots.isEmpty {
            var hasher = ValueHasher(seed: 0x4B45_5953)
            var complete = true
            for position in 0..<keySlots.count {
                let slot = keySlots[position]
                let length = cellCount[slot]
                if length <= 0 {
                    complete = false
                    break
                }
                hasher.combine(cellPointer[slot], length)
            }
            keyHashes.append(complete ? hasher.finalize() : .none)
        }
        for position in 0..<uniqueSlots.count {
            let slot = uniqueSlots[position]
            let length = cellCount[slot]
            uniqueHashes.append(
                length > 0 ? ValueHasher.hash(cellPointer[slot], length, seed: UInt64(slot) &+ 1) : .none)
        }
        if !collectSlots.isEmpty { collect() }
        for position in 0..<referenceSlots.count {
            let slot = referenceSlots[position]
            let length = cellCount[slot]
            guard length > 0, cellValid[slot] else { continue }
            guard let set = referenceHandles[position] else {
                slotReferencesNotChecked[slot] &+= 1
                outcome.tally.referencesNotChecked &+= 1
                continue
            }
            let scope = context.referenceScopes[position]
            let hash = scope.isEmpty ? ValueHasher.hash(cellPointer[slot], length) : scopedHash(slot, scope)
            if hash == .none {
                // A scope field is empty: the composite reference cannot be resolved either way.
                slotReferencesNotChecked[slot] &+= 1
                outcome.tally.referencesNotChecked &+= 1
                continue
            }
            slotReferencesChecked[slot] &+= 1
            outcome.tally.referencesChecked &+= 1
            if set.contains(hash) {
                slotReferencesResolved[slot] &+= 1
                outcome.tally.referencesResolved &+= 1
            } else {
                referenceFailure(slot)
            }
        }
        let timeSlot = plan.timeSlot
        if timeSlot >= 0, let asOfDay = context.asOfDay, numberKnown[timeSlot] {
            outcome.tally.timeChecked &+= 1
            let day = ValueParsing.beijingDay(ofSeconds: numbers[timeSlot])
            if day > asOfDay || (plan.maximumAgeDays.map { asOfDay - day > $0 } ?? false) {
                untimely(timeSlot, day: day, asOfDay: asOfDay)
            } else {
                outcome.tally.timely &+= 1
            }
        }
    }

    @inline(never)
    mutating func requiredFailure(_ index: Int) {
        let slot = checks[index].slot
        report(
            slot: slot, ruleID: ValidationIssue.RuleID.fieldRequired, severity: checks[index].severity, value: nil,
            message: IssueMessages.required(plan.entity.fields[slot]))
    }

    @inline(never)
    mutating func referenceFailure(_ slot: Int) {
        let field = plan.entity.fields[slot]
        let reference = field.reference ?? FieldReference(entity: "", field: "")
        report(
            slot: slot, ruleID: ValidationIssue.RuleID.fieldReference, severity: field.severity, value: value(slot),
            message: IssueMessages.reference(field, reference))
    }

    @inline(never)
    mutating func untimely(_ timeSlot: Int, day: Int, asOfDay: Int) {
        let field = plan.entity.fields[timeSlot]
        let date = ValueParsing.dateText(dayNumber: day)
        let asOf = ValueParsing.dateText(dayNumber: asOfDay)
        let message =
            day > asOfDay
            ? IssueMessages.future(field, date: date, asOf: asOf)
            : IssueMessages.stale(
                field, date: date, ageDays: asOfDay - day, maximum: plan.maximumAgeDays ?? 0, asOf: asOf)
        report(
            slot: timeSlot, ruleID: ValidationIssue.RuleID.recordTimeliness, severity: .warning, value: value(timeSlot),
            message: message)
    }

    // MARK: Field checks

    /// Reports the failures ``FieldKernel/check(_:_:_:)`` found in a value (in the order: type, length, pattern,
    /// range, code); returns whether the value is valid after all (a deprecated code is valid, with a warning; a
    /// pattern the fast matcher could not decide may match by ICU).
    @inline(never)
    mutating func reportFailures(_ index: Int, _ found: UInt32) -> Bool {
        let check = checks[index]
        let slot = check.slot
        let pointer = cellPointer[slot]
        let length = cellCount[slot]
        var failures = found
        if failures & ValueFailure.type != 0 { return typeFailure(slot) }
        if failures & ValueFailure.codeType != 0 {
            codeTypeFailure(slot, check.type, check.severity)
            return false
        }
        if failures & ValueFailure.undecidedPattern != 0
            && Self.matchesWithICU(plan, check.patternIndex, pointer, length)
        {
            failures &= ~ValueFailure.undecidedPattern
        }
        var isValid = true
        if failures & ValueFailure.length != 0 {
            lengthFailure(index, ValueParsing.scalarCount(pointer, length))
            isValid = false
        }
        if failures & (ValueFailure.pattern | ValueFailure.undecidedPattern) != 0 {
            patternFailure(index)
            isValid = false
        }
        if failures & ValueFailure.range != 0 {
            rangeFailure(index, numbers[slot])
            isValid = false
        }
        if failures & ValueFailure.code != 0 {
            codeFailure(index)
            isValid = false
        } else if failures & ValueFailure.deprecatedCode != 0,
            let entry = kernel.codeEntry(check.codeIndex, pointer, length)
        {
            deprecatedCode(index, Int(entry))
        }
        return isValid
    }

    @inline(never)
    mutating func lengthFailure(_ index: Int, _ characters: Int) {
        let check = checks[index]
        report(
            slot: check.slot, ruleID: ValidationIssue.RuleID.fieldLength, severity: check.severity,
            value: value(check.slot),
            message: IssueMessages.length(
                plan.entity.fields[check.slot], characters, check.minimumLength, check.maximumLength))
    }

    @inline(never)
    mutating func patternFailure(_ index: Int) {
        let check = checks[index]
        report(
            slot: check.slot, ruleID: ValidationIssue.RuleID.fieldPattern, severity: check.severity,
            value: value(check.slot),
            message: IssueMessages.pattern(plan.entity.fields[check.slot], plan.patterns[check.patternIndex].source))
    }

    @inline(never)
    mutating func rangeFailure(_ index: Int, _ number: Double) {
        let check = checks[index]
        report(
            slot: check.slot, ruleID: ValidationIssue.RuleID.fieldRange, severity: check.severity,
            value: value(check.slot),
            message: IssueMessages.range(plan.entity.fields[check.slot], number, check.minimum, check.maximum))
    }

    @inline(never)
    mutating func deprecatedCode(_ index: Int, _ entryIndex: Int) {
        let check = checks[index]
        let lookup = plan.codes[check.codeIndex]
        let entry = lookup.table.entries[entryIndex]
        report(
            slot: check.slot, ruleID: ValidationIssue.RuleID.fieldDeprecatedCode, severity: .warning,
            value: value(check.slot),
            message: IssueMessages.deprecated(plan.entity.fields[check.slot], entry, lookup.table))
    }

    @inline(never)
    mutating func codeFailure(_ index: Int) {
        let check = checks[index]
        report(
            slot: check.slot, ruleID: ValidationIssue.RuleID.fieldCode, severity: check.severity,
            value: value(check.slot),
            message: IssueMessages.code(plan.entity.fields[check.slot], plan.codes[check.codeIndex].table))
    }

    @inline(never)
    static func matchesWithICU(_ plan: EntityPlan, _ index: Int, _ pointer: UnsafePointer<UInt8>, _ length: Int) -> Bool
    {
        plan.patterns[index].matchesWithICU(pointer, length)
    }

    @inline(never)
    mutating func typeFailure(_ slot: Int) -> Bool {
        let field = plan.entity.fields[slot]
        report(
            slot: slot, ruleID: ValidationIssue.RuleID.fieldType, severity: field.severity, value: value(slot),
            message: IssueMessages.type(field))
        return false
    }

    @inline(never)
    mutating func codeTypeFailure(_ slot: Int, _ type: FieldType, _ severity: Severity) {
        let field = plan.entity.fields[slot]
        let text = String(
            decoding: UnsafeBufferPointer(start: cellPointer[slot], count: cellCount[slot]), as: UTF8.self)
        let error = CodeTypeCheck.explain(type, text)
        let ruleID: String
        switch error.code {
        case .checkCharacter, .organizationCheck: ruleID = ValidationIssue.RuleID.fieldChecksum
        case .unknown: ruleID = ValidationIssue.RuleID.fieldCode
        default: ruleID = ValidationIssue.RuleID.fieldType
        }
        report(
            slot: slot, ruleID: ruleID, severity: severity, value: value(slot),
            message: IssueMessages.codeType(field, error))
    }

    // MARK: Rules

    @inline(__always)
    func isPresent(_ slot: Int) -> Bool { cellCount[slot] > 0 }

    mutating func checkRules() {
        var index = 0
        while index < ruleOps.count {
            let op = ruleOps[index]
            index &+= 1
            if op.condition >= 0 && !conditionHolds(conditionOps[op.condition]) { continue }
            var fails = false
            switch op.kind {
            case .compare:
                fails = compareFails(op)
            case .requiredIf:
                fails = !isPresent(op.first)
            case .atLeastOne:
                fails = true
                for position in op.listStart..<(op.listStart &+ op.listCount) where isPresent(ruleSlots[position]) {
                    fails = false
                    break
                }
            case .exclusive:
                var present = 0
                for position in op.listStart..<(op.listStart &+ op.listCount) where isPresent(ruleSlots[position]) {
                    present &+= 1
                }
                fails = present > 1
            case .withinDivision:
                fails = withinDivisionFails(field: op.first, container: op.second)
            case .prefix:
                let field = op.first
                let prefix = op.second
                if isPresent(field) && isPresent(prefix) {
                    let length = cellCount[prefix]
                    fails = cellCount[field] < length || memcmp(cellPointer[field], cellPointer[prefix], length) != 0
                }
            case .usccDivision:
                let field = op.first
                let division = op.second
                if cellCount[field] == 18 && cellCount[division] >= 2 {
                    let uscc = cellPointer[field]
                    let code = cellPointer[division]
                    fails = uscc[2] != code[0] || uscc[3] != code[1]
                }
            }
            if fails { ruleFailure(index &- 1) }
        }
    }

    @inline(never)
    mutating func ruleFailure(_ index: Int) {
        consistent = false
        let op = ruleOps[index]
        let rule = plan.rules[index].spec
        let slot = op.first >= 0 ? op.first : nil
        report(
            slot: slot, ruleID: rule.id, severity: op.severity, value: slot.flatMap { value($0) }, message: rule.message
        )
    }

    @inline(__always)
    func conditionHolds(_ condition: ConditionOp) -> Bool {
        let length = cellCount[condition.slot]
        if condition.present { return length > 0 }
        if length <= 0 { return false }
        let pointer = cellPointer[condition.slot]
        if condition.booleanMask != 0 {
            guard let truth = ValueParsing.parseBoolean(pointer, length) else { return false }
            return condition.booleanMask & (truth ? 2 : 1) != 0
        }
        for value in 0..<condition.valuesCount {
            let start = conditionRanges[(condition.valuesStart &+ value) &* 2]
            let end = conditionRanges[(condition.valuesStart &+ value) &* 2 &+ 1]
            if end &- start == length,
                let bytes = conditionBytes.baseAddress, memcmp(bytes + start, pointer, length) == 0
            {
                return true
            }
        }
        return false
    }

    @inline(__always)
    func compareFails(_ op: RuleOp) -> Bool {
        let left = op.first
        let right = op.second
        guard isPresent(left) && isPresent(right) else { return false }
        var order: Int
        if numberKnown[left] && numberKnown[right] {
            let lhs = numbers[left]
            let rhs = numbers[right]
            order = lhs < rhs ? -1 : lhs > rhs ? 1 : 0
        } else if checks[left].type.isOrdered || checks[right].type.isOrdered {
            return false  // a malformed number or date: its type error is already reported
        } else {
            let leftLength = cellCount[left]
            let rightLength = cellCount[right]
            let common = memcmp(cellPointer[left], cellPointer[right], min(leftLength, rightLength))
            order =
                common != 0 ? (common < 0 ? -1 : 1) : (leftLength < rightLength ? -1 : leftLength > rightLength ? 1 : 0)
        }
        switch op.op {
        case .lt: return !(order < 0)
        case .le: return !(order <= 0)
        case .eq: return order != 0
        case .ne: return order == 0
        case .ge: return !(order >= 0)
        case .gt: return !(order > 0)
        }
    }

    /// GB/T 2260 containment: a province `XX0000` holds every code starting `XX`, a city `XXYY00` every code
    /// starting `XXYY`, a county only itself.
    @inline(__always)
    func withinDivisionFails(field: Int, container: Int) -> Bool {
        guard cellCount[field] == 6 && cellCount[container] == 6 else { return false }
        let code = cellPointer[field]
        let outer = cellPointer[container]
        for offset in 0..<6 where !ValueParsing.isDigit(code[offset]) || !ValueParsing.isDigit(outer[offset]) {
            return false
        }
        var significant = 6
        if outer[4] == 0x30 && outer[5] == 0x30 {
            significant = outer[2] == 0x30 && outer[3] == 0x30 ? 2 : 4
        }
        return memcmp(code, outer, significant) != 0
    }

    // MARK: Issues

    /// The value of a cell as shown in an issue: truncated, masked for sensitive fields.
    @inline(never)
    func value(_ slot: Int) -> String? {
        let length = cellCount[slot]
        guard length > 0 else { return nil }
        var text = String(decoding: UnsafeBufferPointer(start: cellPointer[slot], count: length), as: UTF8.self)
        if text.unicodeScalars.count > 200 {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "…"
        }
        if plan.entity.fields[slot].sensitive && !context.revealsSensitiveValues { return Self.masked(text) }
        return text
    }

    /// `138****5678`: the first three and last two characters kept when there are more than six.
    static func masked(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count > 6 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 5)
            + String(characters.suffix(2))
    }

    /// The raw text between two offsets, truncated (for malformed records).
    func snippet(from start: Int, to end: Int) -> String {
        let length = min(max(0, end - start), 600)
        var text = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        if text.unicodeScalars.count > 200 {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "…"
        }
        return text
    }

    mutating func currentRecordKey() -> String? {
        if recordKeyKnown { return recordKey }
        recordKeyKnown = true
        guard !keySlots.isEmpty else { return nil }
        var parts: [String] = []
        var any = false
        for position in 0..<keySlots.count {
            let slot = keySlots[position]
            let length = cellCount[slot]
            if length > 0 {
                any = true
                parts.append(
                    String(decoding: UnsafeBufferPointer(start: cellPointer[slot], count: length), as: UTF8.self))
            } else {
                parts.append("")
            }
        }
        recordKey = any ? parts.joined(separator: "|") : nil
        return recordKey
    }

    @inline(never)
    mutating func report(
        slot: Int?, field: String? = nil, ruleID: String, severity: Severity, value: String?,
        message: LocalizedText, byteOffset: Int? = nil, line: Int? = nil
    ) {
        if severity == .error { recordHasError = true }
        let key = currentRecordKey()
        outcome.issues.append(
            ValidationIssue(
                file: context.file, recordNumber: recordIndex, line: line ?? recordLine, byteOffset: byteOffset,
                recordKey: key, entity: plan.entity.id, field: field ?? slot.map { plan.entity.fields[$0].id },
                ruleID: ruleID, severity: severity, value: value, message: message))
    }
}

/// Puts CSV cells into the slots of their columns.
struct CSVRecordSink: CSVCellSink {
    let columnSlots: UnsafeMutableBufferPointer<Int>
    let cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>
    let cellCount: UnsafeMutablePointer<Int>
    let scratch: UnsafeMutablePointer<UInt8>
    var scratchUsed = 0

    init(
        columnSlots: UnsafeMutableBufferPointer<Int>, cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>,
        cellCount: UnsafeMutablePointer<Int>, scratch: UnsafeMutablePointer<UInt8>
    ) {
        self.columnSlots = columnSlots
        self.cellPointer = cellPointer
        self.cellCount = cellCount
        self.scratch = scratch
    }

    @inline(__always)
    mutating func cell(_ column: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, escaped: Bool) {
        guard column < columnSlots.count else { return }
        let slot = columnSlots[column]
        if slot < 0 { return }
        if escaped {
            let destination = scratch + scratchUsed
            let written = CSVScanner.unescape(base + start, count, into: destination)
            cellPointer[slot] = UnsafePointer(destination)
            cellCount[slot] = written
            scratchUsed &+= written
        } else {
            cellPointer[slot] = base + start
            cellCount[slot] = count
        }
    }
}

/// Puts JSON members into the slots of their keys.
struct JSONRecordSink: JSONMemberSink {
    let nameHashes: FrozenSetHandle
    let cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>
    let cellCount: UnsafeMutablePointer<Int>
    var unknownKeys: [String] = []
    var nested: [(String, Int)] = []

    init(
        nameHashes: FrozenSetHandle, cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>,
        cellCount: UnsafeMutablePointer<Int>
    ) {
        self.nameHashes = nameHashes
        self.cellPointer = cellPointer
        self.cellCount = cellCount
    }

    @inline(__always)
    mutating func member(
        key: UnsafePointer<UInt8>, keyCount: Int, value: UnsafePointer<UInt8>, valueCount: Int, kind: JSONValueKind,
        offset: Int
    ) {
        guard let slot = nameHashes.payload(of: ValueHasher.hash(key, keyCount, seed: 7)) else {
            unknownKeys.append(String(decoding: UnsafeBufferPointer(start: key, count: keyCount), as: UTF8.self))
            return
        }
        let index = Int(slot)
        if kind == .nested {
            nested.append((String(decoding: UnsafeBufferPointer(start: key, count: keyCount), as: UTF8.self), index))
            return
        }
        cellPointer[index] = value
        cellCount[index] = valueCount
    }
}

/// The ways a value fails its field's checks, as bits (``FieldKernel/check(_:_:_:)``).
enum ValueFailure {
    /// Not of the field's type (a number, a date…): nothing else is checked.
    static let type: UInt32 = 1
    /// Not a valid code of the field's code type (USCC, division…): nothing else is checked.
    static let codeType: UInt32 = 2
    static let length: UInt32 = 4
    static let pattern: UInt32 = 8
    /// The fast matcher cannot decide: ICU must.
    static let undecidedPattern: UInt32 = 16
    static let range: UInt32 = 32
    static let code: UInt32 = 64
    /// In the code table, but deprecated or replaced (a warning; the value is valid).
    static let deprecatedCode: UInt32 = 128
}

/// The pointers the field loop reads, in one trivial value that the loop keeps in locals: checking a value
/// allocates nothing, retains nothing and reports nothing (it returns ``ValueFailure`` bits for the worker to
/// report).
struct FieldKernel {
    let checks: UnsafeMutablePointer<FieldCheck>
    let cellPointer: UnsafeMutablePointer<UnsafePointer<UInt8>>
    let cellCount: UnsafeMutablePointer<Int>
    let numbers: UnsafeMutablePointer<Double>
    let numberKnown: UnsafeMutablePointer<Bool>
    let cellValid: UnsafeMutablePointer<Bool>
    let filled: UnsafeMutablePointer<Int>
    let valid: UnsafeMutablePointer<Int>
    let missing: UnsafeMutablePointer<Bool>
    let codeHandles: UnsafeMutablePointer<FrozenSetHandle>
    let shortCodeHandles: UnsafeMutablePointer<ShortCodeHandle?>
    let codeDeprecations: UnsafeMutablePointer<UnsafeMutablePointer<Bool>>
    let patternHandles: UnsafeMutablePointer<PatternHandle?>
    /// Per slot: ``EntityPlan/codeTypeValidity``.
    let codeTypeValidity: UnsafeMutablePointer<UnsafeMutablePointer<Bool>?>
    /// The last 18 bytes found to be a valid USCC, then 1 (or 0 before any): a permit number usually starts with
    /// the USCC of its own record, checked just before.
    let usccMemo: UnsafeMutablePointer<UInt8>

    /// Checks a non-empty value of the field at `index`; records its number (numeric, date and time types);
    /// returns the failures (0 for a valid value).
    @inline(__always)
    func check(_ index: Int, _ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        let check = checks + index
        let slot = check.pointee.slot
        var foundEntry: UInt32?
        switch check.pointee.type {
        case .string, .text, .code:
            break
        case .integer:
            guard let number = ValueParsing.parseInteger(pointer, length) else { return ValueFailure.type }
            numbers[slot] = Double(number)
            numberKnown[slot] = true
        case .decimal:
            guard let number = ValueParsing.parseDecimal(pointer, length) else { return ValueFailure.type }
            numbers[slot] = number
            numberKnown[slot] = true
        case .boolean:
            guard let truth = ValueParsing.parseBoolean(pointer, length) else { return ValueFailure.type }
            numbers[slot] = truth ? 1 : 0
            numberKnown[slot] = true
        case .date:
            guard let day = ValueParsing.parseDate(pointer, length) else { return ValueFailure.type }
            numbers[slot] = ValueParsing.beijingMidnight(ofDay: day)
            numberKnown[slot] = true
        case .datetime:
            guard let seconds = ValueParsing.parseDateTime(pointer, length) else { return ValueFailure.type }
            numbers[slot] = seconds
            numberKnown[slot] = true
        case .uscc, .organizationCode, .idCard, .division, .industry, .pollutant, .permitNumber, .outletCode, .mn:
            // A value found in the field's code table, among entries valid for the type, is valid for the type.
            if let validity = codeTypeValidity[slot], let entry = codeEntry(check.pointee.codeIndex, pointer, length),
                validity[Int(entry)]
            {
                foundEntry = entry
            } else if !isValidCode(check.pointee.type, pointer, length) {
                return ValueFailure.codeType
            }
        }
        var failures: UInt32 = 0
        if check.pointee.checksLength {
            // A value of n bytes has between n/4 and n characters: count only when that cannot decide.
            let minimum = check.pointee.minimumLength
            let maximum = check.pointee.maximumLength
            if length > maximum || (length &+ 3) / 4 < minimum {
                let characters = ValueParsing.scalarCount(pointer, length)
                if characters < minimum || characters > maximum { failures |= ValueFailure.length }
            }
        }
        let patternIndex = check.pointee.patternIndex
        if patternIndex >= 0, let handle = patternHandles[patternIndex] {
            switch handle.match(pointer, length) {
            case .match: break
            case .noMatch: failures |= ValueFailure.pattern
            case .undecided: failures |= ValueFailure.undecidedPattern
            }
        } else if patternIndex >= 0 {
            failures |= ValueFailure.undecidedPattern
        }
        if check.pointee.checksRange && numberKnown[slot] {
            let number = numbers[slot]
            if number < check.pointee.minimum || number > check.pointee.maximum { failures |= ValueFailure.range }
        }
        let codeIndex = check.pointee.codeIndex
        if codeIndex >= 0 {
            if let entry = foundEntry ?? codeEntry(codeIndex, pointer, length) {
                if check.pointee.hasDeprecatedCodes && codeDeprecations[codeIndex][Int(entry)] {
                    failures |= ValueFailure.deprecatedCode
                }
            } else {
                failures |= ValueFailure.code
            }
        }
        return failures
    }

    /// Whether bytes form a valid code of a code type (``CodeTypeCheck/check(_:_:)``), a permit number whose first 18
    /// bytes are the USCC validated last checking only its last four.
    @inline(__always)
    func isValidCode(_ type: FieldType, _ pointer: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        switch type {
        case .uscc:
            if length == 18 && isMemoizedUSCC(pointer) { return true }
            guard SocialCreditCode.check(UnsafeBufferPointer(start: pointer, count: length)) == nil else {
                return false
            }
            if length == 18 { memoizeUSCC(pointer) }
            return true
        case .permitNumber:
            if length == 22 && isMemoizedUSCC(pointer) {
                // PermitNumber.check: the USCC, three digits, a capital letter.
                return pointer[18] &- 0x30 < 10 && pointer[19] &- 0x30 < 10 && pointer[20] &- 0x30 < 10
                    && pointer[21] &- 0x41 < 26
            }
            guard PermitNumber.check(UnsafeBufferPointer(start: pointer, count: length)) == nil else { return false }
            memoizeUSCC(pointer)
            return true
        default:
            return CodeTypeCheck.check(type, UnsafeBufferPointer(start: pointer, count: length)) == nil
        }
    }

    @inline(__always)
    func isMemoizedUSCC(_ pointer: UnsafePointer<UInt8>) -> Bool {
        let raw = UnsafeRawPointer(pointer)
        let memo = UnsafeRawPointer(usccMemo)
        return usccMemo[18] == 1 && raw.loadUnaligned(as: UInt64.self) == memo.loadUnaligned(as: UInt64.self)
            && raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                == memo.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            && raw.loadUnaligned(fromByteOffset: 16, as: UInt16.self)
                == memo.loadUnaligned(fromByteOffset: 16, as: UInt16.self)
    }

    @inline(__always)
    func memoizeUSCC(_ pointer: UnsafePointer<UInt8>) {
        usccMemo.update(from: pointer, count: 18)
        usccMemo[18] = 1
    }

    /// The entry index of a code in the code table at `codeIndex`, or `nil`.
    @inline(__always)
    func codeEntry(_ codeIndex: Int, _ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt32? {
        if let short = shortCodeHandles[codeIndex] { return short.payload(pointer, length) }
        return codeHandles[codeIndex].payload(of: ValueHasher.hash(pointer, length))
    }
}

/// An append-only buffer of trivial values for hot loops: no uniqueness or bounds checks, it doubles when full.
/// Made into an array once, at the end; freed by ``deallocate()``.
struct AppendBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count &+= 1
    }

    /// Appends `count` elements from `source`.
    @inline(__always)
    mutating func append(contentsOf source: UnsafePointer<Element>, count added: Int) {
        while count + added > capacity { grow() }
        (base + count).initialize(from: source, count: added)
        count &+= added
    }

    @inline(never)
    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// The elements appended so far.
    func array() -> [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func deallocate() { base.deallocate() }
}
