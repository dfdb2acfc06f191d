import EnforcementStore
import Foundation
import PostgresNIO

/// The parts of a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL.
struct PostgresURL: Sendable {
    /// How TLS is used, after libpq's `sslmode`.
    enum TLSMode: Sendable {
        /// No TLS (`disable`, `allow`, or no `sslmode`).
        case disable
        /// TLS when the server offers it, without certificate verification (`prefer`).
        case prefer
        /// TLS or no connection, without certificate verification (`require`).
        case require
        /// TLS with the certificate and host name verified (`verify-ca`, `verify-full`).
        case verify
    }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode
    var connectTimeout: Int64
    /// The schema named by `?schema=`, if any.
    var schema: String?

    /// `host:port/database`, for messages (never the password).
    var endpoint: String { "\(host):\(port)/\(database)" }

    static let expected = "postgres://user[:password]@host[:port]/database"

    /// Parses a URL; the error names what is wrong, never the password.
    init(_ string: String) throws(StoreError) {
        func malformed(_ problem: String) -> StoreError {
            StoreError(
                .unavailable, "the PostgreSQL URL is malformed: \(problem) (expected \(Self.expected))",
                zh: "PostgreSQL地址格式错误：\(problem)（应为\(Self.expected)）")
        }
        guard let components = URLComponents(string: string) else { throw malformed("it does not parse as a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw malformed("the scheme is not postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw malformed("there is no host") }
        guard let user = components.user, !user.isEmpty else { throw malformed("there is no user") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else { throw malformed("there is no database") }
        if let port = components.port, !(1...65535).contains(port) {
            throw malformed("the port \(port) is out of range")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.user = user
        password = components.password
        self.database = database
        tls = .disable
        connectTimeout = 10
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow", "": tls = .disable
                case "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca", "verify-full": tls = .verify
                default: throw malformed("unknown sslmode \(item.value ?? "")")
                }
            case "connect_timeout":
                guard let seconds = item.value.flatMap(Int64.init), seconds > 0 else {
                    throw malformed("connect_timeout must be a positive number of seconds")
                }
                connectTimeout = seconds
            case "schema":
                guard let name = item.value, !name.isEmpty else { throw malformed("schema= names no schema") }
                schema = name
            default:
                break
            }
        }
    }

    /// The TLS configuration of the mode, if any.
    var tlsConfiguration: TLSConfiguration? {
        switch tls {
        case .disable: return nil
        case .prefer, .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        case .verify: return TLSConfiguration.makeClientConfiguration()
        }
    }
}

/// A `text[]` parameter or result whose elements may be NULL (PostgresNIO's arrays have no optional elements).
struct TextArray: PostgresNonThrowingEncodable {
    var elements: [String?]

    init(_ elements: [String?]) { self.elements = elements }

    static var psqlType: PostgresDataType { .textArray }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        // The binary array format: dimensions, has-NULL flag, element type, (size, lower bound) per dimension,
        // then each element as its length (-1 for NULL) and bytes.
        if elements.isEmpty {
            buffer.writeMultipleIntegers(Int32(0), Int32(0), PostgresDataType.text.rawValue)
            return
        }
        let hasNull: Int32 = elements.contains { $0 == nil } ? 1 : 0
        buffer.writeMultipleIntegers(
            Int32(1), hasNull, PostgresDataType.text.rawValue, Int32(elements.count), Int32(1))
        for element in elements {
            if let element {
                buffer.writeInteger(Int32(element.utf8.count))
                buffer.writeString(element)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
    }

    /// Decodes a one-dimensional `text[]` cell in binary format.
    static func decode(_ cell: PostgresCell) throws -> [String?] {
        guard var buffer = cell.bytes else { return [] }
        func broken() -> StoreError {
            StoreError(.database, "column \(cell.columnName) is not a one-dimensional text array")
        }
        guard case (let dimensions, _, _)? = buffer.readMultipleIntegers(as: (Int32, Int32, UInt32).self) else {
            throw broken()
        }
        if dimensions == 0 { return [] }
        guard dimensions == 1, case (let count, _)? = buffer.readMultipleIntegers(as: (Int32, Int32).self),
            count >= 0
        else { throw broken() }
        var result: [String?] = []
        result.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = buffer.readInteger(as: Int32.self) else { throw broken() }
            if length < 0 {
                result.append(nil)
            } else {
                guard let text = buffer.readString(length: Int(length)) else { throw broken() }
                result.append(text)
            }
        }
        return result
    }
}

extension PostgresCell {
    /// The cell as text (for columns of a text type, or cast to `::text`); `nil` for NULL.
    var text: String? { bytes.map { String(buffer: $0) } }

    /// The cell as text; NULL is an error.
    func requiredText() throws -> String {
        guard let text else { throw StoreError(.database, "column \(columnName) is NULL") }
        return text
    }
}

/// Civil dates and times for readings: partitions by month in Beijing time, timestamps for COPY.
enum ReadingTime {
    /// Beijing time is UTC+8, without daylight saving.
    static let beijingOffset: Int64 = 8 * 3600

    /// The civil date of a day number (days since 1970-01-01), proleptic Gregorian (H. Hinnant's algorithm).
    static func civil(days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Floor division.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// The month (year × 12 + month − 1) of a time, in Beijing time.
    static func beijingMonth(_ time: Int64) -> Int64 {
        let date = civil(days: floorDivide(time + beijingOffset, 86_400))
        return date.year * 12 + Int64(date.month - 1)
    }

    /// The name of the partition of `store_readings` for a month: `store_readings_y2026m01`.
    static func partitionName(month: Int64) -> String {
        let year = floorDivide(month, 12)
        let number = month - year * 12 + 1
        return "store_readings_y\(padded(year, 4))m\(padded(number, 2))"
    }

    /// The first instant of a month in Beijing time, as a timestamptz literal: `2026-01-01 00:00:00+08`.
    static func monthStart(_ month: Int64) -> String {
        let year = floorDivide(month, 12)
        let number = month - year * 12 + 1
        return "\(padded(year, 4))-\(padded(number, 2))-01 00:00:00+08"
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Appends a time as a UTC timestamptz for COPY (`2026-01-31 16:00:00+00`).
    static func writeTimestamp(_ time: Int64, into buffer: inout ByteBuffer) {
        let days = floorDivide(time, 86_400)
        let seconds = Int(time - days * 86_400)
        let date = civil(days: days)
        if date.year >= 0 && date.year <= 9999 {
            writeDigits(Int(date.year), 4, into: &buffer)
        } else {
            buffer.writeString(String(date.year))
        }
        buffer.writeInteger(UInt8(ascii: "-"))
        writeDigits(date.month, 2, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "-"))
        writeDigits(date.day, 2, into: &buffer)
        buffer.writeInteger(UInt8(ascii: " "))
        writeDigits(seconds / 3600, 2, into: &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
        writeDigits(seconds / 60 % 60, 2, into: &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
        writeDigits(seconds % 60, 2, into: &buffer)
        buffer.writeString("+00")
    }

    private static func writeDigits(_ value: Int, _ width: Int, into buffer: inout ByteBuffer) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}

/// Rows of monitoring readings in COPY's text format: `point TAB pollutant TAB t TAB value TAB flag NL`.
enum ReadingCopy {
    /// The columns written, in order.
    static let columns = ["point", "pollutant", "t", "value", "flag"]

    /// Writes readings in chunks of about `chunkSize` bytes.
    static func write(
        _ readings: some Collection<MonitoringReading>, to writer: PostgresCopyFromWriter, chunkSize: Int = 1 << 20
    ) async throws {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(chunkSize + 4096)
        for reading in readings {
            appendRow(reading, into: &buffer)
            if buffer.readableBytes >= chunkSize {
                try await writer.write(buffer)
                buffer.clear()
            }
        }
        if buffer.readableBytes > 0 { try await writer.write(buffer) }
    }

    static func appendRow(_ reading: MonitoringReading, into buffer: inout ByteBuffer) {
        appendText(reading.point, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendText(reading.pollutant, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        ReadingTime.writeTimestamp(reading.time, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        if let value = reading.value {
            // Swift's shortest round-trip form; PostgreSQL reads it, and `inf`, `-inf`, `nan`, exactly.
            buffer.writeString(value.description)
        } else {
            buffer.writeString("\\N")
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendText(reading.flag, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Appends text escaped for COPY's text format (backslash, tab, newline, carriage return).
    static func appendText(_ text: String, into buffer: inout ByteBuffer) {
        let needsEscape = text.utf8.contains { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard needsEscape else {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: buffer.writeString("\\\\")
            case 0x09: buffer.writeString("\\t")
            case 0x0A: buffer.writeString("\\n")
            case 0x0D: buffer.writeString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// A pattern for `LIKE` matching values that start with a prefix.
func likePrefix(_ prefix: String) -> String {
    var pattern = ""
    for character in prefix {
        if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
        pattern.append(character)
    }
    return pattern + "%"
}

/// An SQL string literal.
func literal(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
}
