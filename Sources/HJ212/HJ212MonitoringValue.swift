/// The period a data upload covers, from its command code.
public enum HJ212DataInterval: String, Sendable, Hashable, CaseIterable {
    /// Real-time data (CN 2011): `-Rtd` values at the sampling instant `DataTime`.
    case realTime
    /// Minute data (CN 2051): `-Avg` (with `-Min`, `-Max`, `-Cou`) over the minutes starting at `DataTime`.
    case minute
    /// Hourly data (CN 2061): over the hour starting at `DataTime`.
    case hour
    /// Daily data (CN 2031): over the day starting at `DataTime`.
    case day

    /// The command code of uploads of this interval (the same in HJ/T 212-2005 and HJ 212-2017).
    public var commandCode: String {
        switch self {
        case .realTime: "2011"
        case .minute: "2051"
        case .hour: "2061"
        case .day: "2031"
        }
    }
}

/// One pollutant's value in a data upload, with its time, flag, and the other statistics present.
///
/// ```swift
/// for value in packet.monitoringValues where value.flag == "N" {
///     print(value.pollutant, value.time, value.value ?? .nan)  // a21026 1470009600 23.5
/// }
/// ```
public struct HJ212MonitoringValue: Sendable, Hashable {
    /// The factor code, e.g. `a21026` (SO₂) or a 2005 code such as `02`.
    public var pollutant: String
    /// `DataTime` as seconds since 1970-01-01T00:00:00Z (`DataTime` being Beijing time): the sampling instant for
    /// real-time data, the start of the period otherwise.
    public var time: Int64
    /// The value of the interval: `-Rtd` for real-time data, `-Avg` for minute, hourly and daily data.
    public var value: Double?
    /// The data flag `-Flag` (`N` when absent).
    public var flag: String
    /// `-Rtd`.
    public var realTime: Double?
    /// `-Avg`.
    public var average: Double?
    /// `-Min`.
    public var minimum: Double?
    /// `-Max`.
    public var maximum: Double?
    /// `-Cou`: the cumulative amount over the period (emissions).
    public var cumulative: Double?
    /// The converted (折算) value of the interval: `-ZsRtd` for real-time data, `-ZsAvg` otherwise.
    public var convertedValue: Double?
    /// `-ZsRtd`.
    public var convertedRealTime: Double?
    /// `-ZsAvg`.
    public var convertedAverage: Double?
    /// `-ZsMin`.
    public var convertedMinimum: Double?
    /// `-ZsMax`.
    public var convertedMaximum: Double?
    /// `-EFlag`: the instrument's extended flag (2017).
    public var extendedFlag: String?
    /// `-SampleTime` as seconds since 1970 (UTC), when present and valid.
    public var sampleTime: Int64?

    /// Creates a value.
    ///
    /// - Parameters:
    ///   - pollutant: The factor code.
    ///   - time: The time, seconds since 1970 (UTC).
    ///   - value: The value of the interval.
    ///   - flag: The data flag.
    public init(pollutant: String, time: Int64, value: Double?, flag: String = "N") {
        self.pollutant = pollutant
        self.time = time
        self.value = value
        self.flag = flag
    }
}

extension HJ212Packet {
    /// The interval of a data upload: 2011 real-time, 2051 minute, 2061 hour, 2031 day (both editions); `nil` for
    /// other commands.
    public var dataInterval: HJ212DataInterval? {
        switch cn {
        case "2011": .realTime
        case "2051": .minute
        case "2061": .hour
        case "2031": .day
        default: nil
        }
    }

    /// The pollutants' values of a data upload, in the order of the packet; empty for other commands.
    ///
    /// A `DataTime` item applies to the items after it (a packet normally has one, first); items before any valid
    /// `DataTime` are left out. Items of the same factor under the same `DataTime` make one value, even when
    /// written in several groups. Items that are not measurements (`-Info`, `-SN`, `-RS`, `-RT`, …) are left out.
    public var monitoringValues: [HJ212MonitoringValue] {
        guard let interval = dataInterval else { return [] }
        var values: [HJ212MonitoringValue] = []
        let data = data
        data.bytes.withUnsafeBufferPointer { p in
            var time: Int64?
            var scopeStart = 0
            for item in data.items {
                if item.kind == .dataTime {
                    let start = item.keyEnd + 1
                    if HJ212Timestamp.isValid(p, start, item.valueEnd) {
                        time = HJ212Timestamp.fastSeconds(p, start)
                        scopeStart = values.count
                    }
                    continue
                }
                guard let time, item.dash >= 0 else { continue }
                switch item.kind {
                case .rtd, .avg, .min, .max, .cou, .zsRtd, .zsAvg, .zsMin, .zsMax, .flag, .eFlag, .sampleTime: break
                default: continue
                }
                // Find this factor's value under the current DataTime.
                let codeLength = item.dash - item.keyStart
                var index = -1
                var k = values.count - 1
                while k >= scopeStart {
                    let pollutant = values[k].pollutant
                    if pollutant.utf8.count == codeLength
                        && pollutant.utf8.elementsEqual(UnsafeBufferPointer(rebasing: p[item.keyStart..<item.dash]))
                    {
                        index = k
                        break
                    }
                    k -= 1
                }
                if index < 0 {
                    values.append(
                        HJ212MonitoringValue(
                            pollutant: decodeString(p, item.keyStart, item.dash), time: time, value: nil))
                    index = values.count - 1
                }
                let number: Double? = item.number.isNaN ? nil : item.number
                switch item.kind {
                case .rtd: values[index].realTime = number
                case .avg: values[index].average = number
                case .min: values[index].minimum = number
                case .max: values[index].maximum = number
                case .cou: values[index].cumulative = number
                case .zsRtd: values[index].convertedRealTime = number
                case .zsAvg: values[index].convertedAverage = number
                case .zsMin: values[index].convertedMinimum = number
                case .zsMax: values[index].convertedMaximum = number
                case .flag: values[index].flag = decodeString(p, item.keyEnd + 1, item.valueEnd)
                case .eFlag: values[index].extendedFlag = decodeString(p, item.keyEnd + 1, item.valueEnd)
                case .sampleTime:
                    let start = item.keyEnd + 1
                    if HJ212Timestamp.isValid(p, start, item.valueEnd) {
                        values[index].sampleTime = HJ212Timestamp.fastSeconds(p, start)
                    }
                default: break
                }
            }
        }
        for index in values.indices {
            if interval == .realTime {
                values[index].value = values[index].realTime
                values[index].convertedValue = values[index].convertedRealTime
            } else {
                values[index].value = values[index].average
                values[index].convertedValue = values[index].convertedAverage
            }
        }
        return values
    }
}
