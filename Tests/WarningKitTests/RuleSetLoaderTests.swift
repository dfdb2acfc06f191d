import DataStandard
import Foundation
import Testing
import WarningKit

/// Rules as data: the YAML of Specs/warning-rules, city namespaces and overrides, and located lint errors.
struct RuleSetLoaderTests {
    typealias T = RuleTest

    static var rulesFolder: URL { T.specs.appendingPathComponent("warning-rules") }

    @Test func theProvinceRulesLoad() throws {
        let result = RuleSetLoader().read(directory: Self.rulesFolder)
        #expect(!result.hasErrors, "\(result.diagnostics)")
        let catalog = try #require(result.catalog)
        #expect(catalog.base.id == "sichuan")
        #expect(catalog.base.version == "2026.1")
        #expect(catalog.cities.map(\.id) == ["cd"])
        #expect(catalog.cities.first?.division == "510100")
        let kinds = Set(catalog.base.rules.map(\.kind))
        #expect(kinds == Set(WarningRuleKind.allCases))
        for rule in catalog.base.rules {
            #expect(rule.type == rule.kind.defaultWarningType, "\(rule.id)")
            #expect(rule.location?.line ?? 0 > 0)
        }
        let constant = try #require(catalog.base.rules.first { $0.id == "sichuan.constant.hourly" })
        #expect(constant.number("min_hours") == 4)
        #expect(constant.excludedPollutants == ["a01012", "a01013", "a01014"])
        #expect(constant.status == .sourced)
    }

    @Test func aCityDeploymentAppliesItsOverridesEverywhere() throws {
        let rules = try RuleSetLoader().load(directory: Self.rulesFolder, city: "cd")
        #expect(rules.version == "2026.1+cd.2026.1")
        #expect(rules.namespaces == ["sichuan", "cd"])
        let constant = try #require(rules.rule("sichuan.constant.hourly"))
        #expect(constant.number("min_hours") == 3)
        #expect(constant.version == "2026.1+cd.2026.1")
        #expect(constant.scope.isEmpty)
        let override = try #require(constant.overrides.first)
        #expect(override.namespace == "cd")
        #expect(override.reason.zh.contains("成都"))
        let base = try #require(RuleSetLoader().load(directory: Self.rulesFolder).rules.first { $0.id == constant.id })
        #expect(override.changes(to: base) == ["params.min_hours: 4 → 3"])
        #expect(rules.rule("sichuan.missing.hourly")?.level == .yellow)
        #expect(rules.rule("cd.exceedance.sustained")?.level == .red)
        #expect(rules.overrides.count == 2)
    }

    @Test func aProvinceDeploymentScopesCityRulesToTheCity() throws {
        let rules = try RuleSetLoader().load(directory: Self.rulesFolder)
        let variants = rules.rules.filter { $0.id == "sichuan.constant.hourly" }
        #expect(variants.count == 2)
        #expect(variants[0].excludedScope == ["510100"] && variants[0].number("min_hours") == 4)
        #expect(variants[1].scope == ["510100"] && variants[1].number("min_hours") == 3)
        #expect(rules.rule("cd.exceedance.sustained")?.scope == ["510100"])
        #expect(variants[0].applies(toDivision: "510704"))
        #expect(!variants[0].applies(toDivision: "510104"))
        #expect(variants[1].applies(toDivision: "510104"))
        #expect(variants[0].applies(toDivision: nil) && !variants[1].applies(toDivision: nil))
    }

    @Test func theEngineRunsScopedRulesByTheDivisionOfThePoint() throws {
        let rules = try RuleSetLoader().load(directory: Self.rulesFolder)
        let chengdu = T.profile("51010400000001", division: "510104")
        let mianyang = T.profile("51070400000001", division: "510704")
        var engine = try RuleEngine(rules: rules, profiles: [chengdu, mianyang])
        var readings: [Reading] = []
        for point in [chengdu.point, mianyang.point] {
            for hour in 0..<5 {
                readings += T.minutes(T.nox, from: T.at(hour), count: 60, point: point, value: { _ in 42.5 })
                readings += T.minutes(T.so2, from: T.at(hour), count: 60, point: point, value: { 30 + Double($0 % 5) })
                readings += T.oxygenHour(hour, point: point)
                    .map {
                        Reading(
                            point: $0.point, pollutant: $0.pollutant, time: $0.time,
                            value: 9 + Double(($0.time / 60) % 3) / 10)
                    }
                readings += T.flowHour(hour, point: point)
                    .map {
                        Reading(
                            point: $0.point, pollutant: $0.pollutant, time: $0.time,
                            value: 5000 + Double(($0.time / 60) % 4))
                    }
            }
        }
        let warnings = T.run(&engine, readings, end: T.at(5)).filter { $0.type == "04" && $0.pollutant == T.nox }
        // Chengdu judges 3 hours, the province 4.
        #expect(warnings.map(\.point) == [chengdu.point, mianyang.point])
        #expect(warnings.map(\.triggeredAt) == [T.at(3), T.at(4)])
        #expect(warnings.first?.ruleVersion == "2026.1+cd.2026.1")
        #expect(warnings.last?.ruleVersion == "2026.1")
    }

    // MARK: Lint

    func lint(_ files: [(String, String)]) -> [String] {
        RuleSetLoader().read(texts: files.map { (file: $0.0, text: $0.1) }, specs: T.specs).diagnostics
            .map(\.description)
    }

    static let header = """
        kind: warning_rules
        namespace: sichuan
        version: "1"
        rules:

        """

    static func rule(_ body: String) -> String {
        header + body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    static let good = """
        - id: sichuan.zero
          kind: zero
          level: 3
          name: {zh: 零值, en: Zero}
          message: {zh: "{point}", en: "{point}"}
        """

    @Test func aGoodFileHasNoDiagnostics() {
        #expect(lint([("rules.yaml", Self.rule(Self.good))]) == [])
    }

    @Test func lintErrorsAreLocated() {
        let cases: [(String, String)] = [
            (
                Self.good.replacingOccurrences(of: "level: 3", with: "level: 3\n  colour: red"),
                "rules.yaml:8:5: error: unknown key `rules[0].colour` [rules.unknown-key]"
            ),
            (
                Self.good.replacingOccurrences(of: "kind: zero", with: "kind: zeros"),
                "rules.yaml:6:11: error: `rules[0].kind` must be one of"
            ),
            (
                Self.good + "\n  params: {min_minuts: 5}",
                "rules.yaml:10:26: error: `min_minuts` is not a parameter of kind `zero`"
            ),
            (
                Self.good + "\n  params: {min_minutes: five}",
                "rules.yaml:10:27: error: `params.min_minutes` must be a whole number"
            ),
            (
                Self.good + "\n  params: {min_minutes: 0}",
                "rules.yaml:10:27: error: `params.min_minutes` must be at least 1.0"
            ),
            (
                Self.good.replacingOccurrences(of: "en: \"{point}\"", with: "en: \"{pont}\""),
                "rules.yaml:9:14: error: unknown placeholder `{pont}`"
            ),
            (
                Self.good.replacingOccurrences(of: "level: 3", with: "level: 5"),
                "rules.yaml:7:12: error: `level` must be a warning_level code"
            ),
            (
                Self.good.replacingOccurrences(of: "kind: zero", with: "kind: zero\n  type: \"77\""),
                "rules.yaml:5:5: error: rule `sichuan.zero`: `77` is not a code of the standard's warning_type table"
            ),
            (
                Self.good + "\n" + Self.good,
                "rules.yaml:10:5: error: duplicate rule id `sichuan.zero` (first at rules.yaml:5:5)"
            ),
            (
                Self.good.replacingOccurrences(of: "id: sichuan.zero", with: "id: cd.zero"),
                "rules.yaml:5:5: error: rule id `cd.zero` must start with `sichuan.`"
            ),
            (Self.good + "\n  params: {flags: [F]}", "`flags` is not a parameter of kind `zero`"),
            (
                Self.good.replacingOccurrences(of: "name: {zh: 零值, en: Zero}", with: "name: {zh: 零值, en: [Zero}"),
                "rules.yaml:8:29: error: YAML syntax error"
            ),
        ]
        for (body, expected) in cases {
            let diagnostics = lint([("rules.yaml", Self.rule(body))])
            #expect(diagnostics.contains { $0.contains(expected) }, "expected \(expected) in \(diagnostics)")
        }
    }

    static let city = """
        kind: warning_rules
        namespace: cd
        extends: sichuan
        version: "1"
        overrides:
          - rule: sichuan.zero
            reason: {zh: 理由, en: Reason}
            params: {min_minutes: 30}
        rules:
          - id: cd.negative
            kind: negative
            level: 4
            name: {zh: 负值, en: Negative}
            message: {zh: "{point}", en: "{point}"}
        """

    @Test func aCityFileOverridesAndAdds() throws {
        let result = RuleSetLoader().read(
            texts: [("sichuan.yaml", Self.rule(Self.good)), ("cd.yaml", Self.city)], specs: T.specs)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let rules = try #require(result.catalog?.ruleSet(city: "cd"))
        #expect(rules.rule("sichuan.zero")?.number("min_minutes") == 30)
        #expect(rules.rule("cd.negative") != nil)
    }

    @Test func aCityNeverChangesARuleSilently() {
        let cases: [(String, String)] = [
            (
                Self.city.replacingOccurrences(of: "    reason: {zh: 理由, en: Reason}\n", with: ""),
                "cd.yaml:6:5: error: an override needs a `reason`"
            ),
            (
                Self.city.replacingOccurrences(of: "rule: sichuan.zero", with: "rule: sichuan.zer0"),
                "cd.yaml:6:5: error: override of `sichuan.zer0`, which is not a rule of `sichuan`"
            ),
            (
                Self.city.replacingOccurrences(of: "id: cd.negative", with: "id: sichuan.zero"),
                "error: duplicate rule id `sichuan.zero`"
            ),
            (
                Self.city.replacingOccurrences(of: "min_minutes: 30", with: "min_hours: 30"),
                "cd.yaml:6:5: error: `min_hours` is not a parameter of kind `zero`"
            ),
            (
                Self.city.replacingOccurrences(of: "namespace: cd", with: "namespace: zz"),
                "error: namespace `zz` is not declared in the standard's `namespaces`"
            ),
            (
                Self.city.replacingOccurrences(of: "extends: sichuan", with: "extends: chongqing"),
                "error: namespace `cd` extends `chongqing`"
            ),
        ]
        for (text, expected) in cases {
            let diagnostics = lint([("sichuan.yaml", Self.rule(Self.good)), ("cd.yaml", text)])
            #expect(diagnostics.contains { $0.contains(expected) }, "expected \(expected) in \(diagnostics)")
        }
    }

    @Test func anEmptyOverrideIsAWarning() {
        let text = Self.city.replacingOccurrences(of: "min_minutes: 30", with: "min_minutes: 60")
        let result = RuleSetLoader().read(
            texts: [("sichuan.yaml", Self.rule(Self.good)), ("cd.yaml", text)], specs: T.specs)
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.check) == ["rules.override-empty"])
    }

    @Test func anUnknownCityIsAnError() {
        do {
            _ = try RuleSetLoader().load(directory: Self.rulesFolder, city: "xx")
            Issue.record("loaded an unknown city")
        } catch {
            #expect(error.description.contains("no city namespace `xx`"))
        }
    }

    @Test func aFolderWithABrokenFileFailsWithEveryError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("sichuan"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.rule(Self.good + "\n  bogus: 1\n  params: {min_minutes: -1}").write(
            to: folder.appendingPathComponent("sichuan/rules.yaml"), atomically: true, encoding: .utf8)
        do {
            _ = try RuleSetLoader().load(directory: folder)
            Issue.record("a broken folder loaded")
        } catch {
            let errors = error.diagnostics.filter { $0.severity == .error }
            #expect(errors.count == 2)
            #expect(errors.allSatisfy { $0.location?.file.hasSuffix("sichuan/rules.yaml") == true })
        }
    }
}
