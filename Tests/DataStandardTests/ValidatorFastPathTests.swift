import EnforcementModel
import Foundation
import Testing

@_spi(Benchmark) @testable import DataStandard

/// The fast paths of the validator and the generator agree with the straightforward code they stand for: vector
/// UTF-8 validation with the DFA, the block CSV splitter with the general scanner, pattern shapes with ICU, short
/// code tables with hashed ones, the unrolled USCC check with the diagnosis, and the byte generator with
/// ``SyntheticRecordGenerator/record(_:)``.
struct ValidatorFastPathTests {
    typealias Fixture = ValidatorFixture

    /// Random bytes biased towards the interesting ones: ASCII, Chinese, every kind of lead and continuation byte.
    static func randomText(_ random: inout SeededRandom, length: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("a,b".utf8), Array("成都".utf8), [0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xF0, 0x9F, 0x98, 0x80],
            [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xC0, 0x80], [0xC1],
            [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0x80], [0xBF], [0xE4, 0xB8], [0xE4], [0x0A], [0x22],
        ]
        var bytes: [UInt8] = []
        while bytes.count < length {
            switch random.below(4) {
            case 0: bytes += pieces[random.below(pieces.count)]
            case 1: bytes.append(UInt8(truncatingIfNeeded: random.next()))
            default: bytes += Array("中文数据，ASCII text 0123".utf8)[...].prefix(1 + random.below(20))
            }
        }
        return bytes
    }

    /// The reference: valid when the locating scan finds nothing.
    static func isValidByScan(_ bytes: [UInt8]) -> Bool {
        var valid = true
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            UTF8Validation.scan(base, from: 0, to: buffer.count) { _, _ in valid = false }
        }
        return valid
    }

    @Test func vectorUTF8ValidationAgreesWithTheDFA() {
        var random = SeededRandom(seed: 99)
        for round in 0..<3000 {
            // Mostly valid Chinese and ASCII (the vector path), sometimes one bad or rare byte sequence.
            var bytes = Array(String(repeating: "成都市武侯区,E0001,2026-01-01\n", count: 1 + random.below(12)).utf8)
            if round % 3 != 0 {
                let insert = Self.randomText(&random, length: 1 + random.below(6))
                bytes.insert(contentsOf: insert, at: random.below(bytes.count + 1))
            }
            if round % 7 == 0 { bytes = Self.randomText(&random, length: random.below(300)) }
            let expected = Self.isValidByScan(bytes)
            let padded = bytes + [UInt8](repeating: 0, count: ChunkBuffer.padding)
            padded.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress.unsafelyUnwrapped
                for start in [0, min(1, bytes.count), min(3, bytes.count)] {
                    let slice = Array(bytes[start...])
                    let reference = Self.isValidByScan(slice)
                    #expect(UTF8Validation.isValid(base, from: start, to: bytes.count) == reference)
                    #expect(UTF8Validation.isValidByDFA(base, from: start, to: bytes.count) == reference)
                }
                #expect(UTF8Validation.isValid(base, from: 0, to: bytes.count) == expected, "\(bytes)")
            }
        }
    }

    @Test func longValidTextTakesTheVectorPath() {
        let bytes = Array(String(repeating: "四川省成都市武侯区人民南路四段,91510104MA6C5XRT7X,0.5\n", count: 200).utf8)
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress.unsafelyUnwrapped
            #expect(UTF8Validation.isValidVectorized(base, from: 0, to: buffer.count) == true)
            // A lone continuation byte in the middle, then a truncated sequence at the very end.
            var broken = Array(buffer)
            broken[broken.count / 2] = 0x80
            broken.withUnsafeBufferPointer { #expect(!UTF8Validation.isValid($0.baseAddress!, from: 0, to: $0.count)) }
            var truncated = Array(buffer)
            truncated += [0xE4, 0xB8]
            truncated.withUnsafeBufferPointer {
                #expect(!UTF8Validation.isValid($0.baseAddress!, from: 0, to: $0.count))
            }
        }
    }

    struct Cells: CSVCellSink {
        var cells: [[UInt8]] = []

        mutating func cell(_ column: Int, _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, escaped: Bool) {
            var bytes = Array(UnsafeBufferPointer(start: base + start, count: count))
            if escaped { bytes = CSVScanner.unescaped(bytes) }
            cells.append(bytes)
        }
    }

    @Test func blockCSVSplittingAgreesWithTheScanner() {
        var random = SeededRandom(seed: 5)
        let cells: [String] = [
            "", "a", "成都", "0853-44137280", String(repeating: "x", count: 70), "\"q\"", "a\"b", "\r",
        ]
        for _ in 0..<3000 {
            var line = (0..<random.below(40)).map { _ in cells[random.below(cells.count)] }.joined(separator: ",")
            if random.below(3) == 0 { line += "\r" }
            let text = Array((line + (random.below(4) == 0 ? "" : "\n") + "next,line\n").utf8)
            let buffer = ChunkBuffer(capacity: text.count)
            buffer.pointer.update(from: text, count: text.count)
            var fast = Cells()
            var general = Cells()
            let fastScan = CSVScanner.scanPaddedRecord(
                buffer.pointer, start: 0, end: text.count, isFinal: true, maximumRecordBytes: 1 << 20, sink: &fast)
            let generalScan = CSVScanner.scanRecord(
                buffer.pointer, start: 0, end: text.count, isFinal: true, maximumRecordBytes: 1 << 20, sink: &general)
            #expect(fast.cells == general.cells, "\(line.debugDescription)")
            #expect(fastScan.next == generalScan.next && fastScan.cells == generalScan.cells)
            #expect(fastScan.status == generalScan.status && fastScan.newlines == generalScan.newlines)
        }
    }

    @Test(arguments: ValidatorPatternTests.standardPatterns + ["^[A-Z]{2}[0-9]{2,4}-?[0-9]{1,3}X?$", "a?b?c?", "^$|x"])
    func patternShapesAgreeWithICU(_ source: String) throws {
        let pattern = try ValuePattern(source)
        var random = SeededRandom(seed: UInt64(source.utf8.count))
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXYZabcxyz-P?\n ".utf8)
        var samples = ValidatorPatternTests.samples.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        for _ in 0..<2000 {
            samples.append(
                String(
                    decoding: (0..<random.below(26)).map { _ in alphabet[random.below(alphabet.count)] }, as: UTF8.self)
            )
        }
        // Values of the pattern itself, and near misses.
        if let simple = SimplePattern(parsing: source) {
            for _ in 0..<300 {
                guard let items = simple.alternatives.randomElement(using: &random) else { break }
                var value: [UInt8] = []
                for item in items {
                    let members = (UInt8(0)..<128).filter { item.set.containsASCII($0) && $0 >= 0x20 }
                    let upper = item.maximum == Int.max ? item.minimum + 3 : item.maximum
                    for _ in 0..<(item.minimum + random.below(upper - item.minimum + 1)) where !members.isEmpty {
                        value.append(members[random.below(members.count)])
                    }
                }
                samples.append(String(decoding: value, as: UTF8.self))
                if !value.isEmpty {
                    value[random.below(value.count)] = alphabet[random.below(alphabet.count)]
                    samples.append(String(decoding: value, as: UTF8.self))
                }
            }
        }
        for sample in samples {
            var copy = sample
            let icu = copy.withUTF8 { buffer in
                pattern.matchesWithICU(
                    buffer.baseAddress ?? UnsafePointer(bitPattern: 8).unsafelyUnwrapped, buffer.count)
            }
            #expect(pattern.matches(sample) == icu, "\(source) on \(sample.debugDescription)")
        }
    }

    @Test func shortCodeTablesAgreeWithHashedLookups() throws {
        let standard = try #require(ValidatorPropertyTests.sichuan)
        for (id, table) in standard.codeTables {
            let lookup = CodeLookup(table)
            guard let short = lookup.short?.handle else {
                #expect(table.entries.contains { !(1...7).contains($0.code.utf8.count) }, "\(id) has a short table")
                continue
            }
            var probes = table.entries.map(\.code) + ["", "0", "ZZ9", "510104 ", "1234567", "12345678", "成都"]
            probes +=
                table.entries.prefix(50).map { $0.code + "0" }
                + table.entries.prefix(50).map { String($0.code.dropLast()) }
            for probe in probes where !probe.isEmpty {
                var copy = probe
                copy.withUTF8 { buffer in
                    let base = buffer.baseAddress.unsafelyUnwrapped
                    #expect(short.payload(base, buffer.count) == lookup.entryIndex(base, buffer.count).map(UInt32.init))
                }
            }
        }
    }

    @Test func theUnrolledUSCCCheckAgreesWithTheDiagnosis() {
        var random = SeededRandom(seed: 31)
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZa-成".utf8)
        for round in 0..<20_000 {
            var code = Array(SyntheticRecordGenerator.socialCreditCode(division: "510104", index: round * 7919).utf8)
            for _ in 0..<random.below(3) { code[random.below(code.count)] = alphabet[random.below(alphabet.count)] }
            if round % 11 == 0 { code.removeLast() }
            let text = String(decoding: code, as: UTF8.self)
            let thrown: CodeError.Code?
            do {
                _ = try SocialCreditCode(text)
                thrown = nil
            } catch {
                thrown = error.code
            }
            let checked = code.withUnsafeBufferPointer { SocialCreditCode.check($0) }
            #expect(checked == thrown, "\(text)")
            let permit = code + Array("001P".utf8)
            let permitThrown: CodeError.Code?
            do {
                _ = try PermitNumber(String(decoding: permit, as: UTF8.self))
                permitThrown = nil
            } catch {
                permitThrown = error.code
            }
            #expect(permit.withUnsafeBufferPointer { PermitNumber.check($0) } == permitThrown)
        }
    }

    @Test func gb18030ChunksOfEverySizeLoseNothing() throws {
        // Buffers that end a byte or two short of a whole character used to read as the end of the input.
        let url = try #require(
            Bundle.module.url(forResource: "validator-gb18030-sites", withExtension: "csv", subdirectory: "Fixtures"))
        let fixture = Array(try Data(contentsOf: url))
        let headerEnd = try #require(fixture.firstIndex(of: 0x0A))
        var bytes = Array(fixture[...headerEnd])
        for _ in 0..<300 { bytes += fixture[(headerEnd + 1)...] }
        func run(_ chunkSize: Int) throws -> (Int, [String]) {
            let validator = try RecordValidator(
                standard: Fixture.standard, entity: "site",
                options: Fixture.options(chunkSize: chunkSize, encoding: .gb18030))
            var issues: [String] = []
            let report = try validator.validate([ValidationInput(entity: "site", bytes: bytes, name: "g.csv")]) {
                issues.append("\($0.recordNumber ?? -1) \($0.line) \($0.ruleID)")
            }
            return (report.records, issues)
        }
        let expected = try run(1 << 20)
        #expect(expected.0 == 900)
        for chunkSize in stride(from: 64, through: 700, by: 23) {
            let result = try run(chunkSize)
            #expect(result.0 == expected.0 && result.1 == expected.1, "chunk size \(chunkSize)")
        }
    }

    @Test func unknownJSONKeysMakeOnlyTheirFirstRecordInvalidWhateverTheChunks() throws {
        // The key is reported once per file; records in later chunks that have it too are valid.
        let lines = (1...400).map { index in
            ReaderJSONTests.record(String(format: "S%04d", index), extra: index % 3 == 0 ? "" : ", \"stray\": 1")
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        func run(_ chunkSize: Int) throws -> (valid: Int, issues: [String]) {
            let validator = try RecordValidator(
                standard: Fixture.standard, entity: "site", options: Fixture.options(chunkSize: chunkSize))
            var issues: [String] = []
            let report = try validator.validate([ValidationInput(entity: "site", bytes: bytes, name: "s.jsonl")]) {
                issues.append("\($0.recordNumber ?? -1) \($0.ruleID) \($0.field ?? "")")
            }
            return (report.validRecords, issues)
        }
        let whole = try run(1 << 20)
        #expect(whole.issues.filter { $0.contains(ValidationIssue.RuleID.inputUnknownColumn) }.count == 1)
        for chunkSize in [300, 1000, 4096] {
            let chunked = try run(chunkSize)
            #expect(chunked.valid == whole.valid && chunked.issues == whole.issues, "chunk size \(chunkSize)")
        }
    }

    @Test func permitNumbersAfterTheirUSCCAreCheckedLikeAnyOther() throws {
        // The worker remembers the USCC it validated last and checks only the tail of a permit number starting with
        // it: every tail must get the verdict of PermitNumber.check.
        let uscc = Fixture.usccJinjiang
        let other = Fixture.usccMianyang
        let tails = ["001P", "001W", "999Z", "001p", "01P", "0001P", "00AP", "0A1P", "001?", "001成", "001", ""]
        var lines = ["site_id,company_id,name,division_code,uscc,permit"]
        var expected: [Int: Bool] = [:]
        var record = 0
        for holder in [uscc, other, String(uscc.dropLast()) + "0"] {
            for tail in tails {
                for usccCell in [uscc, ""] {
                    record += 1
                    var permit = holder + tail
                    lines.append("S\(String(format: "%04d", record)),C001,站点,510104,\(usccCell),\(permit)")
                    expected[record] = permit.withUTF8 { PermitNumber.check($0) == nil }
                }
            }
        }
        let (_, issues) = try Fixture.validate(lines.joined(separator: "\n") + "\n")
        let codeRules: Set<String> = [
            ValidationIssue.RuleID.fieldType, ValidationIssue.RuleID.fieldChecksum, ValidationIssue.RuleID.fieldCode,
        ]
        let rejected = Set(
            issues.filter { $0.field == "permit" && codeRules.contains($0.ruleID) }.compactMap(\.recordNumber))
        for (record, valid) in expected {
            #expect(rejected.contains(record) == !valid, "record \(record)")
        }
    }

    static var entities: [String] { (ValidatorPropertyTests.sichuan?.entities.map(\.id) ?? []) }

    @Test(.enabled(if: ValidatorPropertyTests.sichuan != nil), arguments: [1, 2] as [UInt64])
    func theByteGeneratorMakesTheRecordsOfTheStringGenerator(seed: UInt64) throws {
        let standards = [try #require(ValidatorPropertyTests.sichuan), Fixture.standard]
        for standard in standards {
            for entity in standard.entities.map(\.id) {
                var strings = try SyntheticRecordGenerator(
                    standard: standard, entity: entity, asOf: Fixture.asOf, seed: seed)
                var bytes = strings
                let plan = FastRecordPlan(bytes)
                var record = FastRecord(fields: bytes.entity.fields.count)
                defer { record.deallocate() }
                for index in 0..<200 {
                    bytes.makeRecord(index, plan: plan, into: &record)
                    let expected = strings.record(index)
                    #expect(record.strings() == expected, "\(entity) record \(index)")
                    if record.strings() != expected { break }
                }
                // The generators are in step.
                #expect(strings.record(200) == bytes.record(200), "\(entity)")
            }
        }
    }

    @Test(arguments: ["regulated_entity", "permit", "site"])
    func writtenCSVIsTheStringGeneratorsCSV(entity: String) throws {
        let standard =
            entity == "site" ? Fixture.standard : try #require(ValidatorPropertyTests.sichuan)
        let rows = 700
        var reference = try SyntheticRecordGenerator(standard: standard, entity: entity, asOf: Fixture.asOf, seed: 9)
        var output: [UInt8] = []
        SyntheticRecordGenerator.appendCSV(reference.header, to: &output)
        let plan = reference.defectPlan(rows: rows, count: 40)
        var expectedDefects: [SyntheticRecordGenerator.Defect] = []
        var first: [String] = []
        for index in 0..<rows {
            var values = reference.record(index)
            if index == 0 { first = values }
            if let defect = plan[index] {
                expectedDefects.append(
                    reference.plant(
                        defect.kind, slot: defect.slot, in: &values, recordNumber: index + 1, earlierRecord: first))
            }
            SyntheticRecordGenerator.appendCSV(values, to: &output)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fast-\(entity)-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = try SyntheticRecordGenerator(standard: standard, entity: entity, asOf: Fixture.asOf, seed: 9)
        let defects = try generator.writeCSV(rows: rows, defects: 40, to: path)
        #expect(defects == expectedDefects)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(output))
    }
}
