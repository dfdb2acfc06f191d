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
    /// Where the bytes hashed are gathered, kept from record to record.
    private var hashed: [UInt8] = []

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
        let needed = idBytes.count + 2 * slots.count + capacity
        if hashed.count < needed { hashed = [UInt8](repeating: 0, count: max(needed, 2 * hashed.count)) }
        var packed = PackedValues()
        packed.ends.reserveCapacity(types.count)
        var hashedCount = 0
        var fits = true
        // Taken out while written (`pack` reads the rest of self), put back after.
        var hashBuffer: [UInt8] = []
        swap(&hashBuffer, &hashed)
        defer { swap(&hashBuffer, &hashed) }
        packed.bytes = [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            hashBuffer.withUnsafeMutableBufferPointer { hashed in
                var values = ByteWriter(buffer: output)
                var hashing = ByteWriter(buffer: hashed)
                pack(batch, slots, from: start, into: &values, ends: &packed.ends, hashing: &hashing)
                fits = !values.overflowed && !hashing.overflowed
                count = values.count
                hashedCount = hashing.count
            }
        }
        guard fits else {
            return RecordWrite(
                record: batch.values(of: record), table: table, standardVersion: standardVersion, source: source)
        }
        while packed.ends.count < types.count { packed.ends.append(~Int32(packed.bytes.count)) }
        guard let key = key(packed) else { return nil }
        let digest = hashBuffer.withUnsafeBytes {
            SHA256.hash(data: UnsafeRawBufferPointer(rebasing: $0[..<hashedCount]))
        }
        return RecordWrite(
            entity: entity, key: key, division: divisionSlot.flatMap { packed.value($0) }, packed: packed,
            hash: RecordContent.hex(digest), standardVersion: standardVersion, source: source)
    }

    /// Writes the canonical values of `slots` (values of `batch`, the first starting at `start`) to `values`, where
    /// each ends to `ends`, and the bytes their hash is taken of to `hashing`.
    private func pack(
        _ batch: ValidatedRecords, _ slots: Range<Int>, from start: Int, into values: inout ByteWriter,
        ends: inout [Int32], hashing: inout ByteWriter
    ) {
        batch.bytes.withUnsafeBufferPointer { source in
            batch.ends.withUnsafeBufferPointer { sourceEnds in
                idBytes.withUnsafeBufferPointer { idBytes in
                    var start = start
                    for (slot, index) in slots.enumerated() {
                        let end = Int(sourceEnds[index])
                        let value = UnsafeBufferPointer(rebasing: source[start..<end])
                        start = end
                        if value.isEmpty {
                            ends.append(~Int32(values.count))
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
                        ends.append(Int32(values.count))
                        hashing.put(
                            UnsafeBufferPointer(rebasing: idBytes[(slot == 0 ? 0 : idEnds[slot - 1])..<idEnds[slot]]))
                        hashing.put(0x1F)
                        hashing.put(values.written(from: valueStart))
                        hashing.put(0x1E)
                    }
                }
            }
        }
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
