/// 自动监控点位 (Automatic monitoring point): an entity of the Sichuan standard, `monitoring_point`.
///
/// 排污单位的污染源自动监控点位（一个排放口上的一套数采仪），按 HJ 212 上传数据。
///
/// A pollution-source automatic monitoring point (one data logger on one outlet) that reports by HJ 212.
///
/// Table 4 resource 8, from 重点污染物排放自动监控与基础数据库.
///
/// Properties mirror the standard's fields one to one (`monitoring_point.yaml`); a test fails when they drift apart.
/// Key: `point_code`.
public struct MonitoringPoint: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "monitoring_point"

    /// 监控点编码 (Point code).
    public var pointCode: String
    /// 监控点名称 (Point name).
    public var pointName: String
    /// 污染源编码 (Source code).
    public var entityCode: String
    /// 许可证编号 (Permit number).
    public var permitNumber: PermitNumber?
    /// 排放口编码 (Outlet code).
    public var outletCode: OutletCode?
    /// 数采仪唯一标识（MN） (Data logger id (MN)).
    public var mn: DeviceMN
    /// 传输协议版本 (Protocol version); a code of `hj212_version`.
    public var protocolVersion: String
    /// 系统编码（ST） (System code (ST)); a code of `hj212_system`.
    public var systemCode: String
    /// 监控介质 (Medium); a code of `medium`.
    public var medium: String
    /// 监测因子 (Monitored factors).
    public var monitoredPollutants: String
    /// 基准氧含量 (Reference O2); in %.
    public var refOxygen: Double?
    /// 安装日期 (Installation date).
    public var installDate: CivilDate?
    /// 联网日期 (Networked on).
    public var networkedDate: CivilDate?
    /// 运维单位 (O&M operator).
    public var operatorName: String?
    /// 运维单位统一社会信用代码 (O&M operator USCC).
    public var operatorUscc: SocialCreditCode?
    /// 点位状态 (Status); a code of `point_status`.
    public var status: String
    /// 经度 (Longitude); in °.
    public var longitude: Double?
    /// 纬度 (Latitude); in °.
    public var latitude: Double?
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode
    /// 更新时间 (Updated at).
    public var updatedAt: LocalDateTime

    /// Creates a record; optional fields default to `nil`.
    public init(
        pointCode: String,
        pointName: String,
        entityCode: String,
        permitNumber: PermitNumber? = nil,
        outletCode: OutletCode? = nil,
        mn: DeviceMN,
        protocolVersion: String,
        systemCode: String,
        medium: String,
        monitoredPollutants: String,
        refOxygen: Double? = nil,
        installDate: CivilDate? = nil,
        networkedDate: CivilDate? = nil,
        operatorName: String? = nil,
        operatorUscc: SocialCreditCode? = nil,
        status: String,
        longitude: Double? = nil,
        latitude: Double? = nil,
        divisionCode: DivisionCode,
        updatedAt: LocalDateTime
    ) {
        self.pointCode = pointCode
        self.pointName = pointName
        self.entityCode = entityCode
        self.permitNumber = permitNumber
        self.outletCode = outletCode
        self.mn = mn
        self.protocolVersion = protocolVersion
        self.systemCode = systemCode
        self.medium = medium
        self.monitoredPollutants = monitoredPollutants
        self.refOxygen = refOxygen
        self.installDate = installDate
        self.networkedDate = networkedDate
        self.operatorName = operatorName
        self.operatorUscc = operatorUscc
        self.status = status
        self.longitude = longitude
        self.latitude = latitude
        self.divisionCode = divisionCode
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case pointCode = "point_code"
        case pointName = "point_name"
        case entityCode = "entity_code"
        case permitNumber = "permit_number"
        case outletCode = "outlet_code"
        case mn
        case protocolVersion = "protocol_version"
        case systemCode = "system_code"
        case medium
        case monitoredPollutants = "monitored_pollutants"
        case refOxygen = "ref_oxygen"
        case installDate = "install_date"
        case networkedDate = "networked_date"
        case operatorName = "operator_name"
        case operatorUscc = "operator_uscc"
        case status
        case longitude
        case latitude
        case divisionCode = "division_code"
        case updatedAt = "updated_at"
    }
}
