/// 执法机构 (Enforcement agency): an entity of the Sichuan standard, `agency`.
///
/// 生态环境保护综合行政执法队伍（总队、支队、大队）及生态环境部门，带层级和管辖行政区划。
///
/// Enforcement teams (provincial corps, city detachments, county brigades) and departments, with level and jurisdiction.
///
/// Properties mirror the standard's fields one to one (`agency.yaml`); a test fails when they drift apart.
/// Key: `agency_code`.
public struct Agency: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "agency"

    /// 机构编码 (Agency code).
    public var agencyCode: String
    /// 机构名称 (Name).
    public var name: String
    /// 简称 (Short name).
    public var shortName: String?
    /// 统一社会信用代码 (USCC).
    public var uscc: SocialCreditCode?
    /// 层级 (Level); a code of `agency_level`.
    public var level: String
    /// 机构类型 (Agency type); a code of `agency_type`.
    public var agencyType: String
    /// 管辖行政区划 (Jurisdiction).
    public var divisionCode: DivisionCode
    /// 上级机构编码 (Parent agency).
    public var parentCode: String?
    /// 编制人数 (Authorised staff); in 人.
    public var authorizedStaff: Int?
    /// 实有人数 (Actual staff); in 人.
    public var actualStaff: Int?
    /// 负责人 (Head).
    public var head: String?
    /// 值班电话 (Duty phone).
    public var dutyPhone: String
    /// 办公地址 (Address).
    public var address: String
    /// 更新时间 (Updated at).
    public var updatedAt: LocalDateTime

    /// Creates a record; optional fields default to `nil`.
    public init(
        agencyCode: String,
        name: String,
        shortName: String? = nil,
        uscc: SocialCreditCode? = nil,
        level: String,
        agencyType: String,
        divisionCode: DivisionCode,
        parentCode: String? = nil,
        authorizedStaff: Int? = nil,
        actualStaff: Int? = nil,
        head: String? = nil,
        dutyPhone: String,
        address: String,
        updatedAt: LocalDateTime
    ) {
        self.agencyCode = agencyCode
        self.name = name
        self.shortName = shortName
        self.uscc = uscc
        self.level = level
        self.agencyType = agencyType
        self.divisionCode = divisionCode
        self.parentCode = parentCode
        self.authorizedStaff = authorizedStaff
        self.actualStaff = actualStaff
        self.head = head
        self.dutyPhone = dutyPhone
        self.address = address
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case agencyCode = "agency_code"
        case name
        case shortName = "short_name"
        case uscc
        case level
        case agencyType = "agency_type"
        case divisionCode = "division_code"
        case parentCode = "parent_code"
        case authorizedStaff = "authorized_staff"
        case actualStaff = "actual_staff"
        case head
        case dutyPhone = "duty_phone"
        case address
        case updatedAt = "updated_at"
    }
}
