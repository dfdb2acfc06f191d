import ArgumentParser
import EnforcementStore
import Foundation
import HJ212
import HJ212Ingest

#if canImport(Glibc)
    import Glibc
#endif

/// `enforce ingest`: the HJ 212 TCP ingest of device data into a store.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Receive HJ 212 packets from monitoring devices over TCP and store their readings.",
        subcommands: [Serve.self]
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Listen for devices until interrupted (SIGINT or SIGTERM); then print the counters.",
            discussion: """
                Every data upload (real-time 2011, minute 2051, hour 2061, day 2031) is stored as readings under
                the device's MN: minute values under the pollutant code, real-time, hourly and daily values under
                code:rtd, code:hour and code:day. A packet whose Flag asks for an answer gets its data response
                (CN 9014) only after its readings are committed. Malformed packets are counted and not answered.
                """
        )

        @Option(help: "The address to listen on.")
        var host = "0.0.0.0"

        @Option(help: "The TCP port (0: any free port, printed at start).")
        var port = 9212

        @Flag(help: "Lenient decoding (lower-case CRC, missing tail, wrong length …, as HJ212.md §14 lists).")
        var lenient = false

        @Option(help: "Seconds of silence after which a device is disconnected.")
        var idleTimeout = 600

        @Option(help: "The most device connections at once.")
        var maxConnections = 10_000

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
            if idleTimeout < 1 { throw ValidationError("--idle-timeout must be at least 1 second") }
            if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        }

        func run() async throws {
            let statistics = try await withPreparedStore(store) { store, _, _ in
                let server = HJ212IngestServer(
                    configuration: .init(
                        host: host, port: port, decoding: lenient ? .lenient : .strict,
                        idleTimeout: .seconds(idleTimeout), maximumConnections: maxConnections),
                    store: store)
                let task = Task { try await server.run() }
                let signals = Self.onTermination { task.cancel() }
                defer { for source in signals { source.cancel() } }
                for _ in 0..<500 where server.boundPort == nil {
                    try await Task.sleep(for: .milliseconds(10))
                }
                if let bound = server.boundPort {
                    FileHandle.standardError.write(
                        Data("enforce: listening for HJ 212 devices on \(host):\(bound) (\(store.location))\n".utf8))
                }
                try await task.value
                return server.statistics
            }
            if output.format == .json {
                try printJSON(statistics)
            } else {
                print(
                    """
                    connections \(statistics.connections) (refused \(statistics.refusedConnections), \
                    dropped \(statistics.droppedConnections)); packets \(statistics.packets), malformed \
                    \(statistics.malformedPackets), bytes skipped \(statistics.skippedBytes); readings stored \
                    \(statistics.readings); acknowledgements \(statistics.acknowledgements); failed commits \
                    \(statistics.failedCommits)
                    """)
            }
        }

        /// Calls `stop` on SIGINT or SIGTERM (instead of the default of dying at once).
        private static func onTermination(_ stop: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler(handler: stop)
                source.resume()
                return source
            }
        }
    }
}
