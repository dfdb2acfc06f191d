/// 许可排放限值 (Permitted emission limit): an entity of the Sichuan standard, `permit_limit`.
///
/// 排污许可证按排放口、污染物载明的许可排放浓度、速率和年许可排放量。
///
/// Permitted concentration, rate and annual quantity per outlet and pollutant.
///
/// Table 4 resource 1, from 全国排污许可证管理信息平台.
///
/// Properties mirror the standard's fields one to one (`permit_limit.yaml`); a test fails when they drift apart.
/// Key: `permit_number`, `outlet_code`, `pollutant_code`.
public struct PermitLimit: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "permit_limit"

    /// 许可证编号 (Permit number).
    public var permitNumber: PermitNumber
    /// 排放口编码 (Outlet code).
    public var outletCode: OutletCode
    /// 污染物 (Pollutant).
    public var pollutantCode: PollutantCode
    /// 执行排放标准 (Emission standard).
    public var standardName: String
    /// 许可排放浓度限值（废气） (Permitted air concentration); in mg/m3.
    public var limitConcAir: Double?
    /// 许可排放浓度限值（废水） (Permitted water concentration); in mg/L.
    public var limitConcWater: Double?
    /// pH值下限 (pH lower limit); in 无量纲.
    public var phMin: Double?
    /// pH值上限 (pH upper limit); in 无量纲.
    public var phMax: Double?
    /// 许可排放速率 (Permitted emission rate); in kg/h.
    public var limitRate: Double?
    /// 年许可排放量 (Permitted annual quantity); in t/a.
    public var annualLimit: Double?
    /// 基准氧含量 (Reference O2); in %.
    public var refOxygen: Double?
    /// 是否执行特别排放限值 (Special limit applies).
    public var specialLimit: Bool?
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode

    /// Creates a record; optional fields default to `nil`.
    public init(
        permitNumber: PermitNumber,
        outletCode: OutletCode,
        pollutantCode: PollutantCode,
        standardName: String,
        limitConcAir: Double? = nil,
        limitConcWater: Double? = nil,
        phMin: Double? = nil,
        phMax: Double? = nil,
        limitRate: Double? = nil,
        annualLimit: Double? = nil,
        refOxygen: Double? = nil,
        specialLimit: Bool? = nil,
        divisionCode: DivisionCode
    ) {
        self.permitNumber = permitNumber
        self.outletCode = outletCode
        self.pollutantCode = pollutantCode
        self.standardName = standardName
        self.limitConcAir = limitConcAir
        self.limitConcWater = limitConcWater
        self.phMin = phMin
        self.phMax = phMax
        self.limitRate = limitRate
        self.annualLimit = annualLimit
        self.refOxygen = refOxygen
        self.specialLimit = specialLimit
        self.divisionCode = divisionCode
    }

    enum CodingKeys: String, CodingKey {
        case permitNumber = "permit_number"
        case outletCode = "outlet_code"
        case pollutantCode = "pollutant_code"
        case standardName = "standard_name"
        case limitConcAir = "limit_conc_air"
        case limitConcWater = "limit_conc_water"
        case phMin = "ph_min"
        case phMax = "ph_max"
        case limitRate = "limit_rate"
        case annualLimit = "annual_limit"
        case refOxygen = "ref_oxygen"
        case specialLimit = "special_limit"
        case divisionCode = "division_code"
    }
}
