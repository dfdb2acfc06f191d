import ArgumentParser
import DataStandard
import EnforcementModel
import EnforcementStore
import Foundation

/// Which way an export goes.
enum DirectionArgument: String, ExpressibleByArgument, CaseIterable {
    case up
    case down
}

/// `enforce export`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the changes since a cursor as exchange batches (city → province, or province → city).",
        discussion: """
            --direction up: a city reports its records to the province (上报); --division is the sending city.
            --direction down: the province returns records to a city (回流); --division is the receiving city.
            Only the fields each entity shares in that direction travel (the standard's sharing rules).

            Each batch is one file <batch id>.jsonl in --out: a header line (standard, version, entity,
            sender, batch id, record count, SHA-256 of the body) and one JSON record per line. The command
            prints the cursor to give as --since next time.
            """
    )

    @Option(name: .long, help: "Export changes after this sequence number (0: everything).")
    var since: Int64 = 0

    @Option(name: .long, help: "up (city → province) or down (province → city).")
    var direction: DirectionArgument

    @Option(name: .long, help: "The sending city (up) or the receiving city (down).")
    var division: DivisionCode

    @Option(name: .long, help: "The folder the batch files are written to (created if missing).")
    var out: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    struct Summary: Encodable {
        struct Batch: Encodable {
            var file: String
            var batchID: String
            var entity: String
            var records: Int
            var sha256: String
        }

        var batches: [Batch]
        var cursor: Int64
        var records: Int
    }

    func validate() throws {
        if since < 0 { throw ValidationError("--since must not be negative") }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: out, isDirectory: true)
        let summary = try await withPreparedStore(store) { store, schema, _ in
            let province = try DivisionCode("510000")
            let sender: DivisionCode
            let exchange: ExchangeDirection
            switch direction {
            case .up:
                sender = division
                exchange = .up
            case .down:
                sender = province
                exchange = .down(to: division)
            }
            let exporter = BatchExporter(store: store, schema: schema, sender: sender)
            let export = try await exporter.export(
                since: since, direction: exchange, createdAt: Clock.nowInBeijing())
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIFailure(message: "cannot create \(folder.path): \(error.localizedDescription)")
            }
            var batches: [Summary.Batch] = []
            for batch in export.batches {
                let url = folder.appendingPathComponent(batch.fileName)
                do {
                    // Atomic: a receiver never sees half a batch.
                    try Data(batch.encoded()).write(to: url, options: .atomic)
                } catch {
                    throw CLIFailure(message: "cannot write \(url.path): \(error.localizedDescription)")
                }
                batches.append(
                    .init(
                        file: url.path, batchID: batch.header.batchID, entity: batch.header.entity,
                        records: batch.header.recordCount, sha256: batch.header.bodySHA256))
            }
            return Summary(batches: batches, cursor: export.cursor, records: export.records)
        }
        if output.isJSON {
            try printJSON(summary)
            return
        }
        for batch in summary.batches {
            print("\(batch.file): \(batch.entity), \(batch.records) records")
        }
        print("\(summary.records) records in \(summary.batches.count) batches; next cursor: \(summary.cursor)")
    }
}

/// `enforce batch apply`.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Apply exchange batches to a store.",
        subcommands: [Apply.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify and apply exchange batches; print a receipt per record.",
            discussion: """
                A batch is refused as a whole (exit 2) when its header is incomplete, its record count or
                SHA-256 does not match its body, or it is of another standard or a version the store does not
                read. Otherwise every record is validated: valid records are stored (accepted), invalid ones
                quarantined with their errors (rejected). A batch applied before changes nothing and prints
                the receipts stored then.

                Exit status: 0 every record accepted; 1 some rejected; 2 a batch refused or unreadable.
                """
        )

        @Argument(help: "The batch files.")
        var files: [String]

        @Option(name: .customLong("as-of"), help: "Reference date of timeliness (default: today in Beijing).")
        var asOf: CivilDate?

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        struct Result: Encodable {
            var file: String
            var batchID: String
            var entity: String
            var alreadyApplied: Bool
            var accepted: Int
            var rejected: Int
            var receipts: [BatchReceipt]
        }

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one batch file") }
        }

        func run() async throws {
            let results = try await withPreparedStore(store) { store, schema, _ in
                let applier = BatchApplier(
                    store: store, schema: schema,
                    options: RecordValidator.Options(asOf: asOf ?? Clock.todayInBeijing()))
                var results: [Result] = []
                for path in files {
                    let bytes: [UInt8]
                    do {
                        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                    } catch {
                        throw CLIFailure(message: "cannot read \(path): \(error.localizedDescription)")
                    }
                    let batch = try ExchangeBatch(decoding: bytes, name: path)
                    let application = try await applier.apply(batch, now: Clock.now())
                    results.append(
                        Result(
                            file: path, batchID: application.batchID, entity: batch.header.entity,
                            alreadyApplied: application.alreadyApplied, accepted: application.accepted,
                            rejected: application.rejected, receipts: application.receipts))
                }
                return results
            }
            if output.isJSON {
                try printJSON(results)
            } else {
                for result in results {
                    let again = result.alreadyApplied ? " (applied before: nothing changed)" : ""
                    print(
                        "\(result.file): batch \(result.batchID), \(result.entity): \(result.accepted) accepted, "
                            + "\(result.rejected) rejected\(again)")
                    for receipt in result.receipts {
                        let key = receipt.key ?? "-"
                        if receipt.status == .accepted {
                            print("  record \(receipt.record) \(key): accepted")
                        } else {
                            print("  record \(receipt.record) \(key): rejected")
                            for error in receipt.errors {
                                print(
                                    "    \(error.field ?? "-"): [\(error.ruleID)] \(error.message.en) / \(error.message.zh)"
                                )
                            }
                        }
                    }
                }
            }
            if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.failedChecks) }
        }
    }
}

/// `enforce tickets list|fix|recheck`.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "Rectification tickets (整改单) of quarantined records: open → fixed → re-checked.",
        subcommands: [List.self, Fix.self, Recheck.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tickets within a division.")

        @Option(name: .long, help: "The division (default: the province, 510000).")
        var division: DivisionCode?

        @Option(name: .long, help: "Only tickets of this status: open, fixed or rechecked.")
        var status: String?

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let status, TicketStatus(rawValue: status) == nil {
                throw ValidationError("unknown status `\(status)`; use open, fixed or rechecked")
            }
        }

        func run() async throws {
            let tickets = try await withPreparedStore(store) { store, schema, _ in
                try await TicketDesk(store: store, schema: schema).list(
                    scope: division.map(DivisionScope.init) ?? .province,
                    status: status.flatMap(TicketStatus.init(rawValue:)))
            }
            if output.isJSON {
                try printJSON(tickets)
                return
            }
            for ticket in tickets {
                print(
                    "\(ticket.id) [\(ticket.status.rawValue)] \(ticket.entity) \(ticket.key ?? "-") "
                        + "\(ticket.field ?? "-"): [\(ticket.ruleID)] \(ticket.message.zh) / \(ticket.message.en)")
            }
            print("\(tickets.count) tickets")
        }
    }

    struct Fix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an open ticket fixed, with the corrected value (or without, when corrected at source).")

        @Argument(help: "The ticket id (T-…).")
        var id: String

        @Option(name: .long, help: "The corrected value of the ticket's field.")
        var value: String?

        @Option(name: .long, help: "Who fixed it (an officer id).")
        var by: String

        @Option(name: .long, help: "A note for the history.")
        var note: String = ""

        @Option(name: .long, help: "The division of the caller (default: the province, 510000).")
        var division: DivisionCode?

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let ticket = try await withPreparedStore(store) { store, schema, _ in
                try await TicketDesk(store: store, schema: schema).markFixed(
                    id, correctedValue: value, by: by, note: note,
                    scope: division.map(DivisionScope.init) ?? .province, now: Clock.now())
            }
            if output.isJSON {
                try printJSON(ticket)
            } else {
                print("\(ticket.id): \(ticket.status.rawValue)")
            }
        }
    }

    struct Recheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-validate the records of fixed tickets; store those that pass (复核).")

        @Argument(help: "Ticket ids (default: every fixed ticket in the division).")
        var ids: [String] = []

        @Option(name: .long, help: "Who re-checks (an officer id).")
        var by: String

        @Option(name: .long, help: "The division of the caller (default: the province, 510000).")
        var division: DivisionCode?

        @Option(name: .customLong("as-of"), help: "Reference date of timeliness (default: today in Beijing).")
        var asOf: CivilDate?

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let results = try await withPreparedStore(store) { store, schema, _ in
                try await TicketDesk(
                    store: store, schema: schema,
                    options: RecordValidator.Options(asOf: asOf ?? Clock.todayInBeijing())
                ).recheck(
                    ids.isEmpty ? nil : ids, by: by, scope: division.map(DivisionScope.init) ?? .province,
                    now: Clock.now())
            }
            if output.isJSON {
                try printJSON(results)
            } else {
                for result in results {
                    let verdict = result.passed ? "passed, record stored" : "still fails"
                    print("\(result.entity) \(result.key ?? "-"): \(verdict)")
                    for id in result.closed { print("  \(id): re-checked") }
                    for id in result.reopened { print("  \(id): back to open") }
                    for error in result.errors {
                        print("    \(error.field ?? "-"): [\(error.ruleID)] \(error.message.en)")
                    }
                }
                print("\(results.count) records re-checked, \(results.filter(\.passed).count) passed")
            }
            if results.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.failedChecks) }
        }
    }
}
