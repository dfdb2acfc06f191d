/// The level of a GB/T 2260 administrative division, and of the agency that has jurisdiction over it.
public enum DivisionLevel: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// A province (省级, `510000`).
    case province
    /// A prefecture-level city or autonomous prefecture (地市级, `510100`, `513200`).
    case city
    /// A county-level division: district, county, county-level city (县级, `510104`).
    case county

    private var rank: Int {
        switch self {
        case .province: 0
        case .city: 1
        case .county: 2
        }
    }

    /// Higher levels sort first: `.province < .city < .county`.
    public static func < (lhs: DivisionLevel, rhs: DivisionLevel) -> Bool { lhs.rank < rhs.rank }
}
