/// A date and time of day with its UTC offset, as the standard writes datetimes.
///
/// Parses `YYYY-MM-DD HH:MM:SS` (Beijing time, UTC+08:00) and ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`;
/// encodes as `YYYY-MM-DD HH:MM:SS` when the offset is +08:00, else as ISO 8601 with its offset.
///
/// ```swift
/// let t = try LocalDateTime("2024-06-03 09:30:00")
/// t.date   // 2024-06-03
/// ```
public struct LocalDateTime: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// Beijing time, the offset assumed when a datetime has none.
    public static let beijingOffsetSeconds = 8 * 3600

    /// The civil date.
    public var date: CivilDate
    /// Hour 0–23.
    public var hour: Int
    /// Minute 0–59.
    public var minute: Int
    /// Second 0–59 (a leap second 60 is accepted).
    public var second: Int
    /// Fractional second in nanoseconds.
    public var nanosecond: Int
    /// The offset from UTC in seconds.
    public var utcOffsetSeconds: Int

    /// Creates a datetime from its parts.
    public init(
        date: CivilDate, hour: Int, minute: Int, second: Int, nanosecond: Int = 0,
        utcOffsetSeconds: Int = LocalDateTime.beijingOffsetSeconds
    ) throws(CalendarError) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
            (0..<1_000_000_000).contains(nanosecond), abs(utcOffsetSeconds) <= 18 * 3600
        else {
            throw CalendarError(
                code: .invalidDate, message: "Time \(hour):\(minute):\(second) is not a time of day",
                messageZH: "时间\(hour):\(minute):\(second)无效")
        }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Parses `YYYY-MM-DD HH:MM:SS` or ISO 8601.
    public init(_ string: String) throws(CalendarError) {
        let bytes = Array(string.utf8)
        func fail() -> CalendarError {
            CalendarError(
                code: .format, message: "'\(string)' is not a datetime (YYYY-MM-DD HH:MM:SS or ISO 8601)",
                messageZH: "“\(string)”不是有效的日期时间（YYYY-MM-DD HH:MM:SS 或 ISO 8601）")
        }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { throw fail() }
        let date = try CivilDate(String(decoding: bytes[0..<10], as: UTF8.self))
        var index = 19
        var nanosecond = 0
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                if digits < 9 { nanosecond = nanosecond * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { throw fail() }
            for _ in digits..<max(digits, 9) { nanosecond *= 10 }
        }
        var offset = Self.beijingOffsetSeconds
        if index < bytes.count {
            if bytes[index] == UInt8(ascii: "Z") && index + 1 == bytes.count {
                offset = 0
            } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let hours = number(index + 1, 2), let minutes = number(index + 4, 2)
            {
                offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            } else {
                throw fail()
            }
        }
        try self.init(
            date: date, hour: hour, minute: minute, second: second, nanosecond: nanosecond, utcOffsetSeconds: offset)
    }

    /// The datetime of a moment (seconds since 1970-01-01T00:00:00Z) at an offset from UTC, Beijing time by
    /// default.
    ///
    /// ```swift
    /// LocalDateTime(secondsSinceEpoch: 0).description   // 1970-01-01 08:00:00
    /// ```
    public init(secondsSinceEpoch seconds: Int64, utcOffsetSeconds: Int = LocalDateTime.beijingOffsetSeconds) {
        let local = seconds + Int64(utcOffsetSeconds)
        let (quotient, remainder) = local.quotientAndRemainder(dividingBy: 86_400)
        let day = remainder < 0 ? quotient - 1 : quotient
        let second = Int(local - day * 86_400)
        date = CivilDate(daysSinceEpoch: Int(day))
        hour = second / 3600
        minute = second % 3600 / 60
        self.second = second % 60
        nanosecond = 0
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int {
        date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - utcOffsetSeconds
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        (lhs.secondsSinceEpoch, lhs.nanosecond) < (rhs.secondsSinceEpoch, rhs.nanosecond)
    }

    /// `YYYY-MM-DD HH:MM:SS` in Beijing time, else ISO 8601 with the offset.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(hour)):\(two(minute)):\(two(second))"
        if utcOffsetSeconds == Self.beijingOffsetSeconds && nanosecond == 0 { return "\(date) \(time)" }
        var fraction = ""
        if nanosecond > 0 {
            var digits = String(nanosecond)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            fraction = "." + digits
        }
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(utcOffsetSeconds)
        let zone = utcOffsetSeconds == 0 ? "Z" : "\(sign)\(two(magnitude / 3600)):\(two(magnitude % 3600 / 60))"
        return "\(date)T\(time)\(fraction)\(zone)"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
