import DataStandard
import EnforcementStore
import EnforcementStoreSQLite
import Foundation
import HJ212
import HJ212Ingest
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A running ingest over a new SQLite store, for one test.
private struct Harness {
    let directory: URL
    let store: SQLiteStore
    let server: HJ212IngestServer
    let task: Task<Void, any Error>
    let port: Int

    static func start(_ configuration: HJ212IngestServer.Configuration = .init()) async throws -> Harness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hj212-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: directory.appendingPathComponent("ingest.sqlite").path)
        _ = try await store.prepare(schema)
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 1
        let server = HJ212IngestServer(configuration: configuration, store: store)
        let task = Task { try await server.run() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = server.boundPort
            if port == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        return Harness(directory: directory, store: store, server: server, task: task, port: try #require(port))
    }

    func stop() async throws {
        task.cancel()
        try await task.value
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    static let schema: StoreSchema = {
        do {
            return StoreSchema(
                standard: try StandardLoader().load(directory: StandardLoader.defaultStandardDirectory()))
        } catch {
            preconditionFailure("the bundled standard does not load: \(error)")
        }
    }()
}

/// A device: one TCP connection that writes bytes and collects what the platform answers.
private final class Device: Sendable {
    let channel: any Channel
    let collector: Collector

    /// Collects answer frames (each ends in CR LF) and whether the platform closed the connection.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state = Mutex<(text: String, frames: [String], closed: Bool)>(("", [], false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLock { state in
                state.text += String(buffer: buffer)
                while let end = state.text.range(of: "\r\n") {
                    state.frames.append(String(state.text[..<end.upperBound]))
                    state.text.removeSubrange(..<end.upperBound)
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }
    }

    init(port: Int) async throws {
        let collector = Collector()
        self.collector = collector
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// Sends bytes, optionally in pieces of `split` bytes with a pause between them.
    func send(_ bytes: [UInt8], split: Int? = nil) async throws {
        let piece = split ?? max(1, bytes.count)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes[offset..<end]))
            if split != nil { try await Task.sleep(for: .milliseconds(2)) }
            offset = end
        }
    }

    /// Waits until `count` answers arrived, the connection closed, or the time is up; the answers so far.
    func receive(_ count: Int, within timeout: Duration = .seconds(10)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (frames, closed) = collector.state.withLock { ($0.frames, $0.closed) }
            if frames.count >= count || closed { return frames }
            try await Task.sleep(for: .milliseconds(5))
        }
        return collector.state.withLock { $0.frames }
    }

    /// Whether the platform closed the connection within the time.
    func closedByPlatform(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if collector.state.withLock({ $0.closed }) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func close() async {
        try? await channel.close()
    }
}

/// A frame of a data segment: `##`, the length, the segment, its CRC, CR LF.
private func frame(_ segment: String) -> [UInt8] {
    let bytes = Array(segment.utf8)
    let length = String(bytes.count)
    return Array(("##" + String(repeating: "0", count: 4 - length.count) + length + segment).utf8)
        + Array((HJ212.hex(HJ212.crc(bytes)) + "\r\n").utf8)
}

/// A minute-data upload (CN 2051) of SO2 and NOx at 2026-11-29 10:mm Beijing time.
private func minuteData(mn: String, minute: Int, flag: Int = 5, qn: Int = 0) -> [UInt8] {
    let mm = minute < 10 ? "0\(minute)" : "\(minute)"
    let stamp = "202611291\(0)\(mm)00"
    return frame(
        "QN=\(stamp)\(String(format: "%03d", qn));ST=31;CN=2051;PW=123456;MN=\(mn);Flag=\(flag);"
            + "CP=&&DataTime=\(stamp);a21026-Min=10.1,a21026-Avg=12.5,a21026-Max=14.0,a21026-Flag=N;"
            + "a21002-Min=40.0,a21002-Avg=45.25,a21002-Max=50.0,a21002-Flag=N&&")
}

/// 2026-11-29 10:mm Beijing time as seconds since 1970 UTC.
private func time(minute: Int) -> Int64 { 1_795_917_600 + Int64(minute) * 60 }

@Suite("HJ 212 TCP ingest", .serialized)
struct HJ212IngestTests {
    static let mn = "010000A8900016F000169DC0"

    @Test("an acknowledged packet is in the store when its data response arrives")
    func acknowledgedAfterCommit() async throws {
        let harness = try await Harness.start()
        let device = try await Device(port: harness.port)
        try await device.send(minuteData(mn: Self.mn, minute: 1, qn: 7))
        let answers = try await device.receive(1)
        #expect(answers.count == 1)
        // The data response names the packet it answers.
        let answer = try #require(answers.first)
        #expect(answer.contains("CN=9014"))
        #expect(answer.contains("QN=20261129100100007"))
        let decoded = HJ212Packet.decode(Array(answer.utf8), options: .strict)
        #expect((try? decoded.get()) != nil)
        let stored = try await harness.store.readings(
            point: Self.mn, pollutant: nil, from: time(minute: 0), to: time(minute: 2))
        #expect(stored.count == 2)
        let so2 = try #require(stored.first { $0.pollutant == "a21026" })
        #expect(so2.value == 12.5)
        #expect(so2.flag == "N")
        #expect(so2.time == time(minute: 1))
        await device.close()
        try await harness.stop()
    }

    @Test("hourly, daily and real-time values are separate series; a packet without the ack flag gets no answer")
    func seriesAndNoAcknowledgement() async throws {
        let harness = try await Harness.start()
        let device = try await Device(port: harness.port)
        let stamp = "20261129100000"
        try await device.send(
            frame(
                "QN=\(stamp)001;ST=31;CN=2061;PW=123456;MN=\(Self.mn);Flag=4;"
                    + "CP=&&DataTime=\(stamp);a21026-Avg=30.5,a21026-Flag=N&&"))
        try await device.send(minuteData(mn: Self.mn, minute: 0, flag: 4))
        try await device.send(minuteData(mn: Self.mn, minute: 2))
        let answers = try await device.receive(1)
        #expect(answers.count == 1)
        #expect(try await device.receive(2, within: .milliseconds(300)).count == 1)
        let stored = try await harness.store.readings(
            point: Self.mn, pollutant: nil, from: time(minute: 0), to: time(minute: 5))
        #expect(Set(stored.map(\.pollutant)) == ["a21026", "a21002", "a21026:hour"])
        #expect(stored.filter { $0.pollutant == "a21026" }.count == 2)
        #expect(stored.first { $0.pollutant == "a21026:hour" }?.value == 30.5)
        await device.close()
        try await harness.stop()
    }

    @Test("packets split at every few bytes, joined, and garbage between them")
    func splitJoinedAndGarbage() async throws {
        let harness = try await Harness.start()
        let device = try await Device(port: harness.port)
        var stream: [UInt8] = Array("garbage\r\n".utf8) + minuteData(mn: Self.mn, minute: 1)
        stream += minuteData(mn: Self.mn, minute: 2) + Array("##xx".utf8) + minuteData(mn: Self.mn, minute: 3)
        try await device.send(stream, split: 37)
        let answers = try await device.receive(3)
        #expect(answers.count == 3)
        let stored = try await harness.store.readings(
            point: Self.mn, pollutant: "a21026", from: time(minute: 0), to: time(minute: 5))
        #expect(stored.map(\.time) == [time(minute: 1), time(minute: 2), time(minute: 3)])
        let statistics = harness.server.statistics
        #expect(statistics.packets == 3)
        #expect(statistics.skippedBytes > 0)
        await device.close()
        try await harness.stop()
    }

    @Test("a packet with a wrong CRC is neither stored nor answered")
    func wrongCRC() async throws {
        let harness = try await Harness.start()
        let device = try await Device(port: harness.port)
        var bad = minuteData(mn: Self.mn, minute: 1)
        bad[bad.count - 3] = bad[bad.count - 3] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try await device.send(bad + minuteData(mn: Self.mn, minute: 2))
        let answers = try await device.receive(2, within: .seconds(2))
        #expect(answers.count == 1)
        let stored = try await harness.store.readings(
            point: Self.mn, pollutant: "a21026", from: time(minute: 0), to: time(minute: 5))
        #expect(stored.map(\.time) == [time(minute: 2)])
        #expect(harness.server.statistics.malformedPackets == 1)
        await device.close()
        try await harness.stop()
    }

    @Test("a failed commit is not acknowledged")
    func failedCommit() async throws {
        let harness = try await Harness.start()
        let device = try await Device(port: harness.port)
        try await harness.store.close()
        try await device.send(minuteData(mn: Self.mn, minute: 1))
        let answers = try await device.receive(1, within: .seconds(2))
        #expect(answers.isEmpty)
        #expect(harness.server.statistics.failedCommits == 1)
        #expect(harness.server.statistics.acknowledgements == 0)
        await device.close()
        harness.task.cancel()
        _ = try? await harness.task.value
        try? FileManager.default.removeItem(at: harness.directory)
    }

    @Test("a silent device is disconnected; a device sending only garbage is disconnected")
    func silentAndGarbage() async throws {
        let harness = try await Harness.start(
            .init(idleTimeout: .milliseconds(300), maximumBufferedBytes: 4096))
        let silent = try await Device(port: harness.port)
        #expect(try await silent.closedByPlatform(within: .seconds(5)))
        let noisy = try await Device(port: harness.port)
        try await noisy.send(Array(repeating: UInt8(ascii: "#"), count: 20_000), split: 1000)
        #expect(try await noisy.closedByPlatform(within: .seconds(5)))
        // Meanwhile another device is served.
        let device = try await Device(port: harness.port)
        try await device.send(minuteData(mn: Self.mn, minute: 1))
        #expect(try await device.receive(1).count == 1)
        #expect(harness.server.statistics.droppedConnections >= 2)
        await device.close()
        try await harness.stop()
    }

    @Test("connections beyond the limit are refused; the others are served")
    func connectionLimit() async throws {
        let harness = try await Harness.start(.init(maximumConnections: 2))
        let first = try await Device(port: harness.port)
        let second = try await Device(port: harness.port)
        try await first.send(minuteData(mn: Self.mn, minute: 1))
        #expect(try await first.receive(1).count == 1)
        let third = try await Device(port: harness.port)
        #expect(try await third.closedByPlatform(within: .seconds(5)))
        try await second.send(minuteData(mn: Self.mn, minute: 2))
        #expect(try await second.receive(1).count == 1)
        #expect(harness.server.statistics.refusedConnections == 1)
        await first.close()
        await second.close()
        try await harness.stop()
    }

    @Test("many devices at once: every packet is stored once and acknowledged once")
    func manyDevices() async throws {
        let harness = try await Harness.start()
        let devices = 50
        let packets = 10
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<devices {
                group.addTask {
                    let mn = "010000A8900016F00016" + String(format: "%04X", index)
                    let device = try await Device(port: harness.port)
                    var acknowledged = 0
                    for minute in 0..<packets {
                        try await device.send(minuteData(mn: mn, minute: minute))
                        acknowledged = try await device.receive(minute + 1).count
                    }
                    await device.close()
                    return acknowledged
                }
            }
            var total = 0
            for try await count in group { total += count }
            #expect(total == devices * packets)
        }
        var stored = 0
        for index in 0..<devices {
            stored += try await harness.store.readings(
                point: "010000A8900016F00016" + String(format: "%04X", index), pollutant: nil,
                from: time(minute: 0), to: time(minute: packets)
            ).count
        }
        #expect(stored == devices * packets * 2)
        #expect(harness.server.statistics.acknowledgements == devices * packets)
        try await harness.stop()
    }
}
