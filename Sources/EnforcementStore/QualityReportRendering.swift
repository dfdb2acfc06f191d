import DataStandard
import EnforcementModel
import Foundation

extension QualityReport {
    /// The report as one standalone HTML page: inline CSS, no script, no external asset; headings in Chinese
    /// followed by English; every text from the data HTML-escaped; ratios as percentages with one decimal (a
    /// dimension with nothing to measure shows `—`).
    public func html() -> String {
        var page = QualityHTML()
        page.begin(title: "\(Self.reportTitle.zh) \(Self.reportTitle.en) — \(divisionLabel)")
        page.heading(1, Self.reportTitle)
        page.keyValues(headerRows.map { ($0.label, $0.value) })

        page.heading(2, Self.overallTitle)
        page.table(
            header: [Self.dimensionLabel, Self.ratioLabel, Self.countLabel],
            rows: [
                [QualityHTML.label(Self.recordsLabel), .number("\(overall.records)"), .text("")],
                [
                    QualityHTML.label(Self.validRecordsLabel),
                    .number(Self.percent(Ratio(overall.validRecords, of: overall.records))),
                    .number("\(overall.validRecords)/\(overall.records)"),
                ],
                [QualityHTML.label(Self.scoreLabel), .strong(Self.percent(overall.score)), .text("")],
            ]
                + QualityDimension.allCases.map { dimension in
                    let ratio = overall.ratio(dimension)
                    return [
                        QualityHTML.label(dimension.name), .number(Self.percent(ratio)), .number(Self.fraction(ratio)),
                    ]
                }
                + [
                    [
                        QualityHTML.label(Self.requiredCompletenessLabel),
                        .number(Self.percent(overall.requiredCompleteness)),
                        .number(Self.fraction(overall.requiredCompleteness)),
                    ],
                    [QualityHTML.label(Self.errorsLabel), .number("\(errors)"), .text("")],
                    [QualityHTML.label(Self.warningsLabel), .number("\(warnings)"), .text("")],
                ])

        page.heading(2, Self.entitiesTitle)
        if entities.isEmpty {
            page.note(Self.noRecords)
        } else {
            page.table(
                header: [Self.entityLabel, Self.storedLabel, Self.quarantinedLabel] + Self.measureHeader,
                rows: entities.map { row in
                    [
                        .code(row.entity, row.name.zh), .number("\(row.storedRecords)"),
                        .number("\(row.quarantinedRecords)"),
                    ]
                        + Self.measureCells(row.measure)
                })
        }

        page.heading(2, Self.sourcesTitle)
        if sources.isEmpty {
            page.note(Self.noRecords)
        } else {
            page.table(
                header: [Self.sourceLabel, Self.entityLabel] + Self.measureHeader,
                rows: sources.map { row in
                    [.code(row.source, nil), .text(row.entities.joined(separator: ", "))]
                        + Self.measureCells(row.measure)
                })
            page.note(Self.sourcesNote)
        }

        page.heading(2, Self.worstFieldsTitle)
        if worstFields.isEmpty {
            page.note(Self.noWeakFields)
        } else {
            page.table(
                header: [
                    Self.fieldLabel, Self.requiredLabel, QualityDimension.completeness.name,
                    QualityDimension.validity.name,
                ],
                rows: worstFields.map { row in
                    [
                        .code("\(row.entity).\(row.field)", row.name.zh), .text(row.required ? "是 yes" : "否 no"),
                        .ratio(row.completeness), .ratio(row.validity),
                    ]
                })
            page.note(Self.worstFieldsNote)
        }

        page.heading(2, Self.quarantineTitle)
        page.keyValues(
            [
                (Self.quarantineTotalLabel, "\(quarantine.total)"),
                (Self.quarantineMeasuredLabel, "\(quarantine.measured)"),
            ]
        )
        if !quarantine.byEntity.isEmpty {
            page.table(
                header: [Self.entityLabel, Self.countLabel],
                rows: quarantine.byEntity.map { [.code($0.entity, nil), .number("\($0.count)")] })
        }
        if !quarantine.listed.isEmpty {
            page.heading(3, Self.quarantineListTitle(listed: quarantine.listed.count, total: quarantine.total))
            page.table(
                header: [
                    Self.entityLabel, Self.keyLabel, Self.sourceLabel, Self.recordNumberLabel, Self.lineLabel,
                    Self.quarantinedAtLabel, Self.errorsListLabel,
                ],
                rows: quarantine.listed.map { row in
                    [
                        .code(row.entity, nil), .code(row.key ?? "", nil), .code(row.source, nil),
                        .number("\(row.recordNumber)"), .number("\(row.line)"),
                        .text(Self.beijingTime(row.quarantinedAt)),
                        .lines(row.errors.map(Self.findingText)),
                    ]
                })
        }

        page.heading(2, Self.ticketsTitle)
        page.table(
            header: [Self.statusLabel, Self.countLabel],
            rows: TicketStatus.allCases.map {
                [QualityHTML.label(Self.statusName($0)), .number("\(tickets.count($0))")]
            }
                + [
                    [QualityHTML.label(Self.ticketTotalLabel), .number("\(tickets.total)")],
                    [QualityHTML.label(Self.recheckedRatioLabel), .ratio(tickets.recheckedRatio)],
                ])
        if !tickets.openTickets.isEmpty {
            page.heading(3, Self.openTicketsTitle(listed: tickets.openTickets.count, total: tickets.open))
            page.table(
                header: [
                    Self.ticketLabel, Self.entityLabel, Self.keyLabel, Self.fieldLabel, Self.ruleLabel,
                    Self.messageLabel,
                ],
                rows: tickets.openTickets.map { row in
                    [
                        .code(row.id, nil), .code(row.entity, nil), .code(row.key ?? "", nil),
                        .code(row.field ?? "", nil),
                        .code(row.ruleID, nil), .text(row.message.zh),
                    ]
                })
        }

        if !issuesByRule.isEmpty {
            page.heading(2, Self.rulesTitle)
            page.table(
                header: [Self.ruleLabel, Self.countLabel],
                rows: Self.sortedRules(issuesByRule).map { [.code($0.rule, nil), .number("\($0.count)")] })
        }

        page.heading(2, Self.methodTitle)
        page.note(Self.methodNote)
        page.end()
        return page.text
    }

    /// The report as Markdown, with the same sections and tables as ``html()``; text from the data is escaped.
    public func markdown() -> String {
        var text = QualityMarkdown()
        text.heading(1, Self.reportTitle)
        text.table(
            header: [Self.itemLabel, Self.valueLabel],
            rows: headerRows.map { [QualityMarkdown.label($0.label), QualityMarkdown.escape($0.value)] })

        text.heading(2, Self.overallTitle)
        var overallRows: [[String]] = [
            [QualityMarkdown.label(Self.recordsLabel), "\(overall.records)", ""],
            [
                QualityMarkdown.label(Self.validRecordsLabel),
                Self.percent(Ratio(overall.validRecords, of: overall.records)),
                "\(overall.validRecords)/\(overall.records)",
            ],
            [QualityMarkdown.label(Self.scoreLabel), "**\(Self.percent(overall.score))**", ""],
        ]
        for dimension in QualityDimension.allCases {
            let ratio = overall.ratio(dimension)
            overallRows.append([QualityMarkdown.label(dimension.name), Self.percent(ratio), Self.fraction(ratio)])
        }
        overallRows.append([
            QualityMarkdown.label(Self.requiredCompletenessLabel), Self.percent(overall.requiredCompleteness),
            Self.fraction(overall.requiredCompleteness),
        ])
        overallRows.append([QualityMarkdown.label(Self.errorsLabel), "\(errors)", ""])
        overallRows.append([QualityMarkdown.label(Self.warningsLabel), "\(warnings)", ""])
        text.table(header: [Self.dimensionLabel, Self.ratioLabel, Self.countLabel], rows: overallRows)

        text.heading(2, Self.entitiesTitle)
        if entities.isEmpty {
            text.paragraph(QualityMarkdown.label(Self.noRecords))
        } else {
            text.table(
                header: [Self.entityLabel, Self.storedLabel, Self.quarantinedLabel] + Self.measureHeader,
                rows: entities.map { row in
                    [
                        QualityMarkdown.code(row.entity) + " " + QualityMarkdown.escape(row.name.zh),
                        "\(row.storedRecords)",
                        "\(row.quarantinedRecords)",
                    ] + Self.measureTexts(row.measure)
                })
        }

        text.heading(2, Self.sourcesTitle)
        if sources.isEmpty {
            text.paragraph(QualityMarkdown.label(Self.noRecords))
        } else {
            text.table(
                header: [Self.sourceLabel, Self.entityLabel] + Self.measureHeader,
                rows: sources.map { row in
                    [QualityMarkdown.code(row.source), row.entities.map(QualityMarkdown.code).joined(separator: ", ")]
                        + Self.measureTexts(row.measure)
                })
            text.paragraph(QualityMarkdown.label(Self.sourcesNote))
        }

        text.heading(2, Self.worstFieldsTitle)
        if worstFields.isEmpty {
            text.paragraph(QualityMarkdown.label(Self.noWeakFields))
        } else {
            text.table(
                header: [
                    Self.fieldLabel, Self.requiredLabel, QualityDimension.completeness.name,
                    QualityDimension.validity.name,
                ],
                rows: worstFields.map { row in
                    [
                        QualityMarkdown.code("\(row.entity).\(row.field)") + " " + QualityMarkdown.escape(row.name.zh),
                        row.required ? "是 yes" : "否 no", Self.percentWithFraction(row.completeness),
                        Self.percentWithFraction(row.validity),
                    ]
                })
            text.paragraph(QualityMarkdown.label(Self.worstFieldsNote))
        }

        text.heading(2, Self.quarantineTitle)
        text.table(
            header: [Self.itemLabel, Self.valueLabel],
            rows: [
                [QualityMarkdown.label(Self.quarantineTotalLabel), "\(quarantine.total)"],
                [QualityMarkdown.label(Self.quarantineMeasuredLabel), "\(quarantine.measured)"],
            ])
        if !quarantine.byEntity.isEmpty {
            text.table(
                header: [Self.entityLabel, Self.countLabel],
                rows: quarantine.byEntity.map { [QualityMarkdown.code($0.entity), "\($0.count)"] })
        }
        if !quarantine.listed.isEmpty {
            text.heading(3, Self.quarantineListTitle(listed: quarantine.listed.count, total: quarantine.total))
            text.table(
                header: [
                    Self.entityLabel, Self.keyLabel, Self.sourceLabel, Self.recordNumberLabel, Self.lineLabel,
                    Self.quarantinedAtLabel, Self.errorsListLabel,
                ],
                rows: quarantine.listed.map { row in
                    [
                        QualityMarkdown.code(row.entity), QualityMarkdown.code(row.key ?? ""),
                        QualityMarkdown.code(row.source), "\(row.recordNumber)", "\(row.line)",
                        Self.beijingTime(row.quarantinedAt),
                        row.errors.map { QualityMarkdown.escape(Self.findingText($0)) }.joined(separator: "<br>"),
                    ]
                })
        }

        text.heading(2, Self.ticketsTitle)
        text.table(
            header: [Self.statusLabel, Self.countLabel],
            rows: TicketStatus.allCases.map { [QualityMarkdown.label(Self.statusName($0)), "\(tickets.count($0))"] }
                + [
                    [QualityMarkdown.label(Self.ticketTotalLabel), "\(tickets.total)"],
                    [
                        QualityMarkdown.label(Self.recheckedRatioLabel),
                        Self.percentWithFraction(tickets.recheckedRatio),
                    ],
                ])
        if !tickets.openTickets.isEmpty {
            text.heading(3, Self.openTicketsTitle(listed: tickets.openTickets.count, total: tickets.open))
            text.table(
                header: [
                    Self.ticketLabel, Self.entityLabel, Self.keyLabel, Self.fieldLabel, Self.ruleLabel,
                    Self.messageLabel,
                ],
                rows: tickets.openTickets.map { row in
                    [
                        QualityMarkdown.code(row.id), QualityMarkdown.code(row.entity),
                        QualityMarkdown.code(row.key ?? ""), QualityMarkdown.code(row.field ?? ""),
                        QualityMarkdown.code(row.ruleID), QualityMarkdown.escape(row.message.zh),
                    ]
                })
        }

        if !issuesByRule.isEmpty {
            text.heading(2, Self.rulesTitle)
            text.table(
                header: [Self.ruleLabel, Self.countLabel],
                rows: Self.sortedRules(issuesByRule).map { [QualityMarkdown.code($0.rule), "\($0.count)"] })
        }

        text.heading(2, Self.methodTitle)
        text.paragraph(QualityMarkdown.label(Self.methodNote))
        return text.text
    }

    // MARK: Shared content

    private var divisionLabel: String {
        guard let divisionName else { return division }
        return "\(division) \(divisionName.zh) \(divisionName.en)"
    }

    private var headerRows: [(label: LocalizedText, value: String)] {
        let periodText: String
        if let period {
            let open = "不限 open"
            periodText = "\(period.from?.description ?? open) 至 to \(period.to?.description ?? open)"
        } else {
            periodText = "全部记录 all records"
        }
        return [
            (LocalizedText(zh: "行政区划", en: "Division"), divisionLabel),
            (LocalizedText(zh: "统计期间（北京时间）", en: "Period (Beijing time)"), periodText),
            (LocalizedText(zh: "生成时间", en: "Generated at"), generatedAt.description),
            (
                LocalizedText(zh: "及时性基准日", en: "Timeliness reference date"),
                asOf.map(\.description) ?? "未测 not measured"
            ),
            (
                LocalizedText(zh: "数据标准", en: "Data standard"),
                "\(standardTitle.zh) \(standardTitle.en) (\(standard.standard) \(standard.version))"
            ),
        ]
    }

    private static let reportTitle = LocalizedText(zh: "数据质量检验报告", en: "Data-quality inspection report")
    private static let overallTitle = LocalizedText(zh: "总体质量", en: "Overall quality")
    private static let entitiesTitle = LocalizedText(zh: "分实体质量", en: "Quality per entity")
    private static let sourcesTitle = LocalizedText(zh: "分来源质量", en: "Quality per source")
    private static let worstFieldsTitle = LocalizedText(zh: "问题字段", en: "Weakest fields")
    private static let quarantineTitle = LocalizedText(zh: "隔离记录", en: "Quarantined records")
    private static let ticketsTitle = LocalizedText(zh: "整改复核", en: "Rectification and re-check")
    private static let rulesTitle = LocalizedText(zh: "问题分规则统计", en: "Issues per rule")
    private static let methodTitle = LocalizedText(zh: "检验方法", en: "Method")

    private static let itemLabel = LocalizedText(zh: "项目", en: "Item")
    private static let valueLabel = LocalizedText(zh: "内容", en: "Value")
    private static let dimensionLabel = LocalizedText(zh: "指标", en: "Measure")
    private static let ratioLabel = LocalizedText(zh: "比率", en: "Ratio")
    private static let countLabel = LocalizedText(zh: "数量", en: "Count")
    private static let recordsLabel = LocalizedText(zh: "记录数", en: "Records")
    private static let validRecordsLabel = LocalizedText(zh: "有效记录", en: "Valid records")
    private static let scoreLabel = LocalizedText(zh: "综合得分", en: "Score")
    private static let requiredCompletenessLabel = LocalizedText(zh: "必填项完整性", en: "Required completeness")
    private static let errorsLabel = LocalizedText(zh: "错误", en: "Errors")
    private static let warningsLabel = LocalizedText(zh: "警告", en: "Warnings")
    private static let entityLabel = LocalizedText(zh: "实体", en: "Entity")
    private static let storedLabel = LocalizedText(zh: "入库", en: "Stored")
    private static let quarantinedLabel = LocalizedText(zh: "隔离", en: "Quarantined")
    private static let sourceLabel = LocalizedText(zh: "来源", en: "Source")
    private static let fieldLabel = LocalizedText(zh: "字段", en: "Field")
    private static let requiredLabel = LocalizedText(zh: "必填", en: "Required")
    private static let keyLabel = LocalizedText(zh: "主键", en: "Key")
    private static let recordNumberLabel = LocalizedText(zh: "记录号", en: "Record")
    private static let lineLabel = LocalizedText(zh: "行号", en: "Line")
    private static let quarantinedAtLabel = LocalizedText(zh: "隔离时间", en: "Quarantined at")
    private static let errorsListLabel = LocalizedText(zh: "错误（前几项）", en: "First errors")
    private static let quarantineTotalLabel = LocalizedText(zh: "未解决的隔离记录", en: "Unresolved quarantined records")
    private static let quarantineMeasuredLabel = LocalizedText(zh: "纳入质量统计", en: "Measured with the records")
    private static let statusLabel = LocalizedText(zh: "状态", en: "Status")
    private static let ticketTotalLabel = LocalizedText(zh: "整改单合计", en: "All tickets")
    private static let recheckedRatioLabel = LocalizedText(zh: "复核完成率", en: "Re-checked")
    private static let ticketLabel = LocalizedText(zh: "整改单", en: "Ticket")
    private static let ruleLabel = LocalizedText(zh: "规则", en: "Rule")
    private static let messageLabel = LocalizedText(zh: "问题说明", en: "Message")

    private static let noRecords = LocalizedText(zh: "无记录。", en: "No records.")
    private static let noWeakFields = LocalizedText(zh: "未发现问题字段。", en: "No field with a fault.")
    private static let sourcesNote = LocalizedText(
        zh: "每个来源单独校验：重复只在该来源的记录之间判断；该来源未提供被引用实体的任何记录时，引用不作检查。",
        en: "Each source is validated on its own: duplicates are found among its records only; a reference to an "
            + "entity of which the source delivered no record is not checked.")
    private static let worstFieldsNote = LocalizedText(
        zh: "按有效性与完整性中较低者排序（完整性只计必填字段，选填字段留空不算问题）；只列有数据且有问题的字段。",
        en: "Ranked by the lower of validity and completeness (completeness of required fields only: an optional "
            + "field left empty is no fault); only fields with data and a fault are listed.")
    private static let methodNote = LocalizedText(
        zh: "辖区内统计期间有变更的入库记录与未解决的隔离记录，按数据标准重新校验（各实体一起校验，实体间引用可以解析）。"
            + "引用的记录不在本次统计范围（辖区外或统计期间前）但已入库的，视为有效引用。"
            + "比率为通过数/检查数；“—”表示无可检查项。综合得分为各项已测指标的平均值，总体得分按记录数加权。",
        en: "The stored records of the division changed in the period and its unresolved quarantined records, "
            + "validated again against the data standard (all entities together, so references between them "
            + "resolve); a reference to a stored record outside the division or the period counts as resolved. "
            + "A ratio is passed / measured; “—” means nothing to measure. A score is the mean of the "
            + "measured dimensions; the overall score weighs entities by records.")

    private static var measureHeader: [LocalizedText] {
        [recordsLabel, validRecordsLabel] + QualityDimension.allCases.map(\.name) + [scoreLabel]
    }

    private static func measureCells(_ measure: QualityMeasure) -> [QualityHTML.Cell] {
        [.number("\(measure.records)"), .number("\(measure.validRecords)")]
            + QualityDimension.allCases.map { .ratio(measure.ratio($0)) } + [.strong(percent(measure.score))]
    }

    private static func measureTexts(_ measure: QualityMeasure) -> [String] {
        ["\(measure.records)", "\(measure.validRecords)"]
            + QualityDimension.allCases.map { percentWithFraction(measure.ratio($0)) } + [
                "**\(percent(measure.score))**"
            ]
    }

    private static func quarantineListTitle(listed: Int, total: Int) -> LocalizedText {
        LocalizedText(zh: "隔离记录清单（前 \(listed) 条，共 \(total) 条）", en: "Quarantined records (first \(listed) of \(total))")
    }

    private static func openTicketsTitle(listed: Int, total: Int) -> LocalizedText {
        LocalizedText(zh: "待整改清单（\(listed) / \(total)）", en: "Open tickets (\(listed) of \(total))")
    }

    private static func statusName(_ status: TicketStatus) -> LocalizedText {
        switch status {
        case .open: LocalizedText(zh: "待整改", en: "Open")
        case .fixed: LocalizedText(zh: "已整改待复核", en: "Fixed, awaiting re-check")
        case .rechecked: LocalizedText(zh: "已复核", en: "Re-checked")
        }
    }

    private static func findingText(_ finding: Finding) -> String {
        let field = finding.field.map { "\($0): " } ?? ""
        return "\(field)\(finding.message.zh) [\(finding.ruleID)]"
    }

    private static func sortedRules(_ rules: [String: Int]) -> [(rule: String, count: Int)] {
        rules.map { (rule: $0.key, count: $0.value) }.sorted { ($1.count, $0.rule) < ($0.count, $1.rule) }
    }

    /// A ratio as a percentage with one decimal, or `—` when nothing was measured.
    static func percent(_ ratio: Ratio) -> String {
        ratio.denominator == 0 ? "—" : percent(ratio.value)
    }

    /// A value of 0…1 as a percentage with one decimal (`97.5%`).
    static func percent(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let tenths = Int((value * 1_000).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return "\(sign)\(magnitude / 10).\(magnitude % 10)%"
    }

    /// `numerator/denominator`, or empty when nothing was measured.
    static func fraction(_ ratio: Ratio) -> String {
        ratio.denominator == 0 ? "" : "\(ratio.numerator)/\(ratio.denominator)"
    }

    static func percentWithFraction(_ ratio: Ratio) -> String {
        ratio.denominator == 0 ? "—" : "\(percent(ratio)) (\(fraction(ratio)))"
    }

    /// A moment (seconds since 1970 UTC) in Beijing time, `YYYY-MM-DD HH:MM:SS`.
    static func beijingTime(_ seconds: Int64) -> String {
        LocalDateTime(secondsSinceEpoch: seconds).description
    }
}

/// Writes the HTML page of a report.
struct QualityHTML {
    /// A table cell.
    enum Cell {
        /// Plain text.
        case text(String)
        /// A number or percentage, aligned right.
        case number(String)
        /// Emphasised text.
        case strong(String)
        /// An identifier in monospace, with an optional name after it.
        case code(String, String?)
        /// A ratio: the percentage, the fraction below.
        case ratio(QualitySummary.Ratio)
        /// Lines of text.
        case lines([String])
        /// A bilingual label.
        case bilingual(LocalizedText)
    }

    private(set) var text = ""

    static func label(_ text: LocalizedText) -> Cell { .bilingual(text) }

    /// Escapes `&`, `<`, `>`, `"` and `'`.
    static func escape(_ string: String) -> String {
        var result = ""
        result.reserveCapacity(string.utf8.count)
        for character in string.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    private static let style = """
        body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:72em;\
        padding:0 1em;color:#222;line-height:1.5}
        h1{border-bottom:2px solid #2a5d8f;padding-bottom:.3em}
        h2{margin-top:1.8em;border-bottom:1px solid #ccc;padding-bottom:.2em}
        .en{color:#666;font-weight:normal;font-size:.85em}
        table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
        th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        th{background:#eef3f8}
        td.n{text-align:right;white-space:nowrap}
        small{color:#777}
        code{font-family:Menlo,Consolas,monospace;font-size:.95em}
        p.note{color:#555;font-size:.9em}
        """

    mutating func begin(title: String) {
        text += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        text += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        text += "<title>\(Self.escape(title))</title>\n<style>\n\(Self.style)\n</style>\n</head>\n<body>\n"
    }

    mutating func end() {
        text += "</body>\n</html>\n"
    }

    mutating func heading(_ level: Int, _ title: LocalizedText) {
        text += "<h\(level)>\(Self.escape(title.zh)) <span class=\"en\">\(Self.escape(title.en))</span></h\(level)>\n"
    }

    mutating func note(_ note: LocalizedText) {
        text += "<p class=\"note\">\(Self.escape(note.zh))<br><span class=\"en\">\(Self.escape(note.en))</span></p>\n"
    }

    mutating func keyValues(_ rows: [(LocalizedText, String)]) {
        text += "<table>\n"
        for (label, value) in rows {
            text += "<tr><th>\(Self.bilingual(label))</th><td>\(Self.escape(value))</td></tr>\n"
        }
        text += "</table>\n"
    }

    mutating func table(header: [LocalizedText], rows: [[Cell]]) {
        text += "<table>\n<thead><tr>"
        for label in header { text += "<th>\(Self.bilingual(label))</th>" }
        text += "</tr></thead>\n<tbody>\n"
        for row in rows {
            text += "<tr>"
            for cell in row { text += Self.render(cell) }
            text += "</tr>\n"
        }
        text += "</tbody>\n</table>\n"
    }

    private static func bilingual(_ label: LocalizedText) -> String {
        "\(escape(label.zh))<br><span class=\"en\">\(escape(label.en))</span>"
    }

    private static func render(_ cell: Cell) -> String {
        switch cell {
        case .text(let value):
            return "<td>\(escape(value))</td>"
        case .number(let value):
            return "<td class=\"n\">\(escape(value))</td>"
        case .strong(let value):
            return "<td class=\"n\"><strong>\(escape(value))</strong></td>"
        case .code(let value, let name):
            let suffix = name.map { " \(escape($0))" } ?? ""
            return value.isEmpty && name == nil ? "<td></td>" : "<td><code>\(escape(value))</code>\(suffix)</td>"
        case .ratio(let ratio):
            let fraction = QualityReport.fraction(ratio)
            let below = fraction.isEmpty ? "" : "<br><small>\(escape(fraction))</small>"
            return "<td class=\"n\">\(escape(QualityReport.percent(ratio)))\(below)</td>"
        case .lines(let lines):
            return "<td>\(lines.map(escape).joined(separator: "<br>"))</td>"
        case .bilingual(let label):
            return "<td>\(bilingual(label))</td>"
        }
    }
}

/// Writes the Markdown of a report.
struct QualityMarkdown {
    private(set) var text = ""

    /// Escapes the characters Markdown or its inline HTML would interpret; a line break becomes a space.
    static func escape(_ string: String) -> String {
        var result = ""
        result.reserveCapacity(string.utf8.count)
        for character in string.unicodeScalars {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~": result += "\\\(character)"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r": result += " "
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// An identifier in a code span (its `|` escaped for tables); escaped text when it holds a backtick or a line
    /// break; empty for an empty identifier.
    static func code(_ string: String) -> String {
        guard !string.isEmpty else { return "" }
        if string.contains("`") || string.contains("\n") || string.contains("\r") { return escape(string) }
        return "`" + string.replacingOccurrences(of: "|", with: "\\|") + "`"
    }

    /// `中文 English`.
    static func label(_ text: LocalizedText) -> String {
        "\(escape(text.zh)) \(escape(text.en))"
    }

    mutating func heading(_ level: Int, _ title: LocalizedText) {
        text += String(repeating: "#", count: level) + " " + Self.label(title) + "\n\n"
    }

    mutating func paragraph(_ paragraph: String) {
        text += paragraph + "\n\n"
    }

    mutating func table(header: [LocalizedText], rows: [[String]]) {
        text += "| " + header.map(Self.label).joined(separator: " | ") + " |\n"
        text += "|" + String(repeating: "---|", count: header.count) + "\n"
        for row in rows {
            text += "| " + row.joined(separator: " | ") + " |\n"
        }
        text += "\n"
    }
}
