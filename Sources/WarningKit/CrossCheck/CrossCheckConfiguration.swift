import Foundation

/// The thresholds of the cross-validation checks (WRN-3), read from YAML (`Specs/crosscheck/sichuan.yaml`):
/// electricity monitoring, emissions against quality stations, and automatic against supervisory monitoring.
///
/// Every threshold is configuration. The values shipped in `Specs/` are unverified defaults (`[I]` in `DOMAIN.md`
/// §8) to be tuned per device; none of them is a constant of the code, and a file that leaves one out is an error.
///
/// A city's file may give only what differs: with a `base`, a missing section, or a missing `electricity.defaults`,
/// is taken from the base.
///
/// ```swift
/// let province = try CrossCheckConfiguration.load(file: specs.appendingPathComponent("crosscheck/sichuan.yaml"))
/// let chengdu = try CrossCheckConfiguration.load(file: chengduFile, base: province)
/// var monitor = ElectricityMonitor(configuration: try #require(chengdu.electricity))
/// ```
public struct CrossCheckConfiguration: Sendable, Hashable {
    /// The version of the configuration, recorded as the ``Warning/ruleVersion`` of the warnings.
    public var version: String
    /// Electricity monitoring (production against treatment equipment), if configured.
    public var electricity: ElectricityCheckConfiguration?
    /// Emissions against the nearest air or water quality station, if configured.
    public var station: StationCheckConfiguration?
    /// Automatic against supervisory monitoring, if configured.
    public var supervisory: SupervisoryCheckConfiguration?

    /// Creates a configuration.
    public init(
        version: String, electricity: ElectricityCheckConfiguration? = nil, station: StationCheckConfiguration? = nil,
        supervisory: SupervisoryCheckConfiguration? = nil
    ) {
        self.version = version
        self.electricity = electricity
        self.station = station
        self.supervisory = supervisory
    }

    /// Reads a configuration file, completing it from `base` when given.
    ///
    /// - Throws: ``ConfigFileError`` naming the file, line, column and key of the first problem.
    public static func load(file: URL, base: CrossCheckConfiguration? = nil) throws(ConfigFileError)
        -> CrossCheckConfiguration
    {
        try CrossCheckConfiguration(root: try SettingNode.read(file), base: base)
    }

    /// Parses a configuration from YAML text; `file` names it in errors.
    ///
    /// - Throws: ``ConfigFileError`` naming the line, column and key of the first problem.
    public init(yaml: String, file: String = "<crosscheck>", base: CrossCheckConfiguration? = nil)
        throws(ConfigFileError)
    {
        try self.init(root: try SettingNode.parse(yaml: yaml, file: file), base: base)
    }

    private init(root: SettingNode, base: CrossCheckConfiguration?) throws(ConfigFileError) {
        let map = try root.mapping(allowed: ["standard", "version", "electricity", "station", "supervisory"])
        _ = try map.required("standard").string()
        version = try map.required("version").string()
        electricity =
            try map["electricity"].map { node throws(ConfigFileError) in
                try ElectricityCheckConfiguration(node: node, version: version, base: base?.electricity?.defaults)
            } ?? base?.electricity
        station =
            try map["station"].map { node throws(ConfigFileError) in
                try StationCheckConfiguration(node: node, version: version)
            } ?? base?.station
        supervisory =
            try map["supervisory"].map { node throws(ConfigFileError) in
                try SupervisoryCheckConfiguration(node: node, version: version)
            } ?? base?.supervisory
    }
}

// MARK: Electricity

/// Electricity monitoring (用电监控, `DOMAIN.md` §8): the default thresholds and the production–treatment couplings
/// (产治污关联) of the plants.
public struct ElectricityCheckConfiguration: Sendable, Hashable {
    /// The rule version recorded in the warnings.
    public var version: String
    /// The thresholds of a coupling that does not override them.
    public var defaults: PowerThresholds
    /// The couplings: which production and treatment meters belong together, with their baselines.
    public var couplings: [PowerCoupling]

    /// Creates a configuration.
    public init(version: String, defaults: PowerThresholds, couplings: [PowerCoupling]) {
        self.version = version
        self.defaults = defaults
        self.couplings = couplings
    }

    init(node: SettingNode, version: String, base: PowerThresholds?) throws(ConfigFileError) {
        let map = try node.mapping(allowed: ["defaults", "couplings"])
        self.version = version
        if let defaultsNode = map["defaults"] {
            defaults = try PowerThresholds(
                map: try defaultsNode.mapping(allowed: PowerThresholds.keys), base: base, owner: defaultsNode)
        } else if let base {
            defaults = base
        } else {
            throw node.error(.missingKey, "the key `defaults` is required", "缺少必填键“defaults”")
        }
        var couplings: [PowerCoupling] = []
        for item in try map["couplings"]?.sequence() ?? [] {
            let coupling = try PowerCoupling(node: item, defaults: defaults)
            if couplings.contains(where: { $0.id == coupling.id }) {
                throw item.error(
                    .invalidValue, "the coupling id \(coupling.id) appears twice", "关联编号 \(coupling.id) 重复")
            }
            couplings.append(coupling)
        }
        self.couplings = couplings
    }
}

/// The thresholds of electricity monitoring for one coupling. All `[I]`: suggested by `DOMAIN.md` §8, unverified,
/// to be tuned per device from its baseline.
public struct PowerThresholds: Sendable, Hashable {
    /// What the meters' values are.
    public enum Quantity: String, Sendable, Hashable, Codable {
        /// Active power in kW (the `active_power` of `power_reading`).
        case power
        /// Current in A (the `current` of `power_reading`).
        case current
    }

    /// The warning levels of the four checks.
    public struct Levels: Sendable, Hashable {
        /// Treatment equipment off while production runs.
        public var controlOff: WarningLevel
        /// Treatment not in sync with production.
        public var outOfSync: WarningLevel
        /// Treatment idling or underpowered.
        public var idling: WarningLevel
        /// Production above the allowed load during an emergency period.
        public var restriction: WarningLevel

        /// Creates the levels.
        public init(
            controlOff: WarningLevel, outOfSync: WarningLevel, idling: WarningLevel, restriction: WarningLevel
        ) {
            self.controlOff = controlOff
            self.outOfSync = outOfSync
            self.idling = idling
            self.restriction = restriction
        }
    }

    /// Whether the thresholds are in kW (power) or A (current).
    public var quantity: Quantity
    /// P_run: production counts as running when its meters' total is above this.
    public var productionRunning: Double
    /// I_off: a treatment meter below this counts as off.
    public var controlOff: Double
    /// T1: treatment off while production runs this long raises a control-off warning, in seconds.
    public var offMinDuration: Int64
    /// Δ: treatment may start this much after production, or stop this much before it, in seconds.
    public var syncTolerance: Int64
    /// x: treatment running below this fraction of its baseline is idling…
    public var idleRatio: Double
    /// y: …while production runs above this fraction of its baseline.
    public var idleProductionRatio: Double
    /// How long idling must last before it is warned, in seconds.
    public var idleMinDuration: Int64
    /// How long production must stay above the allowed load of an emergency period before it is warned, in seconds.
    public var restrictionMinDuration: Int64
    /// The production load allowed during an emergency period, as a fraction of the production baseline, per
    /// heavy-pollution-weather alert level (`alert_level` code: `1` red, `2` orange, `3` yellow).
    public var restrictionAllowedLoad: [String: Double]
    /// A meter whose last value is older than this is unknown, in seconds (no judgement on stale data).
    public var maxSampleGap: Int64
    /// The most readings a warning carries as evidence.
    public var evidenceLimit: Int
    /// The warning levels.
    public var levels: Levels

    /// Creates thresholds; every value is required (there are no built-in defaults).
    public init(
        quantity: Quantity, productionRunning: Double, controlOff: Double, offMinDuration: Int64,
        syncTolerance: Int64, idleRatio: Double, idleProductionRatio: Double, idleMinDuration: Int64,
        restrictionMinDuration: Int64, restrictionAllowedLoad: [String: Double], maxSampleGap: Int64,
        evidenceLimit: Int, levels: Levels
    ) {
        self.quantity = quantity
        self.productionRunning = productionRunning
        self.controlOff = controlOff
        self.offMinDuration = offMinDuration
        self.syncTolerance = syncTolerance
        self.idleRatio = idleRatio
        self.idleProductionRatio = idleProductionRatio
        self.idleMinDuration = idleMinDuration
        self.restrictionMinDuration = restrictionMinDuration
        self.restrictionAllowedLoad = restrictionAllowedLoad
        self.maxSampleGap = maxSampleGap
        self.evidenceLimit = evidenceLimit
        self.levels = levels
    }

    static let keys: Set<String> = [
        "quantity", "production_running", "control_off", "off_min_duration", "sync_tolerance", "idle_ratio",
        "idle_production_ratio", "idle_min_duration", "restriction_min_duration", "restriction_allowed_load",
        "max_sample_gap", "evidence_limit", "levels",
    ]

    /// Reads thresholds from a mapping; keys it lacks come from `base`, and without a base every key is required.
    init(map: SettingMap, base: PowerThresholds?, owner: SettingNode) throws(ConfigFileError) {
        func value<T>(_ key: String, _ read: (SettingNode) throws(ConfigFileError) -> T, _ inherited: T?)
            throws(ConfigFileError) -> T
        {
            if let node = map[key] { return try read(node) }
            if let inherited { return inherited }
            throw owner.error(.missingKey, "the threshold `\(key)` is required", "缺少阈值“\(key)”")
        }
        func nonNegative(_ node: SettingNode) throws(ConfigFileError) -> Double {
            let number = try node.double()
            guard number >= 0 else { throw node.error(.invalidValue, "must not be negative", "不能为负数") }
            return number
        }
        func fraction(_ node: SettingNode) throws(ConfigFileError) -> Double {
            let number = try node.double()
            guard (0...10).contains(number) else {
                throw node.error(.invalidValue, "a fraction of the baseline, 0…10", "应为基线的比例（0…10）")
            }
            return number
        }
        quantity = try value(
            "quantity",
            { node throws(ConfigFileError) in
                guard let quantity = Quantity(rawValue: try node.string()) else {
                    throw node.error(.invalidValue, "quantity is power or current", "quantity 应为 power 或 current")
                }
                return quantity
            }, base?.quantity)
        productionRunning = try value("production_running", nonNegative, base?.productionRunning)
        controlOff = try value("control_off", nonNegative, base?.controlOff)
        offMinDuration = try value(
            "off_min_duration", { node throws(ConfigFileError) in try node.duration() }, base?.offMinDuration)
        syncTolerance = try value(
            "sync_tolerance", { node throws(ConfigFileError) in try node.duration() }, base?.syncTolerance)
        idleRatio = try value("idle_ratio", fraction, base?.idleRatio)
        idleProductionRatio = try value("idle_production_ratio", fraction, base?.idleProductionRatio)
        idleMinDuration = try value(
            "idle_min_duration", { node throws(ConfigFileError) in try node.duration() }, base?.idleMinDuration)
        restrictionMinDuration = try value(
            "restriction_min_duration", { node throws(ConfigFileError) in try node.duration() },
            base?.restrictionMinDuration)
        restrictionAllowedLoad = try value(
            "restriction_allowed_load",
            { node throws(ConfigFileError) in
                var loads: [String: Double] = [:]
                for (level, item) in try node.mapping(allowed: ["1", "2", "3"]).entries {
                    loads[level] = try fraction(item)
                }
                return loads
            }, base?.restrictionAllowedLoad)
        maxSampleGap = try value(
            "max_sample_gap", { node throws(ConfigFileError) in try node.duration() }, base?.maxSampleGap)
        evidenceLimit = try value(
            "evidence_limit",
            { node throws(ConfigFileError) in
                let limit = try node.int()
                guard limit > 0 else { throw node.error(.invalidValue, "must be at least 1", "至少为 1") }
                return limit
            }, base?.evidenceLimit)
        levels = try value(
            "levels",
            { node throws(ConfigFileError) in
                let levels = try node.mapping(allowed: ["control_off", "out_of_sync", "idling", "restriction"])
                func level(_ key: String) throws(ConfigFileError) -> WarningLevel {
                    guard let level = try levels.level(key) else {
                        throw node.error(.missingKey, "the level `\(key)` is required", "缺少级别“\(key)”")
                    }
                    return level
                }
                return Levels(
                    controlOff: try level("control_off"), outOfSync: try level("out_of_sync"),
                    idling: try level("idling"), restriction: try level("restriction"))
            }, base?.levels)
    }
}

/// A production–treatment coupling (产治污关联) of one plant: the meters of its production (产污) and treatment
/// (治污) equipment, their baselines, and the thresholds that apply.
public struct PowerCoupling: Sendable, Hashable {
    /// The coupling's id (unique in the configuration), e.g. `SC5106810001-TA001`.
    public var id: String
    /// The regulated entity (`entity_code`).
    public var entity: String
    /// The county (`division_code`), for emergency periods and labels.
    public var division: String?
    /// The production meters (`meter_code`, role production); production runs when their total is above P_run.
    public var productionMeters: [String]
    /// The treatment meters; each is judged on its own.
    public var controlMeters: [String]
    /// The production meters' total at normal full load (the baseline of load fractions), if known.
    public var productionBaseline: Double?
    /// Each treatment meter's normal running value (the baseline of idling), if known.
    public var controlBaselines: [String: Double]
    /// The thresholds (the configuration's defaults with this coupling's overrides).
    public var thresholds: PowerThresholds

    /// Creates a coupling.
    public init(
        id: String, entity: String, division: String? = nil, productionMeters: [String], controlMeters: [String],
        productionBaseline: Double? = nil, controlBaselines: [String: Double] = [:], thresholds: PowerThresholds
    ) {
        self.id = id
        self.entity = entity
        self.division = division
        self.productionMeters = productionMeters
        self.controlMeters = controlMeters
        self.productionBaseline = productionBaseline
        self.controlBaselines = controlBaselines
        self.thresholds = thresholds
    }

    init(node: SettingNode, defaults: PowerThresholds) throws(ConfigFileError) {
        let own: Set<String> = [
            "id", "entity", "division", "production_meters", "control_meters", "production_baseline",
            "control_baseline",
        ]
        let map = try node.mapping(allowed: own.union(PowerThresholds.keys))
        id = try map.required("id").string()
        entity = try map.required("entity").string()
        division = try map.string("division")
        productionMeters = try map.required("production_meters").strings()
        controlMeters = try map.required("control_meters").strings()
        guard !productionMeters.isEmpty, !controlMeters.isEmpty else {
            throw node.error(
                .invalidValue, "a coupling needs at least one production and one treatment meter", "关联至少需要一个产污电表和一个治污电表"
            )
        }
        productionBaseline = try map.double("production_baseline", in: 0.000_001...1e9)
        var baselines: [String: Double] = [:]
        if let node = map["control_baseline"] {
            if node.isScalar {
                let value = try node.double()
                for meter in controlMeters { baselines[meter] = value }
            } else {
                let perMeter = try node.mapping(allowed: Set(controlMeters))
                for (meter, item) in perMeter.entries { baselines[meter] = try item.double() }
            }
            guard baselines.values.allSatisfy({ $0 > 0 }) else {
                throw node.error(.invalidValue, "a baseline must be above 0", "基线必须大于 0")
            }
        }
        controlBaselines = baselines
        thresholds = try PowerThresholds(map: map, base: defaults, owner: node)
    }
}

// MARK: Stations

/// Emissions against the nearest air or water quality station: the windows, the rises that count, and the pollutant
/// pairs compared. See ``StationCheck`` for the method.
public struct StationCheckConfiguration: Sendable, Hashable {
    /// The pattern "the plant's emission and the station rise together".
    public struct CoRise: Sendable, Hashable {
        /// The plant's window mean must be at least this fraction above its baseline mean (0.5 = +50 %).
        public var plantRise: Double
        /// The station's window mean must be at least this fraction above its baseline mean.
        public var stationRise: Double
        /// The level of the warning.
        public var level: WarningLevel

        /// Creates the pattern.
        public init(plantRise: Double, stationRise: Double, level: WarningLevel) {
            self.plantRise = plantRise
            self.stationRise = stationRise
            self.level = level
        }
    }

    /// The pattern "the plant reports near-zero emissions while the station spikes".
    public struct SilentSource: Sendable, Hashable {
        /// The station's window mean must be at least this fraction above its baseline mean (1.0 = doubled).
        public var stationRise: Double
        /// The level of the warning.
        public var level: WarningLevel

        /// Creates the pattern.
        public init(stationRise: Double, level: WarningLevel) {
            self.stationRise = stationRise
            self.level = level
        }
    }

    /// How one plant pollutant is compared with the stations.
    public struct Pollutant: Sendable, Hashable {
        /// The station pollutant codes it is compared with (SO2 with SO2, NOx with NO2, PM with PM2.5 and PM10, COD
        /// with the permanganate index…).
        public var stationPollutants: [String]
        /// A plant window mean at or below this counts as near zero (plant units).
        public var nearZero: Double
        /// The smallest absolute station rise that counts (station units), against noise at low concentrations.
        public var minStationRise: Double

        /// Creates a pollutant pairing.
        public init(stationPollutants: [String], nearZero: Double, minStationRise: Double) {
            self.stationPollutants = stationPollutants
            self.nearZero = nearZero
            self.minStationRise = minStationRise
        }
    }

    /// The rule version recorded in the warnings.
    public var version: String
    /// The length of a compared window, in seconds (windows are consecutive from the start of the evaluation).
    public var window: Int64
    /// The length of the baseline just before each window, in seconds.
    public var baseline: Int64
    /// How many of a point's ranked stations are compared (the nearest first).
    public var stationsConsidered: Int
    /// Stations farther than this are not compared, in km.
    public var maxDistanceKm: Double
    /// The fewest valid readings a window mean needs.
    public var minWindowReadings: Int
    /// The fewest valid readings a baseline mean needs.
    public var minBaselineReadings: Int
    /// The most readings a warning carries as evidence.
    public var evidenceLimit: Int
    /// The co-rise pattern, or `nil` when disabled.
    public var coRise: CoRise?
    /// The silent-source pattern, or `nil` when disabled.
    public var silentSource: SilentSource?
    /// The compared pollutants by plant pollutant code.
    public var pollutants: [String: Pollutant]

    /// Creates a configuration.
    public init(
        version: String, window: Int64, baseline: Int64, stationsConsidered: Int, maxDistanceKm: Double,
        minWindowReadings: Int, minBaselineReadings: Int, evidenceLimit: Int, coRise: CoRise?,
        silentSource: SilentSource?, pollutants: [String: Pollutant]
    ) {
        self.version = version
        self.window = window
        self.baseline = baseline
        self.stationsConsidered = stationsConsidered
        self.maxDistanceKm = maxDistanceKm
        self.minWindowReadings = minWindowReadings
        self.minBaselineReadings = minBaselineReadings
        self.evidenceLimit = evidenceLimit
        self.coRise = coRise
        self.silentSource = silentSource
        self.pollutants = pollutants
    }

    init(node: SettingNode, version: String) throws(ConfigFileError) {
        let map = try node.mapping(allowed: [
            "window", "baseline", "stations_considered", "max_distance_km", "min_window_readings",
            "min_baseline_readings", "evidence_limit", "co_rise", "silent_source", "pollutants",
        ])
        self.version = version
        window = try map.required("window").duration()
        baseline = try map.required("baseline").duration()
        guard window > 0, baseline > 0 else {
            throw node.error(.invalidValue, "window and baseline must be longer than 0s", "窗口和基线时长必须大于 0")
        }
        stationsConsidered = try map.required("stations_considered").int()
        maxDistanceKm = try map.required("max_distance_km").double()
        minWindowReadings = max(1, try map.required("min_window_readings").int())
        minBaselineReadings = max(1, try map.required("min_baseline_readings").int())
        evidenceLimit = max(1, try map.required("evidence_limit").int())
        if let node = map["co_rise"] {
            let pattern = try node.mapping(allowed: ["enabled", "plant_rise", "station_rise", "level"])
            if try pattern.bool("enabled") ?? true {
                coRise = CoRise(
                    plantRise: try pattern.required("plant_rise").double(),
                    stationRise: try pattern.required("station_rise").double(),
                    level: try pattern.level("level") ?? .yellow)
            } else {
                coRise = nil
            }
        } else {
            coRise = nil
        }
        if let node = map["silent_source"] {
            let pattern = try node.mapping(allowed: ["enabled", "station_rise", "level"])
            if try pattern.bool("enabled") ?? true {
                silentSource = SilentSource(
                    stationRise: try pattern.required("station_rise").double(),
                    level: try pattern.level("level") ?? .orange)
            } else {
                silentSource = nil
            }
        } else {
            silentSource = nil
        }
        var pollutants: [String: Pollutant] = [:]
        for (code, item) in try map.required("pollutants").mapping(allowed: nil).entries {
            let pairing = try item.mapping(allowed: ["station", "near_zero", "min_station_rise"])
            pollutants[code] = Pollutant(
                stationPollutants: try pairing.required("station").strings(),
                nearZero: try pairing.required("near_zero").double(),
                minStationRise: try pairing.double("min_station_rise") ?? 0)
        }
        self.pollutants = pollutants
    }
}

// MARK: Supervisory monitoring

/// Automatic against supervisory (manual) monitoring: the tolerance per pollutant and how the automatic value of
/// the sampling hour is found. See ``SupervisoryCheck``.
public struct SupervisoryCheckConfiguration: Sendable, Hashable {
    /// How far the automatic value may be from the manual one.
    public struct Tolerance: Sendable, Hashable, Codable {
        /// The largest relative error |auto − manual| / manual (0.3 = 30 %).
        public var relative: Double
        /// An absolute error at or below this is always tolerated (for values near the detection limit), if set.
        public var absolute: Double?

        /// Creates a tolerance.
        public init(relative: Double, absolute: Double? = nil) {
            self.relative = relative
            self.absolute = absolute
        }
    }

    /// The rule version recorded in the warnings.
    public var version: String
    /// The period of the automatic values compared (an hour: the value whose period holds the sampling time).
    public var period: Int64
    /// The level of the warning.
    public var level: WarningLevel
    /// The tolerance of pollutants not listed, or `nil` to compare only the listed ones.
    public var defaultTolerance: Tolerance?
    /// The tolerance per pollutant code.
    public var tolerances: [String: Tolerance]

    /// Creates a configuration.
    public init(
        version: String, period: Int64, level: WarningLevel, defaultTolerance: Tolerance?,
        tolerances: [String: Tolerance]
    ) {
        self.version = version
        self.period = period
        self.level = level
        self.defaultTolerance = defaultTolerance
        self.tolerances = tolerances
    }

    /// The tolerance of a pollutant.
    public func tolerance(for pollutant: String) -> Tolerance? { tolerances[pollutant] ?? defaultTolerance }

    init(node: SettingNode, version: String) throws(ConfigFileError) {
        let map = try node.mapping(allowed: ["period", "level", "default", "pollutants"])
        self.version = version
        period = try map.required("period").duration()
        guard period > 0 else {
            throw node.error(.invalidValue, "period must be longer than 0s", "period 必须大于 0")
        }
        level = try map.level("level") ?? .yellow
        func tolerance(_ node: SettingNode) throws(ConfigFileError) -> Tolerance {
            let map = try node.mapping(allowed: ["relative", "absolute"])
            let relative = try map.required("relative").double()
            guard relative >= 0 else {
                throw node.error(.invalidValue, "a tolerance must not be negative", "容差不能为负数")
            }
            return Tolerance(relative: relative, absolute: try map.double("absolute"))
        }
        defaultTolerance = try map["default"].map(tolerance)
        var tolerances: [String: Tolerance] = [:]
        for (code, item) in try map["pollutants"]?.mapping(allowed: nil).entries ?? [] {
            tolerances[code] = try tolerance(item)
        }
        self.tolerances = tolerances
    }
}
