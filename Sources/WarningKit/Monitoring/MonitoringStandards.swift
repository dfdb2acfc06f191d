import DataStandard
import EnforcementModel
import Foundation

/// How well a configured value is established (`DOMAIN.md`'s markers).
public enum EvidenceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// `V`: verified against the standard's text.
    case verified = "V"
    /// `S`: from a secondary source.
    case sourced = "S"
    /// `I`: an unverified default; configuration to be confirmed.
    case inferred = "I"
}

/// A kind of emission source with its reference O2 (`Specs/monitoring/reference-oxygen.yaml`).
public struct EmissionSourceType: Sendable, Hashable, Codable {
    /// The id used by point profiles and the limit table (`coal_boiler`, `cement_kiln`, …).
    public var id: String
    /// The name, in Chinese and English.
    public var name: LocalizedText
    /// The reference O2 in %, or `nil` when the standard asks for no correction.
    public var referenceOxygen: Double?
    /// The standard (and clause) that sets it.
    public var standard: String
    /// How well it is established.
    public var status: EvidenceStatus

    /// Creates a source type.
    public init(
        id: String, name: LocalizedText, referenceOxygen: Double?, standard: String, status: EvidenceStatus
    ) {
        self.id = id
        self.name = name
        self.referenceOxygen = referenceOxygen
        self.standard = standard
        self.status = status
    }
}

/// One emission limit of an emission standard (`Specs/monitoring/emission-limits.yaml`).
public struct EmissionLimit: Sendable, Hashable, Codable {
    /// The emission standard (`GB 13271-2014`).
    public var standard: String
    /// The source type it applies to.
    public var sourceType: String
    /// The limit set (`new`, `existing`, `special`, `ultra_low`, `standard`).
    public var limitSet: String
    /// The pollutant code.
    public var pollutant: String
    /// The hourly concentration limit, mg/m³ at reference O2.
    public var limit: Double
    /// The province division codes it is narrowed to (empty: everywhere).
    public var regions: [String]
    /// How well it is established.
    public var status: EvidenceStatus
    /// A remark.
    public var note: String?

    /// Creates a limit.
    public init(
        standard: String, sourceType: String, limitSet: String, pollutant: String, limit: Double,
        regions: [String] = [], status: EvidenceStatus, note: String? = nil
    ) {
        self.standard = standard
        self.sourceType = sourceType
        self.limitSet = limitSet
        self.pollutant = pollutant
        self.limit = limit
        self.regions = regions
        self.status = status
        self.note = note
    }

    /// Whether the entry applies to a point in `division` (a regional entry needs a division inside a region).
    public func applies(toDivision division: String?) -> Bool {
        guard !regions.isEmpty else { return true }
        guard let division else { return false }
        return regions.contains { Divisions.contains($0, division) }
    }
}

/// Division containment by GB/T 2260 prefix (510000 ⊃ 510100 ⊃ 510104), tolerant of codes that do not parse.
enum Divisions {
    static func contains(_ container: String, _ division: String) -> Bool {
        if let outer = try? DivisionCode(container), let inner = try? DivisionCode(division) {
            return outer.contains(inner)
        }
        var prefix = Substring(container)
        while prefix.hasSuffix("00") { prefix = prefix.dropLast(2) }
        return division.hasPrefix(prefix)
    }
}

/// The monitoring tables of `Specs/monitoring/`: data validity, the O2 guards and reference O2 per source type, and
/// the emission limits.
///
/// ```swift
/// let standards = try MonitoringStandards.load()      // Specs/monitoring of StandardLoader.specsDirectory()
/// standards.referenceOxygen(sourceType: "cement_kiln")   // 10
/// standards.emissionLimit(sourceType: "cement_kiln", limitSet: "special", pollutant: "a21002")?.limit   // 320
/// ```
public struct MonitoringStandards: Sendable, Hashable {
    /// HJ 75/76 validity.
    public var validity: ValidityPolicy
    /// The O2 correction and its guards.
    public var oxygen: OxygenCorrection
    /// The factor code of O2 (`a19001`).
    public var oxygenPollutant: String
    /// The source types by id.
    public var sourceTypes: [String: EmissionSourceType]
    /// Every emission limit, in file order.
    public var emissionLimits: [EmissionLimit]

    /// Creates the tables.
    public init(
        validity: ValidityPolicy = ValidityPolicy(), oxygen: OxygenCorrection = OxygenCorrection(),
        oxygenPollutant: String = "a19001", sourceTypes: [String: EmissionSourceType] = [:],
        emissionLimits: [EmissionLimit] = []
    ) {
        self.validity = validity
        self.oxygen = oxygen
        self.oxygenPollutant = oxygenPollutant
        self.sourceTypes = sourceTypes
        self.emissionLimits = emissionLimits
    }

    /// The reference O2 of a source type (`nil` when unknown or when the type is not corrected).
    public func referenceOxygen(sourceType: String) -> Double? {
        sourceTypes[sourceType]?.referenceOxygen
    }

    /// The emission limit of a pollutant for a source type and limit set; a set without an entry falls back to
    /// `standard`. A regional entry whose region contains `division` wins over a general one.
    public func emissionLimit(sourceType: String, limitSet: String?, pollutant: String, division: String? = nil)
        -> EmissionLimit?
    {
        func find(_ set: String) -> EmissionLimit? {
            let candidates = emissionLimits.filter {
                $0.sourceType == sourceType && $0.limitSet == set && $0.pollutant == pollutant
                    && $0.applies(toDivision: division)
            }
            return candidates.first { !$0.regions.isEmpty } ?? candidates.first
        }
        if let limitSet, let limit = find(limitSet) { return limit }
        return find("standard")
    }

    /// `Specs/monitoring` of ``StandardLoader/specsDirectory()``.
    public static func defaultDirectory() -> URL? {
        StandardLoader.specsDirectory()?.appendingPathComponent("monitoring")
    }

    /// Loads the tables from `directory` (default ``defaultDirectory()``), throwing every located diagnostic when a
    /// file is wrong.
    public static func load(directory: URL? = nil) throws(RuleLoadError) -> MonitoringStandards {
        guard let folder = directory ?? defaultDirectory() else {
            throw RuleLoadError(diagnostics: [
                RuleDiagnostic(
                    .error, "io.unreadable", "the Specs folder was not found; set ENFORCE_SPECS", at: nil)
            ])
        }
        let (standards, diagnostics) = read(directory: folder)
        guard let standards, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw RuleLoadError(diagnostics: diagnostics)
        }
        return standards
    }

    /// Reads the tables from `directory`, collecting every diagnostic.
    public static func read(directory: URL) -> (MonitoringStandards?, [RuleDiagnostic]) {
        let sink = DiagnosticSink()
        var standards = MonitoringStandards()
        func open(_ name: String, kind: String) -> YAMLMap? {
            let url = directory.appendingPathComponent(name)
            guard let source = YAMLSource.read(url, displayPath: url.path, sink: sink),
                let root = source.rootMapping(sink: sink, prefix: "monitoring")
            else { return nil }
            if root.choice("kind", [kind], required: true) == nil { return nil }
            _ = root.string("version", required: true)
            return root
        }
        func status(_ map: YAMLMap) -> EvidenceStatus {
            guard let text = map.choice("status", EvidenceStatus.allCases.map(\.rawValue), required: true) else {
                return .inferred
            }
            return EvidenceStatus(rawValue: text) ?? .inferred
        }
        func value(_ root: YAMLMap, _ key: String) -> Double? {
            guard let map = root.mapping(key, required: true) else { return nil }
            let value = map.double("value", required: true)
            _ = status(map)
            _ = map.string("basis")
            map.finish()
            return value
        }

        if let root = open("validity.yaml", kind: "data_validity") {
            if let minutes = value(root, "minimum_valid_minutes_per_hour") {
                if minutes >= 1 && minutes <= 60 {
                    standards.validity.minimumValidMinutesPerHour = Int(minutes)
                } else {
                    root.error(
                        "value", "`minimum_valid_minutes_per_hour` must be within 1…60",
                        at: "minimum_valid_minutes_per_hour")
                }
            }
            if let hours = value(root, "minimum_valid_hours_per_day") {
                if hours >= 1 && hours <= 24 {
                    standards.validity.minimumValidHoursPerDay = Int(hours)
                } else {
                    root.error(
                        "value", "`minimum_valid_hours_per_day` must be within 1…24", at: "minimum_valid_hours_per_day")
                }
            }
            if let codes = root.strings("valid_flags", required: true) {
                var flags: Set<DataFlag> = []
                for code in codes {
                    if let flag = DataFlag(code: code) {
                        flags.insert(flag)
                    } else {
                        root.error("value", "unknown data flag `\(code)` in `valid_flags`", at: "valid_flags")
                    }
                }
                standards.validity.validFlags = flags
            }
            root.finish()
        }

        if let root = open("reference-oxygen.yaml", kind: "reference_oxygen") {
            standards.oxygenPollutant = root.string("oxygen_pollutant", required: true) ?? "a19001"
            if let ambient = value(root, "ambient_oxygen") { standards.oxygen.ambientOxygen = ambient }
            if let shutdown = value(root, "probable_shutdown_oxygen") {
                standards.oxygen.probableShutdownOxygen = shutdown
            }
            if standards.oxygen.probableShutdownOxygen >= standards.oxygen.ambientOxygen {
                root.error(
                    "value", "`probable_shutdown_oxygen` must be below `ambient_oxygen`", at: "probable_shutdown_oxygen"
                )
            }
            for map in root.mappings("source_types", required: true) {
                let id = map.string("id", required: true)
                let name = map.localized("name", required: true)
                let reference = map.double("reference_o2")
                if !map.has("reference_o2") {
                    map.error("missing-key", "`\(map.childPath("reference_o2"))` is required (null: no correction)")
                }
                let standard = map.string("standard", required: true)
                let evidence = status(map)
                _ = map.string("note")
                map.finish()
                if let reference, reference < 0 || reference >= standards.oxygen.ambientOxygen {
                    map.error("value", "`reference_o2` must be within 0 ..< ambient O2", at: "reference_o2")
                }
                guard let id, let name, let standard else { continue }
                if standards.sourceTypes[id] != nil {
                    map.error("duplicate", "duplicate source type `\(id)`", at: "id")
                }
                standards.sourceTypes[id] = EmissionSourceType(
                    id: id, name: name, referenceOxygen: reference, standard: standard, status: evidence)
            }
            root.finish()
        }

        if let root = open("emission-limits.yaml", kind: "emission_limits") {
            _ = root.choice("unit", ["mg/m3"], required: true)
            var seen: Set<[String]> = []
            for map in root.mappings("limits", required: true) {
                let standard = map.string("standard", required: true)
                let sourceType = map.string("source_type", required: true)
                let limitSet = map.string("limit_set", required: true)
                let pollutant = map.string("pollutant", required: true)
                let limit = map.double("limit", required: true)
                let regions = map.strings("regions") ?? []
                let evidence = status(map)
                let note = map.string("note")
                map.finish()
                guard let standard, let sourceType, let limitSet, let pollutant, let limit else { continue }
                if limit <= 0 { map.error("value", "`limit` must be positive", at: "limit") }
                if standards.sourceTypes[sourceType] == nil && !standards.sourceTypes.isEmpty {
                    map.error("reference", "unknown source type `\(sourceType)`", at: "source_type")
                }
                let key = [sourceType, limitSet, pollutant, regions.joined(separator: ",")]
                if !seen.insert(key).inserted {
                    map.error(
                        "duplicate", "a second limit for \(sourceType)/\(limitSet)/\(pollutant) in the same regions",
                        at: "pollutant")
                }
                standards.emissionLimits.append(
                    EmissionLimit(
                        standard: standard, sourceType: sourceType, limitSet: limitSet, pollutant: pollutant,
                        limit: limit, regions: regions, status: evidence, note: note))
            }
            root.finish()
        }
        return (sink.hasErrors ? nil : standards, sink.items)
    }
}
