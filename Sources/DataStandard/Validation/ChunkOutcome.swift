/// Counts for the quality summary, added up chunk by chunk.
struct EntityTally: Sendable {
    var records = 0
    var validRecords = 0
    var consistentRecords = 0
    var recordsWithDuplicates = 0
    var timeChecked = 0
    var timely = 0
    var referencesChecked = 0
    var referencesResolved = 0
    var referencesNotChecked = 0
    /// Per slot.
    var filled: [Int]
    var valid: [Int]
    var duplicates: [Int]
    var slotReferencesChecked: [Int]
    var slotReferencesResolved: [Int]
    var slotReferencesNotChecked: [Int]

    init(fields: Int) {
        filled = Array(repeating: 0, count: fields)
        valid = filled
        duplicates = filled
        slotReferencesChecked = filled
        slotReferencesResolved = filled
        slotReferencesNotChecked = filled
    }

    mutating func add(_ other: EntityTally) {
        records += other.records
        validRecords += other.validRecords
        consistentRecords += other.consistentRecords
        recordsWithDuplicates += other.recordsWithDuplicates
        timeChecked += other.timeChecked
        timely += other.timely
        referencesChecked += other.referencesChecked
        referencesResolved += other.referencesResolved
        referencesNotChecked += other.referencesNotChecked
        for slot in filled.indices {
            filled[slot] += other.filled[slot]
            valid[slot] += other.valid[slot]
            duplicates[slot] += other.duplicates[slot]
            slotReferencesChecked[slot] += other.slotReferencesChecked[slot]
            slotReferencesResolved[slot] += other.slotReferencesResolved[slot]
            slotReferencesNotChecked[slot] += other.slotReferencesNotChecked[slot]
        }
    }
}

/// What every worker of one input file shares, read-only.
final class InputContext: Sendable {
    let plan: EntityPlan
    let file: String
    let format: RecordFormat
    let encodingName: String
    /// CSV: the slot of each header column, or -1 for an ignored column.
    let columnSlots: [Int]
    /// Per slot: the CSV header has no column for the field.
    let missingSlots: [Bool]
    /// Per reference field of the plan: the values of the referenced field, or `nil` when not among the inputs.
    let references: [FrozenValueSet?]
    /// Per reference field of the plan: the slots of its scope fields (composite references), else empty.
    let referenceScopes: [[Int]]
    /// Slots whose values other inputs refer to.
    let collectSlots: [Int]
    /// Per collected slot: the slots of the scope fields it is collected within (composite references), else empty.
    let collectScopes: [[Int]]
    /// The reference day of timeliness (days since 1970-01-01), if any.
    let asOfDay: Int?
    let revealsSensitiveValues: Bool
    let maximumRecordBytes: Int
    /// Only collect referenced values (a pre-pass): no checks, no issues.
    let collectOnly: Bool
    /// Whether workers must check UTF-8 validity (the input was not decoded by iconv).
    let checksUTF8: Bool
    /// Whether workers keep every record's values (for `onRecords`).
    let capturesValues: Bool

    init(
        plan: EntityPlan, file: String, format: RecordFormat, encodingName: String, columnSlots: [Int],
        missingSlots: [Bool], references: [FrozenValueSet?], referenceScopes: [[Int]], collectSlots: [Int],
        collectScopes: [[Int]], asOfDay: Int?,
        revealsSensitiveValues: Bool, maximumRecordBytes: Int, collectOnly: Bool, checksUTF8: Bool,
        capturesValues: Bool = false
    ) {
        self.capturesValues = capturesValues && !collectOnly
        self.plan = plan
        self.file = file
        self.format = format
        self.encodingName = encodingName
        self.columnSlots = columnSlots
        self.missingSlots = missingSlots
        self.references = references
        self.referenceScopes = referenceScopes
        self.collectSlots = collectSlots
        self.collectScopes = collectScopes
        self.asOfDay = asOfDay
        self.revealsSensitiveValues = revealsSensitiveValues
        self.maximumRecordBytes = maximumRecordBytes
        self.collectOnly = collectOnly
        self.checksUTF8 = checksUTF8
    }
}

/// What a worker found in one chunk. Record numbers and lines in `issues` are chunk-relative (0-based): the
/// merger, which knows what came before, makes them absolute.
struct ChunkOutcome: Sendable {
    var job: ChunkJob
    var issues: [ValidationIssue] = []
    var records = 0
    /// Line ends in `[0, consumed)`.
    var newlines = 0
    /// Bytes of whole records handled; less than the chunk when the last record is incomplete.
    var consumed = 0
    /// The chunk ends inside a quoted cell: the record at `consumed` continues in the next chunk.
    var isIncomplete = false
    var recordOffsets: [Int32] = []
    var recordLines: [Int32] = []
    /// Per record: 1 when it has an error.
    var recordErrors: [UInt8] = []
    var keyHashes: [ValueHash] = []
    /// Records × unique fields.
    var uniqueHashes: [ValueHash] = []
    /// Records × collected fields.
    var collected: [ValueHash] = []
    /// When the context captures values: their bytes, records × fields, one after another.
    var valueBytes: [UInt8] = []
    /// Records × fields, when the context captures values: where each value ends in ``valueBytes``.
    var valueEnds: [Int32] = []
    var tally: EntityTally

    init(job: ChunkJob, fields: Int) {
        self.job = job
        tally = EntityTally(fields: fields)
    }
}
