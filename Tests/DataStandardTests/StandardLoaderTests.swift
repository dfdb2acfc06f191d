import DataStandard
import Foundation
import Testing

/// A standard written into a temporary folder, file by file, for loader and linter tests.
struct TemporaryStandard {
    let root: URL
    var directory: URL { root.appendingPathComponent("sichuan-enforcement/1.0") }

    static let header = """
        standard: sichuan-enforcement
        version: "1.0"
        title: {zh: 测试标准, en: Test standard}
        exchange:
          header:
            - {id: standard, type: string, name: {zh: 标准标识, en: Standard id}}
            - {id: version, type: string, name: {zh: 版本, en: Version}}
            - {id: entity, type: string, name: {zh: 实体, en: Entity}}
            - {id: sender_division, type: division, name: {zh: 发送方区划, en: Sender division}}
            - {id: batch_id, type: string, name: {zh: 批次号, en: Batch id}}
            - {id: created_at, type: datetime, name: {zh: 生成时间, en: Created at}}
            - {id: record_count, type: integer, name: {zh: 记录数, en: Record count}}
            - {id: body_sha256, type: string, name: {zh: 报文摘要, en: Body SHA-256}}
        namespaces:
          - {id: cd, division: "510100", name: {zh: 成都市扩展, en: Chengdu extension}}

        """

    static let divisionTable = """
        standard: sichuan-enforcement
        version: "1.0"
        code_table:
          id: division
          name: {zh: 行政区划, en: Divisions}
          hierarchical: true
          codes:
            - {code: "510000", zh: 四川省, en: Sichuan}
            - {code: "510100", zh: 成都市, en: Chengdu, parent: "510000"}
            - {code: "510104", zh: 锦江区, en: Jinjiang, parent: "510100"}

        """

    static let entity = """
        standard: sichuan-enforcement
        version: "1.0"
        entity:
          id: regulated_entity
          name: {zh: 排污单位, en: Regulated entity}
          key: [uscc]
          division_field: division_code
          fields:
            - id: uscc
              name: {zh: 统一社会信用代码, en: USCC}
              type: uscc
              required: true
            - id: division_code
              name: {zh: 行政区划, en: Division}
              type: division
              required: true
            - id: name
              name: {zh: 单位名称, en: Name}
              type: string
              required: true
              length: {max: 100}

        """

    init(files: [String: String] = [:], defaults: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("std-\(UUID().uuidString)")
        var all = files
        if defaults {
            all["standard.yaml"] = all["standard.yaml"] ?? Self.header
            all["codes/division.yaml"] = all["codes/division.yaml"] ?? Self.divisionTable
            all["entities/regulated_entity.yaml"] = all["entities/regulated_entity.yaml"] ?? Self.entity
        }
        for (path, text) in all {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    func read() -> StandardLoadResult { StandardLoader().read(directory: directory) }

    func lint() throws -> [StandardDiagnostic] {
        let result = read()
        #expect(!result.hasErrors, "load errors: \(result.diagnostics)")
        let standard = try #require(result.standard)
        return StandardLinter().lint(standard)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

extension Array where Element == StandardDiagnostic {
    func with(check: String) -> [StandardDiagnostic] { filter { $0.check == check } }
}

struct StandardLoaderTests {
    @Test func minimalStandardLoads() throws {
        let standard = try TemporaryStandard()
        defer { standard.remove() }
        let result = standard.read()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.standard)
        #expect(spec.id == "sichuan-enforcement")
        #expect(spec.version == "1.0")
        #expect(spec.entity("regulated_entity")?.fields.count == 3)
        #expect(spec.codeTables["division"]?.entry("510104")?.parent == "510100")
        #expect(spec.namespaces.map(\.id) == ["cd"])
        #expect(try standard.lint().filter { $0.severity == .error }.isEmpty)
    }

    @Test func syntaxErrorIsLocated() throws {
        let broken = TemporaryStandard.entity.replacingOccurrences(
            of: "  key: [uscc]", with: "  key: [uscc\n  other: 1")
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": broken])
        defer { standard.remove() }
        let result = standard.read()
        let error = try #require(result.diagnostics.with(check: "yaml.syntax").first)
        #expect(error.location?.file.hasSuffix("entities/regulated_entity.yaml") == true)
        #expect((error.location?.line ?? 0) >= 6)
        #expect(throws: DataStandardError.self) { try StandardLoader().load(directory: standard.directory) }
    }

    @Test func unknownKeyIsAnErrorAtItsLine() throws {
        let typo = TemporaryStandard.entity.replacingOccurrences(
            of: "      length: {max: 100}", with: "      lenght: {max: 100}")
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": typo])
        defer { standard.remove() }
        let error = try #require(standard.read().diagnostics.with(check: "spec.unknown-key").first)
        #expect(error.message.contains("lenght"))
        #expect(error.location?.line == 21)
        #expect(error.location?.column == 7)
    }

    @Test func missingKeyWrongTypeAndUnknownTypeAreReported() throws {
        let bad = TemporaryStandard.entity
            .replacingOccurrences(of: "      type: uscc\n", with: "")
            .replacingOccurrences(of: "      type: division\n", with: "      type: divison\n")
            .replacingOccurrences(of: "{max: 100}", with: "{max: many}")
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": bad])
        defer { standard.remove() }
        let diagnostics = standard.read().diagnostics
        #expect(diagnostics.with(check: "spec.missing-key").contains { $0.message.contains("type") })
        let unknownType = try #require(diagnostics.with(check: "spec.unknown-type").first)
        #expect(unknownType.message.contains("divison"))
        #expect(unknownType.location?.line == 14)  // one line less: `type: uscc` was removed above
        #expect(diagnostics.with(check: "spec.type").contains { $0.message.contains("length.max") })
    }

    @Test func duplicatesAreErrors() throws {
        let duplicateField =
            TemporaryStandard.entity + """
                    - id: name
                      name: {zh: 名称, en: Name}
                      type: string

                """
        let table =
            TemporaryStandard.divisionTable + "    - {code: \"510104\", zh: 锦江区, en: Jinjiang, parent: \"510100\"}\n"
        let standard = try TemporaryStandard(files: [
            "entities/regulated_entity.yaml": duplicateField,
            "entities/regulated_entity_copy.yaml": TemporaryStandard.entity,
            "codes/division.yaml": table,
        ])
        defer { standard.remove() }
        let duplicates = standard.read().diagnostics.with(check: "spec.duplicate").map(\.message)
        #expect(duplicates.contains { $0.contains("field `name`") })
        #expect(duplicates.contains { $0.contains("entity `regulated_entity` is declared twice") })
        #expect(duplicates.contains { $0.contains("code `510104` appears twice") })
    }

    @Test func duplicateMappingKeyIsASyntaxError() throws {
        let bad = TemporaryStandard.entity.replacingOccurrences(
            of: "  key: [uscc]\n", with: "  key: [uscc]\n  key: [name]\n")
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": bad])
        defer { standard.remove() }
        let error = try #require(standard.read().diagnostics.with(check: "yaml.syntax").first)
        #expect(error.message.contains("duplicate key"))
    }

    @Test func headersMustMatchTheFolder() throws {
        let wrong = TemporaryStandard.entity.replacingOccurrences(of: "version: \"1.0\"", with: "version: \"2.0\"")
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": wrong])
        defer { standard.remove() }
        let error = try #require(standard.read().diagnostics.with(check: "spec.header").first)
        #expect(error.message.contains("2.0"))
        #expect(error.location?.line == 2)
    }

    @Test func extensionsAddNamespacedFieldsAndEntities() throws {
        let fields = """
            standard: sichuan-enforcement
            version: "1.0"
            extension:
              namespace: cd
              extends: regulated_entity
              fields:
                - {id: cd_grid_code, name: {zh: 网格编码, en: Grid code}, type: string}
                - {id: grid_owner, name: {zh: 网格员, en: Grid owner}, type: string}
              rules:
                - {id: cd-R01, kind: required_if, field: cd_grid_code, when: {field: division_code, equals: "510104"}, message: {zh: 锦江区须填网格, en: Jinjiang needs a grid}}
                - {id: R99, kind: at_least_one, fields: [cd_grid_code, name], message: {zh: 甲, en: a}}
              masked: [grid_owner]

            """
        let entity = """
            standard: sichuan-enforcement
            version: "1.0"
            extension:
              namespace: zz
              entity:
                id: zz_log
                name: {zh: 日志, en: Log}
                key: [zz_id]
                fields:
                  - {id: zz_id, name: {zh: 编号, en: Id}, type: string, required: true}

            """
        let standard = try TemporaryStandard(files: [
            "extensions/cd/grid.yaml": fields, "extensions/zz/log.yaml": entity,
        ])
        defer { standard.remove() }
        let result = standard.read()
        #expect(result.standard?.entity("regulated_entity")?.field("cd_grid_code") != nil)
        #expect(result.standard?.entity("zz_log")?.namespace == "zz")
        #expect(result.standard?.entity("regulated_entity")?.rules.map(\.id) == ["cd-R01", "R99"])
        #expect(result.standard?.entity("regulated_entity")?.sharing.masked == ["grid_owner"])
        // `grid_owner` and rule `R99` lack the namespace prefix.
        #expect(result.diagnostics.with(check: "spec.namespace-prefix").count == 2)
        #expect(result.diagnostics.with(check: "spec.undeclared-namespace").count == 1)
    }

    @Test func unreadableFolderIsAnError() {
        let missing = URL(fileURLWithPath: "/nonexistent/sichuan-enforcement/1.0")
        #expect { try StandardLoader().load(directory: missing) } throws: { error in
            (error as? DataStandardError)?.code == .fileUnreadable
        }
    }
}

struct StandardLinterTests {
    @Test func danglingReferencesAndImpossibleRulesAreFound() throws {
        let entity =
            TemporaryStandard.entity + """
                    - id: valid_from
                      name: {zh: 起始, en: From}
                      type: date
                    - id: valid_to
                      name: {zh: 截止, en: To}
                      type: date
                    - id: permit_number
                      name: {zh: 许可证编号, en: Permit}
                      type: permit_number
                      ref: {entity: permit, field: permit_number}
                    - id: level
                      name: {zh: 级别, en: Level}
                      type: code
                      codes: control_level
                    - id: capacity
                      name: {zh: 能力, en: Capacity}
                      type: decimal
                      range: {min: 10, max: 1}
                    - id: remark
                      name: {zh: 备注, en: Remark}
                      type: string
                      pattern: "([a-z"
                  rules:
                    - {id: T-R01, kind: compare, left: name, op: lt, right: valid_to, message: {zh: 甲, en: a}}
                    - {id: T-R02, kind: required_if, field: name, when: {field: remark, present: true}, message: {zh: 乙, en: b}}
                    - {id: T-R03, kind: exclusive, fields: [uscc, name], message: {zh: 丙, en: c}}
                    - {id: T-R04, kind: at_least_one, fields: [remark, ghost], message: {zh: 丁, en: d}}
                    - {id: T-R05, kind: compare, left: valid_from, op: le, right: valid_to, message: {zh: 戊, en: e}}
                    - {id: T-R06, kind: within_division, field: division_code, container: name, message: {zh: 己, en: f}}

                """
        let standard = try TemporaryStandard(files: ["entities/regulated_entity.yaml": entity])
        defer { standard.remove() }
        let findings = try standard.lint()
        func has(_ check: String, _ text: String) -> Bool {
            findings.contains { $0.check == check && $0.message.contains(text) }
        }
        #expect(has("lint.dangling-reference", "entity `permit`"))
        #expect(has("lint.dangling-reference", "code table `control_level`"))
        #expect(has("lint.dangling-reference", "`ghost`"))
        #expect(has("lint.contradiction", "range min 10.0 > max 1.0"))
        #expect(has("lint.bad-pattern", "([a-z"))
        #expect(has("lint.never-fires", "T-R01"))
        #expect(has("lint.never-fires", "T-R02"))
        #expect(has("lint.contradiction", "T-R03"))
        #expect(has("lint.type-mismatch", "T-R06"))
        #expect(!findings.contains { $0.message.contains("T-R05") })
        for finding in findings { #expect(finding.location != nil, "\(finding)") }
    }

    @Test func compositeReferencesNeedTheirScopeOnBothSides() throws {
        let outlet = """
            standard: sichuan-enforcement
            version: "1.0"
            entity:
              id: permit_outlet
              name: {zh: 排放口, en: Outlet}
              key: [permit_number, outlet_code]
              division_field: division_code
              fields:
                - {id: permit_number, name: {zh: 许可证编号, en: Permit}, type: permit_number, required: true}
                - {id: outlet_code, name: {zh: 排放口编码, en: Outlet}, type: outlet_code, required: true}
                - {id: division_code, name: {zh: 区划, en: Division}, type: division, required: true}

            """
        let limit = """
            standard: sichuan-enforcement
            version: "1.0"
            entity:
              id: permit_limit
              name: {zh: 限值, en: Limit}
              key: [outlet_code]
              division_field: division_code
              fields:
                - {id: permit_number, name: {zh: 许可证编号, en: Permit}, type: permit_number}
                - {id: outlet_code, name: {zh: 排放口编码, en: Outlet}, type: outlet_code, ref: {entity: permit_outlet, field: outlet_code, with: [permit_number]}}
                - {id: other_outlet, name: {zh: 排放口编码, en: Outlet}, type: outlet_code, ref: {entity: permit_outlet, field: outlet_code}}
                - {id: third_outlet, name: {zh: 排放口编码, en: Outlet}, type: outlet_code, ref: {entity: permit_outlet, field: outlet_code, with: [ghost]}}
                - {id: division_code, name: {zh: 区划, en: Division}, type: division, required: true}

            """
        let standard = try TemporaryStandard(files: [
            "entities/permit_outlet.yaml": outlet, "entities/permit_limit.yaml": limit,
        ])
        defer { standard.remove() }
        let spec = try #require(standard.read().standard)
        #expect(spec.entity("permit_limit")?.field("outlet_code")?.reference?.scope == ["permit_number"])
        let findings = try standard.lint()
        #expect(!findings.contains { $0.message.contains("`permit_limit.outlet_code`") })
        #expect(findings.contains { $0.check == "lint.reference-not-unique" && $0.message.contains("other_outlet") })
        #expect(findings.contains { $0.check == "lint.dangling-reference" && $0.message.contains("`ghost`") })
    }

    @Test func missingDivisionTableIsAnError() throws {
        let standard = try TemporaryStandard(files: [
            "codes/division.yaml": TemporaryStandard.divisionTable.replacingOccurrences(
                of: "id: division", with: "id: regions")
        ])
        defer { standard.remove() }
        let findings = try standard.lint()
        #expect(findings.contains { $0.check == "lint.dangling-reference" && $0.message.contains("`division`") })
    }
}
