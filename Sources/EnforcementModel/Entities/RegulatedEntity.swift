/// 排污单位 (Regulated entity): an entity of the Sichuan standard, `regulated_entity`.
///
/// 重点污染源（排污单位）基本信息：名称、统一社会信用代码、法定代表人、地址、行业、许可管理类别等，一个生产经营场所一条记录。
///
/// Basic data of a pollution source (one record per production site) — name, USCC, legal representative, address, industry, permit control level.
///
/// Table 4 resource 7, from 重点污染物排放自动监控与基础数据库.
///
/// Properties mirror the standard's fields one to one (`regulated_entity.yaml`); a test fails when they drift apart.
/// Key: `entity_code`.
public struct RegulatedEntity: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "regulated_entity"

    /// 污染源编码 (Source code).
    public var entityCode: String
    /// 单位名称 (Name).
    public var name: String
    /// 统一社会信用代码 (Unified social credit code).
    public var uscc: SocialCreditCode
    /// 法定代表人 (Legal representative).
    public var legalRep: String
    /// 法定代表人联系电话 (Legal representative's phone); personal data.
    public var legalRepPhone: String?
    /// 环保负责人 (Environmental contact).
    public var contactPerson: String?
    /// 环保负责人联系电话 (Environmental contact's phone); personal data.
    public var contactPhone: String?
    /// 行业类别 (Industry).
    public var industryCode: IndustryCode
    /// 所属市（州） (City or prefecture).
    public var cityCode: DivisionCode
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode
    /// 生产经营场所地址 (Site address).
    public var address: String
    /// 中心经度 (Longitude); in °.
    public var longitude: Double?
    /// 中心纬度 (Latitude); in °.
    public var latitude: Double?
    /// 排污许可管理类别 (Permit control level); a code of `control_level`.
    public var controlLevel: String
    /// 排污许可证编号 (Permit number).
    public var permitNumber: PermitNumber?
    /// 排污登记编号 (Discharge registration number).
    public var registrationNumber: PermitNumber?
    /// 是否环境监管重点单位 (Key emitter).
    public var keyEmitter: Bool?
    /// 双随机监管类别 (Random-inspection category); a code of `supervision_category`.
    public var supervisionCategory: String?
    /// 是否纳入监督执法正面清单 (On the positive list).
    public var positiveList: Bool?
    /// 生产经营状态 (Operating status); a code of `operating_status`.
    public var operatingStatus: String
    /// 环境信用等级 (Environmental credit rating); a code of `credit_rating`.
    public var creditRating: String?
    /// 更新时间 (Updated at).
    public var updatedAt: LocalDateTime

    /// Creates a record; optional fields default to `nil`.
    public init(
        entityCode: String,
        name: String,
        uscc: SocialCreditCode,
        legalRep: String,
        legalRepPhone: String? = nil,
        contactPerson: String? = nil,
        contactPhone: String? = nil,
        industryCode: IndustryCode,
        cityCode: DivisionCode,
        divisionCode: DivisionCode,
        address: String,
        longitude: Double? = nil,
        latitude: Double? = nil,
        controlLevel: String,
        permitNumber: PermitNumber? = nil,
        registrationNumber: PermitNumber? = nil,
        keyEmitter: Bool? = nil,
        supervisionCategory: String? = nil,
        positiveList: Bool? = nil,
        operatingStatus: String,
        creditRating: String? = nil,
        updatedAt: LocalDateTime
    ) {
        self.entityCode = entityCode
        self.name = name
        self.uscc = uscc
        self.legalRep = legalRep
        self.legalRepPhone = legalRepPhone
        self.contactPerson = contactPerson
        self.contactPhone = contactPhone
        self.industryCode = industryCode
        self.cityCode = cityCode
        self.divisionCode = divisionCode
        self.address = address
        self.longitude = longitude
        self.latitude = latitude
        self.controlLevel = controlLevel
        self.permitNumber = permitNumber
        self.registrationNumber = registrationNumber
        self.keyEmitter = keyEmitter
        self.supervisionCategory = supervisionCategory
        self.positiveList = positiveList
        self.operatingStatus = operatingStatus
        self.creditRating = creditRating
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case entityCode = "entity_code"
        case name
        case uscc
        case legalRep = "legal_rep"
        case legalRepPhone = "legal_rep_phone"
        case contactPerson = "contact_person"
        case contactPhone = "contact_phone"
        case industryCode = "industry_code"
        case cityCode = "city_code"
        case divisionCode = "division_code"
        case address
        case longitude
        case latitude
        case controlLevel = "control_level"
        case permitNumber = "permit_number"
        case registrationNumber = "registration_number"
        case keyEmitter = "key_emitter"
        case supervisionCategory = "supervision_category"
        case positiveList = "positive_list"
        case operatingStatus = "operating_status"
        case creditRating = "credit_rating"
        case updatedAt = "updated_at"
    }
}
