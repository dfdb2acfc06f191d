import Foundation
import HJ212
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `enforce ingest serve` as a real process: devices over real TCP, stopped by SIGTERM or killed by SIGKILL.
@Suite("enforce ingest", .serialized)
struct IngestCommandTests {
    /// A running `enforce ingest serve` and the port it printed.
    struct Server {
        let process: Process
        let port: UInt16
        let output: Pipe

        static func start(store: String) throws -> Server {
            let process = Process()
            process.executableURL = CLIRunner.executable
            process.arguments = [
                "ingest", "serve", "--host", "127.0.0.1", "--port", "0", "--store", store, "--format", "json",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["ENFORCE_SPECS"] = CLIRunner.repository.appendingPathComponent("Specs").path
            process.environment = environment
            let errors = Pipe()
            let output = Pipe()
            process.standardError = errors
            process.standardOutput = output
            try process.run()
            var seen = ""
            while true {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
                if let range = seen.range(of: #"127\.0\.0\.1:([0-9]+) "#, options: .regularExpression) {
                    let text = seen[range].dropFirst("127.0.0.1:".count).dropLast()
                    return Server(process: process, port: try #require(UInt16(text)), output: output)
                }
            }
            process.terminate()
            throw CLIFailureForTest(message: "the ingest did not start: \(seen)")
        }
    }

    struct CLIFailureForTest: Error {
        var message: String
    }

    /// A blocking TCP client (the server is another process).
    final class Client {
        let socket: Int32

        init(port: UInt16) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw CLIFailureForTest(message: "connect failed: \(errno)") }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        func send(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { _ = Glibc.send(socket, $0.baseAddress, $0.count, 0) }
        }

        /// Reads until one whole answer (ending in CR LF) arrived; `nil` on timeout or close.
        func answer() -> String? {
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !text.hasSuffix("\r\n") {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { return nil }
                text += String(decoding: buffer[0..<count], as: UTF8.self)
            }
            return text
        }

        deinit { close(socket) }
    }

    static func packet(minute: Int) -> [UInt8] {
        let stamp = "202611291\(0)\(minute < 10 ? "0" : "")\(minute)00"
        let segment =
            "QN=\(stamp)000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
            + "CP=&&DataTime=\(stamp);a21026-Avg=12.5,a21026-Flag=N;a21002-Avg=45.0,a21002-Flag=N&&"
        let bytes = Array(segment.utf8)
        let length = String(bytes.count)
        return Array(
            ("##" + String(repeating: "0", count: 4 - length.count) + length + segment
                + HJ212.hex(HJ212.crc(bytes)) + "\r\n").utf8)
    }

    /// The number of stored readings, counted by the sqlite3 shell.
    static func storedReadings(_ path: String) throws -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, "SELECT count(*) FROM store_readings"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("serves devices, stops on SIGTERM and prints its counters")
    func serveAndStop() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("city.sqlite").path
        let server = try Server.start(store: store)
        let client = try Client(port: server.port)
        for minute in 0..<5 {
            client.send(Self.packet(minute: minute))
            let answer = try #require(client.answer())
            #expect(answer.contains("CN=9014"))
        }
        server.process.terminate()
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let json = server.output.fileHandleForReading.readDataToEndOfFile()
        let counters = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(counters["packets"] as? Int == 5)
        #expect(counters["readings"] as? Int == 10)
        #expect(counters["acknowledgements"] as? Int == 5)
        #expect(try Self.storedReadings(store) == 10)
    }

    @Test("killed with SIGKILL: every acknowledged reading is in the store")
    func killed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-kill-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("city.sqlite").path
        let server = try Server.start(store: store)
        let client = try Client(port: server.port)
        var acknowledged = 0
        for minute in 0..<30 {
            client.send(Self.packet(minute: minute))
            if client.answer() != nil { acknowledged += 1 }
        }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .uncaughtSignal)
        #expect(acknowledged == 30)
        #expect(try Self.storedReadings(store) == acknowledged * 2)
    }
}
