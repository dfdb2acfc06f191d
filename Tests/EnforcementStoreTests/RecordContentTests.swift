import DataStandard
import EnforcementModel
import Testing

@testable import EnforcementStore

/// The canonical text of values: the shortcuts for text already canonical give what parsing and writing again
/// gives.
@Suite("Record content")
struct RecordContentTests {
    /// What the canonical text is by definition: the value parsed as its type and written again.
    private static func reference(_ value: String, _ type: FieldType) -> String {
        switch type {
        case .integer:
            return Int64(value).map { String($0) } ?? value
        case .boolean:
            switch value.lowercased() {
            case "true", "1", "是": return "true"
            case "false", "0", "否": return "false"
            default: return value
            }
        case .datetime:
            return (try? LocalDateTime(value))?.description ?? value
        default:
            return value
        }
    }

    @Test("integers, booleans and datetimes, given and malformed, are canonical as parsing them makes them")
    func canonicalMatchesParsing() {
        let integers = [
            "0", "-0", "00", "7", "007", "+7", "-7", "-07", "123456789012345678", "1234567890123456789",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "", "-", "+", "1e3", "１２", "12 ",
            " 12", "0x10",
        ]
        let booleans = ["true", "TRUE", "True", "tRuE", "false", "FALSE", "1", "0", "是", "否", "yes", "t", "truee", ""]
        let datetimes = [
            "2026-11-29 09:30:00", "2024-02-29 23:59:59", "2023-02-29 10:00:00", "2026-13-01 00:00:00",
            "2026-11-31 00:00:00", "2026-11-29 24:00:00", "2026-11-29 23:60:00", "2026-11-29 23:59:60",
            "2026-11-29T09:30:00", "2026-11-29T09:30:00+08:00", "2026-11-29T01:30:00Z", "2026-11-29 09:30:00.500",
            "2026-11-29 9:30:00", "0001-01-01 00:00:00", "0000-01-01 00:00:00", "1900-02-29 00:00:00",
            "2000-02-29 00:00:00", "2026/11/29 09:30:00", "２026-11-29 09:30:00",
        ]
        for (values, type) in [(integers, FieldType.integer), (booleans, .boolean), (datetimes, .datetime)] {
            for value in values {
                #expect(RecordContent.canonical(value, type: type) == Self.reference(value, type), "\(type) \(value)")
            }
        }
        // Only `true` and `false` themselves are a boolean's canonical text, read in place.
        for value in booleans + ["fals", "falsee", "tru", "ture"] {
            let expected: Bool? = value == "true" ? true : value == "false" ? false : nil
            let read = Array(value.utf8).withUnsafeBufferPointer { RecordContent.canonicalBoolean($0) }
            #expect(read == expected, "\(value)")
            let canonical = Array(value.utf8).withUnsafeBufferPointer { RecordContent.isCanonical($0, type: .boolean) }
            #expect(canonical == (expected != nil), "\(value)")
        }
        // Every integer of up to 4 digits with leading zeros and signs; random ones of every length.
        var generator = SystemRandomNumberGenerator()
        var samples = (0..<10_000).flatMap { ["\($0)", "-\($0)", "0\($0)", "+\($0)"] }
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...20, using: &generator)
            samples.append(String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! }))
        }
        for value in samples {
            #expect(RecordContent.canonical(value, type: .integer) == Self.reference(value, .integer), "\(value)")
        }
        // Datetimes of every day of four years (two of them leap years), at shifting times.
        var day = try! CivilDate("1999-12-25")
        for step in 0..<(4 * 366) {
            let text = "\(day) \(step % 24 < 10 ? "0" : "")\(step % 24):\(step % 60 < 10 ? "0" : "")\(step % 60):59"
            #expect(RecordContent.canonical(text, type: .datetime) == text)
            #expect(Self.reference(text, .datetime) == text)
            day = day.adding(days: 1)
        }
    }

    @Test("content hashes: SHA-256 in lower-case hex of field id, 0x1F, value, 0x1E for each field with a value")
    func hashes() throws {
        #expect(
            RecordContent.sha256(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let standard = try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory())
        let table = try #require(StoreSchema(standard: standard).table("regulated_entity"))
        var values = [String?](repeating: nil, count: table.storage.count)
        values[0] = "E0001"
        values[2] = "成都锦江示范化工有限公司，一个超过十五个字节的名称"
        var bytes: [UInt8] = []
        for slot in [0, 2] {
            bytes += Array(table.fieldIDs[slot].utf8) + [0x1F] + Array(values[slot]!.utf8) + [0x1E]
        }
        let expected = RecordContent.sha256(bytes)
        #expect(RecordContent.hash(values, table: table) == expected)
        values[1] = "x"
        #expect(RecordContent.hash(values, table: table) != expected)
        values[1] = nil
        #expect(RecordContent.hash(values, table: table) == expected)
    }

    @Test("packed values read back as given, nil and empty apart")
    func packedValues() {
        let values: [String?] = [nil, "", "a", nil, "成都", "", nil, "x|y\"z", nil]
        let packed = PackedValues(values)
        #expect(packed.count == values.count)
        #expect(packed.values == values)
        #expect(PackedValues([]).values.isEmpty)
        #expect(PackedValues([nil, nil]).values == [nil, nil])
        // Equal values pack equally, so writes compare by their values.
        #expect(PackedValues(values) == packed)
        #expect(PackedValues(["a", nil]) != PackedValues([nil, "a"]))
        // The bytes and ends as given (one buffer holds both), and in place.
        #expect(packed.bytes == Array("a成都x|y\"z".utf8))
        let end = Int32(packed.bytes.count)
        #expect(packed.ends == [~0, 0, 1, ~1, 7, 7, ~7, end, ~end])
        packed.withUnsafeValues { view in
            #expect(view.count == values.count)
            #expect(view[0] == nil)
            #expect(view[1].map(Array.init) == [])
            #expect(view[4].map { String(decoding: $0, as: UTF8.self) } == "成都")
            #expect(view.range(7) == 7..<Int(end))
        }
        #expect(PackedValues([""]).withUnsafeValues { $0[0]?.count } == 0)
    }

    /// Values of every kind, canonical or not, for random records.
    private static func randomValue(_ type: FieldType, _ generator: inout LinearCongruentialGenerator) -> String {
        let pick: [String]
        switch type {
        case .integer:
            pick = [
                "0", "7", "007", "+7", "-7", "-0", "123456789012345678", "9223372036854775807", "99999999999999999999",
                "1e3", "x",
            ]
        case .boolean:
            pick = ["true", "false", "TRUE", "1", "0", "是", "否", "yes"]
        case .datetime:
            pick = [
                "2026-11-29 09:30:00", "2026-11-29T09:30:00", "2026-11-29T01:30:00Z", "2026-11-29 09:30:00.500",
                "2026-11-29T09:30:00.123456789-05:30", "2026-02-30 00:00:00", "2026/11/29",
            ]
        default:
            pick = ["A-1", "四川省成都市武侯区一个很长的地址，超过十五个字节", "\"quoted, with comma\"", "x", "0730-7805067"]
        }
        return Bool.random(using: &generator) && Int.random(in: 0..<4, using: &generator) == 0
            ? "" : pick.randomElement(using: &generator)!
    }

    @Test("writes packed from validated bytes equal the writes made from strings", arguments: [20_261_205, 7, 99])
    func packedWritesMatchStringWrites(seed: UInt64) async throws {
        let standard = try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory())
        let schema = StoreSchema(standard: standard)
        var generator = LinearCongruentialGenerator(state: seed)
        let entities = ["regulated_entity"] + schema.tables.filter { $0.keySlots.count > 1 }.prefix(2).map(\.entity.id)
        for entity in entities {
            let table = try #require(schema.table(entity))
            var lines = [table.fieldIDs.joined(separator: ",")]
            for number in 0..<300 {
                var row = table.types.map { Self.randomValue($0, &generator) }
                for slot in table.keySlots { row[slot] = number % 50 == 0 ? "" : "K\(number)" }
                lines.append(row.joined(separator: ","))
            }
            let validator = try RecordValidator(standard: standard)
            var batches: [ValidatedRecords] = []
            _ = try await validator.validate(
                [
                    ValidationInput(
                        entity: entity, bytes: Array((lines.joined(separator: "\n") + "\n").utf8), name: "p.csv")
                ],
                onRecords: { batches.append($0) })
            let packer = RecordPacker(table: table, standardVersion: "1.0", source: "import:p.csv")
            var records = 0
            for batch in batches {
                for record in 0..<batch.count {
                    let expected = RecordWrite(
                        record: batch.values(of: record), table: table, standardVersion: "1.0", source: "import:p.csv")
                    let packed = packer.write(record, of: batch)
                    #expect(packed == expected, "\(entity) record \(batch.recordNumbers[record])")
                    #expect(packed?.values == expected?.values)
                    records += 1
                }
            }
            #expect(records == 300)
        }
    }

    @Test("the key of a record: its key fields joined with |, nil when one is empty")
    func keys() throws {
        let standard = try StandardLoader().load(directory: try StandardLoader.defaultStandardDirectory())
        let schema = StoreSchema(standard: standard)
        let single = try #require(schema.tables.first { $0.keySlots.count == 1 })
        var values = [String?](repeating: "x", count: single.storage.count)
        values[single.keySlots[0]] = "K-1"
        #expect(RecordContent.key(values, table: single) == "K-1")
        #expect(RecordContent.key(values[...], table: single) == "K-1")
        values[single.keySlots[0]] = ""
        #expect(RecordContent.key(values, table: single) == nil)
        if let compound = schema.tables.first(where: { $0.keySlots.count > 1 }) {
            var values = [String?](repeating: nil, count: compound.storage.count)
            for (position, slot) in compound.keySlots.enumerated() { values[slot] = "p\(position)" }
            let expected = compound.keySlots.indices.map { "p\($0)" }.joined(separator: "|")
            #expect(RecordContent.key(values, table: compound) == expected)
            values[compound.keySlots.last!] = nil
            #expect(RecordContent.key(values, table: compound) == nil)
        }
    }
}

/// Knuth's MMIX linear congruential generator: seeded, so that a failing case can be run again.
struct LinearCongruentialGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}
