import DataStandard
import EnforcementModel
import Foundation
import Yams

/// What tells the engine that a plant claims to produce (正常生产): a series of the point whose raw hourly mean
/// above a threshold means running.
///
/// Usually the flue-gas flow (`a00000`, m³/h) or waste-water flow (`w00000`); a status series (1 running, 0 stopped,
/// e.g. from electricity monitoring or the DCS) works the same with `runningAbove: 0.5`. The signal's values count
/// whatever their flags: a flow flagged `F` but still high says the plant runs.
public struct ProductionSignal: Sendable, Hashable, Codable {
    /// The factor code of the signal series.
    public var pollutant: String
    /// A raw hourly mean above this means the plant runs.
    public var runningAbove: Double

    /// Creates a signal.
    public init(pollutant: String, runningAbove: Double) {
        self.pollutant = pollutant
        self.runningAbove = runningAbove
    }

    enum CodingKeys: String, CodingKey {
        case pollutant
        case runningAbove = "running_above"
    }
}

/// A point's settings for one factor.
public struct PollutantSettings: Sendable, Hashable, Codable {
    /// The permitted hourly concentration limit (at reference O2), or `nil` to fall back to the emission standard.
    public var limit: Double?
    /// The upper end of the instrument's measuring range (量程).
    public var range: Double?
    /// Whether the hourly value is oxygen-corrected before it is compared with the limit (default: when the point
    /// has a reference O2).
    public var corrected: Bool?

    /// Creates settings.
    public init(limit: Double? = nil, range: Double? = nil, corrected: Bool? = nil) {
        self.limit = limit
        self.range = range
        self.corrected = corrected
    }
}

/// Where a point's limit for a factor comes from.
public struct ResolvedLimit: Sendable, Hashable, Codable {
    /// The hourly concentration limit.
    public var value: Double
    /// `permit` when the point profile (its permit) gives it, else the emission standard's name.
    public var source: String
    /// The status of the emission-standard entry (`nil` for a permit limit).
    public var status: EvidenceStatus?
    /// The limit set of the emission-standard entry.
    public var limitSet: String?

    /// Creates a resolved limit.
    public init(value: Double, source: String, status: EvidenceStatus? = nil, limitSet: String? = nil) {
        self.value = value
        self.source = source
        self.status = status
        self.limitSet = limitSet
    }
}

/// A monitoring point as the rules see it: who it belongs to, what it burns, its reference O2, and per factor its
/// limit and instrument range.
///
/// Load profiles from YAML or JSON (``load(contentsOf:)``), or build one from the standard's `monitoring_point` and
/// `permit_limit` records (``init(point:permitLimits:sourceType:limitSet:ranges:production:)``). A factor without
/// a permit limit falls back to the emission standard of the point's ``sourceType`` and ``limitSet``.
///
/// ```swift
/// var profile = PointProfile(point: "51010400000001", sourceType: "coal_boiler", limitSet: "new")
/// profile.pollutants["a21026"] = PollutantSettings(limit: 200, range: 1000)
/// profile.production = ProductionSignal(pollutant: "a00000", runningAbove: 10_000)
/// ```
public struct PointProfile: Sendable, Hashable, Codable {
    /// The point code (as readings name it).
    public var point: String
    /// The data logger id, another name readings may use for the point.
    public var mn: String?
    /// The regulated entity's code (污染源编码).
    public var entity: String?
    /// The county division code of the point.
    public var division: String?
    /// The source type (`Specs/monitoring/reference-oxygen.yaml`).
    public var sourceType: String?
    /// The limit set of the emission standard (`new`, `existing`, `special`, `ultra_low`, `standard`).
    public var limitSet: String?
    /// The reference O2 in %; `nil` takes the source type's.
    public var referenceOxygen: Double?
    /// What says the plant produces.
    public var production: ProductionSignal?
    /// Settings per factor code; the factors listed are expected to report.
    public var pollutants: [String: PollutantSettings]

    /// Creates a profile.
    public init(
        point: String, mn: String? = nil, entity: String? = nil, division: String? = nil, sourceType: String? = nil,
        limitSet: String? = nil, referenceOxygen: Double? = nil, production: ProductionSignal? = nil,
        pollutants: [String: PollutantSettings] = [:]
    ) {
        self.point = point
        self.mn = mn
        self.entity = entity
        self.division = division
        self.sourceType = sourceType
        self.limitSet = limitSet
        self.referenceOxygen = referenceOxygen
        self.production = production
        self.pollutants = pollutants
    }

    /// A profile from the standard's records: the point, and the permit limits of its permit and outlet (others are
    /// ignored). The reference O2 is the point's, else the permit's; a permit with `special_limit` selects the
    /// `special` limit set unless `limitSet` is given.
    public init(
        point: MonitoringPoint, permitLimits: [PermitLimit], sourceType: String? = nil, limitSet: String? = nil,
        ranges: [String: Double] = [:], production: ProductionSignal? = nil
    ) {
        let own = permitLimits.filter {
            $0.permitNumber == point.permitNumber && $0.outletCode == point.outletCode
        }
        var pollutants: [String: PollutantSettings] = [:]
        for code in point.monitoredPollutants.split(separator: ",") {
            let code = String(code).trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty else { continue }
            pollutants[code] = PollutantSettings(range: ranges[code])
        }
        for limit in own {
            let code = limit.pollutantCode.stringValue
            var settings = pollutants[code] ?? PollutantSettings(range: ranges[code])
            settings.limit = limit.limitConcAir ?? limit.limitConcWater
            pollutants[code] = settings
        }
        self.init(
            point: point.pointCode, mn: point.mn.stringValue, entity: point.entityCode,
            division: point.divisionCode.stringValue, sourceType: sourceType,
            limitSet: limitSet ?? (own.contains { $0.specialLimit == true } ? "special" : nil),
            referenceOxygen: point.refOxygen ?? own.compactMap(\.refOxygen).first, production: production,
            pollutants: pollutants)
    }

    /// The reference O2 of the point: its own, else its source type's.
    public func referenceOxygen(standards: MonitoringStandards?) -> Double? {
        if let referenceOxygen { return referenceOxygen }
        guard let sourceType else { return nil }
        return standards?.referenceOxygen(sourceType: sourceType)
    }

    /// The limit of a factor: the permit's (this profile's), else the emission standard's.
    public func limit(for pollutant: String, standards: MonitoringStandards?) -> ResolvedLimit? {
        if let limit = pollutants[pollutant]?.limit {
            return ResolvedLimit(value: limit, source: "permit", status: nil, limitSet: limitSet)
        }
        guard let sourceType, let standards,
            let entry = standards.emissionLimit(
                sourceType: sourceType, limitSet: limitSet, pollutant: pollutant, division: division)
        else { return nil }
        return ResolvedLimit(value: entry.limit, source: entry.standard, status: entry.status, limitSet: entry.limitSet)
    }

    /// Whether a factor's hourly value is corrected before it is judged: it has a limit, the point a reference O2,
    /// and the factor is not switched off with `corrected: false`.
    public func isCorrected(_ pollutant: String, standards: MonitoringStandards?) -> Bool {
        (pollutants[pollutant]?.corrected ?? true) && referenceOxygen(standards: standards) != nil
            && limit(for: pollutant, standards: standards) != nil
    }

    enum CodingKeys: String, CodingKey {
        case point
        case mn
        case entity
        case division
        case sourceType = "source_type"
        case limitSet = "limit_set"
        case referenceOxygen = "reference_o2"
        case production
        case pollutants
    }
}

extension PointProfile {
    /// Loads profiles from a YAML or JSON file: `{points: [profile, …]}` or a list of profiles, with the keys of
    /// the JSON form (`point`, `mn`, `entity`, `division`, `source_type`, `limit_set`, `reference_o2`,
    /// `production: {pollutant, running_above}`, `pollutants: {code: {limit, range, corrected}}`).
    ///
    /// - Throws: ``RuleLoadError`` with every located diagnostic (unknown keys, wrong types, duplicate points).
    public static func load(contentsOf url: URL) throws(RuleLoadError) -> [PointProfile] {
        let sink = DiagnosticSink()
        guard let source = YAMLSource.read(url, displayPath: url.path, sink: sink) else {
            throw RuleLoadError(diagnostics: sink.items)
        }
        let profiles = parse(source, sink: sink)
        if sink.hasErrors { throw RuleLoadError(diagnostics: sink.items) }
        return profiles
    }

    /// Parses profiles from YAML or JSON text (`file` names it in diagnostics).
    public static func parse(_ text: String, file: String = "<profiles>") throws(RuleLoadError) -> [PointProfile] {
        let sink = DiagnosticSink()
        guard let source = YAMLSource.parse(text, file: file, sink: sink) else {
            throw RuleLoadError(diagnostics: sink.items)
        }
        let profiles = parse(source, sink: sink)
        if sink.hasErrors { throw RuleLoadError(diagnostics: sink.items) }
        return profiles
    }

    static func parse(_ source: YAMLSource, sink: DiagnosticSink) -> [PointProfile] {
        var nodes: [(node: Node, path: String)] = []
        if let list = source.root.sequence {
            nodes = list.enumerated().map { ($1, "[\($0)]") }
        } else if let root = source.rootMapping(sink: sink, prefix: "profile") {
            nodes = root.sequence("points", required: true).enumerated().map { ($1, "points[\($0)]") }
            root.finish()
        }
        var profiles: [PointProfile] = []
        var seen: [String: SourceLocation] = [:]
        for (node, path) in nodes {
            guard let map = YAMLMap.make(node, path: path, source: source, sink: sink, prefix: "profile") else {
                continue
            }
            guard let profile = profile(map) else { continue }
            for name in [profile.point] + (profile.mn.map { [$0] } ?? []) {
                if let first = seen[name] {
                    map.error("duplicate", "point `\(name)` is already profiled at \(first)", at: "point")
                } else {
                    seen[name] = map.location
                }
            }
            profiles.append(profile)
        }
        return profiles
    }

    private static func profile(_ map: YAMLMap) -> PointProfile? {
        let point = map.string("point", required: true)
        var profile = PointProfile(point: point ?? "")
        profile.mn = map.string("mn")
        profile.entity = map.string("entity")
        profile.division = map.string("division")
        if let division = profile.division, (try? DivisionCode(division)) == nil {
            map.error("value", "`division` must be a GB/T 2260 division code, found `\(division)`", at: "division")
        }
        profile.sourceType = map.string("source_type")
        profile.limitSet = map.string("limit_set")
        profile.referenceOxygen = map.double("reference_o2")
        if let oxygen = profile.referenceOxygen, oxygen < 0 || oxygen >= 21 {
            map.error("value", "`reference_o2` must be within 0 ..< 21", at: "reference_o2")
        }
        if let production = map.mapping("production") {
            let pollutant = production.string("pollutant", required: true)
            let threshold = production.double("running_above", required: true)
            production.finish()
            if let pollutant, let threshold {
                profile.production = ProductionSignal(pollutant: pollutant, runningAbove: threshold)
            }
        }
        if let pollutants = map.mapping("pollutants") {
            for code in pollutants.keys {
                guard let node = pollutants.node(code) else { continue }
                if case .scalar(let scalar) = node, ["", "~", "null"].contains(scalar.string) {
                    profile.pollutants[code] = PollutantSettings()
                    continue
                }
                guard
                    let settings = YAMLMap.make(
                        node, path: pollutants.childPath(code), source: map.source, sink: map.sink, prefix: "profile")
                else { continue }
                let limit = settings.double("limit")
                let range = settings.double("range")
                let corrected = settings.bool("corrected")
                settings.finish()
                if let limit, limit <= 0 { settings.error("value", "`limit` must be positive", at: "limit") }
                if let range, range <= 0 { settings.error("value", "`range` must be positive", at: "range") }
                profile.pollutants[code] = PollutantSettings(limit: limit, range: range, corrected: corrected)
            }
            pollutants.finish()
        }
        map.finish()
        return point == nil ? nil : profile
    }
}
