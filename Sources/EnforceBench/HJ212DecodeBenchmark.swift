import ArgumentParser
import Foundation
import HJ212

#if canImport(Glibc)
    import Glibc
#endif

/// `enforce-bench hj212-decode`: decodes generated hourly-data packets (CN=2061) from a byte stream, with the CRC
/// check and strict validation, on one core, and prints one JSON line.
///
/// The packets are written to a file first (not timed), one frame per line, so that `enforce hj212 decode` can be
/// run on the same data (`--keep-data`). The file is then read in 1 MiB blocks and given to the stream decoder
/// 64 KiB at a time (as TCP reads would), taking every event. `seconds` and `ratePerSecond` are those of the decoder
/// (the reads' time taken out: the kernel copying the file is not decoding); `wallSeconds` and
/// `wallRatePerSecond` include the reads.
struct HJ212DecodeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hj212-decode",
        abstract: "Decode hourly-data packets with CRC check; print one JSON line."
    )

    @Option(help: "Packets to generate and decode.")
    var packets = 2_000_000

    @Option(help: "The seed of the generated data.")
    var seed: UInt64 = 20_261_129

    @Option(help: "Keep the generated packets (hj212-hourly.txt, one frame per line) in this folder.")
    var keepData: String?

    @Option(help: "Reuse the packets a previous run kept in this folder instead of generating.")
    var reuseData: String?

    @Option(help: "The size of the reads given to the stream decoder, in bytes.")
    var readSize = 65_536

    @Flag(help: "Decode in lenient mode (default: strict).")
    var lenient = false

    @Flag(help: "Also extract the monitoring values of every packet (the work of the ingest after decoding).")
    var values = false

    @Option(help: "The target rate in packets per second.")
    var target = 500_000

    struct Result: Encodable {
        var workload = "hj212-decode"
        var items: Int
        var seconds: Double
        var ratePerSecond: Double
        var peakMemoryBytes: Int
        var target: Int
        var bytes: Int
        var bytesPerSecond: Double
        var averagePacketBytes: Int
        var valid: Int
        var malformed: Int
        var skippedBytes: Int
        var monitoringValues: Int
        var mode: String
        var readSize: Int
        var cpuSeconds: Double
        var wallSeconds: Double
        var wallRatePerSecond: Double
        var readSeconds: Double
        var generationSeconds: Double?
    }

    func validate() throws {
        if packets < 1 { throw ValidationError("--packets must be at least 1") }
        if readSize < 1 { throw ValidationError("--read-size must be at least 1") }
    }

    func run() async throws {
        let folder = try DataFolder(keep: keepData, reuse: reuseData, name: "hj212")
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("hj212-hourly.txt")
        var generationSeconds: Double?
        if !folder.reuses {
            let start = ContinuousClock.now
            var generator = HourlyPacketGenerator(seed: seed)
            try generator.write(count: packets, to: file.path)
            generationSeconds = secondsSince(start)
        } else if !FileManager.default.fileExists(atPath: file.path) {
            throw ValidationError("no hj212-hourly.txt in \(folder.url.path)")
        }

        var usageBefore = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usageBefore)
        let start = ContinuousClock.now
        let counts = try decode(file: file.path)
        let wallSeconds = secondsSince(start)
        let seconds = wallSeconds - counts.readSeconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func cpu(_ usage: rusage) -> Double {
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
                + Double(usage.ru_stime.tv_usec) / 1e6
        }
        let items = counts.valid + counts.malformed
        try printLine(
            Result(
                items: items, seconds: seconds, ratePerSecond: Double(items) / seconds,
                peakMemoryBytes: peakMemoryBytes(), target: target, bytes: counts.bytes,
                bytesPerSecond: Double(counts.bytes) / seconds, averagePacketBytes: counts.bytes / max(1, items),
                valid: counts.valid, malformed: counts.malformed, skippedBytes: counts.skipped,
                monitoringValues: counts.values, mode: lenient ? "lenient" : "strict", readSize: readSize,
                cpuSeconds: cpu(usage) - cpu(usageBefore), wallSeconds: wallSeconds,
                wallRatePerSecond: Double(items) / wallSeconds, readSeconds: counts.readSeconds,
                generationSeconds: generationSeconds))
        if counts.malformed > 0 || counts.skipped > 0 {
            throw ValidationError("\(counts.malformed) packets malformed, \(counts.skipped) bytes skipped")
        }
    }

    struct Counts {
        var bytes = 0
        var valid = 0
        var malformed = 0
        var skipped = 0
        var values = 0
        /// The time spent in `read` (not decoding).
        var readSeconds = 0.0
    }

    /// Streams the file through the decoder.
    func decode(file path: String) throws -> Counts {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ValidationError("cannot open \(path)") }
        defer { close(descriptor) }
        // Options read once: a property wrapper's getter in the loop would cost a metadata lookup per packet.
        let values = values
        let readSize = readSize
        var decoder = HJ212StreamDecoder(options: lenient ? .lenient : .strict)
        var counts = Counts()
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }
        var finished = false
        var reading = Duration.zero
        while !finished {
            let started = ContinuousClock.now
            let count = read(descriptor, block.baseAddress, block.count)
            reading += ContinuousClock.now - started
            if count <= 0 {
                decoder.finish()
                finished = true
            } else {
                counts.bytes += count
            }
            var offset = 0
            repeat {
                if !finished {
                    let end = min(count, offset + readSize)
                    decoder.append(UnsafeRawBufferPointer(rebasing: block[offset..<end]))
                    offset = end
                }
                while let event = decoder.next() {
                    switch event {
                    case .packet(let packet):
                        counts.valid += 1
                        if values { counts.values += packet.monitoringValues.count }
                    case .malformed: counts.malformed += 1
                    case .skipped(_, let count): counts.skipped += count
                    }
                }
            } while !finished && offset < count
        }
        counts.readSeconds = seconds(reading)
        return counts
    }
}

/// Generates strict-valid HJ 212-2017 hourly uploads (CN=2061) of 8 pollutants with -Min, -Avg, -Max and -Flag
/// (and -ZsAvg for one in eight), about 600 bytes each.
struct HourlyPacketGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ bound: UInt64) -> Int { Int(next() % bound) }

    private static let pollutants = [
        "a21026", "a21002", "a34013", "a19001", "a01012", "a01011", "a01013", "a00000", "a21005", "a24088", "a01014",
        "a21003",
    ]
    private static let flags = ["N", "N", "N", "N", "N", "N", "F", "M", "D", "C", "T", "S", "B"]

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A concentration such as `23.5` or `7.25`.
    private mutating func number() -> String {
        below(2) == 0 ? "\(below(100)).\(below(10))" : "\(below(10)).\(pad(below(100), 2))"
    }

    /// `hundredths` written with 2 decimals below 10, 1 decimal from 10 (e.g. `7.25`, `23.5`).
    private func decimal(_ hundredths: Int) -> String {
        hundredths < 1000
            ? "\(hundredths / 100).\(pad(hundredths % 100, 2))" : "\(hundredths / 100).\(hundredths % 100 / 10)"
    }

    /// The data segment of packet `index`.
    mutating func segment(_ index: Int) -> String {
        let hour = index % 24
        let day = 1 + (index / 24) % 28
        let month = 1 + (index / (24 * 28)) % 12
        let time = "2026\(pad(month, 2))\(pad(day, 2))\(pad(hour, 2))0000"
        let device = "\(pad(below(1 << 30), 10))A8900016F\(pad(index % 100_000, 5))"
        var cp = "DataTime=\(time)"
        let first = below(UInt64(Self.pollutants.count))
        for k in 0..<8 {
            let code = Self.pollutants[(first + k) % Self.pollutants.count]
            // Minimum ≤ average ≤ maximum, in tenths or hundredths.
            let minimum = below(5000)
            let average = minimum + below(3000)
            let maximum = average + below(3000)
            cp += ";\(code)-Min=\(decimal(minimum)),\(code)-Avg=\(decimal(average)),\(code)-Max=\(decimal(maximum))"
            if below(8) == 0 { cp += ",\(code)-ZsAvg=\(number())" }
            cp += ",\(code)-Flag=\(Self.flags[below(UInt64(Self.flags.count))])"
        }
        return
            "QN=\(time)\(pad(below(1000), 3));ST=31;CN=2061;PW=\(pad(below(1_000_000), 6));MN=\(device);Flag=5;CP=&&\(cp)&&"
    }

    /// Writes `count` frames, one per line (each ending with its CR LF), to `path`.
    mutating func write(count: Int, to path: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
        defer { fclose(file) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        for index in 0..<count {
            let segment = Array(segment(index).utf8)
            let length = segment.count
            buffer.append(contentsOf: "##".utf8)
            buffer.append(contentsOf: pad(length, 4).utf8)
            buffer.append(contentsOf: segment)
            buffer.append(contentsOf: HJ212.hex(HJ212.crc(segment)).utf8)
            buffer.append(contentsOf: "\r\n".utf8)
            if buffer.count >= 1 << 20 || index == count - 1 {
                let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                guard written == buffer.count else { throw ValidationError("cannot write \(path)") }
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }
}
