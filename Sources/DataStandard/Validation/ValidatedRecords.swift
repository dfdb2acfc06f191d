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
    /// The entity's field ids, in declaration order: the columns of ``values``.
    public var fields: [String]
    /// Per record: its 1-based number in the file, as issues give it.
    public var recordNumbers: [Int]
    /// Per record: the 1-based line where it starts.
    public var lines: [Int]
    /// Per record: whether it has no error.
    public var isValid: [Bool]
    /// The values, record by record: `values[record * fields.count + field]`.
    public var values: [String?]

    /// The number of records.
    public var count: Int { recordNumbers.count }

    /// The values of one record, in field order.
    public func values(of record: Int) -> ArraySlice<String?> {
        values[(record * fields.count)..<((record + 1) * fields.count)]
    }
}
