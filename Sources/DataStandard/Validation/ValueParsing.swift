#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level parsers for the scalar field types: no allocation, no Foundation.
@usableFromInline
enum ValueParsing {
    @inlinable
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    /// The value of `count` ASCII digits at `start`, or -1 if one is not a digit.
    @inlinable
    static func digits(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        var value = 0
        var index = start
        while index < start &+ count {
            let digit = base[index] &- 48
            if digit >= 10 { return -1 }
            value = value &* 10 &+ Int(digit)
            index &+= 1
        }
        return value
    }

    /// The number of Unicode scalars in UTF-8 bytes (bytes that are not continuation bytes).
    @inlinable
    static func scalarCount(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var index = 0
        var continuation = 0
        let raw = UnsafeRawPointer(base)
        while index &+ 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 {
                // Continuation bytes are 10xxxxxx: high bit set and next bit clear.
                let marks = word & ~(word << 1) & 0x8080_8080_8080_8080
                continuation &+= marks.nonzeroBitCount
            }
            index &+= 8
        }
        while index < count {
            if base[index] & 0xC0 == 0x80 { continuation &+= 1 }
            index &+= 1
        }
        return count &- continuation
    }

    // MARK: Integers and decimals

    /// An integer: an optional sign and 1–19 digits that fit in 64 bits.
    @inlinable
    static func parseInteger(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var index = 0
        var negative = false
        if count > 0 && (base[0] == 43 || base[0] == 45) {
            negative = base[0] == 45
            index = 1
        }
        if index == count { return nil }
        var magnitude: UInt64 = 0
        while index < count {
            let digit = base[index] &- 48
            if digit >= 10 { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
            index &+= 1
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        if magnitude > UInt64(Int64.max) { return nil }
        return Int64(magnitude)
    }

    @usableFromInline
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// A decimal number (`12`, `-0.5`, `1.25e3`, `.5`), finite; `nil` when malformed.
    ///
    /// Values with at most 15 significant digits and a small exponent are converted exactly (Clinger's fast
    /// path); others go through `strtod`.
    @inlinable
    static func parseDecimal(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var index = 0
        var negative = false
        if count > 0 && (base[0] == 43 || base[0] == 45) {
            negative = base[0] == 45
            index = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        while index < count, isDigit(base[index]) {
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(base[index] &- 48)
                if mantissa != 0 { significant &+= 1 }
            } else {
                exponent &+= 1
            }
            index &+= 1
        }
        if index < count && base[index] == 46 {
            index &+= 1
            while index < count, isDigit(base[index]) {
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[index] &- 48)
                    if mantissa != 0 { significant &+= 1 }
                    exponent &-= 1
                }
                index &+= 1
            }
        }
        if !sawDigit { return nil }
        if index < count && (base[index] == 101 || base[index] == 69) {
            index &+= 1
            var exponentNegative = false
            if index < count && (base[index] == 43 || base[index] == 45) {
                exponentNegative = base[index] == 45
                index &+= 1
            }
            var explicit = 0
            var exponentDigits = 0
            while index < count, isDigit(base[index]) {
                if explicit < 100_000 { explicit = explicit &* 10 &+ Int(base[index] &- 48) }
                exponentDigits &+= 1
                index &+= 1
            }
            if exponentDigits == 0 { return nil }
            exponent &+= exponentNegative ? -explicit : explicit
        }
        if index != count { return nil }
        if significant <= 15 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 {
                value *= powersOfTen[exponent]
            } else {
                value /= powersOfTen[-exponent]
            }
            return negative ? -value : value
        }
        return slowDecimal(base, count)
    }

    @usableFromInline
    static func slowDecimal(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var text = [CChar](repeating: 0, count: count + 1)
        for index in 0..<count { text[index] = CChar(bitPattern: base[index]) }
        let value = strtod(text, nil)
        return value.isFinite ? value : nil
    }

    // MARK: Booleans

    /// `true`/`false` (any case), `1`/`0`, `是`/`否`; `nil` otherwise.
    @inlinable
    static func parseBoolean(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool? {
        switch count {
        case 1:
            if base[0] == 49 { return true }
            if base[0] == 48 { return false }
            return nil
        case 3:
            // 是 E6 98 AF, 否 E5 90 A6
            if base[0] == 0xE6 && base[1] == 0x98 && base[2] == 0xAF { return true }
            if base[0] == 0xE5 && base[1] == 0x90 && base[2] == 0xA6 { return false }
            return nil
        case 4:
            if base[0] | 0x20 == 116 && base[1] | 0x20 == 114 && base[2] | 0x20 == 117 && base[3] | 0x20 == 101 {
                return true
            }
            return nil
        case 5:
            if base[0] | 0x20 == 102 && base[1] | 0x20 == 97 && base[2] | 0x20 == 108 && base[3] | 0x20 == 115
                && base[4] | 0x20 == 101
            {
                return false
            }
            return nil
        default:
            return nil
        }
    }

    // MARK: Dates and times

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inlinable
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (inverse of ``dayNumber(year:month:day:)``).
    static func civilDate(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inlinable
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD` at `start` as a day number, or `nil` when malformed or not a real calendar date.
    @inlinable
    static func parseDateBody(_ base: UnsafePointer<UInt8>, _ start: Int) -> Int? {
        if base[start &+ 4] != 45 || base[start &+ 7] != 45 { return nil }
        let year = digits(base, start, 4)
        let month = digits(base, start &+ 5, 2)
        let day = digits(base, start &+ 8, 2)
        if year < 0 || month < 1 || month > 12 || day < 1 { return nil }
        if day > daysInMonth(year: year, month: month) { return nil }
        return dayNumber(year: year, month: month, day: day)
    }

    /// A `date` value: exactly `YYYY-MM-DD`; the day number.
    @inlinable
    static func parseDate(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        if count != 10 { return nil }
        return parseDateBody(base, 0)
    }

    /// Beijing time: UTC+8, no daylight saving.
    @usableFromInline static let beijingOffsetSeconds = 8 * 3600

    /// A `datetime` value: `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM|±HHMM]`, no offset meaning
    /// Beijing time. Returns seconds since 1970-01-01T00:00:00Z.
    @inlinable
    static func parseDateTime(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if count < 19 { return nil }
        guard let day = parseDateBody(base, 0) else { return nil }
        if base[10] != 32 && base[10] != 84 { return nil }
        if base[13] != 58 || base[16] != 58 { return nil }
        let hour = digits(base, 11, 2)
        let minute = digits(base, 14, 2)
        let second = digits(base, 17, 2)
        if hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 { return nil }
        var index = 19
        var fraction = 0.0
        if index < count && base[index] == 46 {
            index &+= 1
            var scale = 0.1
            let fractionStart = index
            while index < count, isDigit(base[index]) {
                fraction += Double(base[index] &- 48) * scale
                scale *= 0.1
                index &+= 1
            }
            if index == fractionStart { return nil }
        }
        var offset = beijingOffsetSeconds
        if index < count {
            let sign = base[index]
            if sign == 90 {  // Z
                offset = 0
                index &+= 1
            } else if sign == 43 || sign == 45 {
                let remaining = count - index - 1
                let offsetHours: Int
                let offsetMinutes: Int
                if remaining == 5 && base[index + 3] == 58 {
                    offsetHours = digits(base, index + 1, 2)
                    offsetMinutes = digits(base, index + 4, 2)
                } else if remaining == 4 {
                    offsetHours = digits(base, index + 1, 2)
                    offsetMinutes = digits(base, index + 3, 2)
                } else if remaining == 2 {
                    offsetHours = digits(base, index + 1, 2)
                    offsetMinutes = 0
                } else {
                    return nil
                }
                if offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59 { return nil }
                offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == 45 ? -1 : 1)
                index = count
            } else {
                return nil
            }
        }
        if index != count { return nil }
        let seconds = day * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// The Beijing calendar day of an instant in seconds since the epoch.
    @inlinable
    static func beijingDay(ofSeconds seconds: Double) -> Int {
        Int(((seconds + Double(beijingOffsetSeconds)) / 86_400).rounded(.down))
    }

    /// The instant (seconds since the epoch) of midnight, Beijing time, of a day number.
    @inlinable
    static func beijingMidnight(ofDay day: Int) -> Double {
        Double(day * 86_400 - beijingOffsetSeconds)
    }

    /// `YYYY-MM-DD` of a day number.
    static func dateText(dayNumber: Int) -> String {
        let (year, month, day) = civilDate(dayNumber: dayNumber)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
