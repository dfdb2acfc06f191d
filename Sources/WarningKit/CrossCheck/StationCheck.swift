import Foundation

/// What a quality station measures.
public enum StationMedium: String, Sendable, Hashable, Codable {
    /// An air quality station (`air_station`); warnings are of type `13`.
    case air
    /// A water quality section (`water_section`); warnings are of type `14`.
    case water
}

/// A quality station assigned to a plant's monitoring point, with its distance.
public struct RankedStation: Sendable, Hashable, Codable {
    /// The station or section code (`station_code`, `section_code`).
    public var code: String
    /// What it measures.
    public var medium: StationMedium
    /// The distance from the plant's point, in km.
    public var distanceKm: Double

    /// Creates a ranked station.
    public init(code: String, medium: StationMedium, distanceKm: Double) {
        self.code = code
        self.medium = medium
        self.distanceKm = distanceKm
    }
}

/// The stations a plant's monitoring point is compared with, nearest first.
///
/// The caller decides which stations are relevant — downwind of the stack, downstream of the outfall on the same
/// river — and ranks them; ``rank(point:latitude:longitude:stations:)`` ranks by straight-line distance for the
/// simple case. The SDK does not model wind or flow.
public struct StationAssignment: Sendable, Hashable, Codable {
    /// The plant's monitoring point (`point_code`).
    public var point: String
    /// The regulated entity, for labels.
    public var entity: String?
    /// The county, for labels.
    public var division: String?
    /// The stations, nearest (or most relevant) first.
    public var stations: [RankedStation]

    /// Creates an assignment.
    public init(point: String, entity: String? = nil, division: String? = nil, stations: [RankedStation]) {
        self.point = point
        self.entity = entity
        self.division = division
        self.stations = stations
    }

    /// A station with its position, for ranking by distance.
    public struct Site: Sendable, Hashable, Codable {
        /// The station or section code.
        public var code: String
        /// What it measures.
        public var medium: StationMedium
        /// Latitude in degrees.
        public var latitude: Double
        /// Longitude in degrees.
        public var longitude: Double

        /// Creates a site.
        public init(code: String, medium: StationMedium, latitude: Double, longitude: Double) {
            self.code = code
            self.medium = medium
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    /// Ranks sites by great-circle (haversine) distance from a point, nearest first (ties by code).
    public static func rank(point: String, latitude: Double, longitude: Double, stations: [Site])
        -> StationAssignment
    {
        let ranked = stations.map { site in
            RankedStation(
                code: site.code, medium: site.medium,
                distanceKm: distance(latitude, longitude, site.latitude, site.longitude))
        }
        .sorted { ($0.distanceKm, $0.code) < ($1.distanceKm, $1.code) }
        return StationAssignment(point: point, stations: ranked)
    }

    /// The haversine distance in km on a sphere of radius 6371 km.
    static func distance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a =
            sin(dLat / 2) * sin(dLat / 2)
            + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6371 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}

/// Emissions against the nearest air or water quality station (WRN-3), in batch over consecutive windows.
///
/// **Method.** The evaluation period is cut into consecutive windows of ``StationCheckConfiguration/window``
/// (3 h, say) from its start; each window is compared with the baseline just before it
/// (``StationCheckConfiguration/baseline``, 24 h, say). For each plant point and pollutant listed in the
/// configuration, and each of the point's first ``StationCheckConfiguration/stationsConsidered`` stations within
/// ``StationCheckConfiguration/maxDistanceKm``, the means of the valid readings (flags `N` and `S`, value present)
/// are taken over the window and the baseline — for the plant and for the paired station pollutants — when each
/// has enough readings. Then:
///
/// - **co-rise** (the plant's emission rises and the station rises with it — the plant is a likely contributor):
///   plant window ≥ plant baseline × (1 + `plant_rise`) and station window ≥ station baseline × (1 + `station_rise`)
///   and the station rose by at least `min_station_rise`;
/// - **silent source** (the plant reports near-zero emissions while the station spikes — its data may not be
///   true): plant window ≤ `near_zero` and station window ≥ station baseline × (1 + `station_rise`) and the station
///   rose by at least `min_station_rise`.
///
/// A baseline mean of zero or less gives no ratio and no judgement. The warnings are of the standard's type `13`
/// (air) or `14` (water), carry the plant's and the station's readings of the window as evidence (plant first, up
/// to the evidence limit), and report the station's rise in percent against the threshold. The result depends only
/// on the inputs: points, pollutants and stations are taken in sorted order.
///
/// ```swift
/// let check = StationCheck(configuration: station)
/// let warnings = check.evaluate(
///     emissions: plantHourly, stations: stationHourly, assignments: assignments, from: dayStart, to: dayEnd)
/// ```
public struct StationCheck: Sendable {
    /// The configuration.
    public let configuration: StationCheckConfiguration

    /// Creates a check.
    public init(configuration: StationCheckConfiguration) {
        self.configuration = configuration
    }

    /// Compares every complete window in `[from, to)`.
    ///
    /// - Parameters:
    ///   - emissions: The plants' readings (`point` = the plant's point, `pollutant` = its code), usually hourly.
    ///   - stations: The stations' readings (`point` = the station code, `pollutant` = the station's code).
    ///   - assignments: The ranked stations of each plant point.
    ///   - from: The start of the first window, seconds since 1970 UTC.
    ///   - to: The end of the period; a window ending after it is not judged.
    /// - Returns: The warnings, by point, pollutant, window and station.
    public func evaluate(
        emissions: [Reading], stations: [Reading], assignments: [StationAssignment], from: Int64, to: Int64
    ) -> [Warning] {
        let plantSeries = CrossCheckSeries.index(emissions)
        let stationSeries = CrossCheckSeries.index(stations)
        var warnings: [Warning] = []
        for assignment in assignments.sorted(by: { $0.point < $1.point }) {
            let candidates = assignment.stations.filter { $0.distanceKm <= configuration.maxDistanceKm }
                .prefix(max(0, configuration.stationsConsidered))
            for (pollutant, pairing) in configuration.pollutants.sorted(by: { $0.key < $1.key }) {
                guard let plant = plantSeries[CrossCheckSeriesKey(point: assignment.point, pollutant: pollutant)] else {
                    continue
                }
                var start = from
                while start + configuration.window <= to {
                    let end = start + configuration.window
                    for (rank, station) in candidates.enumerated() {
                        for stationPollutant in pairing.stationPollutants {
                            guard
                                let series = stationSeries[
                                    CrossCheckSeriesKey(point: station.code, pollutant: stationPollutant)]
                            else { continue }
                            if let warning = judge(
                                assignment: assignment, pollutant: pollutant, pairing: pairing, plant: plant,
                                station: station, rank: rank + 1, stationPollutant: stationPollutant,
                                stationSeries: series, start: start, end: end)
                            {
                                warnings.append(warning)
                            }
                        }
                    }
                    start = end
                }
            }
        }
        return warnings
    }

    private func judge(
        assignment: StationAssignment, pollutant: String, pairing: StationCheckConfiguration.Pollutant,
        plant: CrossCheckSeries, station: RankedStation, rank: Int, stationPollutant: String,
        stationSeries: CrossCheckSeries,
        start: Int64, end: Int64
    ) -> Warning? {
        let baselineStart = start - configuration.baseline
        guard
            let plantWindow = plant.mean(from: start, to: end, minimum: configuration.minWindowReadings),
            let stationWindow = stationSeries.mean(from: start, to: end, minimum: configuration.minWindowReadings),
            let stationBase = stationSeries.mean(
                from: baselineStart, to: start, minimum: configuration.minBaselineReadings),
            stationBase > 0
        else { return nil }
        let stationRise = (stationWindow - stationBase) / stationBase
        guard stationWindow - stationBase >= pairing.minStationRise else { return nil }
        let plantBase = plant.mean(from: baselineStart, to: start, minimum: configuration.minBaselineReadings)

        let pattern: String
        let threshold: Double
        let level: WarningLevel
        if let silent = configuration.silentSource, plantWindow <= pairing.nearZero, stationRise >= silent.stationRise {
            pattern = "silent_source"
            threshold = silent.stationRise
            level = silent.level
        } else if let coRise = configuration.coRise, let plantBase, plantBase > 0,
            plantWindow >= plantBase * (1 + coRise.plantRise), stationRise >= coRise.stationRise
        {
            pattern = "co_rise"
            threshold = coRise.stationRise
            level = coRise.level
        } else {
            return nil
        }

        let plantReadings = plant.valid(from: start, to: end)
        let stationReadings = stationSeries.valid(from: start, to: end)
        let evidence = Array((plantReadings + stationReadings).prefix(configuration.evidenceLimit))
        let times = evidence.map(\.time)
        var labels = [
            "check": "station.\(pattern)", "station": station.code, "station_pollutant": stationPollutant,
            "station_rank": String(rank), "distance_km": CrossCheckNumber.text(station.distanceKm),
            "medium": station.medium.rawValue,
        ]
        if let entity = assignment.entity { labels["entity"] = entity }
        if let division = assignment.division { labels["division"] = division }
        let n = CrossCheckNumber.text
        let rise = n(stationRise * 100)
        let plantText = n(plantWindow)
        let baseText = plantBase.map(n) ?? "-"
        let stationText = "\(n(stationBase)) → \(n(stationWindow))"
        let place = station.medium == .air ? "空气质量站点" : "下游水质断面"
        let zh: String
        let en: String
        if pattern == "silent_source" {
            zh =
                "监控点\(assignment.point)的\(pollutant)排放接近零（窗口均值\(plantText)），同期\(place)\(station.code)"
                + "（距离\(n(station.distanceKm))千米）\(stationPollutant)上升\(rise)%（\(stationText)）"
            en =
                "Point \(assignment.point) reports near-zero \(pollutant) (window mean \(plantText)) while station "
                + "\(station.code) (\(n(station.distanceKm)) km) shows \(stationPollutant) up "
                + "\(rise) % (\(stationText))"
        } else {
            zh =
                "监控点\(assignment.point)的\(pollutant)排放上升（\(baseText) → \(plantText)），同期\(place)\(station.code)"
                + "（距离\(n(station.distanceKm))千米）\(stationPollutant)上升\(rise)%（\(stationText)）"
            en =
                "Point \(assignment.point) \(pollutant) rose (\(baseText) → \(plantText)) while station \(station.code) "
                + "(\(n(station.distanceKm)) km) shows \(stationPollutant) up \(rise) % "
                + "(\(stationText))"
        }
        return Warning(
            ruleID: "crosscheck.station.\(pattern.replacingOccurrences(of: "_", with: "-"))",
            ruleVersion: configuration.version, type: station.medium == .air ? "13" : "14", level: level,
            point: assignment.point, pollutant: pollutant, triggeredAt: end, windowStart: times.min() ?? start,
            windowEnd: times.max() ?? end - 1, observedValue: stationRise * 100, thresholdValue: threshold * 100,
            description: zh, descriptionEN: en, labels: labels, evidence: evidence)
    }
}

/// A point's readings of one pollutant, sorted by time.
struct CrossCheckSeriesKey: Hashable {
    var point: String
    var pollutant: String
}

/// Readings of one series sorted by time, with window means over the valid ones.
struct CrossCheckSeries {
    var readings: [Reading]

    static func index(_ readings: [Reading]) -> [CrossCheckSeriesKey: CrossCheckSeries] {
        var grouped: [CrossCheckSeriesKey: [Reading]] = [:]
        for reading in readings {
            grouped[CrossCheckSeriesKey(point: reading.point, pollutant: reading.pollutant), default: []].append(
                reading)
        }
        return grouped.mapValues { CrossCheckSeries(readings: $0.sorted { $0.time < $1.time }) }
    }

    /// The valid readings with `from ≤ time < to`.
    func valid(from: Int64, to: Int64) -> [Reading] {
        var low = 0
        var high = readings.count
        while low < high {
            let middle = (low + high) / 2
            if readings[middle].time < from { low = middle + 1 } else { high = middle }
        }
        var result: [Reading] = []
        var index = low
        while index < readings.count && readings[index].time < to {
            if readings[index].flag.isValid, readings[index].value != nil { result.append(readings[index]) }
            index += 1
        }
        return result
    }

    /// The mean of the valid readings with `from ≤ time < to`, when there are at least `minimum`.
    func mean(from: Int64, to: Int64, minimum: Int) -> Double? {
        let values = valid(from: from, to: to).compactMap(\.value)
        guard values.count >= max(1, minimum) else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}
