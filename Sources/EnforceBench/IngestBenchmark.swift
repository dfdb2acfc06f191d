import ArgumentParser
import DataStandard
import EnforcementStore
import EnforcementStoreSQLite
import Foundation
import HJ212
import HJ212Ingest
import NIOCore
import NIOPosix
import Synchronization

/// `enforce-bench ingest`: simulated devices send minute-data packets over loopback to the HJ 212 ingest, each
/// waiting for the acknowledgement of a packet (sent after its readings are committed) before sending the next.
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Simulated devices over loopback into the TCP ingest; print one JSON line.",
        discussion: """
            Starts the ingest in this process on a free loopback port with a new SQLite store, connects
            --devices devices, and has each send --packets minute-data packets (CN 2051, Flag 5: acknowledge) of
            --pollutants pollutants, one at a time: a device sends its next packet when the previous one is
            acknowledged. Prints packets/s, readings/s and the acknowledgement latency (p50, p99, max), and
            checks that the store holds every acknowledged reading.
            """
    )

    @Option(help: "Simulated devices (one connection each).")
    var devices = 1_000

    @Option(help: "Packets per device.")
    var packets = 60

    @Option(help: "Pollutants per packet.")
    var pollutants = 8

    @Option(help: "The SQLite store (default: a new file in the data folder).")
    var store: String?

    @Option(help: "Keep the generated packets (packets.txt, one per line) and the store in this folder.")
    var keepData: String?

    @Option(help: "The target rate in readings per second.")
    var target = 20_000

    struct Result: Encodable {
        var workload = "ingest"
        var backend: String
        var devices: Int
        var items: Int
        var packets: Int
        var seconds: Double
        var ratePerSecond: Double
        var packetsPerSecond: Double
        var ackLatencyP50Milliseconds: Double
        var ackLatencyP99Milliseconds: Double
        var ackLatencyMaxMilliseconds: Double
        var commits: Int?
        var storedReadings: Int
        var peakMemoryBytes: Int
        var target: Int
    }

    func run() async throws {
        let standard = try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory())
        let folder = try DataFolder(keep: keepData, reuse: nil, name: "ingest")
        defer { folder.remove() }
        let (store, cleanup) = try await openBenchmarkStore(self.store, folder: folder, name: "ingest")
        _ = try await store.prepare(StoreSchema(standard: standard))

        let codes = [
            "a21026", "a21002", "a34013", "a19001", "a01012", "a01013", "a01014", "a01011", "a21005", "a05002",
        ]
        let factors = Array(codes.prefix(max(1, min(pollutants, codes.count))))
        let start = 1_796_000_000 - 1_796_000_000 % 86_400 - 8 * 3600
        let frames: [[[UInt8]]] = (0..<devices).map { device in
            (0..<packets).map { index in
                Self.packet(device: device, index: index, time: Int64(start + index * 60), factors: factors)
            }
        }
        if keepData != nil {
            var text = ""
            for device in frames { for frame in device { text += String(decoding: frame, as: UTF8.self) } }
            try Data(text.utf8).write(to: folder.url.appendingPathComponent("packets.txt"))
        }

        let server = HJ212IngestServer(
            configuration: .init(host: "127.0.0.1", port: 0, threads: 1), store: store)
        let serverTask = Task { try await server.run() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = server.boundPort
            if port == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        guard let port else { throw ValidationError("the ingest did not start") }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let began = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { tasks in
            for device in 0..<devices {
                tasks.addTask { try await Self.device(frames[device], port: port, group: group) }
            }
            var all: [Double] = []
            for try await device in tasks { all += device }
            return all
        }
        let seconds = secondsSince(began)
        try await group.shutdownGracefully()
        serverTask.cancel()
        _ = try? await serverTask.value
        let statistics = server.statistics

        var stored = 0
        for device in 0..<devices {
            stored += try await store.readings(
                point: Self.mn(device), pollutant: nil, from: Int64(start), to: Int64(start + packets * 60)
            ).count
        }
        try await store.close()
        await cleanup()
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
        }
        let readings = statistics.readings
        try printLine(
            Result(
                backend: store.location, devices: devices, items: readings, packets: statistics.packets,
                seconds: seconds, ratePerSecond: Double(readings) / seconds,
                packetsPerSecond: Double(statistics.packets) / seconds,
                ackLatencyP50Milliseconds: percentile(0.5), ackLatencyP99Milliseconds: percentile(0.99),
                ackLatencyMaxMilliseconds: (sorted.last ?? 0) * 1000, commits: nil, storedReadings: stored,
                peakMemoryBytes: peakMemoryBytes(), target: target))
        guard stored == devices * packets * factors.count, statistics.acknowledgements == devices * packets else {
            throw ValidationError(
                "acknowledged \(statistics.acknowledgements) packets, stored \(stored) readings; expected "
                    + "\(devices * packets) and \(devices * packets * factors.count)")
        }
    }

    /// The device MN: 24 hex digits.
    static func mn(_ device: Int) -> String {
        let digits = String(device, radix: 16, uppercase: true)
        return "010000A89000" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// A minute-data packet (CN 2051, Flag 5) as a frame.
    static func packet(device: Int, index: Int, time: Int64, factors: [String]) -> [UInt8] {
        let local = Date(timeIntervalSince1970: TimeInterval(time + 8 * 3600))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: local)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let stamp = "\(c.year ?? 2026)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))"
        var cp = "DataTime=\(stamp)"
        for (position, code) in factors.enumerated() {
            let base = Double((device * 7 + position * 13 + index) % 97) + 10.5
            cp += ";\(code)-Min=\(base - 1),\(code)-Avg=\(base),\(code)-Max=\(base + 1),\(code)-Flag=N"
        }
        let segment =
            "QN=\(stamp)\(String(format: "%03d", index % 1000));ST=31;CN=2051;PW=123456;MN=\(mn(device));Flag=5;"
            + "CP=&&\(cp)&&"
        let bytes = Array(segment.utf8)
        let crc = String(format: "%04X", Int(HJ212.crc(bytes)))
        return Array("##\(String(format: "%04d", bytes.count))\(segment)\(crc)\r\n".utf8)
    }

    /// One device: connects, sends each frame after the previous one's acknowledgement; the latencies.
    static func device(_ frames: [[UInt8]], port: Int, group: MultiThreadedEventLoopGroup) async throws -> [Double] {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var latencies: [Double] = []
            latencies.reserveCapacity(frames.count)
            var iterator = inbound.makeAsyncIterator()
            var pendingLines = 0
            for frame in frames {
                let sent = ContinuousClock.now
                try await outbound.write(ByteBuffer(bytes: frame))
                // An acknowledgement is one frame ending in CR LF.
                while pendingLines == 0 {
                    guard let buffer = try await iterator.next() else {
                        throw ValidationError("the ingest closed the connection")
                    }
                    pendingLines += buffer.readableBytesView.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                }
                pendingLines -= 1
                latencies.append(secondsSince(sent))
            }
            return latencies
        }
    }
}
