/// 执法装备 (Enforcement equipment): an entity of the Sichuan standard, `equipment`.
///
/// 执法队伍配备的执法记录仪、无人机、执法车辆、快速检测设备等装备台账。
///
/// Ledger of body cameras, drones, vehicles, rapid analysers and other equipment of the teams.
///
/// Properties mirror the standard's fields one to one (`equipment.yaml`); a test fails when they drift apart.
/// Key: `equipment_code`.
public struct Equipment: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "equipment"

    /// 装备编号 (Equipment code).
    public var equipmentCode: String
    /// 装备名称 (Name).
    public var name: String
    /// 装备类型 (Type); a code of `equipment_type`.
    public var equipmentType: String
    /// 规格型号 (Model).
    public var model: String?
    /// 生产厂家 (Manufacturer).
    public var manufacturer: String?
    /// 出厂编号（设备序列号） (Serial number).
    public var serialNumber: String?
    /// 车牌号 (Plate number).
    public var plateNumber: String?
    /// 配备机构 (Agency).
    public var agencyCode: String
    /// 保管人 (Custodian).
    public var custodian: String?
    /// 所属行政区划 (Division).
    public var divisionCode: DivisionCode
    /// 购置日期 (Purchased on).
    public var purchaseDate: CivilDate?
    /// 启用日期 (In service since).
    public var commissionDate: CivilDate?
    /// 检定（校准）有效期至 (Calibration due).
    public var calibrationDue: CivilDate?
    /// 资产原值 (Original value); in 元.
    public var originalValue: Double?
    /// 装备状态 (Status); a code of `equipment_status`.
    public var status: String
    /// 更新时间 (Updated at).
    public var updatedAt: LocalDateTime

    /// Creates a record; optional fields default to `nil`.
    public init(
        equipmentCode: String,
        name: String,
        equipmentType: String,
        model: String? = nil,
        manufacturer: String? = nil,
        serialNumber: String? = nil,
        plateNumber: String? = nil,
        agencyCode: String,
        custodian: String? = nil,
        divisionCode: DivisionCode,
        purchaseDate: CivilDate? = nil,
        commissionDate: CivilDate? = nil,
        calibrationDue: CivilDate? = nil,
        originalValue: Double? = nil,
        status: String,
        updatedAt: LocalDateTime
    ) {
        self.equipmentCode = equipmentCode
        self.name = name
        self.equipmentType = equipmentType
        self.model = model
        self.manufacturer = manufacturer
        self.serialNumber = serialNumber
        self.plateNumber = plateNumber
        self.agencyCode = agencyCode
        self.custodian = custodian
        self.divisionCode = divisionCode
        self.purchaseDate = purchaseDate
        self.commissionDate = commissionDate
        self.calibrationDue = calibrationDue
        self.originalValue = originalValue
        self.status = status
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case equipmentCode = "equipment_code"
        case name
        case equipmentType = "equipment_type"
        case model
        case manufacturer
        case serialNumber = "serial_number"
        case plateNumber = "plate_number"
        case agencyCode = "agency_code"
        case custodian
        case divisionCode = "division_code"
        case purchaseDate = "purchase_date"
        case commissionDate = "commission_date"
        case calibrationDue = "calibration_due"
        case originalValue = "original_value"
        case status
        case updatedAt = "updated_at"
    }
}
