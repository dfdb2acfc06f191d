#if canImport(Glibc)
    import Glibc
#endif

/// The kind of a JSON member value.
enum JSONValueKind: UInt8 {
    case string, number, boolean, null
    /// An object or array: not a value a field can take.
    case nested
}

/// Receives the members of a JSON object.
protocol JSONMemberSink {
    /// A member: its key and value as UTF-8 bytes (strings unescaped; numbers and booleans as written).
    mutating func member(
        key: UnsafePointer<UInt8>, keyCount: Int, value: UnsafePointer<UInt8>, valueCount: Int, kind: JSONValueKind,
        offset: Int)
}

/// A parser for one flat JSON object (a record), over UTF-8 bytes, allocation-free.
enum JSONRecordParser {
    struct Failure: Error {
        var offset: Int
        var message: LocalizedText
    }

    @inline(__always)
    static func skipSpace(_ base: UnsafePointer<UInt8>, _ index: inout Int, _ end: Int) {
        while index < end {
            let byte = base[index]
            if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return }
            index &+= 1
        }
    }

    static func failure(_ offset: Int, _ zh: String, _ en: String) -> Failure {
        Failure(offset: offset, message: LocalizedText(zh: zh, en: en))
    }

    /// Parses the object in `[start, end)`; white space may surround it. Escaped strings are written to `scratch`
    /// (which must hold at least `end - start` bytes), and members are passed to `sink`.
    static func parseObject<Sink: JSONMemberSink>(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, scratch: UnsafeMutablePointer<UInt8>, sink: inout Sink
    ) -> Failure? {
        var index = start
        var scratchUsed = 0
        skipSpace(base, &index, end)
        guard index < end, base[index] == 0x7B else {
            return failure(index, "记录应为 JSON 对象", "a record must be a JSON object")
        }
        index &+= 1
        skipSpace(base, &index, end)
        if index < end && base[index] == 0x7D {
            index &+= 1
            skipSpace(base, &index, end)
            return index == end ? nil : failure(index, "JSON 对象之后还有多余内容", "unexpected text after the JSON object")
        }
        while true {
            skipSpace(base, &index, end)
            guard index < end, base[index] == 0x22 else {
                return failure(index, "应为带引号的键名", "expected a quoted key")
            }
            let keyOffset = index
            guard let (keyPointer, keyCount) = parseString(base, &index, end, scratch, &scratchUsed) else {
                return failure(keyOffset, "键名字符串无效或未结束", "invalid or unterminated key string")
            }
            skipSpace(base, &index, end)
            guard index < end, base[index] == 0x3A else {
                return failure(index, "键名后应为冒号", "expected ':' after the key")
            }
            index &+= 1
            skipSpace(base, &index, end)
            guard index < end else { return failure(index, "缺少值", "missing value") }
            let valueOffset = index
            let byte = base[index]
            switch byte {
            case 0x22:
                guard let (pointer, count) = parseString(base, &index, end, scratch, &scratchUsed) else {
                    return failure(valueOffset, "字符串无效或未结束", "invalid or unterminated string")
                }
                sink.member(
                    key: keyPointer, keyCount: keyCount, value: pointer, valueCount: count, kind: .string,
                    offset: valueOffset)
            case 0x74, 0x66, 0x6E:  // true false null
                let literal: StaticString = byte == 0x74 ? "true" : byte == 0x66 ? "false" : "null"
                let length = literal.utf8CodeUnitCount
                guard index &+ length <= end, memcmp(base + index, literal.utf8Start, length) == 0 else {
                    return failure(valueOffset, "无效的字面量", "invalid literal")
                }
                sink.member(
                    key: keyPointer, keyCount: keyCount, value: base + index, valueCount: byte == 0x6E ? 0 : length,
                    kind: byte == 0x6E ? .null : .boolean, offset: valueOffset)
                index &+= length
            case 0x7B, 0x5B:
                guard let after = skipNested(base, index, end) else {
                    return failure(valueOffset, "嵌套的对象或数组未结束", "unterminated nested object or array")
                }
                sink.member(
                    key: keyPointer, keyCount: keyCount, value: base + index, valueCount: after &- index,
                    kind: .nested, offset: valueOffset)
                index = after
            default:
                guard let after = scanNumber(base, index, end) else {
                    return failure(valueOffset, "无效的值", "invalid value")
                }
                sink.member(
                    key: keyPointer, keyCount: keyCount, value: base + index, valueCount: after &- index,
                    kind: .number, offset: valueOffset)
                index = after
            }
            skipSpace(base, &index, end)
            guard index < end else { return failure(index, "JSON 对象未结束", "the JSON object is not closed") }
            if base[index] == 0x2C {
                index &+= 1
                continue
            }
            if base[index] == 0x7D {
                index &+= 1
                skipSpace(base, &index, end)
                return index == end ? nil : failure(index, "JSON 对象之后还有多余内容", "unexpected text after the JSON object")
            }
            return failure(index, "成员之间应为逗号", "expected ',' or '}'")
        }
    }

    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; returns the index after it.
    @inline(__always)
    static func scanNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        if index < end && base[index] == 0x2D { index &+= 1 }
        guard index < end, ValueParsing.isDigit(base[index]) else { return nil }
        if base[index] == 0x30 {
            index &+= 1
        } else {
            while index < end && ValueParsing.isDigit(base[index]) { index &+= 1 }
        }
        if index < end && base[index] == 0x2E {
            index &+= 1
            guard index < end, ValueParsing.isDigit(base[index]) else { return nil }
            while index < end && ValueParsing.isDigit(base[index]) { index &+= 1 }
        }
        if index < end && (base[index] == 0x65 || base[index] == 0x45) {
            index &+= 1
            if index < end && (base[index] == 0x2B || base[index] == 0x2D) { index &+= 1 }
            guard index < end, ValueParsing.isDigit(base[index]) else { return nil }
            while index < end && ValueParsing.isDigit(base[index]) { index &+= 1 }
        }
        return index
    }

    /// Skips a nested object or array; returns the index after it.
    static func skipNested(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var depth = 0
        var index = start
        while index < end {
            let byte = base[index]
            if byte == 0x22 {
                index &+= 1
                while index < end && base[index] != 0x22 { index &+= base[index] == 0x5C ? 2 : 1 }
                if index >= end { return nil }
            } else if byte == 0x7B || byte == 0x5B {
                depth &+= 1
            } else if byte == 0x7D || byte == 0x5D {
                depth &-= 1
                if depth == 0 { return index &+ 1 }
            }
            index &+= 1
        }
        return nil
    }

    /// Parses the string at `index` (on its opening quote). Without escapes it points into `base`; with escapes it
    /// is unescaped into `scratch`. Returns `nil` for a bad escape, a raw control character or no closing quote.
    @inline(__always)
    static func parseString(
        _ base: UnsafePointer<UInt8>, _ index: inout Int, _ end: Int, _ scratch: UnsafeMutablePointer<UInt8>,
        _ scratchUsed: inout Int
    ) -> (UnsafePointer<UInt8>, Int)? {
        let start = index &+ 1
        var position = start
        while position < end {
            let byte = base[position]
            if byte == 0x22 {
                index = position &+ 1
                return (base + start, position &- start)
            }
            if byte == 0x5C { break }
            if byte < 0x20 { return nil }
            position &+= 1
        }
        if position >= end { return nil }
        // Escapes: copy what was scanned, then unescape the rest.
        let output = scratch + scratchUsed
        var written = position &- start
        output.update(from: base + start, count: written)
        while position < end {
            let byte = base[position]
            if byte == 0x22 {
                index = position &+ 1
                scratchUsed &+= written
                return (UnsafePointer(output), written)
            }
            if byte < 0x20 { return nil }
            if byte != 0x5C {
                output[written] = byte
                written &+= 1
                position &+= 1
                continue
            }
            guard position &+ 1 < end else { return nil }
            let escape = base[position &+ 1]
            position &+= 2
            switch escape {
            case 0x22, 0x5C, 0x2F: output[written] = escape
            case 0x62: output[written] = 0x08
            case 0x66: output[written] = 0x0C
            case 0x6E: output[written] = 0x0A
            case 0x72: output[written] = 0x0D
            case 0x74: output[written] = 0x09
            case 0x75:
                guard var scalar = hex4(base, position, end) else { return nil }
                position &+= 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // A surrogate pair.
                    guard position &+ 6 <= end, base[position] == 0x5C, base[position &+ 1] == 0x75,
                        let low = hex4(base, position &+ 2, end), low >= 0xDC00 && low <= 0xDFFF
                    else { return nil }
                    position &+= 6
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    return nil
                }
                written &+= encodeUTF8(scalar, output + written)
                continue
            default:
                return nil
            }
            written &+= 1
        }
        return nil
    }

    @inline(__always)
    static func hex4(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt32? {
        guard start &+ 4 <= end else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = base[start &+ offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte &- 0x30
            case 0x41...0x46: digit = byte &- 0x37
            case 0x61...0x66: digit = byte &- 0x57
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    @inline(__always)
    static func encodeUTF8(_ scalar: UInt32, _ output: UnsafeMutablePointer<UInt8>) -> Int {
        if scalar < 0x80 {
            output[0] = UInt8(scalar)
            return 1
        }
        if scalar < 0x800 {
            output[0] = UInt8(0xC0 | (scalar >> 6))
            output[1] = UInt8(0x80 | (scalar & 0x3F))
            return 2
        }
        if scalar < 0x10000 {
            output[0] = UInt8(0xE0 | (scalar >> 12))
            output[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            output[2] = UInt8(0x80 | (scalar & 0x3F))
            return 3
        }
        output[0] = UInt8(0xF0 | (scalar >> 18))
        output[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
        output[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
        output[3] = UInt8(0x80 | (scalar & 0x3F))
        return 4
    }
}
