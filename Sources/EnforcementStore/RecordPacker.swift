import Crypto
import DataStandard

/// Makes the writes of validated records of one entity straight from their values' bytes
/// (``ValidatedRecords/bytes``): canonical values packed (``PackedValues``), key, division and content hash as
/// ``RecordWrite/init(record:table:standardVersion:source:)`` makes them from strings, without a string per value.
///
/// What it reads of the table is taken once; one packer per thread (it keeps a buffer from record to record).
final class RecordPacker {
    private let table: EntityTable
    private let entity: String
    private let types: [FieldType]
    /// The field ids' UTF-8, one after another, and where each ends.
    private let idBytes: [UInt8]
    private let idEnds: [Int]
    private let keySlots: [Int]
    private let divisionSlot: Int?
    private let standardVersion: String
    private let source: String
    /// Where a record's canonical values, their ends and the bytes hashed are gathered, kept from record to record
    /// (grown when a record needs more).
    private var values = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 0)
    private var ends = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 0)
    private var hashed = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 0)

    init(table: EntityTable, standardVersion: String, source: String) {
        self.table = table
        entity = table.entity.id
        types = table.types
        var idBytes: [UInt8] = []
        var idEnds: [Int] = []
        for id in table.fieldIDBytes {
            idBytes += id
            idEnds.append(idBytes.count)
        }
        self.idBytes = idBytes
        self.idEnds = idEnds
        keySlots = table.keySlots
        divisionSlot = table.divisionSlot
        self.standardVersion = standardVersion
        self.source = source
    }

    deinit {
        values.deallocate()
        ends.deallocate()
        hashed.deallocate()
    }

    /// The write of one record of `batch`; `nil` when a key field is empty.
    func write(_ record: Int, of batch: ValidatedRecords) -> RecordWrite? {
        let fieldCount = batch.fields.count
        let first = record * fieldCount
        let slots = first..<(first + min(types.count, fieldCount))
        let start = first == 0 ? 0 : Int(batch.ends[first - 1])
        let size = slots.isEmpty ? 0 : Int(batch.ends[slots.upperBound - 1]) - start
        // A canonical text is at most as long as the text it comes from, or 19 bytes (a datetime); a longer one (a
        // datetime with an offset) leaves the record to the strings' way.
        let capacity = size + 19 * slots.count
        Self.reserve(&values, capacity)
        Self.reserve(&ends, types.count)
        Self.reserve(&hashed, idBytes.count + 2 * slots.count + capacity)
        var valueWriter = ByteWriter(buffer: values)
        var hashing = ByteWriter(buffer: hashed)
        let packedCount = pack(batch, slots, from: start, into: &valueWriter, hashing: &hashing)
        guard !valueWriter.overflowed, !hashing.overflowed else {
            return RecordWrite(
                record: batch.values(of: record), table: table, standardVersion: standardVersion, source: source)
        }
        for slot in packedCount..<types.count { ends[slot] = ~Int32(valueWriter.count) }
        let packed = PackedValues(
            ends: UnsafeBufferPointer(rebasing: ends[..<types.count]), bytes: valueWriter.written(from: 0))
        guard let key = key(packed) else { return nil }
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(hashing.written(from: 0)))
        return RecordWrite(
            entity: entity, key: key, division: divisionSlot.flatMap { packed.value($0) }, packed: packed,
            hash: RecordContent.hex(digest), standardVersion: standardVersion, source: source)
    }

    /// Grows `buffer` to at least `count` elements (its contents are not kept).
    private static func reserve<Element>(_ buffer: inout UnsafeMutableBufferPointer<Element>, _ count: Int) {
        guard buffer.count < count else { return }
        let grown = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(count, 2 * buffer.count))
        buffer.deallocate()
        buffer = grown
    }

    /// Writes the canonical values of `slots` (values of `batch`, the first starting at `start`) to `values`, where
    /// each ends to ``ends``, and the bytes their hash is taken of to `hashing`; returns the number of values.
    private func pack(
        _ batch: ValidatedRecords, _ slots: Range<Int>, from start: Int, into values: inout ByteWriter,
        hashing: inout ByteWriter
    ) -> Int {
        batch.bytes.withUnsafeBufferPointer { source in
            batch.ends.withUnsafeBufferPointer { sourceEnds in
                idBytes.withUnsafeBufferPointer { idBytes in
                    var start = start
                    for (slot, index) in slots.enumerated() {
                        let end = Int(sourceEnds[index])
                        let value = UnsafeBufferPointer(rebasing: source[start..<end])
                        start = end
                        if value.isEmpty {
                            ends[slot] = ~Int32(values.count)
                            continue
                        }
                        let valueStart = values.count
                        if RecordContent.isCanonical(value, type: types[slot]) {
                            values.put(value)
                        } else {
                            var canonical = RecordContent.canonical(
                                String(decoding: value, as: UTF8.self), type: types[slot])
                            canonical.withUTF8 { values.put($0) }
                        }
                        ends[slot] = Int32(values.count)
                        hashing.put(
                            UnsafeBufferPointer(rebasing: idBytes[(slot == 0 ? 0 : idEnds[slot - 1])..<idEnds[slot]]))
                        hashing.put(0x1F)
                        hashing.put(values.written(from: valueStart))
                        hashing.put(0x1E)
                    }
                }
            }
        }
        return slots.count
    }

    /// The key fields' values joined with `|` (``RecordContent/key(_:table:)``).
    private func key(_ packed: PackedValues) -> String? {
        guard !keySlots.isEmpty else { return nil }
        if keySlots.count == 1 { return keySlots[0] < packed.count ? packed.value(keySlots[0]) : nil }
        var key = ""
        for (position, slot) in keySlots.enumerated() {
            guard slot < packed.count, let value = packed.value(slot) else { return nil }
            if position > 0 { key += "|" }
            key += value
        }
        return key
    }
}

/// Appends bytes to memory of a fixed size; what does not fit is left out, and noted.
private struct ByteWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0
    private(set) var overflowed = false

    init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard count + bytes.count <= buffer.count else {
            overflowed = true
            return
        }
        guard let target = buffer.baseAddress, let source = bytes.baseAddress else { return }
        (target + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        guard count < buffer.count else {
            overflowed = true
            return
        }
        buffer[count] = byte
        count += 1
    }

    /// The bytes written since `start`.
    func written(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[start..<count])
    }
}
