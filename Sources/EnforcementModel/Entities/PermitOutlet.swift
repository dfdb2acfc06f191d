/// 许可排放口 (Permitted outlet): an entity of the Sichuan standard, `permit_outlet`.
///
/// 排污许可证载明的废气、废水排放口（HJ 608-2017 排放口编码 DA001、DW001）。
///
/// Air and water outlets listed in a permit (HJ 608-2017 outlet codes DA001, DW001).
///
/// Table 4 resource 1, from 全国排污许可证管理信息平台.
///
/// Properties mirror the standard's fields one to one (`permit_outlet.yaml`); a test fails when they drift apart.
/// Key: `permit_number`, `outlet_code`.
public struct PermitOutlet: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "permit_outlet"

    /// 许可证编号 (Permit number).
    public var permitNumber: PermitNumber
    /// 排放口编码 (Outlet code).
    public var outletCode: OutletCode
    /// 排放口名称 (Outlet name).
    public var outletName: String
    /// 排放介质 (Medium); a code of `medium`.
    public var medium: String
    /// 排放口类型 (Outlet type); a code of `outlet_type`.
    public var outletType: String
    /// 排放规律 (Discharge pattern); a code of `discharge_pattern`.
    public var dischargePattern: String?
    /// 排放口经度 (Longitude); in °.
    public var longitude: Double?
    /// 排放口纬度 (Latitude); in °.
    public var latitude: Double?
    /// 排气筒高度 (Stack height); in m.
    public var stackHeight: Double?
    /// 排气筒出口内径 (Stack outlet inner diameter); in m.
    public var stackDiameter: Double?
    /// 排气温度 (Flue-gas temperature); in ℃.
    public var flueGasTemperature: Double?
    /// 受纳水体 (Receiving water body).
    public var receivingWater: String?
    /// 排放去向 (Discharge destination).
    public var dischargeDestination: String?
    /// 是否安装自动监测设备 (Automatic monitoring installed).
    public var autoMonitoring: Bool
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode

    /// Creates a record; optional fields default to `nil`.
    public init(
        permitNumber: PermitNumber,
        outletCode: OutletCode,
        outletName: String,
        medium: String,
        outletType: String,
        dischargePattern: String? = nil,
        longitude: Double? = nil,
        latitude: Double? = nil,
        stackHeight: Double? = nil,
        stackDiameter: Double? = nil,
        flueGasTemperature: Double? = nil,
        receivingWater: String? = nil,
        dischargeDestination: String? = nil,
        autoMonitoring: Bool,
        divisionCode: DivisionCode
    ) {
        self.permitNumber = permitNumber
        self.outletCode = outletCode
        self.outletName = outletName
        self.medium = medium
        self.outletType = outletType
        self.dischargePattern = dischargePattern
        self.longitude = longitude
        self.latitude = latitude
        self.stackHeight = stackHeight
        self.stackDiameter = stackDiameter
        self.flueGasTemperature = flueGasTemperature
        self.receivingWater = receivingWater
        self.dischargeDestination = dischargeDestination
        self.autoMonitoring = autoMonitoring
        self.divisionCode = divisionCode
    }

    enum CodingKeys: String, CodingKey {
        case permitNumber = "permit_number"
        case outletCode = "outlet_code"
        case outletName = "outlet_name"
        case medium
        case outletType = "outlet_type"
        case dischargePattern = "discharge_pattern"
        case longitude
        case latitude
        case stackHeight = "stack_height"
        case stackDiameter = "stack_diameter"
        case flueGasTemperature = "flue_gas_temperature"
        case receivingWater = "receiving_water"
        case dischargeDestination = "discharge_destination"
        case autoMonitoring = "auto_monitoring"
        case divisionCode = "division_code"
    }
}
