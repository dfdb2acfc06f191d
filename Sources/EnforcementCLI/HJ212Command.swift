import ArgumentParser
import Foundation
import HJ212

/// `enforce hj212`: decode, encode and check HJ 212 packets.
struct HJ212Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hj212",
        abstract: "HJ 212 tools: decode, encode, crc.",
        discussion: """
            HJ 212-2017 and HJ/T 212-2005 packets (污染物在线监控（监测）系统数据传输标准).
            Strict checking by default; --lenient accepts what real data loggers send and reports it as warnings.
            """,
        subcommands: [Decode.self, Encode.self, CRC.self]
    )

    /// `enforce hj212 decode [--lenient] [--stream] [--format text|json] [FILE|-]`.
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode and check packets: one per line, or a raw byte stream with --stream.",
            discussion: """
                With --format json, one JSON object per packet (JSON Lines) with valid, crcValid, errors, warnings, \
                header (QN, ST, CN, PW, MN, Flag, PNUM, PNO), data (the CP groups of key/value items) and, for data \
                uploads, monitoringValues. With --stream, runs of bytes that are not packets are reported as objects \
                with "kind": "skipped".
                Exit status: 0 when every packet is valid; 1 when a packet is invalid or bytes were skipped; 2 when \
                the input cannot be read.
                """
        )

        @Flag(help: "Lenient checking: deviations seen in real traffic are warnings, not errors.")
        var lenient = false

        @Flag(help: "Also accept CRC-16/MODBUS (either byte order), reported as a warning.")
        var modbus = false

        @Flag(help: "Read the input as a raw byte stream (packets split or joined anyhow, garbage between them).")
        var stream = false

        @Flag(help: "Print only the packets that are not valid (and skipped bytes).")
        var invalidOnly = false

        @Flag(help: "Text output: also list the monitoring values of data uploads.")
        var values = false

        @OptionGroup var output: OutputOptions

        @Argument(help: "The input file, or - for standard input.")
        var input: String = "-"

        func run() throws {
            let bytes = try readInput(input)
            let options = HJ212DecodingOptions(mode: lenient ? .lenient : .strict, acceptsModbusCRC: modbus)
            var printer = PacketPrinter(json: output.isJSON, invalidOnly: invalidOnly, values: values)
            if stream {
                var decoder = HJ212StreamDecoder(options: options)
                var position = 0
                while position < bytes.count {
                    let end = min(bytes.count, position + 65_536)
                    bytes[position..<end].withUnsafeBytes { decoder.append($0) }
                    while let event = decoder.next() { try printer.print(event, decoder: decoder) }
                    position = end
                }
                decoder.finish()
                while let event = decoder.next() { try printer.print(event, decoder: decoder) }
            } else {
                var lineNumber = 0
                var lineStart = 0
                while lineStart < bytes.count {
                    let newline = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
                    lineNumber += 1
                    var line = Array(bytes[lineStart..<newline])
                    while line.last == 0x0D { line.removeLast() }
                    let offset = lineStart
                    lineStart = newline + 1
                    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
                    line.append(contentsOf: [0x0D, 0x0A])
                    try printer.print(HJ212Packet.decode(line, options: options), line: lineNumber, offset: offset)
                }
            }
            try printer.finish()
            if printer.invalid > 0 || printer.skippedBytes > 0 { throw ExitCode(ExitStatus.failedChecks) }
        }
    }

    /// `enforce hj212 encode`: builds a packet from options and prints its frame.
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a packet and print its frame (length and CRC computed).",
            discussion: """
                Example: enforce hj212 encode --qn 20160801085857223 --st 32 --cn 2061 --pw 123456 \
                --mn 010000A8900016F000169DC0 --flag 5 --cp 'DataTime=20160801080000;w01018-Avg=23.5,w01018-Flag=N'
                The frame is printed as is (ending with CR LF). It is then decoded with the strict checks (--lenient \
                for the lenient ones): problems are printed on standard error and the exit status is 1.
                """
        )

        @Option(help: "The request number QN (17 digits YYYYMMDDhhmmsszzz).")
        var qn: String?

        @Option(help: "The system code ST (e.g. 31 flue gas, 32 wastewater, 91 interaction).")
        var st: String

        @Option(help: "The command code CN (e.g. 2011, 2051, 2061, 2031, 9014).")
        var cn: String

        @Option(help: "The password PW.")
        var pw: String?

        @Option(help: "The device identifier MN.")
        var mn: String?

        @Option(help: "The Flag (0–255; 4 = HJ 212-2017 without acknowledgement, 5 = with acknowledgement).")
        var flag: Int = 4

        @Option(help: "The total number of subpackets PNUM.")
        var pnum: Int?

        @Option(help: "The number of this subpacket PNO.")
        var pno: Int?

        @Option(help: "The data area, without the && markers (e.g. 'DataTime=20160801080000;w01018-Avg=23.5').")
        var cp: String = ""

        @Flag(help: "Check the result with the lenient rules.")
        var lenient = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if !(0...255).contains(flag) { throw ValidationError("--flag must be between 0 and 255") }
        }

        func run() throws {
            let flag = HJ212Flag(rawValue: UInt8(flag))
            let data: HJ212DataArea
            switch HJ212DataArea.parse(cp, edition: flag.edition, options: .lenient) {
            case .success(let area): data = area
            case .failure(let failure):
                throw CLIFailure(
                    message: "the data area (--cp) cannot be read:\n"
                        + failure.errors.map { "  \($0.code) at \($0.offset): \($0.message) / \($0.messageZH)" }
                        .joined(separator: "\n"))
            }
            let packet = HJ212Packet(
                qn: qn, st: st, cn: cn, pw: pw, mn: mn, flag: flag, pnum: pnum, pno: pno, data: data)
            let frame: [UInt8]
            do {
                frame = try packet.encode()
            } catch {
                throw CLIFailure(message: "\(error.message) / \(error.messageZH)")
            }
            let problems: [HJ212Error]
            let warnings: [HJ212Error]
            switch HJ212Packet.decode(frame, options: lenient ? .lenient : .strict) {
            case .success(let decoded):
                problems = []
                warnings = decoded.warnings
            case .failure(let failure):
                problems = failure.errors
                warnings = failure.warnings
            }
            if output.isJSON {
                let report = EncodeReport(
                    frame: String(decoding: frame.dropLast(2), as: UTF8.self), length: frame.count - 12,
                    crc: HJ212.hex(HJ212.crc(Array(frame[6..<(frame.count - 6)]))), valid: problems.isEmpty,
                    errors: problems.map(ProblemReport.init), warnings: warnings.map(ProblemReport.init))
                try writeJSONLine(report)
            } else {
                FileHandle.standardOutput.write(Data(frame))
                for problem in problems {
                    FileHandle.standardError.write(Data("error: \(ProblemReport(problem).text)\n".utf8))
                }
                for warning in warnings {
                    FileHandle.standardError.write(Data("warning: \(ProblemReport(warning).text)\n".utf8))
                }
            }
            if !problems.isEmpty { throw ExitCode(ExitStatus.failedChecks) }
        }
    }

    /// `enforce hj212 crc SEGMENT`: the CRC of a data segment.
    struct CRC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crc",
            abstract: "Print the HJ 212 CRC (4 hex digits) of a data segment.",
            discussion: """
                The segment is everything between the 4 length digits and the CRC: QN=…;ST=…;…;CP=&&…&&.
                Give - to read it from standard input (a final line break is ignored).
                """
        )

        @Argument(help: "The data segment, or - for standard input.")
        var segment: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            var bytes: [UInt8]
            if segment == "-" {
                bytes = try readInput("-")
                while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            } else {
                bytes = Array(segment.utf8)
            }
            let crc = HJ212.crc(bytes)
            if output.isJSON {
                let modbus = HJ212.modbusCRC(bytes)
                try writeJSONLine(
                    CRCReport(
                        crc: HJ212.hex(crc), bytes: bytes.count, modbus: HJ212.hex(modbus),
                        modbusLowByteFirst: HJ212.hex(modbus.byteSwapped)))
            } else {
                print(HJ212.hex(crc))
            }
        }
    }
}

/// Reads a file, or standard input for `-`.
private func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
        throw CLIFailure(message: "cannot read \(path)")
    }
    return Array(data)
}

/// Writes one compact JSON object and a newline.
private func writeJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var data = try encoder.encode(value)
    data.append(0x0A)
    FileHandle.standardOutput.write(data)
}

/// A problem as the CLI prints it.
private struct ProblemReport: Encodable {
    var code: String
    var message: String
    var messageZH: String
    var offset: Int
    var field: String?

    init(_ error: HJ212Error) {
        code = error.code.rawValue
        message = error.message
        messageZH = error.messageZH
        offset = error.offset
        field = error.field
    }

    var text: String { "\(code) at \(offset)\(field.map { " (\($0))" } ?? ""): \(message) / \(messageZH)" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(messageZH, forKey: .messageZH)
        try container.encode(offset, forKey: .offset)
        try container.encode(field, forKey: .field)
    }

    private enum CodingKeys: String, CodingKey {
        case code, message, messageZH, offset, field
    }
}

/// The header fields of a packet, with nulls for absent fields.
private struct HeaderReport: Encodable {
    var qn: String?
    var st: String?
    var cn: String?
    var pw: String?
    var mn: String?
    var flag: Int
    var pnum: Int?
    var pno: Int?

    init(_ packet: HJ212Packet) {
        qn = packet.qn
        st = packet.st
        cn = packet.cn
        pw = packet.pw
        mn = packet.mn
        flag = Int(packet.flag.rawValue)
        pnum = packet.pnum
        pno = packet.pno
    }

    private enum CodingKeys: String, CodingKey {
        case qn = "QN"
        case st = "ST"
        case cn = "CN"
        case pw = "PW"
        case mn = "MN"
        case flag = "Flag"
        case pnum = "PNUM"
        case pno = "PNO"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(qn, forKey: .qn)
        try container.encode(st, forKey: .st)
        try container.encode(cn, forKey: .cn)
        try container.encode(pw, forKey: .pw)
        try container.encode(mn, forKey: .mn)
        try container.encode(flag, forKey: .flag)
        try container.encode(pnum, forKey: .pnum)
        try container.encode(pno, forKey: .pno)
    }
}

/// One data-area item in the JSON output.
private struct ItemReport: Encodable {
    var key: String
    var value: String
}

/// One monitoring value in the JSON output.
private struct ValueReport: Encodable {
    var pollutant: String
    var time: Int64
    var dataTime: String
    var value: Double?
    var flag: String
    var minimum: Double?
    var maximum: Double?
    var cumulative: Double?
    var convertedValue: Double?

    init(_ value: HJ212MonitoringValue) {
        pollutant = value.pollutant
        time = value.time
        dataTime = HJ212Timestamp(secondsSince1970: value.time).iso8601
        self.value = value.value
        flag = value.flag
        minimum = value.minimum
        maximum = value.maximum
        cumulative = value.cumulative
        convertedValue = value.convertedValue
    }
}

/// One decoded (or failed) packet in the JSON output.
private struct PacketReport: Encodable {
    var kind = "packet"
    var line: Int?
    var offset: Int
    var valid: Bool
    var crcValid: Bool
    var crcVariant: String?
    var edition: String?
    var errors: [ProblemReport]
    var warnings: [ProblemReport]
    var header: HeaderReport?
    var data: [[ItemReport]]?
    var monitoringValues: [ValueReport]?

    private enum CodingKeys: String, CodingKey {
        case kind, line, offset, valid, crcValid, crcVariant, edition, errors, warnings, header, data, monitoringValues
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encode(offset, forKey: .offset)
        try container.encode(valid, forKey: .valid)
        try container.encode(crcValid, forKey: .crcValid)
        try container.encode(crcVariant, forKey: .crcVariant)
        try container.encode(edition, forKey: .edition)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(header, forKey: .header)
        try container.encode(data, forKey: .data)
        try container.encodeIfPresent(monitoringValues, forKey: .monitoringValues)
    }
}

/// Bytes skipped by the stream decoder, in the JSON output.
private struct SkippedReport: Encodable {
    var kind = "skipped"
    var valid = false
    var offset: Int
    var count: Int
}

/// The JSON of `enforce hj212 encode`.
private struct EncodeReport: Encodable {
    var frame: String
    var length: Int
    var crc: String
    var valid: Bool
    var errors: [ProblemReport]
    var warnings: [ProblemReport]
}

/// The JSON of `enforce hj212 crc`.
private struct CRCReport: Encodable {
    var crc: String
    var bytes: Int
    var modbus: String
    var modbusLowByteFirst: String
}

/// Prints decode results as text or JSON Lines, buffered, and counts them.
private struct PacketPrinter {
    let json: Bool
    let invalidOnly: Bool
    let values: Bool
    var valid = 0
    var invalid = 0
    var skippedBytes = 0
    private var buffer = Data()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(json: Bool, invalidOnly: Bool, values: Bool) {
        self.json = json
        self.invalidOnly = invalidOnly
        self.values = values
    }

    mutating func print(_ event: HJ212StreamEvent, decoder: HJ212StreamDecoder) throws {
        switch event {
        case .packet(let packet):
            try print(.success(packet), line: nil, offset: decoder.lastEventOffset)
        case .malformed(let error):
            let failure =
                decoder.lastFailure
                ?? HJ212DecodeFailure(errors: [error], warnings: [], packet: nil, crcValid: false, offset: error.offset)
            try print(.failure(failure), line: nil, offset: failure.offset)
        case .skipped(let offset, let count):
            skippedBytes += count
            if json {
                try emit(SkippedReport(offset: offset, count: count))
            } else {
                write("offset \(offset): \(count) bytes skipped (not a packet) / 跳过 \(count) 个非报文字节\n")
            }
        }
    }

    mutating func print(_ result: Result<HJ212Packet, HJ212DecodeFailure>, line: Int?, offset: Int?) throws {
        let packet: HJ212Packet?
        let errors: [HJ212Error]
        let warnings: [HJ212Error]
        let crcValid: Bool
        let crcVariant: HJ212CRCVariant?
        var position = offset ?? 0
        switch result {
        case .success(let decoded):
            packet = decoded
            errors = []
            warnings = decoded.warnings
            crcValid = true
            crcVariant = decoded.crcVariant
            valid += 1
        case .failure(let failure):
            packet = failure.packet
            errors = failure.errors
            warnings = failure.warnings
            crcValid = failure.crcValid
            crcVariant = failure.packet?.crcVariant
            position = offset ?? failure.offset
            invalid += 1
        }
        if invalidOnly && errors.isEmpty { return }
        let isUpload = packet?.dataInterval != nil
        if json {
            try emit(
                PacketReport(
                    line: line, offset: position, valid: errors.isEmpty, crcValid: crcValid,
                    crcVariant: crcVariant?.name, edition: packet?.edition.description,
                    errors: errors.map(ProblemReport.init), warnings: warnings.map(ProblemReport.init),
                    header: packet.map(HeaderReport.init),
                    data: packet.map {
                        $0.data.groups.map { $0.items.map { ItemReport(key: $0.key, value: $0.value) } }
                    },
                    monitoringValues: isUpload ? packet?.monitoringValues.map(ValueReport.init) : nil))
            return
        }
        let place = line.map { "line \($0)" } ?? "offset \(position)"
        var text = "\(place): \(errors.isEmpty ? "valid" : "INVALID")"
        if let packet {
            text += "  \(packet.edition)  ST=\(packet.st ?? "-") CN=\(packet.cn ?? "-") MN=\(packet.mn ?? "-")"
            text += " QN=\(packet.qn ?? "-") Flag=\(packet.flag.rawValue)"
            if let pno = packet.pno, let pnum = packet.pnum { text += " PNO=\(pno)/\(pnum)" }
            if let dataTime = packet.data.dataTime { text += " DataTime=\(dataTime)" }
            text += "  \(packet.data.itemCount) items"
        }
        text += "\n"
        for error in errors { text += "  error \(ProblemReport(error).text)\n" }
        for warning in warnings { text += "  warning \(ProblemReport(warning).text)\n" }
        if values, isUpload, let packet {
            for value in packet.monitoringValues {
                let number = value.value.map { "\($0)" } ?? "-"
                text += "  \(value.pollutant) \(HJ212Timestamp(secondsSince1970: value.time)) \(number) \(value.flag)\n"
            }
        }
        write(text)
    }

    private mutating func emit(_ value: some Encodable) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(0x0A)
        flushIfNeeded()
    }

    private mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfNeeded()
    }

    private mutating func flushIfNeeded() {
        if buffer.count >= 1 << 16 {
            FileHandle.standardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    mutating func finish() throws {
        if !json {
            var summary = "\(valid + invalid) packets: \(valid) valid, \(invalid) invalid"
            if skippedBytes > 0 { summary += ", \(skippedBytes) bytes skipped" }
            summary += " / 共 \(valid + invalid) 个报文：有效 \(valid)，无效 \(invalid)\n"
            write(summary)
        }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll()
    }
}
