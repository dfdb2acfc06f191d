import Foundation
import Testing

struct ValidateCommandTests {
    static var sampleData: URL { CLIRunner.repository.appendingPathComponent("Examples/sample-data") }

    static func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    @Test func theCleanSampleSetIsValidWithReferencesResolved() throws {
        let entities = ["regulated_entity", "permit", "permit_outlet", "monitoring_point", "agency", "officer", "clue"]
        let inputs = entities.map { "\($0)=\(Self.sampleData.appendingPathComponent("\($0).csv").path)" }
        let result = try CLIRunner.run(["validate", "--as-of", "2026-11-29", "--format", "json"] + inputs)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        #expect((report["errors"] as? [Any])?.isEmpty == true)
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
        #expect(report["records"] as? Int == 40 + 38 + 65 + 50 + 21 + 46 + 32)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["referencesNotChecked"] as? Int == 0)
        let quality = try #require(summary["quality"] as? [String: Any])
        let perEntity = try #require(quality["entities"] as? [[String: Any]])
        #expect(perEntity.count == entities.count)
        let outlets = try #require(perEntity.first { $0["entity"] as? String == "permit_outlet" })
        let references = try #require(outlets["referentialIntegrity"] as? [String: Any])
        #expect((references["denominator"] as? Int ?? 0) >= 65)
        #expect(references["numerator"] as? Int == references["denominator"] as? Int)
    }

    @Test func everyPlantedDefectIsFoundAndLocated() throws {
        let file = Self.sampleData.appendingPathComponent("regulated_entity_with_defects.csv")
        let result = try CLIRunner.run([
            "validate", "--entity", "regulated_entity", "--as-of", "2026-11-29", "--format", "json", file.path,
        ])
        #expect(result.status == 1)
        let report = try #require(try result.json() as? [String: Any])
        let errors = try #require(report["errors"] as? [[String: Any]])
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(report["records"] as? Int == 12)
        // The README of the sample data lists 9 errors and 1 warning, by line.
        let found = Set(errors.map { "\($0["line"] as? Int ?? 0):\($0["ruleId"] as? String ?? "")" })
        #expect(
            found == [
                "3:field.checksum", "4:field.required", "5:RE-R01", "7:record.duplicate-key", "8:field.code",
                "9:RE-R03", "10:RE-R04", "13:field.type",
            ])
        #expect(errors.count == 9)  // the bad USCC also breaks the permit number that embeds it
        #expect(warnings.map { $0["ruleId"] as? String } == ["RE-R02"])
        for error in errors {
            #expect(error["file"] as? String == file.path)
            #expect(error["entity"] as? String == "regulated_entity")
            #expect(error["recordNumber"] as? Int != nil)
            #expect(error["recordKey"] as? String != nil)
            #expect(error["field"] as? String != nil)
            let message = try #require(error["message"] as? [String: String])
            #expect(message["zh"]?.isEmpty == false)
            #expect(message["en"]?.isEmpty == false)
        }
        let checksum = try #require(errors.first { $0["ruleId"] as? String == "field.checksum" })
        #expect(checksum["value"] as? String == "91510604MA66BLDX30")
    }

    @Test func gb18030InputIsDetectedAndGivesTheSameFindings() throws {
        let source = try String(
            contentsOf: Self.sampleData.appendingPathComponent("regulated_entity_with_defects.csv"), encoding: .utf8)
        let converted = try gb18030(source)
        let gb = try #require(converted)
        #expect(gb != Data(source.utf8))
        let file = try Self.temporaryFile("gb.csv", gb)
        for flags in [[], ["--encoding", "gb18030"]] {
            let result = try CLIRunner.run(
                ["validate", "--entity", "regulated_entity", "--as-of", "2026-11-29", "--format", "json"] + flags + [
                    file.path
                ])
            #expect(result.status == 1, "\(result.stderr)")
            let report = try #require(try result.json() as? [String: Any])
            #expect((report["errors"] as? [Any])?.count == 9)
        }
    }

    /// GB18030 bytes by iconv, for toolchains whose Foundation lacks the encoding.
    private func gb18030(_ text: String) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? data : nil
    }

    @Test func malformedRowsAreLocatedAndTheRestIsStillChecked() throws {
        let csv = """
            agency_code,name,level,agency_type,division_code,duty_phone,address,updated_at
            51010001,成都市生态环境保护综合行政执法支队,2,1,510100,028-12345678,成都市某路1号,2026-11-01 09:00:00
            51010002,too,many,columns,510100,028-12345678,x,2026-11-01 09:00:00,extra
            51010003,"unterminated,2,1,510100,028-12345678,x,2026-11-01 09:00:00
            51010004,锦江区生态环境保护综合行政执法大队,3,2,519999,028-12345678,成都市某路2号,2026-11-01 09:00:00

            """
        let file = try Self.temporaryFile("agency.csv", Data(csv.utf8))
        let result = try CLIRunner.run([
            "validate", "--entity", "agency", "--as-of", "2026-11-29", "--format", "json", file.path,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(try result.json() as? [String: Any])
        let errors = try #require(report["errors"] as? [[String: Any]])
        let rules = errors.map { $0["ruleId"] as? String ?? "" }
        #expect(rules.contains("input.ragged-row"))
        #expect(rules.contains { $0 == "input.broken-quote" || $0 == "input.ragged-row" })
        // The record after the broken lines is still checked: its division does not exist.
        #expect(errors.contains { $0["line"] as? Int == 5 && $0["field"] as? String == "division_code" })
    }

    @Test func jsonLinesInputIsValidated() throws {
        let lines = """
            {"agency_code":"51010001","name":"成都市生态环境保护综合行政执法支队","level":"2","agency_type":"1","division_code":"510100","duty_phone":"028-12345678","address":"成都市某路1号","updated_at":"2026-11-01 09:00:00"}
            {"agency_code":"51010002","name":"x"
            {"agency_code":"51010003","name":"锦江区生态环境保护综合行政执法大队","level":"3","agency_type":"2","division_code":"510104","duty_phone":"12369","address":"成都市某路2号","updated_at":"2026-13-01 09:00:00"}

            """
        let file = try Self.temporaryFile("agency.jsonl", Data(lines.utf8))
        let result = try CLIRunner.run([
            "validate", "--entity", "agency", "--as-of", "2026-11-29", "--format", "json", file.path,
        ])
        #expect(result.status == 1)
        let report = try #require(try result.json() as? [String: Any])
        let errors = try #require(report["errors"] as? [[String: Any]])
        #expect(errors.contains { $0["ruleId"] as? String == "input.json" && $0["line"] as? Int == 2 })
        #expect(errors.contains { $0["ruleId"] as? String == "field.type" && $0["field"] as? String == "updated_at" })
    }

    @Test func unreadableInputAndUnknownEntityExitTwo() throws {
        let missing = try CLIRunner.run(["validate", "--entity", "agency", "/nonexistent/file.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/file.csv"))
        let unknown = try CLIRunner.run([
            "validate", "--entity", "no_such", Self.sampleData.appendingPathComponent("agency.csv").path,
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown entity"))
        let noFiles = try CLIRunner.run(["validate", "--entity", "agency"])
        #expect(noFiles.status == 2)
    }
}
