import DataStandard
import EnforcementModel
import Foundation
import Testing
import WarningKit

/// `Clue` must mirror the standard's `clue` entity field by field; this fails when either side changes alone.
struct ClueDriftTests {
    static func clueEntity() throws -> EntitySpec {
        let directory = try StandardLoader.defaultStandardDirectory(specs: AlertConfigurationTests.specs)
        let standard = try StandardLoader().load(directory: directory)
        return try #require(standard.entity("clue"))
    }

    static let full = Clue(
        clueId: "XS510107202611220001", source: "01", sourceRef: "12369202611228109",
        receivedAt: try! LocalDateTime("2026-11-22 10:14:00"), occurredAt: try! LocalDateTime("2026-11-22 04:14:00"),
        objectName: "成都武侯蓉清水务有限公司", entityCode: "SC5101070001", address: "四川省成都市武侯区",
        cityCode: try! DivisionCode("510100"), divisionCode: try! DivisionCode("510107"), medium: "A",
        violationType: "0303", summary: "夜间异味", severity: "1", reporterName: "肖德明", reporterPhone: "13722096232",
        status: "02", dispatchMode: "2", taskId: "RW510107202611220001", mergedInto: "XS510107202611220002",
        closedAt: try! LocalDateTime("2026-11-23 10:14:00"))

    @Test func theFieldsAreTheStandardsInItsOrder() throws {
        let entity = try Self.clueEntity()
        #expect(Clue.fieldIDs == entity.fields.map(\.id))
        #expect(Self.full.fieldValues.map(\.field) == entity.fields.map(\.id))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.full)) as? [String: Any]
        #expect(Set(json?.keys.map { $0 } ?? []) == Set(entity.fields.map(\.id)))
    }

    @Test func requiredFieldsAreTheStandardsRequiredFields() throws {
        let entity = try Self.clueEntity()
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.full)) as? [String: Any])
        for field in entity.fields {
            var without = object
            without[field.id] = nil
            let data = try JSONSerialization.data(withJSONObject: without)
            let decodes = (try? JSONDecoder().decode(Clue.self, from: data)) != nil
            #expect(decodes == !field.required, "\(field.id): required \(field.required)")
            var fields = Self.full.fieldValues.reduce(into: [String: String]()) { $0[$1.field] = $1.value }
            fields[field.id] = nil
            #expect(((try? Clue(fields: fields)) != nil) == !field.required, "\(field.id)")
        }
    }

    @Test func readsFromTextFieldsWithLocatedErrors() throws {
        var fields = Self.full.fieldValues.reduce(into: [String: String]()) { $0[$1.field] = $1.value }
        #expect(try Clue(fields: fields) == Self.full)
        fields["received_at"] = "2026-11-22T10:14:00+0800"
        #expect(try Clue(fields: fields).receivedAt == Self.full.receivedAt)
        fields["received_at"] = "2026-02-30 10:00:00"
        #expect {
            _ = try Clue(fields: fields, place: .init(file: "clues.csv", line: 7, recordKey: "XS510107202611220001"))
        } throws: { error in
            guard let error = error as? ClueError else { return false }
            return error.field == "received_at" && error.rule == "clue.datetime"
                && error.description.hasPrefix("clues.csv:7: clue XS510107202611220001: received_at:")
        }
    }
}
