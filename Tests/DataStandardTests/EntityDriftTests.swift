import DataStandard
import EnforcementModel
import Foundation
import Testing

/// The Swift entity types of EnforcementModel must mirror the YAML standard field by field: same fields, same
/// optionality, a Swift type that fits the field type. This test fails when either side changes alone.
struct EntityDriftTests {
    static let standard: StandardSpec? = try? StandardLoader().load(
        directory: StandardLoader.defaultStandardDirectory(specs: repositorySpecs))

    static var repositorySpecs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs")
    }

    static let swiftTypes: [FieldType: String] = [
        .string: "String", .text: "String", .integer: "Int", .decimal: "Double", .boolean: "Bool",
        .date: "CivilDate", .datetime: "LocalDateTime", .code: "String", .uscc: "SocialCreditCode",
        .organizationCode: "OrganizationCode", .idCard: "CitizenID", .division: "DivisionCode",
        .industry: "IndustryCode", .pollutant: "PollutantCode", .permitNumber: "PermitNumber",
        .outletCode: "OutletCode", .mn: "DeviceMN",
    ]

    /// A valid sample value of each field type, as JSON.
    static func sample(_ field: FieldSpec, standard: StandardSpec) -> Any {
        switch field.type {
        case .string, .text: "示例"
        case .integer: 3
        case .decimal: 1.5
        case .boolean: true
        case .date: "2024-06-03"
        case .datetime: "2024-06-03 09:30:00"
        case .code: standard.codeTables[field.codeTable ?? ""]?.entries.first?.code ?? "01"
        case .uscc: "91130200699229617X"
        case .organizationCode: "699229617"
        case .idCard: "11010519491231002X"
        case .division: "510104"
        case .industry: "4411"
        case .pollutant: "a21026"
        case .permitNumber: "91130200699229617X001P"
        case .outletCode: "DA001"
        case .mn: "88888880000001"
        }
    }

    static func camelCase(_ id: String) -> String {
        let parts = id.split(separator: "_")
        return ([String(parts.first ?? "")] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() })
            .joined()
    }

    static let records: [any StandardRecord.Type] = [
        RegulatedEntity.self, Permit.self, PermitOutlet.self, PermitLimit.self, MonitoringPoint.self, Agency.self,
        Officer.self, Equipment.self,
    ]

    @Test(arguments: records.map { ObjectIdentifier($0) })
    func swiftTypeMirrorsTheStandard(_ id: ObjectIdentifier) throws {
        let type = try #require(Self.records.first { ObjectIdentifier($0) == id })
        let standard = try #require(Self.standard, "the bundled standard must load")
        let entity = try #require(standard.entity(type.entityID), "\(type.entityID) is not in the standard")
        let coreFields = entity.fields.filter { field in
            !standard.namespaces.contains { field.id.hasPrefix("\($0.id)_") }
        }

        // A record with only the required fields decodes: the Swift type demands nothing the standard does not.
        var object: [String: Any] = [:]
        for field in coreFields where field.required { object[field.id] = Self.sample(field, standard: standard) }
        let minimal = try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
        // A record with every field decodes and encodes back to the same keys: no field is lost on the way.
        for field in coreFields { object[field.id] = Self.sample(field, standard: standard) }
        let full = try JSONDecoder().decode(type, from: JSONSerialization.data(withJSONObject: object))
        let encoded = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(full)) as? [String: Any])
        #expect(Set(encoded.keys) == Set(coreFields.map(\.id)))

        // Every stored property is a field of the standard with the matching type and optionality, and back.
        let properties = Mirror(reflecting: minimal).children.compactMap { child -> (String, String)? in
            child.label.map { ($0, String(describing: Swift.type(of: child.value))) }
        }
        #expect(
            properties.count == coreFields.count,
            "\(type.entityID): \(properties.count) properties, \(coreFields.count) fields")
        for field in coreFields {
            let name = Self.camelCase(field.id)
            guard let (_, swiftType) = properties.first(where: { $0.0 == name }) else {
                Issue.record("\(type.entityID).\(field.id) has no Swift property `\(name)`")
                continue
            }
            let base = try #require(Self.swiftTypes[field.type])
            let expected = field.required ? base : "Optional<\(base)>"
            #expect(swiftType == expected, "\(type.entityID).\(field.id): Swift \(swiftType), standard \(expected)")
        }
        for (name, _) in properties where !coreFields.contains(where: { Self.camelCase($0.id) == name }) {
            Issue.record("\(type.entityID): Swift property `\(name)` is not a field of the standard")
        }
    }

    @Test func theSampleRegulatedEntitiesDecodeIntoTheSwiftType() throws {
        let url = Self.repositorySpecs.deletingLastPathComponent().appendingPathComponent(
            "Examples/sample-data/regulated_entity.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let standard = try #require(Self.standard)
        let entity = try #require(standard.entity("regulated_entity"))
        var decoded = 0
        for line in lines where !line.contains("\"") {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count else { continue }
            var object: [String: Any] = [:]
            for (column, cell) in zip(header, cells) where !cell.isEmpty {
                guard let field = entity.field(column) else { continue }
                switch field.type {
                case .decimal: object[column] = Double(cell)
                case .integer: object[column] = Int(cell)
                case .boolean: object[column] = ["true", "1", "是"].contains(cell)
                default: object[column] = cell
                }
            }
            let record = try JSONDecoder().decode(
                RegulatedEntity.self, from: JSONSerialization.data(withJSONObject: object))
            #expect(record.divisionCode.level == .county)
            #expect(record.cityCode.contains(record.divisionCode))
            decoded += 1
        }
        #expect(decoded >= 20)
    }
}
