import EnforcementModel

/// Time arithmetic of monitoring data: clock hours, Beijing days, and the datetime forms readings arrive in.
///
/// Times are seconds since 1970 UTC. Beijing time is UTC+08:00 all year, so clock hours are the same in UTC and in
/// Beijing; days start at Beijing midnight.
public enum MonitoringTime {
    /// Seconds in an hour.
    public static let hour: Int64 = 3600
    /// Seconds in a day.
    public static let day: Int64 = 86_400
    /// The offset of Beijing time from UTC, in seconds.
    public static let beijingOffset = Int64(LocalDateTime.beijingOffsetSeconds)

    /// The start of the clock hour that contains `time`.
    @inlinable
    public static func hourStart(of time: Int64) -> Int64 {
        let remainder = time % hour
        return remainder >= 0 ? time - remainder : time - remainder - hour
    }

    /// The start (Beijing midnight) of the Beijing day that contains `time`.
    public static func dayStart(of time: Int64) -> Int64 {
        let local = time + beijingOffset
        let remainder = local % day
        return (remainder >= 0 ? local - remainder : local - remainder - day) - beijingOffset
    }

    /// Parses a reading time: ISO 8601 with an offset (`2026-11-29T10:00:00+08:00`, `…Z`), `YYYY-MM-DD HH:MM:SS` or
    /// an ISO form without offset (Beijing time), or the HJ 212 forms `YYYYMMDDhhmmss` and `YYYYMMDDhhmmsszzz`
    /// (Beijing time). Returns `nil` for anything else, including dates that do not exist.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        var text = String(text)
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// ``parse(_:)`` on UTF-8 bytes (no allocation).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let count = bytes.count
        @inline(__always) func digit(_ index: Int) -> Int? {
            let byte = bytes[index]
            return byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
        }
        @inline(__always) func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= count else { return nil }
            var value = 0
            for index in start..<(start + length) {
                guard let d = digit(index) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        var offset = beijingOffset
        let year: Int
        let month: Int
        let day: Int
        let hour: Int
        let minute: Int
        let second: Int
        if count == 14 || count == 17, let y = number(0, 4), let mo = number(4, 2), let d = number(6, 2),
            let h = number(8, 2), let mi = number(10, 2), let s = number(12, 2), count == 14 || number(14, 3) != nil
        {
            (year, month, day, hour, minute, second) = (y, mo, d, h, mi, s)
        } else {
            guard count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
                bytes[16] == UInt8(ascii: ":"), let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
                let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2)
            else { return nil }
            (year, month, day, hour, minute, second) = (y, mo, d, h, mi, s)
            var index = 19
            if index < count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                let first = index
                while index < count, digit(index) != nil { index += 1 }
                guard index > first else { return nil }
            }
            if index < count {
                if bytes[index] == UInt8(ascii: "Z") && index + 1 == count {
                    offset = 0
                } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == count,
                    bytes[index + 3] == UInt8(ascii: ":"), let oh = number(index + 1, 2), let om = number(index + 4, 2),
                    oh <= 18, om <= 59
                {
                    offset = Int64(oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    return nil
                }
            }
        }
        guard year >= 1, month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 60,
            day <= CivilDate.numberOfDays(inMonth: month, year: year)
        else { return nil }
        // Days from civil (H. Hinnant): days since 1970-01-01 of a proleptic Gregorian date.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        return days * MonitoringTime.day + Int64(hour * 3600 + minute * 60 + second) - offset
    }

    /// ISO 8601 in Beijing time: `2026-11-29T10:00:00+08:00`.
    public static func iso(_ time: Int64) -> String {
        let local = LocalDateTime(secondsSinceEpoch: time)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(local.date)T\(two(local.hour)):\(two(local.minute)):\(two(local.second))+08:00"
    }

    /// `YYYY-MM-DD HH:MM` in Beijing time, for messages.
    public static func short(_ time: Int64) -> String {
        let local = LocalDateTime(secondsSinceEpoch: time)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(local.date) \(two(local.hour)):\(two(local.minute))"
    }
}
