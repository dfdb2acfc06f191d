import EnforcementModel
import Foundation

/// Why two clues were linked.
public enum ClueMatchBasis: String, Sendable, Hashable, Codable, Comparable {
    /// The input already had one merged into the other (`merged_into`).
    case existingLink = "existing_link"
    /// The same source and source reference: the same report or alarm received twice.
    case sourceReference = "source_reference"
    /// The same `entity_code`.
    case entityCode = "entity_code"
    /// The same unified social credit code.
    case uscc
    /// The same normalised object name in the same county.
    case objectName = "object_name"
    /// The same normalised address in the same county.
    case address

    private var rank: Int {
        switch self {
        case .existingLink: 0
        case .sourceReference: 1
        case .entityCode: 2
        case .uscc: 3
        case .objectName: 4
        case .address: 5
        }
    }

    /// Stronger bases first: existing link, source reference, entity code, USCC, name, address.
    public static func < (lhs: ClueMatchBasis, rhs: ClueMatchBasis) -> Bool { lhs.rank < rhs.rank }
}

/// A link between two clues of a merge group: `from` joined the group through `to`.
public struct ClueMergeLink: Sendable, Hashable, Codable {
    /// The clue that joined.
    public var from: String
    /// The clue it matched.
    public var to: String
    /// Why.
    public var basis: ClueMatchBasis

    /// Creates a link.
    public init(from: String, to: String, basis: ClueMatchBasis) {
        self.from = from
        self.to = to
        self.basis = basis
    }
}

/// A group of clues merged into one primary clue: every source stays linked.
public struct ClueMergeGroup: Sendable, Hashable, Codable {
    /// One clue of the group.
    public struct Member: Sendable, Hashable, Codable {
        /// The clue id.
        public var clueId: String
        /// Whether it is the primary clue.
        public var isPrimary: Bool
        /// The source (`clue_source`).
        public var source: String
        /// The source reference.
        public var sourceRef: String?
        /// When it was received, as the standard writes it (`YYYY-MM-DD HH:MM:SS`, Beijing time).
        public var receivedAt: String
        /// Its status after the merge.
        public var status: String
        /// Its status before, when the merge changed it.
        public var previousStatus: String?
        /// Its `merged_into` before, when the merge changed it.
        public var previousMergedInto: String?
        /// The evidence references it came with.
        public var evidence: [String]

        /// Creates a member.
        public init(
            clueId: String, isPrimary: Bool, source: String, sourceRef: String?, receivedAt: String,
            status: String, previousStatus: String? = nil, previousMergedInto: String? = nil, evidence: [String] = []
        ) {
            self.clueId = clueId
            self.isPrimary = isPrimary
            self.source = source
            self.sourceRef = sourceRef
            self.receivedAt = receivedAt
            self.status = status
            self.previousStatus = previousStatus
            self.previousMergedInto = previousMergedInto
            self.evidence = evidence
        }
    }

    /// The primary clue's id: the one the others are merged into.
    public var primary: String
    /// The members, primary first, then by reception.
    public var members: [Member]
    /// The links that made the group (a spanning tree of its members).
    public var links: [ClueMergeLink]
    /// The most severe `severity` of the members.
    public var severity: String
    /// The distinct sources of the members, sorted.
    public var sources: [String]

    /// Creates a group.
    public init(primary: String, members: [Member], links: [ClueMergeLink], severity: String, sources: [String]) {
        self.primary = primary
        self.members = members
        self.links = links
        self.severity = severity
        self.sources = sources
    }
}

/// Two clues that match but were not merged, and why.
public struct ClueMergeConflict: Sendable, Hashable, Codable {
    /// One clue.
    public var first: String
    /// The other.
    public var second: String
    /// How they matched.
    public var basis: ClueMatchBasis
    /// Why they were kept apart: `closed`, `different_entity`, `different_uscc`, `different_problem` (the group
    /// would hold two violation types or media), `both_dispatched`.
    public var reason: String

    /// Creates a conflict.
    public init(first: String, second: String, basis: ClueMatchBasis, reason: String) {
        self.first = first
        self.second = second
        self.basis = basis
        self.reason = reason
    }
}

/// One change a merge made to a clue.
public struct ClueMergeEvent: Sendable, Hashable, Codable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The clue was merged into a primary (status `06`, `merged_into` set).
        case merged
        /// The clue's `merged_into` moved to the group's new primary.
        case relinked
        /// The clue became its group's primary and lost a `merged_into` (a cycle in the input).
        case unlinked
    }

    /// When (the `now` of the merge), seconds since 1970 UTC.
    public var at: Int64
    /// The clue changed.
    public var clueId: String
    /// What changed.
    public var kind: Kind
    /// Its `merged_into` before.
    public var from: String?
    /// Its `merged_into` after.
    public var to: String?

    /// Creates an event.
    public init(at: Int64, clueId: String, kind: Kind, from: String?, to: String?) {
        self.at = at
        self.clueId = clueId
        self.kind = kind
        self.from = from
        self.to = to
    }
}

/// The outcome of a merge.
public struct ClueMergeResult: Sendable, Hashable, Codable {
    /// Every input clue exactly once, in input order: primaries and unmatched clues as they were, merged ones with
    /// status `06` and `merged_into` their primary.
    public var clues: [Clue]
    /// The groups of two or more clues, by primary id.
    public var groups: [ClueMergeGroup]
    /// Matching pairs kept apart, and why.
    public var conflicts: [ClueMergeConflict]
    /// The changes made, in clue order.
    public var events: [ClueMergeEvent]

    /// Creates a result.
    public init(
        clues: [Clue], groups: [ClueMergeGroup], conflicts: [ClueMergeConflict], events: [ClueMergeEvent]
    ) {
        self.clues = clues
        self.groups = groups
        self.conflicts = conflicts
        self.events = events
    }
}

/// Merges clues that concern the same entity and the same problem in an overlapping window (WRN-1).
///
/// **Same entity.** When both clues have an `entity_code`, they must be equal; else when both have a USCC, equal;
/// else the normalised object names (or else the normalised addresses) must be equal and the counties
/// (`division_code`) the same. Normalisation: Unicode compatibility form (full-width → half-width), lower case,
/// letters and digits only (spaces, punctuation and brackets dropped); names shorter than
/// ``ClueMergePolicy/minimumNameLength``, generic names, and addresses shorter than
/// ``ClueMergePolicy/minimumAddressLength`` never match. Company suffixes are kept: `某化工厂` and `某化工有限公司`
/// are different names.
///
/// **Same problem.** When both have a `violation_type`, one must equal or contain the other (`03` contains
/// `0301`; `0301` and `0302` differ); when both have a `medium`, they must be equal; and at least one of the two
/// must be comparable (unless ``ClueMergePolicy/mergeWhenProblemUnknown``).
///
/// **Overlapping window.** A clue spans from `occurred_at` (or `received_at`) to `received_at`; two clues overlap
/// when their spans come within ``ClueMergePolicy/window`` of each other.
///
/// The same source and source reference is the same clue whatever the window. Existing `merged_into` links are
/// kept. Matches are transitive (A–B and B–C merge A, B and C), except that a group never holds two different
/// entity codes or USCCs, never two clues that are dispatched (status `02`/`03` or a task id, since a merged clue
/// has no task of its own), and never takes in a closed clue (`04`/`05`) or a group with one: those pairs are
/// reported as ``ClueMergeResult/conflicts``. Links are made strongest first (existing, reference, entity code,
/// USCC, name, address), then by reception, so the outcome does not depend on the input order.
///
/// **Primary.** The dispatched clue if the group has one; else the clue the others were already merged into; else
/// the first received (then the smallest id). Every other member gets status `06` and `merged_into` the primary;
/// no other field changes. Clues already merged into a clue that is not in the input are left as they are.
/// Merging the result again changes nothing.
///
/// ```swift
/// let result = ClueMerger(policy: configuration.merge).merge(clues, now: now)
/// for group in result.groups { print(group.primary, group.members.map(\.clueId)) }
/// ```
public struct ClueMerger: Sendable {
    /// The policy.
    public let policy: ClueMergePolicy

    /// Creates a merger.
    public init(policy: ClueMergePolicy) {
        self.policy = policy
    }

    /// Merges clues read in the standard's fields.
    public func merge(_ clues: [Clue], now: Int64) -> ClueMergeResult {
        merge(clues.map { NormalizedClue(clue: $0) }, now: now)
    }

    /// Merges normalised clues (their USCCs take part in matching; their evidence references are listed in the
    /// groups).
    public func merge(_ inputs: [NormalizedClue], now: Int64) -> ClueMergeResult {
        let count = inputs.count
        let clues = inputs.map(\.clue)
        // The canonical order: reception, id, position.
        let order = clues.indices.sorted {
            (clues[$0].receivedAt.secondsSinceEpoch, clues[$0].clueId, $0)
                < (clues[$1].receivedAt.secondsSinceEpoch, clues[$1].clueId, $1)
        }
        var rank = [Int](repeating: 0, count: count)
        for (position, index) in order.enumerated() { rank[index] = position }
        var byID: [String: Int] = [:]
        for index in order where byID[clues[index].clueId] == nil { byID[clues[index].clueId] = index }

        func isClosed(_ clue: Clue) -> Bool { clue.status == "04" || clue.status == "05" }
        func isDispatched(_ clue: Clue) -> Bool { clue.status == "02" || clue.status == "03" || clue.taskId != nil }
        let linkTarget: [Int?] = clues.indices.map { index in
            guard let target = clues[index].mergedInto, let targetIndex = byID[target], targetIndex != index
            else { return nil }
            return targetIndex
        }
        let external: [Bool] = clues.indices.map { clues[$0].mergedInto != nil && linkTarget[$0] == nil }

        var components = ClueComponents(count: count) { index in
            let clue = clues[index]
            let violation = clue.violationType ?? ""
            return ClueComponents.Traits(
                entityCodes: clue.entityCode.map { [$0] } ?? [], usccs: inputs[index].uscc.map { [$0] } ?? [],
                categories: violation.count >= 2 ? [String(violation.prefix(2))] : [],
                violations: violation.count > 2 ? [violation] : [], media: clue.medium.map { [$0] } ?? [],
                dispatched: isDispatched(clue) ? 1 : 0, sealed: isClosed(clue))
        }
        var links: [(from: Int, to: Int, basis: ClueMatchBasis)] = []
        var conflicts: [ClueMergeConflict] = []

        // Existing links first, as given.
        for index in order {
            if let target = linkTarget[index], case .joined = components.union(index, target, force: true) {
                links.append((index, target, .existingLink))
            }
        }

        // Candidate pairs share a blocking key; each is judged once.
        var buckets: [String: [Int]] = [:]
        for index in order where !external[index] {
            for key in blockingKeys(inputs[index]) { buckets[key, default: []].append(index) }
        }
        var seen = Set<Int>()
        var edges: [(basis: ClueMatchBasis, first: Int, second: Int)] = []
        for members in buckets.values where members.count > 1 {
            for (offset, first) in members.enumerated() {
                for second in members[(offset + 1)...] {
                    let (low, high) = rank[first] < rank[second] ? (first, second) : (second, first)
                    guard seen.insert(low * count + high).inserted else { continue }
                    if let basis = match(inputs[low], inputs[high]) { edges.append((basis, low, high)) }
                }
            }
        }
        edges.sort { ($0.basis, rank[$0.first], rank[$0.second]) < ($1.basis, rank[$1.first], rank[$1.second]) }
        for edge in edges {
            switch components.union(edge.first, edge.second, force: false) {
            case .joined:
                links.append((edge.second, edge.first, edge.basis))
            case .alreadyJoined:
                break
            case .refused(let reason):
                conflicts.append(
                    ClueMergeConflict(
                        first: clues[edge.first].clueId, second: clues[edge.second].clueId, basis: edge.basis,
                        reason: reason))
            }
        }

        // Groups, primaries and the changes.
        var members: [Int: [Int]] = [:]
        for index in order { members[components.find(index), default: []].append(index) }
        var output = clues
        var groups: [ClueMergeGroup] = []
        var events: [ClueMergeEvent] = []
        let isTarget = Set(linkTarget.compactMap { $0 })
        for group in members.values where group.count > 1 {
            guard
                let primary = group.min(by: { lhs, rhs in
                    func key(_ index: Int) -> (Int, Int, Int, Int) {
                        (
                            isDispatched(clues[index]) ? 0 : 1, isTarget.contains(index) ? 0 : 1,
                            clues[index].mergedInto == nil ? 0 : 1, rank[index]
                        )
                    }
                    return key(lhs) < key(rhs)
                })
            else { continue }
            let primaryID = clues[primary].clueId
            var groupMembers: [ClueMergeGroup.Member] = []
            for index in [primary] + group.filter({ $0 != primary }) {
                let before = clues[index]
                var after = before
                if index == primary {
                    if before.mergedInto != nil {
                        after.mergedInto = nil
                        if after.status == "06" { after.status = "01" }
                        events.append(
                            ClueMergeEvent(
                                at: now, clueId: before.clueId, kind: .unlinked, from: before.mergedInto, to: nil))
                    }
                } else if before.mergedInto != primaryID || before.status != "06" {
                    after.status = "06"
                    after.mergedInto = primaryID
                    events.append(
                        ClueMergeEvent(
                            at: now, clueId: before.clueId, kind: before.mergedInto == nil ? .merged : .relinked,
                            from: before.mergedInto, to: primaryID))
                }
                output[index] = after
                groupMembers.append(
                    ClueMergeGroup.Member(
                        clueId: after.clueId, isPrimary: index == primary, source: after.source,
                        sourceRef: after.sourceRef, receivedAt: after.receivedAt.description, status: after.status,
                        previousStatus: before.status == after.status ? nil : before.status,
                        previousMergedInto: before.mergedInto == after.mergedInto ? nil : before.mergedInto,
                        evidence: inputs[index].evidence))
            }
            let groupSet = Set(group)
            let groupLinks = links.filter { groupSet.contains($0.from) }.map {
                ClueMergeLink(from: clues[$0.from].clueId, to: clues[$0.to].clueId, basis: $0.basis)
            }
            groups.append(
                ClueMergeGroup(
                    primary: primaryID, members: groupMembers, links: groupLinks,
                    severity: group.map { clues[$0].severity }.max { (Int($0) ?? 0) < (Int($1) ?? 0) } ?? "1",
                    sources: Set(group.map { clues[$0].source }).sorted()))
        }
        groups.sort { $0.primary < $1.primary }
        events.sort { ($0.clueId, $0.kind.rawValue) < ($1.clueId, $1.kind.rawValue) }
        return ClueMergeResult(clues: output, groups: groups, conflicts: conflicts, events: events)
    }

    // MARK: Matching

    /// The normalised form of a name or address: compatibility form, lower case, letters and digits only.
    static func normalize(_ text: String) -> String {
        String(
            text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars.filter {
                CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0)
            }.map(Character.init))
    }

    private func name(_ clue: Clue) -> String? {
        let normalized = Self.normalize(clue.objectName)
        guard normalized.count >= policy.minimumNameLength, !policy.genericNames.contains(normalized) else {
            return nil
        }
        return normalized
    }

    private func address(_ clue: Clue) -> String? {
        guard let address = clue.address else { return nil }
        let normalized = Self.normalize(address)
        return normalized.count >= policy.minimumAddressLength ? normalized : nil
    }

    private func blockingKeys(_ input: NormalizedClue) -> [String] {
        let clue = input.clue
        var keys: [String] = []
        if let reference = clue.sourceRef { keys.append("R|\(clue.source)|\(reference)") }
        if let code = clue.entityCode { keys.append("E|\(code)") }
        if let uscc = input.uscc { keys.append("U|\(uscc)") }
        if let name = name(clue) { keys.append("N|\(clue.divisionCode)|\(name)") }
        if let address = address(clue) { keys.append("A|\(clue.divisionCode)|\(address)") }
        return keys
    }

    /// How two clues match, or `nil` when they do not.
    func match(_ first: NormalizedClue, _ second: NormalizedClue) -> ClueMatchBasis? {
        let a = first.clue
        let b = second.clue
        if a.source == b.source, let reference = a.sourceRef, reference == b.sourceRef,
            a.entityCode == nil || b.entityCode == nil || a.entityCode == b.entityCode
        {
            return .sourceReference
        }
        let basis: ClueMatchBasis
        if let codeA = a.entityCode, let codeB = b.entityCode {
            guard codeA == codeB else { return nil }
            basis = .entityCode
        } else if let usccA = first.uscc, let usccB = second.uscc {
            guard usccA == usccB else { return nil }
            basis = .uscc
        } else if a.divisionCode == b.divisionCode, let nameA = name(a), nameA == name(b) {
            basis = .objectName
        } else if a.divisionCode == b.divisionCode, let addressA = address(a), addressA == address(b) {
            basis = .address
        } else {
            return nil
        }
        guard sameProblem(a, b), overlap(a, b) else { return nil }
        return basis
    }

    private func sameProblem(_ a: Clue, _ b: Clue) -> Bool {
        var compared = false
        if let typeA = a.violationType, let typeB = b.violationType {
            guard typeA.hasPrefix(typeB) || typeB.hasPrefix(typeA) else { return false }
            compared = true
        }
        if let mediumA = a.medium, let mediumB = b.medium {
            guard mediumA == mediumB else { return false }
            compared = true
        }
        return compared || policy.mergeWhenProblemUnknown
    }

    private func overlap(_ a: Clue, _ b: Clue) -> Bool {
        func span(_ clue: Clue) -> (start: Int, end: Int) {
            let received = clue.receivedAt.secondsSinceEpoch
            return (min(clue.occurredAt?.secondsSinceEpoch ?? received, received), received)
        }
        let spanA = span(a)
        let spanB = span(b)
        let window = Int(clamping: policy.window)
        return spanB.start <= spanA.end + window && spanA.start <= spanB.end + window
    }
}

/// Union–find over clue indices, with the traits a merged group must keep consistent.
private struct ClueComponents {
    struct Traits {
        var entityCodes: Set<String>
        var usccs: Set<String>
        var categories: Set<String>
        var violations: Set<String>
        var media: Set<String>
        var dispatched: Int
        var sealed: Bool

        func union(_ other: Traits) -> Traits {
            Traits(
                entityCodes: entityCodes.union(other.entityCodes), usccs: usccs.union(other.usccs),
                categories: categories.union(other.categories), violations: violations.union(other.violations),
                media: media.union(other.media), dispatched: dispatched + other.dispatched,
                sealed: sealed || other.sealed)
        }
    }

    private var parent: [Int]
    private var traits: [Traits]

    init(count: Int, traits: (Int) -> Traits) {
        parent = Array(0..<count)
        self.traits = (0..<count).map(traits)
    }

    mutating func find(_ index: Int) -> Int {
        var root = index
        while parent[root] != root { root = parent[root] }
        var node = index
        while parent[node] != root {
            let next = parent[node]
            parent[node] = root
            node = next
        }
        return root
    }

    enum Outcome {
        case joined
        case alreadyJoined
        case refused(String)
    }

    /// Joins the groups of two clues, unless they must stay apart (never refused when `force`).
    mutating func union(_ first: Int, _ second: Int, force: Bool) -> Outcome {
        let rootA = find(first)
        let rootB = find(second)
        if rootA == rootB { return .alreadyJoined }
        let a = traits[rootA]
        let b = traits[rootB]
        let joined = a.union(b)
        if !force {
            if a.sealed || b.sealed { return .refused("closed") }
            if joined.entityCodes.count > 1 { return .refused("different_entity") }
            if joined.usccs.count > 1 { return .refused("different_uscc") }
            if joined.categories.count > 1 || joined.violations.count > 1 || joined.media.count > 1 {
                return .refused("different_problem")
            }
            if joined.dispatched > 1 { return .refused("both_dispatched") }
        }
        let (root, child) = rootA < rootB ? (rootA, rootB) : (rootB, rootA)
        parent[child] = root
        traits[root] = joined
        return .joined
    }
}
