import EnforcementModel
import Foundation
import Testing

/// Builds a code from a literal known to be valid.
func division(_ string: String) -> DivisionCode {
    do { return try DivisionCode(string) } catch { fatalError("bad test division \(string): \(error)") }
}

struct DivisionCodeTests {
    @Test func levelsFollowTrailingZeros() {
        #expect(division("510000").level == .province)
        #expect(division("510100").level == .city)
        #expect(division("513400").level == .city)
        #expect(division("510104").level == .county)
        #expect(division("510185").level == .county)
    }

    @Test func prefixes() {
        let jinjiang = division("510104")
        #expect(jinjiang.provinceCode == division("510000"))
        #expect(jinjiang.cityCode == division("510100"))
        #expect(division("510100").cityCode == division("510100"))
        #expect(division("510000").cityCode == nil)
        #expect(jinjiang.value == 510_104)
        #expect(jinjiang.description == "510104")
    }

    @Test func containmentByPrefix() {
        let sichuan = division("510000")
        let chengdu = division("510100")
        let jinjiang = division("510104")
        #expect(sichuan.contains(chengdu))
        #expect(chengdu.contains(jinjiang))
        #expect(sichuan.contains(jinjiang))
        #expect(jinjiang.contains(jinjiang))
        #expect(!jinjiang.contains(chengdu))
        #expect(!chengdu.contains(division("510300")))
        #expect(!sichuan.contains(division("500101")))
        #expect(!division("511000").contains(division("511102")))  // 内江 vs 乐山市中区
    }

    @Test(arguments: [
        ("", CodeError.Code.empty, nil as Int?), ("51010", .length, nil), ("5101040", .length, nil),
        ("5101O4", .character, 5), ("990000", .unknown, 1), ("000000", .unknown, 1), ("510001", .format, 5),
        ("５10104", .character, 1),
    ])
    func malformedCodes(_ string: String, _ code: CodeError.Code, _ position: Int?) throws {
        let error = try #require(throws: CodeError.self) { try DivisionCode(string) }
        #expect(error.code == code)
        #expect(error.position == position)
        #expect(DivisionCode.check(string) == code)
    }

    @Test func integerInitialiser() throws {
        #expect(try DivisionCode(510_185) == division("510185"))
        #expect(throws: CodeError.self) { try DivisionCode(51_010) }
    }

    @Test func codableAsString() throws {
        let data = try JSONEncoder().encode([division("513402")])
        #expect(String(decoding: data, as: UTF8.self) == #"["513402"]"#)
        #expect(try JSONDecoder().decode([DivisionCode].self, from: data) == [division("513402")])
    }

    @Test func usccRegistrationDivision() throws {
        // A synthetic code registered in Chengdu (body valid, check characters computed).
        let body = "91510100" + "MA61R5AT0"
        let check = try #require(SocialCreditCode.checkCharacter(for: body))
        let code = try SocialCreditCode(body + String(check))
        let registered = try #require(code.registrationDivision)
        #expect(registered == division("510100"))
        #expect(division("510000").contains(registered))
    }
}

struct SichuanCatalogTests {
    static let catalog: DivisionCatalog = {
        let entries = SichuanDivisionData.rows.map { row in
            Division(
                code: division(row.0), name: row.1, nameEN: row.2, parent: row.3.map(division),
                isDeprecated: row.4 != nil, replacedBy: row.4.map(division))
        }
        do { return try DivisionCatalog(entries) } catch { fatalError("\(error)") }
    }()

    let catalog = Self.catalog
    let sichuan = division("510000")

    var current: [Division] { catalog.divisions.filter { !$0.isDeprecated } }

    @Test func sizes() {
        #expect(catalog.count == 1 + 21 + 183 + 16)
        #expect(catalog.children(of: sichuan).count == 21)
        #expect(current.filter { $0.level == .county }.count == 183)
        let counties = current.filter { $0.level == .county }
        #expect(counties.filter { $0.name.hasSuffix("区") }.count == 55)
        #expect(counties.filter { $0.name.hasSuffix("市") }.count == 19)
        #expect(counties.filter { $0.name.hasSuffix("自治县") }.count == 4)
        #expect(counties.filter { $0.name.hasSuffix("县") && !$0.name.hasSuffix("自治县") }.count == 105)
    }

    @Test func prefecturesMatchTheSharedList() {
        let expected = [
            "510100", "510300", "510400", "510500", "510600", "510700", "510800", "510900", "511000", "511100",
            "511300", "511400", "511500", "511600", "511700", "511800", "511900", "512000", "513200", "513300",
            "513400",
        ]
        #expect(catalog.children(of: sichuan).map(\.code.stringValue) == expected)
        #expect(!catalog.exists(division("510200")))
        #expect(!catalog.exists(division("511200")))
    }

    @Test func everyCurrentDivisionIsWithinSichuanByLinksAndByPrefix() throws {
        for entry in current {
            #expect(catalog.isWithin(entry.code, sichuan))
            #expect(sichuan.contains(entry.code))
            #expect(entry.code.level == entry.level)
            if entry.level == .county {
                let parent = try #require(entry.parent)
                #expect(parent.contains(entry.code), "\(entry.code) \(entry.name)")
                #expect(catalog.isWithin(entry.code, parent))
                #expect(catalog.ancestors(of: entry.code) == [parent, sichuan])
            }
        }
    }

    @Test func jianyangBelongsToChengdu() {
        let jianyang = division("510185")
        #expect(catalog[jianyang]?.name == "简阳市")
        #expect(catalog[jianyang]?.parent == division("510100"))
        #expect(catalog.isWithin(jianyang, division("510100")))
        #expect(!catalog.isWithin(jianyang, division("512000")))
        #expect(catalog.children(of: division("510100")).count == 20)
        #expect(catalog.children(of: division("510100")).last?.code == jianyang)
        #expect(catalog.children(of: division("512000")).map(\.name) == ["雁江区", "安岳县", "乐至县"])
    }

    @Test func recentChanges() {
        #expect(catalog.division(division("513402"))?.name == "会理市")
        #expect(catalog.exists(division("513425")))
        #expect(!catalog.exists(division("513425"), includingDeprecated: false))
        #expect(catalog.current(division("513425")) == division("513402"))
        #expect(catalog.current(division("512081")) == division("510185"))
        #expect(catalog.current(division("510104")) == division("510104"))
        #expect(catalog.current(division("510199")) == nil)
        #expect(catalog.division(division("513201"))?.name == "马尔康市")
        #expect(catalog.division(division("513301"))?.name == "康定市")
        #expect(catalog.division(division("511681"))?.name == "华蓥市")
        #expect(catalog.division(division("511083"))?.name == "隆昌市")
        #expect(catalog.division(division("510981"))?.name == "射洪市")
        #expect(catalog.division(division("513427"))?.name == "宁南县")
        #expect(!catalog.children(of: division("513400")).contains { $0.code == division("513425") })
        #expect(
            catalog.children(of: division("513400"), includingDeprecated: true).contains {
                $0.code == division("513425")
            })
        #expect(catalog.children(of: division("513400")).count == 17)
    }

    @Test func unknownCodesFallBackToPrefixes() {
        let unknownCounty = division("510199")
        #expect(!catalog.exists(unknownCounty))
        #expect(catalog.isWithin(unknownCounty, division("510100")))
        #expect(catalog.isWithin(unknownCounty, sichuan))
        #expect(!catalog.isWithin(division("500101"), sichuan))
    }

    @Test func duplicatesAreRejected() throws {
        let entry = Division(
            code: division("510104"), name: "锦江区", nameEN: "Jinjiang District", parent: division("510100"))
        let error = try #require(throws: CodeError.self) { try DivisionCatalog([entry, entry]) }
        #expect(error.code == .duplicate)
    }
}
