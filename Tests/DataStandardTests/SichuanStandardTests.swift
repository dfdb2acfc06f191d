import DataStandard
import EnforcementModel
import Foundation
import Testing

/// The bundled Sichuan standard itself: it loads, lints clean, and covers what the design asks for.
struct SichuanStandardTests {
    static func load() throws -> StandardSpec {
        try #require(EntityDriftTests.standard, "the bundled standard must load without errors")
    }

    @Test func loadsAndLintsWithoutErrors() throws {
        let directory = try StandardLoader.defaultStandardDirectory(specs: EntityDriftTests.repositorySpecs)
        let result = StandardLoader().read(directory: directory)
        #expect(!result.hasErrors, "\(result.diagnostics.filter { $0.severity == .error })")
        let standard = try #require(result.standard)
        let findings = StandardLinter().lint(standard)
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)")
    }

    @Test func everyYAMLFileUnderSpecsParses() throws {
        let root = EntityDriftTests.repositorySpecs
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" }
        #expect(files.count > 140)
        let standard = try Self.load()
        let entityCount = standard.entities.count
        let tableCount = standard.codeTables.count
        // Every YAML file is either part of the standard (an entity, table, extension or the header) or the calendar.
        let standardFiles = files.filter { $0.path.contains("/sichuan-enforcement/1.0/") }
        #expect(standardFiles.count == entityCount - 1 + tableCount + 2 + 1)  // my_patrol_log is an extension
        #expect(
            try CalendarLoader().load(file: root.appendingPathComponent("calendar/prc-holidays.yaml")).knownYears
                == [2024, 2025, 2026])
    }

    @Test func coversAllTwentyThreeResourcesAndThePlatformEntities() throws {
        let standard = try Self.load()
        let resources = Set(standard.entities.compactMap(\.resource))
        #expect(resources == Set(1...23))
        let platform = Set(standard.entities.filter { $0.category == .platform }.map(\.id))
        for id in [
            "clue", "warning", "task", "duty_roster", "inspection", "penalty_case", "enforcement_document", "evidence",
            "assessment", "officer", "agency", "equipment", "public_report", "reward",
        ] {
            #expect(platform.contains(id), "platform entity \(id) is missing")
        }
        for entity in standard.entities where entity.namespace == nil {
            #expect(entity.divisionField != nil, "\(entity.id) carries no division code")
            for field in entity.fields {
                #expect(!field.name.zh.isEmpty && !field.name.en.isEmpty, "\(entity.id).\(field.id) lacks a name")
            }
        }
    }

    @Test func theDivisionTableIsTheWholeOfSichuan() throws {
        let catalog = try Self.load().divisionCatalog()
        let current = catalog.divisions.filter { !$0.isDeprecated }
        #expect(current.filter { $0.level == .province }.map(\.code.stringValue) == ["510000"])
        #expect(current.filter { $0.level == .city }.count == 21)
        #expect(current.filter { $0.level == .county }.count == 183)
        let sichuan = try DivisionCode("510000")
        let chengdu = try DivisionCode("510100")
        let jinjiang = try DivisionCode("510104")
        let jianyang = try DivisionCode("510185")
        #expect(catalog.isWithin(jinjiang, chengdu))
        #expect(catalog.isWithin(jianyang, chengdu))
        #expect(catalog.isWithin(chengdu, sichuan))
        #expect(!catalog.isWithin(try DivisionCode("510704"), chengdu))
        #expect(catalog.children(of: try DivisionCode("510100")).count == 20)  // 12 districts, 3 counties, 5 cities
        // Every current county hangs under a current city of Sichuan.
        for county in current where county.level == .county {
            let parent = try #require(county.parent)
            #expect(catalog.division(parent)?.level == .city, "\(county.code)")
        }
    }
}
