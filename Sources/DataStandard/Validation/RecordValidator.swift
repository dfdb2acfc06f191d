import EnforcementModel
import Foundation

/// Validates records (CSV, JSON Lines, JSON arrays) against the entities of a data standard, streaming every
/// finding to the caller.
///
/// ```swift
/// let standard = try StandardLoader().load(directory: StandardLoader.defaultStandardDirectory())
/// let validator = try RecordValidator(
///     standard: standard, entity: "regulated_entity", options: .init(asOf: try CivilDate("2026-11-29")))
/// let report = try await validator.validate(files: [url]) { issue in
///     print(issue)   // file:line: record N: field: error [field.checksum] …
/// }
/// print(report.records, report.errors, report.quality.score)
/// ```
///
/// Validating several entities together resolves references (`ref`) between them: referenced entities are
/// validated first and the values of the referenced fields kept, so that a referring record whose value is
/// missing from the input gets a `field.reference` error. A reference whose entity is not among the inputs is
/// counted as not checked.
///
/// ```swift
/// let validator = try RecordValidator(standard: standard)
/// let report = try await validator.validate([
///     ValidationInput(entity: "regulated_entity", file: entities),
///     ValidationInput(entity: "permit", file: permits),
/// ]) { issue in … }
/// ```
///
/// **Memory** is constant in the size of the input — chunks of ``Options/chunkSize`` bytes, a few per worker —
/// except for the hash sets that find duplicate keys, duplicate `unique` values and referenced values: about
/// 16 bytes per distinct value, plus hash-table slack (23–46 bytes in all). Issues are never kept: they go to
/// the `onIssue` closure in input order as they are found.
///
/// **Concurrency.** The `async` forms cut each input into chunks at record boundaries and validate
/// ``Options/workers`` chunks at a time; results are merged in input order, so issues, their order and every
/// count are the same whatever the number of workers. The synchronous forms do the same work on the calling
/// thread. `onIssue` is always called from the calling task, one issue at a time.
public struct RecordValidator: Sendable {
    /// Options of a validation.
    public struct Options: Hashable, Sendable {
        /// The reference date of timeliness: a record whose time field is more than the entity's `max_age_days`
        /// before it, or after it, is untimely (a warning).
        ///
        /// Defaults to `nil`: timeliness is not measured (the validator never reads the clock).
        public var asOf: CivilDate?
        /// The text encoding of the inputs.
        ///
        /// Defaults to ``InputEncoding/automatic``.
        public var encoding: InputEncoding
        /// The record format of the inputs.
        ///
        /// Defaults to ``InputFormat/automatic`` (by file extension, else by the first character).
        public var format: InputFormat
        /// The chunks validated at once by the `async` forms.
        ///
        /// Defaults to the number of active processors.
        public var workers: Int
        /// The size of the blocks the input is read and validated in.
        ///
        /// Defaults to 2 MiB: large enough that per-chunk costs vanish, small enough that the last chunks keep both
        /// workers busy and little memory waits to be merged.
        public var chunkSize: Int
        /// The longest CSV record (in bytes) a quoted cell may stretch to before its quote counts as never closed.
        ///
        /// Defaults to 1 MiB.
        public var maximumRecordBytes: Int
        /// Whether issues show the values of sensitive fields in full.
        ///
        /// Defaults to `false`: values of fields marked `sensitive` are masked (`138******78`).
        public var revealsSensitiveValues: Bool

        /// Creates options; every parameter has the default documented on its property.
        public init(
            asOf: CivilDate? = nil,
            encoding: InputEncoding = .automatic,
            format: InputFormat = .automatic,
            workers: Int = ProcessInfo.processInfo.activeProcessorCount,
            chunkSize: Int = 2 << 20,
            maximumRecordBytes: Int = 1 << 20,
            revealsSensitiveValues: Bool = false
        ) {
            self.asOf = asOf
            self.encoding = encoding
            self.format = format
            self.workers = max(1, workers)
            self.chunkSize = chunkSize
            self.maximumRecordBytes = maximumRecordBytes
            self.revealsSensitiveValues = revealsSensitiveValues
        }
    }

    /// The standard records are validated against.
    public let standard: StandardSpec
    /// The entity of ``validate(files:onIssue:)-(_,_)``, if one was given.
    public let entity: String?
    /// The options.
    public var options: Options
    private let plans: [String: EntityPlan]

    /// Creates a validator for one entity, compiling its checks.
    ///
    /// - Throws: ``DataStandardError`` `.unknownEntity` when the standard has no such entity; `.malformedSpec` for
    ///   a pattern ICU rejects; `.danglingReference` for a rule or code table that does not exist.
    public init(standard: StandardSpec, entity: String, options: Options = Options()) throws(DataStandardError) {
        self.standard = standard
        self.entity = entity
        self.options = options
        plans = [entity: try Self.compile(entity, in: standard)]
    }

    /// Creates a validator for inputs of any entities of the standard (``validate(_:onIssue:)-(_,_)``).
    ///
    /// - Throws: ``DataStandardError`` when an entity's checks cannot be compiled.
    public init(standard: StandardSpec, options: Options = Options()) throws(DataStandardError) {
        self.standard = standard
        entity = nil
        self.options = options
        var plans: [String: EntityPlan] = [:]
        for entity in standard.entities { plans[entity.id] = try EntityPlan(entity: entity, standard: standard) }
        self.plans = plans
    }

    private static func compile(_ entity: String, in standard: StandardSpec) throws(DataStandardError) -> EntityPlan {
        guard let spec = standard.entity(entity) else {
            throw DataStandardError(
                .unknownEntity, "the standard \(standard.id) \(standard.version) has no entity \(entity)")
        }
        return try EntityPlan(entity: spec, standard: standard)
    }

    // MARK: Validating

    /// Validates files of the validator's entity, in parallel.
    ///
    /// - Parameters:
    ///   - files: The input files; duplicates and unique values are found across all of them.
    ///   - onIssue: Receives every issue, in input order; throw to stop.
    /// - Returns: The counts and the quality summary.
    /// - Throws: ``DataStandardError`` when a file cannot be read (`.fileUnreadable`), has an unsupported encoding
    ///   (`.unsupportedEncoding`), or the validator has no entity (`.unknownEntity`); or what `onIssue` throws.
    public func validate(
        files: [URL], onIssue: (ValidationIssue) throws -> Void = { _ in }
    ) async throws -> ValidationReport {
        try await validate(try inputs(files), onIssue: onIssue)
    }

    /// Validates files of the validator's entity on the calling thread.
    public func validate(files: [URL], onIssue: (ValidationIssue) throws -> Void = { _ in }) throws -> ValidationReport
    {
        try validate(try inputs(files), onIssue: onIssue)
    }

    /// Validates inputs of several entities together, resolving references between them, in parallel.
    ///
    /// Entities are validated referenced ones first; within an entity, inputs in the order given.
    public func validate(
        _ inputs: [ValidationInput], onIssue: (ValidationIssue) throws -> Void = { _ in }
    ) async throws -> ValidationReport {
        try await withoutActuallyEscaping(onIssue) { onIssue in
            let session = ValidationSession(
                standard: standard, options: options, plans: try plans(for: inputs), onIssue: onIssue)
            return try await session.runConcurrently(inputs, workers: options.workers)
        }
    }

    /// Validates inputs of several entities together, in parallel, and hands every record with its values and
    /// verdict to `onRecords` — the start of an import: valid records to a store, invalid ones to quarantine.
    ///
    /// `onRecords` receives the records chunk by chunk, in input order, each chunk after its issues went to
    /// `onIssue`; validation waits while it runs, so a slow consumer holds memory to a few chunks.
    public func validate(
        _ inputs: [ValidationInput], onIssue: (ValidationIssue) throws -> Void = { _ in },
        onRecords: (ValidatedRecords) async throws -> Void
    ) async throws -> ValidationReport {
        try await withoutActuallyEscaping(onIssue) { onIssue in
            try await withoutActuallyEscaping(onRecords) { onRecords in
                let session = ValidationSession(
                    standard: standard, options: options, plans: try plans(for: inputs), onIssue: onIssue)
                return try await session.runConcurrently(inputs, workers: options.workers, onRecords: onRecords)
            }
        }
    }

    /// Validates inputs of several entities together on the calling thread.
    public func validate(
        _ inputs: [ValidationInput], onIssue: (ValidationIssue) throws -> Void = { _ in }
    ) throws -> ValidationReport {
        try withoutActuallyEscaping(onIssue) { onIssue in
            let session = ValidationSession(
                standard: standard, options: options, plans: try plans(for: inputs), onIssue: onIssue)
            return try session.runInline(inputs)
        }
    }

    private func inputs(_ files: [URL]) throws(DataStandardError) -> [ValidationInput] {
        guard let entity else {
            throw DataStandardError(.unknownEntity, "no entity given: use validate(_:) with ValidationInput values")
        }
        return files.map { ValidationInput(entity: entity, file: $0) }
    }

    private func plans(for inputs: [ValidationInput]) throws(DataStandardError) -> [String: EntityPlan] {
        var result = plans
        for input in inputs where result[input.entity] == nil {
            result[input.entity] = try Self.compile(input.entity, in: standard)
        }
        return result
    }
}

/// One input of a validation: an entity and where its records are.
public struct ValidationInput: Sendable {
    enum Source: Sendable {
        case file(URL)
        case bytes([UInt8], name: String)
    }

    /// The entity the records are validated as.
    public var entity: String
    let source: Source

    /// A file.
    public init(entity: String, file: URL) {
        self.entity = entity
        source = .file(file)
    }

    /// Bytes in memory, with the name issues show as their file (its extension selects the format when the
    /// format is automatic).
    public init(entity: String, bytes: [UInt8], name: String) {
        self.entity = entity
        source = .bytes(bytes, name: name)
    }

    /// The file path or name.
    public var name: String {
        switch source {
        case .file(let url): url.path
        case .bytes(_, let name): name
        }
    }
}
