import EnforcementStore
import HJ212
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The HJ 212 TCP ingest: accepts many device connections, decodes their packets, stores the monitoring values
/// through a ``RecordStore`` and acknowledges a packet (when its Flag asks for it) only after its values are
/// durably committed.
///
/// ```swift
/// let server = HJ212IngestServer(configuration: .init(port: 9212), store: store)
/// try await server.run()   // until the task is cancelled
/// ```
///
/// - Readings of many connections are committed together (group commit); a device's acknowledgements follow the
///   commit of its packets, so an acknowledged packet is never lost.
/// - A silent device is disconnected after ``Configuration/idleTimeout``; one that sends garbage beyond
///   ``Configuration/maximumBufferedBytes`` without a packet is disconnected.
/// - A flooding device does not starve the others: a connection hands over what one read brought and waits for
///   its commit before reading on, so every connection has at most one read's packets in flight, while the
///   commit serves every connection that submitted meanwhile.
public final class HJ212IngestServer: Sendable {
    /// How the server listens and behaves.
    public struct Configuration: Sendable {
        /// The address to listen on.
        public var host: String
        /// The port (0: any free port; see ``HJ212IngestServer/boundPort``).
        public var port: Int
        /// Strict or lenient decoding (HJ 212 §14).
        public var decoding: HJ212DecodingOptions
        /// A connection that sends nothing for this long is closed.
        public var idleTimeout: Duration
        /// A connection whose undecoded bytes exceed this is closed.
        public var maximumBufferedBytes: Int
        /// The most readings stored by one commit.
        public var maximumCommitReadings: Int
        /// The most connections served at once; more are refused (closed on accept).
        public var maximumConnections: Int
        /// Event-loop threads (default: the number of processors).
        public var threads: Int

        /// A configuration; every value has a default for a city centre.
        public init(
            host: String = "0.0.0.0", port: Int = 9212, decoding: HJ212DecodingOptions = .strict,
            idleTimeout: Duration = .seconds(600), maximumBufferedBytes: Int = 64 * 1024,
            maximumCommitReadings: Int = 50_000, maximumConnections: Int = 10_000,
            threads: Int = System.coreCount
        ) {
            self.host = host
            self.port = port
            self.decoding = decoding
            self.idleTimeout = idleTimeout
            self.maximumBufferedBytes = maximumBufferedBytes
            self.maximumCommitReadings = maximumCommitReadings
            self.maximumConnections = maximumConnections
            self.threads = threads
        }
    }

    /// Counters since the server started.
    public struct Statistics: Sendable, Hashable, Codable {
        /// Connections accepted.
        public var connections = 0
        /// Connections open now.
        public var openConnections = 0
        /// Connections refused because ``Configuration/maximumConnections`` were open.
        public var refusedConnections = 0
        /// Connections closed for silence or for too many undecodable bytes.
        public var droppedConnections = 0
        /// Packets decoded.
        public var packets = 0
        /// Framed packets that failed to decode (bad CRC, bad fields, …).
        public var malformedPackets = 0
        /// Bytes skipped between packets.
        public var skippedBytes = 0
        /// Monitoring values stored.
        public var readings = 0
        /// Acknowledgements sent.
        public var acknowledgements = 0
        /// Commits that failed (their packets were not acknowledged).
        public var failedCommits = 0
    }

    public let configuration: Configuration
    private let store: any RecordStore
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var statistics = Statistics()
        var boundPort: Int?
    }

    /// A server storing into `store` (prepared beforehand with the standard's schema).
    public init(
        configuration: Configuration = Configuration(), store: any RecordStore,
        logger: Logger = Logger(label: "enforcement.hj212-ingest")
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// The counters so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The port the server listens on, once it does.
    public var boundPort: Int? { state.withLock { $0.boundPort } }

    /// Listens and serves until the calling task is cancelled; then stops accepting, closes the connections and
    /// returns. Throws when the address cannot be bound.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        do {
            try await serve(group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    private func serve(group: MultiThreadedEventLoopGroup) async throws {
        let (seconds, attoseconds) = configuration.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(IdleCloser())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        state.withLock { $0.boundPort = server.channel.localAddress?.port }
        logger.info(
            "HJ 212 ingest listening",
            metadata: ["address": "\(configuration.host):\(server.channel.localAddress?.port ?? configuration.port)"])
        let committer = ReadingCommitter(store: store, maximumBatch: configuration.maximumCommitReadings)
        do {
            try await accept(server, committer: committer)
        } catch is CancellationError {
            // Stopped: the connections are closed.
        }
    }

    private func accept(
        _ server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, committer: ReadingCommitter
    ) async throws {
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        let admitted = state.withLock { state in
                            guard state.statistics.openConnections < configuration.maximumConnections else {
                                state.statistics.refusedConnections += 1
                                return false
                            }
                            state.statistics.connections += 1
                            state.statistics.openConnections += 1
                            return true
                        }
                        guard admitted else {
                            group.addTask { try? await connection.executeThenClose { _, _ in } }
                            continue
                        }
                        group.addTask {
                            await self.serve(connection, committer: committer)
                            self.state.withLock { $0.statistics.openConnections -= 1 }
                        }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    /// Serves one device connection until it closes, falls silent, or sends too much that is not a packet.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, committer: ReadingCommitter) async {
        let peer = connection.channel.remoteAddress?.description ?? "?"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var decoder = HJ212StreamDecoder(options: configuration.decoding)
                for try await buffer in inbound {
                    buffer.withUnsafeReadableBytes { decoder.append($0) }
                    var readings: [MonitoringReading] = []
                    var acknowledgements: [HJ212Packet] = []
                    var counts = Statistics()
                    while let event = decoder.next() {
                        switch event {
                        case .packet(let packet):
                            counts.packets += 1
                            readings += IngestMapping.readings(of: packet)
                            if packet.needsAcknowledgement { acknowledgements.append(packet) }
                        case .malformed(let error):
                            counts.malformedPackets += 1
                            logger.debug("malformed packet", metadata: ["peer": "\(peer)", "error": "\(error)"])
                        case .skipped(_, let count):
                            counts.skippedBytes += count
                        }
                    }
                    if !readings.isEmpty {
                        do {
                            try await committer.commit(readings)
                            counts.readings = readings.count
                        } catch {
                            // Not acknowledged: the device keeps the packets and sends them again.
                            state.withLock { $0.statistics.failedCommits += 1 }
                            logger.error("commit failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
                            acknowledgements.removeAll()
                        }
                    }
                    for packet in acknowledgements {
                        try await outbound.write(ByteBuffer(bytes: IngestMapping.acknowledgement(of: packet)))
                    }
                    counts.acknowledgements = acknowledgements.count
                    let total = counts
                    state.withLock { state in
                        state.statistics.packets += total.packets
                        state.statistics.malformedPackets += total.malformedPackets
                        state.statistics.skippedBytes += total.skippedBytes
                        state.statistics.readings += total.readings
                        state.statistics.acknowledgements += total.acknowledgements
                    }
                    if decoder.bufferedByteCount > configuration.maximumBufferedBytes {
                        state.withLock { $0.statistics.droppedConnections += 1 }
                        logger.notice("closing: too many undecodable bytes", metadata: ["peer": "\(peer)"])
                        return
                    }
                }
            }
        } catch let error as ChannelError where error == .alreadyClosed || error == .ioOnClosedChannel {
            return
        } catch is IdleCloser.Silent {
            state.withLock { $0.statistics.droppedConnections += 1 }
            logger.notice("closing a silent connection", metadata: ["peer": "\(peer)"])
        } catch {
            logger.debug("connection ended", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }
}

/// Closes a connection on the read-idle event of the `IdleStateHandler` before it, failing its reads with
/// ``Silent``.
final class IdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct Silent: Error {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? IdleStateHandler.IdleStateEvent, event == .read {
            context.fireErrorCaught(Silent())
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
