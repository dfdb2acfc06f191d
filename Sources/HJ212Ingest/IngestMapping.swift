import EnforcementStore
import HJ212

/// How decoded packets become stored readings and what the platform answers.
public enum IngestMapping {
    /// The stored readings of a data upload: one per monitoring value, under the device's MN.
    ///
    /// Minute values (CN 2051) are stored under the pollutant code itself (`a21026`); real-time, hourly and daily
    /// values under the code with the interval as a suffix (`a21026:rtd`, `a21026:hour`, `a21026:day`), so that the
    /// series of one pollutant do not overwrite each other at the same time. Packets without monitoring values
    /// (heartbeats, commands) give none.
    public static func readings(of packet: HJ212Packet) -> [MonitoringReading] {
        guard let point = packet.mn, let interval = packet.dataInterval else { return [] }
        let suffix = seriesSuffix(interval)
        return packet.monitoringValues.map { value in
            MonitoringReading(
                point: point, pollutant: suffix.isEmpty ? value.pollutant : value.pollutant + suffix, time: value.time,
                value: value.value, flag: value.flag)
        }
    }

    /// The suffix of a data interval's series: `""` for minute values, `:rtd`, `:hour`, `:day` for the others.
    public static func seriesSuffix(_ interval: HJ212DataInterval) -> String {
        switch interval {
        case .minute: ""
        case .realTime: ":rtd"
        case .hour: ":hour"
        case .day: ":day"
        }
    }

    /// The data response (CN 9014) to a packet, as a frame.
    public static func acknowledgement(of packet: HJ212Packet) -> [UInt8] {
        HJ212Packet.dataResponse(to: packet).encoded()
    }
}
