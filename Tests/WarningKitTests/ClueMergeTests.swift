import EnforcementModel
import Foundation
import Testing
import WarningKit

/// Merging clues: window 72 h, names of at least 4 and addresses of at least 8 normalised characters.
struct ClueMergeTests {
    static let policy = ClueMergePolicy(
        window: 72 * 3600, minimumNameLength: 4, minimumAddressLength: 8, genericNames: ["不详", "未知"])
    static let now: Int64 = 1_796_000_000

    static func clue(
        _ id: String, source: String = "01", ref: String? = nil, received: String, occurred: String? = nil,
        name: String = "成都武侯蓉清水务有限公司", entity: String? = "SC5101070001", address: String? = nil,
        division: String = "510107", medium: String? = "A", violation: String? = "0303", severity: String = "1",
        status: String = "01", task: String? = nil, mergedInto: String? = nil, closedAt: String? = nil
    ) -> Clue {
        Clue(
            clueId: id, source: source, sourceRef: ref ?? "REF-\(id)", receivedAt: try! LocalDateTime(received),
            occurredAt: occurred.map { try! LocalDateTime($0) }, objectName: name, entityCode: entity,
            address: address, cityCode: try! DivisionCode(String(division.prefix(4)) + "00"),
            divisionCode: try! DivisionCode(division), medium: medium, violationType: violation, summary: "摘要",
            severity: severity, status: status, dispatchMode: task == nil ? nil : "2", taskId: task,
            mergedInto: mergedInto, closedAt: closedAt.map { try! LocalDateTime($0) })
    }

    static func merge(_ clues: [Clue]) -> ClueMergeResult {
        ClueMerger(policy: policy).merge(clues, now: now)
    }

    /// Checks that every input clue is in the output exactly once, unchanged but for status and `merged_into`.
    static func expectPreserved(_ input: [Clue], _ result: ClueMergeResult) {
        #expect(result.clues.count == input.count)
        #expect(result.clues.map(\.clueId) == input.map(\.clueId))
        for (before, after) in zip(input, result.clues) {
            var restored = after
            restored.status = before.status
            restored.mergedInto = before.mergedInto
            #expect(restored == before)
        }
        let primaries = Set(result.groups.map(\.primary))
        for clue in result.clues where clue.status == "06" {
            guard let target = clue.mergedInto else {
                Issue.record("\(clue.clueId) is merged into nothing")
                continue
            }
            let targetIsInput = input.contains { $0.clueId == target }
            #expect(primaries.contains(target) || !targetIsInput)
        }
        let members = result.groups.flatMap(\.members).map(\.clueId)
        #expect(members.count == Set(members).count)
    }

    @Test func mergesOneProblemAcrossSources() throws {
        let input = [
            Self.clue("XS510107202611220001", source: "01", received: "2026-11-22 10:14:00", violation: "03"),
            Self.clue("XS510107202611230001", source: "03", received: "2026-11-23 02:00:00", violation: "0303"),
            Self.clue("XS510107202611240001", source: "07", received: "2026-11-24 08:00:00", violation: "0303"),
        ]
        let result = Self.merge(input)
        #expect(result.groups.count == 1)
        let group = try #require(result.groups.first)
        #expect(group.primary == "XS510107202611220001")
        #expect(group.sources == ["01", "03", "07"])
        #expect(group.members.map(\.clueId) == input.map(\.clueId))
        #expect(group.members.map(\.isPrimary) == [true, false, false])
        #expect(group.links.allSatisfy { $0.basis == .entityCode })
        #expect(result.clues.map(\.status) == ["01", "06", "06"])
        #expect(result.clues.map(\.mergedInto) == [nil, "XS510107202611220001", "XS510107202611220001"])
        #expect(result.events.map(\.kind) == [.merged, .merged])
        #expect(result.events.allSatisfy { $0.at == Self.now })
        Self.expectPreserved(input, result)
    }

    @Test func clueSpansMoreThanTheWindowApartStayApart() {
        let input = [
            Self.clue("XS510107202611200001", received: "2026-11-20 10:00:00"),
            Self.clue("XS510107202611240001", received: "2026-11-24 10:00:01"),
        ]
        #expect(Self.merge(input).groups.isEmpty)
        // An occurrence time reaching back brings them within the window.
        var reaching = input
        reaching[1].occurredAt = try? LocalDateTime("2026-11-23 09:00:00")
        #expect(Self.merge(reaching).groups.count == 1)
    }

    @Test func differentEntitiesAndDifferentProblemsStayApart() {
        let entities = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", entity: "SC5101070001"),
            Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", entity: "SC5101070002"),
        ]
        #expect(Self.merge(entities).groups.isEmpty)
        let problems = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", medium: "A", violation: "0303"),
            Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", medium: "W", violation: "0404"),
            Self.clue("XS510107202611220003", received: "2026-11-22 12:00:00", violation: "0301"),
            Self.clue("XS510107202611220004", received: "2026-11-22 13:00:00", medium: nil, violation: nil),
        ]
        #expect(Self.merge(problems).groups.isEmpty)
    }

    @Test func mergesTransitively() throws {
        // A and C are four days apart, each two days from B: A–B (entity code vs name) and B–C (name) chain them.
        let input = [
            Self.clue("XS510107202611200001", received: "2026-11-20 10:00:00"),
            Self.clue("XS510107202611220001", source: "02", received: "2026-11-22 10:00:00", entity: nil),
            Self.clue(
                "XS510107202611240001", source: "06", received: "2026-11-24 10:00:00", name: "成都武侯 蓉清水务（有限公司）",
                entity: nil),
        ]
        let result = Self.merge(input)
        let group = try #require(result.groups.first)
        #expect(result.groups.count == 1)
        #expect(group.primary == "XS510107202611200001")
        #expect(
            group.links == [
                ClueMergeLink(from: "XS510107202611220001", to: "XS510107202611200001", basis: .objectName),
                ClueMergeLink(from: "XS510107202611240001", to: "XS510107202611220001", basis: .objectName),
            ])
        Self.expectPreserved(input, result)
    }

    @Test func aTransitiveChainNeverJoinsTwoEntityCodesOrTwoProblems() throws {
        let input = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", entity: "SC5101070001"),
            Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", entity: nil),
            Self.clue("XS510107202611220003", received: "2026-11-22 12:00:00", entity: "SC5101070009"),
            Self.clue("XS510107202611220004", received: "2026-11-22 13:00:00", entity: "SC5101070001", violation: "03"),
            Self.clue(
                "XS510107202611220005", received: "2026-11-22 14:00:00", entity: "SC5101070001", violation: "0301"),
        ]
        let result = Self.merge(input)
        #expect(
            result.groups.map { $0.members.map(\.clueId) } == [
                ["XS510107202611220001", "XS510107202611220002", "XS510107202611220004"]
            ])
        #expect(Set(result.conflicts.map(\.reason)) == ["different_entity", "different_problem"])
        Self.expectPreserved(input, result)
    }

    @Test func mergingTheResultAgainChangesNothing() throws {
        let input = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:14:00"),
            Self.clue("XS510107202611220002", source: "02", received: "2026-11-22 21:00:00", entity: nil),
            Self.clue(
                "XS510107202611230001", source: "04", received: "2026-11-23 09:00:00", status: "02",
                task: "RW510107202611230001"),
            Self.clue(
                "XS510107202611230002", source: "07", received: "2026-11-23 10:00:00", medium: "W", violation: "0404"),
            Self.clue(
                "XS510107202611240001", source: "07", received: "2026-11-24 10:00:00", medium: "W", violation: "04"),
            Self.clue("XS510107202611010001", received: "2026-11-01 10:00:00"),
        ]
        let first = Self.merge(input)
        #expect(first.groups.count == 2)
        let second = Self.merge(first.clues)
        #expect(second.clues == first.clues)
        #expect(second.groups.map(\.primary) == first.groups.map(\.primary))
        #expect(second.groups.map { $0.members.map(\.clueId) } == first.groups.map { $0.members.map(\.clueId) })
        #expect(second.events.isEmpty)
        #expect(Self.merge(second.clues).clues == first.clues)
    }

    @Test func theOutcomeDoesNotDependOnTheInputOrder() {
        let input = (0..<12).map { index in
            Self.clue(
                "XS5101072026112\(index % 3 + 1)000\(index % 9 + 1)" + (index >= 9 ? "X" : ""),
                source: ["01", "02", "03", "07"][index % 4], received: "2026-11-2\(index % 3 + 1) 1\(index % 10):00:00",
                entity: index % 2 == 0 ? "SC5101070001" : nil, violation: index % 5 == 0 ? "03" : "0303")
        }
        let reference = Self.merge(input)
        for _ in 0..<5 {
            let shuffled = input.shuffled()
            let result = Self.merge(shuffled)
            #expect(result.groups == reference.groups)
            #expect(
                Set(result.clues.map { "\($0.clueId)|\($0.status)|\($0.mergedInto ?? "")" })
                    == Set(reference.clues.map { "\($0.clueId)|\($0.status)|\($0.mergedInto ?? "")" }))
        }
    }

    @Test func aDispatchedClueIsThePrimaryAndAbsorbsAnEarlierGroup() throws {
        // P was the primary of M; D, already dispatched, matches them: D becomes the primary, P is merged into
        // it and M relinked.
        let input = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00"),
            Self.clue(
                "XS510107202611220002", received: "2026-11-22 12:00:00", status: "06",
                mergedInto: "XS510107202611220001"),
            Self.clue(
                "XS510107202611230001", source: "04", received: "2026-11-23 09:00:00", status: "02",
                task: "RW510107202611230001"),
        ]
        let result = Self.merge(input)
        let group = try #require(result.groups.first)
        #expect(group.primary == "XS510107202611230001")
        #expect(result.clues.map(\.mergedInto) == ["XS510107202611230001", "XS510107202611230001", nil])
        #expect(result.events.map(\.kind) == [.merged, .relinked])
        #expect(result.events.last?.from == "XS510107202611220001")
        #expect(
            group.members.first { $0.clueId == "XS510107202611220002" }?.previousMergedInto == "XS510107202611220001")
        Self.expectPreserved(input, result)
    }

    @Test func twoDispatchedOrAClosedClueAreNotMerged() {
        let dispatched = [
            Self.clue(
                "XS510107202611220001", received: "2026-11-22 10:00:00", status: "02", task: "RW510107202611220001"),
            Self.clue(
                "XS510107202611220002", received: "2026-11-22 11:00:00", status: "03", task: "RW510107202611220002"),
        ]
        let both = Self.merge(dispatched)
        #expect(both.groups.isEmpty)
        #expect(both.conflicts.map(\.reason) == ["both_dispatched"])
        let closed = [
            Self.clue(
                "XS510107202611200001", received: "2026-11-20 10:00:00", status: "04", closedAt: "2026-11-21 10:00:00"),
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00"),
        ]
        let result = Self.merge(closed)
        #expect(result.groups.isEmpty)
        #expect(result.conflicts.map(\.reason) == ["closed"])
        #expect(result.clues == closed)
    }

    @Test func theSameSourceReferenceIsTheSameClueWhateverTheWindow() {
        let input = [
            Self.clue(
                "XS510107202611010001", ref: "12369202611018888", received: "2026-11-01 10:00:00", entity: nil,
                medium: nil, violation: nil),
            Self.clue(
                "XS510107202611200001", ref: "12369202611018888", received: "2026-11-20 10:00:00", name: "不详",
                entity: nil, medium: nil, violation: nil),
        ]
        let result = Self.merge(input)
        #expect(result.groups.first?.links.map(\.basis) == [.sourceReference])
    }

    @Test func namesAndAddressesMatchOnlyWhenSpecificAndInTheSameCounty() {
        let generic = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", name: "不详", entity: nil),
            Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", name: "未知", entity: nil),
        ]
        #expect(Self.merge(generic).groups.isEmpty)
        let otherCounty = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", entity: nil),
            Self.clue("XS510104202611220001", received: "2026-11-22 11:00:00", entity: nil, division: "510104"),
        ]
        #expect(Self.merge(otherCounty).groups.isEmpty)
        let address = [
            Self.clue(
                "XS510107202611220001", received: "2026-11-22 10:00:00", name: "河边的工厂", entity: nil,
                address: "四川省成都市武侯区滨江路100号"),
            Self.clue(
                "XS510107202611220002", received: "2026-11-22 11:00:00", name: "无名作坊", entity: nil,
                address: "四川省 成都市 武侯区 滨江路 100 号"),
        ]
        #expect(Self.merge(address).groups.first?.links.map(\.basis) == [.address])
    }

    @Test func theUSCCMatchesWhenTheEntityCodeIsMissing() {
        let input = [
            NormalizedClue(
                clue: Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", name: "蓉清水务", entity: nil),
                uscc: "91510107MA61234567"),
            NormalizedClue(
                clue: Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", name: "武侯污水厂", entity: nil),
                uscc: "91510107MA61234567", evidence: ["JB-ATT-1"]),
        ]
        let result = ClueMerger(policy: Self.policy).merge(input, now: Self.now)
        #expect(result.groups.first?.links.map(\.basis) == [.uscc])
        #expect(result.groups.first?.members.last?.evidence == ["JB-ATT-1"])
    }

    @Test func theGroupSeverityIsItsMostSevereMember() {
        let input = [
            Self.clue("XS510107202611220001", received: "2026-11-22 10:00:00", severity: "1"),
            Self.clue("XS510107202611220002", received: "2026-11-22 11:00:00", severity: "3"),
        ]
        #expect(Self.merge(input).groups.first?.severity == "3")
    }
}
