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
            if isCanonicalInteger(value.utf8) { return value }
            if let number = Int64(value) { return String(number) }
            return value
        case .boolean:
            switch booleanValue(value) {
            case true?: return "true"
            case false?: return "false"
            case nil: return value
            }
        case .datetime:
            if isCanonicalDateTime(value.utf8) { return value }
            if let time = try? LocalDateTime(value) { return time.description }
            return value
        default:
            return value
        }
    }

    /// Digits with no leading zero (or `0` alone), maybe after a `-`: the text of an `Int64` as `String(_:)` writes
    /// it, when it has at most 18 digits (so that it cannot overflow).
    static func isCanonicalInteger<Bytes: Collection<UInt8>>(_ text: Bytes) -> Bool {
        var digits = 0
        var first = true
        var negative = false
        for byte in text {
            if first && byte == UInt8(ascii: "-") {
                negative = true
                first = false
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            if digits == 0 && byte == UInt8(ascii: "0") && (negative || text.count > 1) { return false }
            digits += 1
            first = false
        }
        return digits > 0 && digits <= 18
    }

    /// Whether the UTF-8 of a value is its canonical text (``canonical(_:type:)``).
    static func isCanonical(_ text: UnsafeBufferPointer<UInt8>, type: FieldType) -> Bool {
        switch type {
        case .integer: isCanonicalInteger(text)
        case .datetime: isCanonicalDateTime(text)
        case .boolean: canonicalBoolean(text) != nil
        default: true
        }
    }

    /// The value of a boolean's canonical text (`true` or `false`); `nil` for any other text.
    @inlinable
    public static func canonicalBoolean(_ text: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch text.count {
        case 4:
            text[0] == UInt8(ascii: "t") && text[1] == UInt8(ascii: "r") && text[2] == UInt8(ascii: "u")
                && text[3] == UInt8(ascii: "e") ? true : nil
        case 5:
            text[0] == UInt8(ascii: "f") && text[1] == UInt8(ascii: "a") && text[2] == UInt8(ascii: "l")
                && text[3] == UInt8(ascii: "s") && text[4] == UInt8(ascii: "e") ? false : nil
        default: nil
        }
    }

    /// `true`, `1`, `是` and `false`, `0`, `否`, in any case; `nil` for anything else.
    static func booleanValue(_ text: String) -> Bool? {
        var bytes: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            count += 1
            guard count <= 5 else { return nil }
            // ASCII letters in lower case; other bytes as they are.
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            bytes = bytes << 8 | UInt64(lower)
        }
        switch (count, bytes) {
        case (4, 0x7472_7565), (1, 0x31), (3, 0xE6_98AF): return true  // true, 1, 是
        case (5, 0x66_616C_7365), (1, 0x30), (3, 0xE5_90A6): return false  // false, 0, 否
        default: return nil
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` with a valid date and time: the text ``LocalDateTime`` writes for a Beijing time
    /// without fraction.
    static func isCanonicalDateTime<Bytes: Collection<UInt8>>(_ text: Bytes) -> Bool {
        guard text.count == 19 else { return false }
        var fields = (year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0)
        var index = 0
        var value = 0
        for byte in text {
            let separator: UInt8? =
                switch index {
                case 4, 7: UInt8(ascii: "-")
                case 10: UInt8(ascii: " ")
                case 13, 16: UInt8(ascii: ":")
                default: nil
                }
            if let separator {
                guard byte == separator else { return false }
                switch index {
                case 4: fields.year = value
                case 7: fields.month = value
                case 10: fields.day = value
                case 13: fields.hour = value
                default: fields.minute = value
                }
                value = 0
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += 1
        }
        fields.second = value
        guard fields.year >= 1, fields.month >= 1, fields.month <= 12, fields.day >= 1, fields.hour <= 23,
            fields.minute <= 59, fields.second <= 59
        else { return false }
        let leap = fields.year % 4 == 0 && (fields.year % 100 != 0 || fields.year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][fields.month - 1]
        return fields.day <= days
    }

    /// The canonical values of a record, in field order.
    public static func canonical<Values: Collection<String?>>(_ values: Values, table: EntityTable) -> [String?] {
        var result: [String?] = []
        result.reserveCapacity(table.storage.count)
        let types = table.types
        var slot = 0
        for value in values {
            guard slot < types.count else { break }
            if let value, !value.isEmpty {
                let type = types[slot]
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
        for (value, id) in zip(values, table.fieldIDBytes) {
            guard let value else { continue }
            bytes += id
            bytes.append(0x1F)
            bytes += value.utf8
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
        var key = ""
        for (position, slot) in table.keySlots.enumerated() {
            guard slot < values.count, let value = values[values.index(values.startIndex, offsetBy: slot)],
                !value.isEmpty
            else { return nil }
            if table.keySlots.count == 1 { return value }
            if position > 0 { key += "|" }
            key += value
        }
        return key
    }

    static func hex<Digest: Sequence<UInt8>>(_ digest: Digest) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(64)
        for byte in digest {
            digits.append(hexDigit(byte >> 4))
            digits.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Lower-case hex of a SHA-256 digest, written straight into the string's storage.
    static func hex(_ digest: SHA256Digest) -> String {
        String(unsafeUninitializedCapacity: SHA256Digest.byteCount * 2) { buffer in
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = hexDigit(byte >> 4)
                    buffer[2 * index + 1] = hexDigit(byte & 0x0F)
                }
            }
            return SHA256Digest.byteCount * 2
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
