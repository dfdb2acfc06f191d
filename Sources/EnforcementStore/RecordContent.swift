import Crypto
import DataStandard
import EnforcementModel

/// The canonical form of record values, their content hash, and record keys — the same on every store, so that
/// a record exchanged between stores keeps its hash.
public enum RecordContent {
    /// The canonical text of a valid value of a field type: integers without leading zeros or `+`, booleans
    /// `true`/`false`, datetimes as ``LocalDateTime`` writes them (`2026-11-29 09:30:00` in Beijing time);
    /// other values as given. A value that does not parse as its type is returned as given.
    public static func canonical(_ value: String, type: FieldType) -> String {
        switch type {
        case .integer:
            if let number = Int64(value) { return String(number) }
            return value
        case .boolean:
            switch value.lowercased() {
            case "true", "1", "是": return "true"
            case "false", "0", "否": return "false"
            default: return value
            }
        case .datetime:
            if let time = try? LocalDateTime(value) { return time.description }
            return value
        default:
            return value
        }
    }

    /// The canonical values of a record, in field order.
    public static func canonical<Values: Collection<String?>>(_ values: Values, table: EntityTable) -> [String?] {
        var result: [String?] = []
        result.reserveCapacity(table.storage.count)
        var slot = 0
        for value in values {
            guard slot < table.storage.count else { break }
            if let value, !value.isEmpty {
                let type = table.entity.fields[slot].type
                switch type {
                case .integer, .boolean, .datetime: result.append(canonical(value, type: type))
                default: result.append(value)
                }
            } else {
                result.append(nil)
            }
            slot += 1
        }
        while result.count < table.storage.count { result.append(nil) }
        return result
    }

    /// The SHA-256 (lowercase hex) of a record's canonical values: for each field with a value, in declaration
    /// order, the field id, the byte 0x1F, the value, the byte 0x1E. Empty fields do not count, so a field added by
    /// a newer version of the standard leaves the hash of older records as it was.
    public static func hash(_ values: [String?], table: EntityTable) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        for (slot, value) in values.enumerated() {
            guard let value, slot < table.fieldIDBytes.count else { continue }
            bytes.append(contentsOf: table.fieldIDBytes[slot])
            bytes.append(0x1F)
            bytes.append(contentsOf: value.utf8)
            bytes.append(0x1E)
        }
        return hex(SHA256.hash(data: bytes))
    }

    /// The SHA-256 (lowercase hex) of bytes.
    public static func sha256<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    /// The record's key: its key fields' values joined with `|` (as validation issues give it); `nil` when a key
    /// field is empty.
    public static func key<Values: Collection<String?>>(_ values: Values, table: EntityTable) -> String? {
        guard !table.keySlots.isEmpty else { return nil }
        var parts: [String] = []
        let array = Array(values)
        for slot in table.keySlots {
            guard slot < array.count, let value = array[slot], !value.isEmpty else { return nil }
            parts.append(value)
        }
        return parts.joined(separator: "|")
    }

    static func hex<Digest: Sequence<UInt8>>(_ digest: Digest) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
