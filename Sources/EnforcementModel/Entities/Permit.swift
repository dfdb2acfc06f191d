/// 排污许可证 (Discharge permit): an entity of the Sichuan standard, `permit`.
///
/// 全国排污许可证管理信息平台核发的排污许可证正本信息。排放口见 permit_outlet，许可排放限值见 permit_limit。
///
/// The permit as issued on the national permit platform. Outlets are in permit_outlet, limits in permit_limit.
///
/// Table 4 resource 1, from 全国排污许可证管理信息平台.
///
/// Properties mirror the standard's fields one to one (`permit.yaml`); a test fails when they drift apart.
/// Key: `permit_number`.
public struct Permit: StandardRecord {
    /// The entity id in the standard.
    public static let entityID = "permit"

    /// 许可证编号 (Permit number).
    public var permitNumber: PermitNumber
    /// 统一社会信用代码 (Unified social credit code).
    public var uscc: SocialCreditCode
    /// 污染源编码 (Source code).
    public var entityCode: String
    /// 单位名称 (Entity name).
    public var entityName: String
    /// 法定代表人（主要负责人） (Legal representative).
    public var legalRep: String
    /// 行业类别 (Industry).
    public var industryCode: IndustryCode
    /// 管理类别 (Control level); a code of `control_level`.
    public var controlLevel: String
    /// 生产经营场所地址 (Site address).
    public var productionAddress: String
    /// 所属市（州） (City or prefecture).
    public var cityCode: DivisionCode
    /// 所属县（市、区） (County).
    public var divisionCode: DivisionCode
    /// 发证机关 (Issuing authority).
    public var issuingAuthority: String
    /// 发证日期 (Issue date).
    public var issueDate: CivilDate
    /// 有效期限起 (Valid from).
    public var validFrom: CivilDate
    /// 有效期限止 (Valid to).
    public var validTo: CivilDate
    /// 许可证状态 (Permit status); a code of `permit_status`.
    public var permitStatus: String
    /// 注销（撤销、吊销）日期 (Cancellation date).
    public var revokedDate: CivilDate?
    /// 主要污染物种类 (Main pollutant kinds).
    public var mainPollutants: String?

    /// Creates a record; optional fields default to `nil`.
    public init(
        permitNumber: PermitNumber,
        uscc: SocialCreditCode,
        entityCode: String,
        entityName: String,
        legalRep: String,
        industryCode: IndustryCode,
        controlLevel: String,
        productionAddress: String,
        cityCode: DivisionCode,
        divisionCode: DivisionCode,
        issuingAuthority: String,
        issueDate: CivilDate,
        validFrom: CivilDate,
        validTo: CivilDate,
        permitStatus: String,
        revokedDate: CivilDate? = nil,
        mainPollutants: String? = nil
    ) {
        self.permitNumber = permitNumber
        self.uscc = uscc
        self.entityCode = entityCode
        self.entityName = entityName
        self.legalRep = legalRep
        self.industryCode = industryCode
        self.controlLevel = controlLevel
        self.productionAddress = productionAddress
        self.cityCode = cityCode
        self.divisionCode = divisionCode
        self.issuingAuthority = issuingAuthority
        self.issueDate = issueDate
        self.validFrom = validFrom
        self.validTo = validTo
        self.permitStatus = permitStatus
        self.revokedDate = revokedDate
        self.mainPollutants = mainPollutants
    }

    enum CodingKeys: String, CodingKey {
        case permitNumber = "permit_number"
        case uscc
        case entityCode = "entity_code"
        case entityName = "entity_name"
        case legalRep = "legal_rep"
        case industryCode = "industry_code"
        case controlLevel = "control_level"
        case productionAddress = "production_address"
        case cityCode = "city_code"
        case divisionCode = "division_code"
        case issuingAuthority = "issuing_authority"
        case issueDate = "issue_date"
        case validFrom = "valid_from"
        case validTo = "valid_to"
        case permitStatus = "permit_status"
        case revokedDate = "revoked_date"
        case mainPollutants = "main_pollutants"
    }
}
