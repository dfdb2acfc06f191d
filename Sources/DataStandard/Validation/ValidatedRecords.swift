/// The records of one chunk of an input, with their values and verdicts, handed to the `onRecords` closure of
/// ``RecordValidator/validate(_:onIssue:onRecords:)`` in input order, after the chunk's issues.
///
/// Values are the cells as read (decoded to UTF-8, CSV quotes removed), one per field of the entity in
/// declaration order; an empty or absent cell is `nil`. A record is valid when it has no error (warnings do not
/// count), duplicates of earlier records included.
public struct ValidatedRecords: Sendable {
    /// The entity the records were validated as.
    public var entity: String
    /// The input file, as named in issues.
    public var file: String
    /// The entity's field ids, in declaration order: one value of each per record.
    public var fields: [String]
    /// Per record: its 1-based number in the file, as issues give it.
    public var recordNumbers: [Int]
    /// Per record: the 1-based line where it starts.
    public var lines: [Int]
    /// Per record: whether it has no error.
    public var isValid: [Bool]
    /// The values' UTF-8 bytes, record after record, field after field.
    public var bytes: [UInt8]
    /// Per value, record by record (`record * fields.count + field`): where its bytes end in ``bytes``; each value
    /// starts where the one before it ends. A value without bytes is `nil`.
    public var ends: [Int32]

    /// Creates records from their values' bytes.
    init(
        entity: String, file: String, fields: [String], recordNumbers: [Int], lines: [Int], isValid: [Bool],
        bytes: [UInt8], ends: [Int32]
    ) {
        self.entity = entity
        self.file = file
        self.fields = fields
        self.recordNumbers = recordNumbers
        self.lines = lines
        self.isValid = isValid
        self.bytes = bytes
        self.ends = ends
    }

    /// The number of records.
    public var count: Int { recordNumbers.count }

    /// Where the bytes of a value lie in ``bytes``.
    public func range(record: Int, field: Int) -> Range<Int> {
        let index = record * fields.count + field
        return (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])
    }

    /// A value; `nil` when it is empty.
    public func value(record: Int, field: Int) -> String? {
        let range = range(record: record, field: field)
        guard !range.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { String(decoding: $0[range], as: UTF8.self) }
    }

    /// The values of one record, in field order.
    public func values(of record: Int) -> [String?] {
        (0..<fields.count).map { value(record: record, field: $0) }
    }
}
