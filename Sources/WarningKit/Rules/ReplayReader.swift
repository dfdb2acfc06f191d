import DataStandard
import Foundation

/// Reads recorded readings (a replay file) and maintenance filings, with located errors.
///
/// A replay file is CSV with a header, or JSON Lines:
///
/// ```
/// point,pollutant,time,value,flag
/// 51010400000001,a21026,2026-11-29T10:00:00+08:00,35.2,N
/// 51010400000001,a21026,20261129100100,,F
/// ```
/// ```
/// {"point":"51010400000001","pollutant":"a21026","time":"2026-11-29T10:00:00+08:00","value":35.2,"flag":"N"}
/// ```
///
/// Columns (keys) may also be named as in the standard's `auto_monitoring_reading` (`point_code`, `pollutant_code`,
/// `data_time`); `flag` is optional (default `N`; the 2005 power-failure flag `P` reads as `D`); an empty value (or
/// JSON `null`) is a reading without a value. Times: ISO 8601 with an offset, `YYYY-MM-DD HH:MM:SS` (Beijing time), or
/// the HJ 212 forms `YYYYMMDDhhmmss[zzz]` (Beijing time).
public enum ReplayReader {
    /// The most errors collected before reading stops.
    public static let errorLimit = 100

    /// Reads a replay file (CSV or JSON Lines, by its first character) and calls `body` with each reading, in file
    /// order, streaming in blocks (the file is never held whole).
    ///
    /// - Throws: ``RuleLoadError`` with every located error (`file:line`) found (at most ``errorLimit``).
    public static func forEachReading(in url: URL, _ body: (Reading) -> Void) throws(RuleLoadError) {
        let reader = try ReplayFileReader(url: url)
        while let chunk = try reader.next(upTo: 65_536) {
            for reading in chunk { body(reading) }
        }
    }

    /// Every reading of a replay file, in file order.
    public static func readings(in url: URL) throws(RuleLoadError) -> [Reading] {
        var result: [Reading] = []
        try forEachReading(in: url) { result.append($0) }
        return result
    }

    /// Parses replay text (for tests and tools).
    public static func readings(parsing text: String, file: String = "<replay>") throws(RuleLoadError) -> [Reading] {
        var errors: [RuleDiagnostic] = []
        var result: [Reading] = []
        var parser: LineParser?
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var bytes = Array(line.utf8)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if parser == nil {
                if bytes.first == UInt8(ascii: "{") {
                    parser = .json
                } else {
                    switch CSVHeader.make(bytes[...], file: file, line: number, kind: .readings) {
                    case .success(let header): parser = .csv(header)
                    case .failure(let error):
                        errors.append(error)
                        parser = .csv(nil)
                    }
                    continue
                }
            }
            guard let current = parser else { continue }
            switch parseReading(bytes[...], parser: current, file: file, line: number) {
            case .success(let reading): result.append(reading)
            case .failure(let error): errors.append(error)
            case nil: break
            }
            if errors.count >= errorLimit { break }
        }
        if !errors.isEmpty { throw RuleLoadError(diagnostics: errors) }
        return result
    }

    /// Reads maintenance filings (CSV with a header, or JSON Lines): `point`, `pollutant` (empty: every factor),
    /// `start`, `end`, `reference` — or the standard's `auto_monitoring_mark` fields (`point_code`,
    /// `pollutant_code`, `start_time`, `end_time`, `mark_id`, `review_status`; a rejected mark, status `03`, is
    /// skipped).
    public static func filings(in url: URL) throws(RuleLoadError) -> [MaintenanceFiling] {
        var errors: [RuleDiagnostic] = []
        var filings: [MaintenanceFiling] = []
        var parser: LineParser?
        let file = url.path
        let lines = try LineReader(url: url)
        func handle(_ line: ArraySlice<UInt8>, _ number: Int) -> Bool {
            if parser == nil {
                if line.first == UInt8(ascii: "{") {
                    parser = .json
                } else {
                    switch CSVHeader.make(line, file: file, line: number, kind: .filings) {
                    case .success(let header): parser = .csv(header)
                    case .failure(let error):
                        errors.append(error)
                        parser = .csv(nil)
                    }
                    return errors.count < errorLimit
                }
            }
            guard let current = parser,
                let fields = fields(line, parser: current, file: file, line: number, errors: &errors)
            else { return errors.count < errorLimit }
            let place = SourceLocation(file: file, line: number, column: 1)
            func field(_ names: String...) -> String? {
                for name in names { if let value = fields[name], !value.isEmpty { return value } }
                return nil
            }
            if field("review_status") == "03" { return true }
            guard let point = field("point", "point_code") else {
                errors.append(RuleDiagnostic(.error, "filing.point", "the filing names no point", at: place))
                return errors.count < errorLimit
            }
            guard let startText = field("start", "start_time"), let start = MonitoringTime.parse(startText) else {
                errors.append(RuleDiagnostic(.error, "filing.time", "`start` is missing or not a time", at: place))
                return errors.count < errorLimit
            }
            guard let endText = field("end", "end_time"), let end = MonitoringTime.parse(endText), end > start else {
                errors.append(
                    RuleDiagnostic(
                        .error, "filing.time", "`end` is missing, not a time, or not after `start`", at: place))
                return errors.count < errorLimit
            }
            filings.append(
                MaintenanceFiling(
                    point: point, pollutant: field("pollutant", "pollutant_code"), start: start, end: end,
                    reference: field("reference", "mark_id")))
            return errors.count < errorLimit
        }
        while let (line, number) = lines.next(), handle(line, number) {}
        if !errors.isEmpty { throw RuleLoadError(diagnostics: errors) }
        return filings
    }

    // MARK: Parsing

    enum LineParser {
        case csv(CSVHeader?)
        case json
    }

    static func parseReading(_ line: ArraySlice<UInt8>, parser: LineParser, file: String, line number: Int)
        -> Result<Reading, RuleDiagnostic>?
    {
        func failure(_ check: String, _ message: String) -> Result<Reading, RuleDiagnostic> {
            .failure(
                RuleDiagnostic(
                    .error, "replay.\(check)", message, at: SourceLocation(file: file, line: number, column: 1)))
        }
        switch parser {
        case .csv(let header):
            guard let header else { return nil }
            if !line.contains(UInt8(ascii: "\"")) {
                // The fast path: fields are byte slices between commas, read in place.
                return line.withUnsafeBufferPointer { buffer -> Result<Reading, RuleDiagnostic> in
                    var bounds: [Range<Int>] = []
                    bounds.reserveCapacity(header.count)
                    var start = 0
                    for index in 0..<buffer.count where buffer[index] == UInt8(ascii: ",") {
                        bounds.append(start..<index)
                        start = index + 1
                    }
                    bounds.append(start..<buffer.count)
                    guard bounds.count == header.count else {
                        return failure("csv", "\(bounds.count) columns where the header has \(header.count)")
                    }
                    return reading(
                        point: buffer[bounds[header.point]], pollutant: buffer[bounds[header.pollutant]],
                        time: buffer[bounds[header.time]], value: header.value.map { buffer[bounds[$0]] },
                        flag: header.flag.map { buffer[bounds[$0]] }, failure: failure)
                }
            }
            guard let columns = CSVHeader.split(line) else { return failure("csv", "an unclosed quote") }
            guard columns.count == header.count else {
                return failure("csv", "\(columns.count) columns where the header has \(header.count)")
            }
            func bytes(_ index: Int?) -> ArraySlice<UInt8>? { index.map { Array(columns[$0].utf8)[...] } }
            return reading(
                point: bytes(header.point) ?? [], pollutant: bytes(header.pollutant) ?? [],
                time: bytes(header.time) ?? [], value: bytes(header.value), flag: bytes(header.flag),
                failure: failure)
        case .json:
            let record: JSONReading
            do {
                record = try JSONDecoder().decode(JSONReading.self, from: Data(line))
            } catch {
                return failure("json", "not a reading object (\(JSONReading.describe(error)))")
            }
            func bytes(_ text: String?) -> ArraySlice<UInt8>? { text.map { Array($0.utf8)[...] } }
            var value: ArraySlice<UInt8>?
            switch record.value {
            case .number(let number):
                guard number.isFinite else { return failure("value", "`\(number)` is not a number") }
                value = Array(String(number).utf8)[...]
            case .text(let text): value = bytes(text)
            case nil: value = nil
            }
            return reading(
                point: bytes(record.point ?? record.pointCode ?? record.mn) ?? [],
                pollutant: bytes(record.pollutant ?? record.pollutantCode) ?? [],
                time: bytes(record.time ?? record.dataTime) ?? [], value: value, flag: bytes(record.flag),
                failure: failure)
        }
    }

    /// Trims spaces and tabs.
    @inline(__always)
    static func trimmed<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start = bytes.index(after: start) }
        while end > start {
            let last = bytes.index(end, offsetBy: -1)
            guard bytes[last] == 0x20 || bytes[last] == 0x09 else { break }
            end = last
        }
        return bytes[start..<end]
    }

    static func reading<Bytes: Collection<UInt8>>(
        point: Bytes, pollutant: Bytes, time: Bytes, value: Bytes?, flag: Bytes?,
        failure: (String, String) -> Result<Reading, RuleDiagnostic>
    ) -> Result<Reading, RuleDiagnostic> {
        let point = trimmed(point)
        let pollutant = trimmed(pollutant)
        let timeBytes = trimmed(time)
        guard !point.isEmpty else { return failure("point", "no point") }
        guard !pollutant.isEmpty else { return failure("pollutant", "no pollutant") }
        let parsedTime =
            timeBytes.withContiguousStorageIfAvailable { MonitoringTime.parse(bytes: $0) }
            ?? Array(timeBytes).withUnsafeBufferPointer { MonitoringTime.parse(bytes: $0) }
        guard let time = parsedTime else {
            return failure(
                "time",
                "`\(String(decoding: timeBytes, as: UTF8.self))` is not a time (ISO 8601 like "
                    + "2026-11-29T10:00:00+08:00, YYYY-MM-DD HH:MM:SS, or HJ 212 YYYYMMDDhhmmss)")
        }
        var number: Double?
        if let value {
            let text = trimmed(value)
            if !text.isEmpty {
                let string = String(decoding: text, as: UTF8.self)
                guard let parsed = Double(string), parsed.isFinite else {
                    return failure("value", "`\(string)` is not a number")
                }
                number = parsed
            }
        }
        var dataFlag = DataFlag.normal
        if let flag {
            let code = trimmed(flag)
            if code.count == 1, let only = code.first {
                switch only {
                case UInt8(ascii: "N"): dataFlag = .normal
                case UInt8(ascii: "P"): dataFlag = .fault
                default:
                    guard let parsed = DataFlag(code: String(UnicodeScalar(only))) else {
                        return failure(
                            "flag",
                            "`\(String(decoding: code, as: UTF8.self))` is not a data flag (N, F, M, S, D, C, T, B, H)")
                    }
                    dataFlag = parsed
                }
            } else if !code.isEmpty {
                return failure(
                    "flag", "`\(String(decoding: code, as: UTF8.self))` is not a data flag (N, F, M, S, D, C, T, B, H)")
            }
        }
        return .success(
            Reading(
                point: String(decoding: point, as: UTF8.self), pollutant: String(decoding: pollutant, as: UTF8.self),
                time: time, value: number, flag: dataFlag))
    }

    static func fields(
        _ line: ArraySlice<UInt8>, parser: LineParser, file: String, line number: Int, errors: inout [RuleDiagnostic]
    ) -> [String: String]? {
        let place = SourceLocation(file: file, line: number, column: 1)
        switch parser {
        case .csv(let header):
            guard let header else { return nil }
            guard let columns = CSVHeader.split(line), columns.count == header.names.count else {
                errors.append(RuleDiagnostic(.error, "filing.csv", "the columns do not match the header", at: place))
                return nil
            }
            return Dictionary(zip(header.names, columns), uniquingKeysWith: { first, _ in first })
        case .json:
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                errors.append(RuleDiagnostic(.error, "filing.json", "not a JSON object", at: place))
                return nil
            }
            return object.compactMapValues { $0 as? String }
        }
    }
}

/// The columns of a CSV header.
struct CSVHeader {
    enum Kind {
        case readings
        case filings
    }

    var names: [String]
    var point = 0
    var pollutant = 0
    var time = 0
    var value: Int?
    var flag: Int?

    var count: Int { names.count }

    static func make(_ line: ArraySlice<UInt8>, file: String, line number: Int, kind: Kind)
        -> Result<CSVHeader, RuleDiagnostic>
    {
        let place = SourceLocation(file: file, line: number, column: 1)
        guard let names = split(line)?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            return .failure(RuleDiagnostic(.error, "replay.csv", "an unclosed quote in the header", at: place))
        }
        var header = CSVHeader(names: names)
        guard kind == .readings else { return .success(header) }
        func column(_ candidates: [String]) -> Int? { names.firstIndex { candidates.contains($0) } }
        guard let point = column(["point", "point_code", "mn"]),
            let pollutant = column(["pollutant", "pollutant_code"]),
            let time = column(["time", "data_time"])
        else {
            return .failure(
                RuleDiagnostic(
                    .error, "replay.header",
                    "the header needs the columns point, pollutant and time (and value, flag); found: "
                        + names.joined(separator: ","), at: place))
        }
        header.point = point
        header.pollutant = pollutant
        header.time = time
        header.value = column(["value"])
        header.flag = column(["flag"])
        return .success(header)
    }

    /// Splits a CSV line (RFC 4180 quotes); `nil` on an unclosed quote.
    static func split(_ line: ArraySlice<UInt8>) -> [String]? {
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < line.endIndex && line[index + 1] == UInt8(ascii: "\"") {
                        current.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else if byte == UInt8(ascii: "\"") && current.isEmpty {
                quoted = true
            } else {
                current.append(byte)
            }
            index += 1
        }
        if quoted { return nil }
        fields.append(String(decoding: current, as: UTF8.self))
        return fields
    }
}

/// Reads a replay file in chunks of readings, streaming (the file is never held whole).
///
/// ```swift
/// let reader = try ReplayFileReader(url: file)
/// while let readings = try reader.next(upTo: 10_000) { … }
/// ```
public final class ReplayFileReader {
    private let lines: LineReader
    private var parser: ReplayReader.LineParser?
    private let file: String

    /// Opens a replay file (CSV or JSON Lines, by its first character).
    ///
    /// - Throws: ``RuleLoadError`` when the file cannot be read.
    public init(url: URL) throws(RuleLoadError) {
        lines = try LineReader(url: url)
        file = url.path
    }

    /// The next readings (at most `count`), or `nil` at the end of the file.
    ///
    /// - Throws: ``RuleLoadError`` with the located errors of the lines read (at most ``ReplayReader/errorLimit``).
    public func next(upTo count: Int) throws(RuleLoadError) -> [Reading]? {
        var readings: [Reading] = []
        var errors: [RuleDiagnostic] = []
        while readings.count < max(1, count), errors.count < ReplayReader.errorLimit,
            let (line, number) = lines.next()
        {
            if parser == nil {
                if line.first == UInt8(ascii: "{") {
                    parser = .json
                } else {
                    switch CSVHeader.make(line, file: file, line: number, kind: .readings) {
                    case .success(let header): parser = .csv(header)
                    case .failure(let error):
                        errors.append(error)
                        parser = .csv(nil)
                    }
                    continue
                }
            }
            guard let current = parser else { continue }
            switch ReplayReader.parseReading(line, parser: current, file: file, line: number) {
            case .success(let reading): readings.append(reading)
            case .failure(let error): errors.append(error)
            case nil: break
            }
        }
        if !errors.isEmpty { throw RuleLoadError(diagnostics: errors) }
        if readings.isEmpty {
            if parser == nil {
                parser = .csv(nil)
                throw RuleLoadError(diagnostics: [
                    RuleDiagnostic(.error, "replay.empty", "the file is empty", at: SourceLocation(file: file))
                ])
            }
            return nil
        }
        return readings
    }
}

/// Reads a file line by line in blocks of 4 MiB.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var number = 0
    private var atEnd = false
    private var first = true

    init(url: URL) throws(RuleLoadError) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw RuleLoadError(diagnostics: [
                RuleDiagnostic(.error, "io.unreadable", "cannot read the file", at: SourceLocation(file: url.path))
            ])
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next non-blank line (without its line break) and its 1-based number, or `nil` at the end.
    func next() -> (ArraySlice<UInt8>, Int)? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                number += 1
                var end = newline
                if end > position && buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[position..<end]
                position = newline + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return (line, number)
            }
            if atEnd { return nil }
            buffer.removeSubrange(0..<position)
            position = 0
            let chunk = (try? handle.read(upToCount: 1 << 22)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
                if !buffer.isEmpty { buffer.append(0x0A) }
            }
            if first {
                first = false
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            }
        }
    }
}

/// One JSON Lines reading.
struct JSONReading: Decodable {
    enum Value: Decodable {
        case number(Double)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    var point: String?
    var pointCode: String?
    var mn: String?
    var pollutant: String?
    var pollutantCode: String?
    var time: String?
    var dataTime: String?
    var value: Value?
    var flag: String?

    enum CodingKeys: String, CodingKey {
        case point
        case pointCode = "point_code"
        case mn
        case pollutant
        case pollutantCode = "pollutant_code"
        case time
        case dataTime = "data_time"
        case value
        case flag
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            return key.isEmpty ? context.debugDescription : "`\(key)` has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        default:
            return "\(error)"
        }
    }
}
