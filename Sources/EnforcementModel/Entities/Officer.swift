/// 执法人员 (Enforcement officer): an entity of the Sichuan standard, `officer`.
///
/// 执法队伍人员信息，含生态环境执法证件（执法证号、有效期）；办案、检查须由两名以上持证执法人员实施。
///
/// Staff of enforcement teams with their enforcement credentials; inspections and cases need at least two credentialed officers.
///
/// Properties mirror the standard's fields one to one (`officer.yaml`); a test fails when they drift apart.
/// Key: `officer_id`.
public struct Officer: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "officer"

    /// 人员编号 (Officer id).
    public var officerId: String
    /// 姓名 (Name).
    public var name: String
    /// 性别 (Sex); a code of `gender`.
    public var gender: String
    /// 公民身份号码 (Citizen ID number); personal data.
    public var idCard: CitizenID
    /// 手机号码 (Mobile phone); personal data.
    public var phone: String?
    /// 所属机构编码 (Agency).
    public var agencyCode: String
    /// 所属行政区划 (Division).
    public var divisionCode: DivisionCode
    /// 人员类别 (Category); a code of `officer_category`.
    public var category: String
    /// 职务 (Position).
    public var position: String?
    /// 执法证号 (Enforcement certificate number).
    public var certNumber: String?
    /// 执法证发证机关 (Certificate issuer).
    public var certIssuer: String?
    /// 执法证有效期起 (Certificate valid from).
    public var certValidFrom: CivilDate?
    /// 执法证有效期止 (Certificate valid to).
    public var certValidTo: CivilDate?
    /// 是否具有法律职业资格 (Holds legal professional qualification).
    public var legalQualification: Bool?
    /// 人员状态 (Status); a code of `officer_status`.
    public var status: String
    /// 更新时间 (Updated at).
    public var updatedAt: LocalDateTime

    /// Creates a record; optional fields default to `nil`.
    public init(
        officerId: String,
        name: String,
        gender: String,
        idCard: CitizenID,
        phone: String? = nil,
        agencyCode: String,
        divisionCode: DivisionCode,
        category: String,
        position: String? = nil,
        certNumber: String? = nil,
        certIssuer: String? = nil,
        certValidFrom: CivilDate? = nil,
        certValidTo: CivilDate? = nil,
        legalQualification: Bool? = nil,
        status: String,
        updatedAt: LocalDateTime
    ) {
        self.officerId = officerId
        self.name = name
        self.gender = gender
        self.idCard = idCard
        self.phone = phone
        self.agencyCode = agencyCode
        self.divisionCode = divisionCode
        self.category = category
        self.position = position
        self.certNumber = certNumber
        self.certIssuer = certIssuer
        self.certValidFrom = certValidFrom
        self.certValidTo = certValidTo
        self.legalQualification = legalQualification
        self.status = status
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case officerId = "officer_id"
        case name
        case gender
        case idCard = "id_card"
        case phone
        case agencyCode = "agency_code"
        case divisionCode = "division_code"
        case category
        case position
        case certNumber = "cert_number"
        case certIssuer = "cert_issuer"
        case certValidFrom = "cert_valid_from"
        case certValidTo = "cert_valid_to"
        case legalQualification = "legal_qualification"
        case status
        case updatedAt = "updated_at"
    }
}
