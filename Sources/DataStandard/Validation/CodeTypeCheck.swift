import EnforcementModel

/// The national code types of the standard, checked by the `EnforcementModel` code types.
enum CodeTypeCheck {
    /// The allocation-free check: `nil` when the bytes form a valid code of the type.
    @inline(__always)
    static func check(_ type: FieldType, _ bytes: UnsafeBufferPointer<UInt8>) -> CodeError.Code? {
        switch type {
        case .uscc: SocialCreditCode.check(bytes)
        case .organizationCode: OrganizationCode.check(bytes)
        case .idCard: CitizenID.check(bytes)
        case .division: DivisionCode.check(bytes)
        case .industry: IndustryCode.check(bytes)
        case .pollutant: PollutantCode.check(bytes)
        case .permitNumber: PermitNumber.check(bytes)
        case .outletCode: OutletCode.check(bytes)
        // The standard accepts 14 to 24 characters (HJ 212-2017: 24, HJ/T 212-2005: 14).
        case .mn: DeviceMN.check(bytes, lenient: true)
        default: nil
        }
    }

    /// Whether values of the type are checked by ``check(_:_:)``.
    static func isCodeType(_ type: FieldType) -> Bool {
        switch type {
        case .uscc, .organizationCode, .idCard, .division, .industry, .pollutant, .permitNumber, .outletCode, .mn: true
        default: false
        }
    }

    /// The detailed error for a value that failed ``check(_:_:)`` (slow path: builds the messages).
    static func explain(_ type: FieldType, _ text: String) -> CodeError {
        do {
            switch type {
            case .uscc: _ = try SocialCreditCode(text)
            case .organizationCode: _ = try OrganizationCode(text)
            case .idCard: _ = try CitizenID(text)
            case .division: _ = try DivisionCode(text)
            case .industry: _ = try IndustryCode(text)
            case .pollutant: _ = try PollutantCode(text)
            case .permitNumber: _ = try PermitNumber(text)
            case .outletCode: _ = try OutletCode(text)
            case .mn: _ = try DeviceMN(text, lenient: true)
            default: break
            }
        } catch {
            return error
        }
        return CodeError(code: .format, message: "not a valid code", messageZH: "代码无效", value: text)
    }
}
