import EnforcementModel
import Foundation
import Yams

/// Loads the PRC working-day calendar (`Specs/calendar/prc-holidays.yaml`) into a ``WorkingDayCalendar``.
///
/// ```swift
/// let calendar = try CalendarLoader().load(file: CalendarLoader.defaultCalendarFile())
/// try calendar.addingWorkingDays(5, to: CivilDate("2024-06-03"))   // 2024-06-11 (端午 on 06-10)
/// ```
public struct CalendarLoader: Sendable {
    /// Creates a loader.
    public init() {}

    /// The bundled calendar file under `specs` (default: ``StandardLoader/specsDirectory()``).
    public static func defaultCalendarFile(specs: URL? = nil) throws(DataStandardError) -> URL {
        guard let root = specs ?? StandardLoader.specsDirectory() else {
            throw DataStandardError(
                .fileUnreadable, "the Specs folder was not found; set ENFORCE_SPECS or pass --specs")
        }
        return root.appendingPathComponent("calendar/prc-holidays.yaml")
    }

    /// Reads the calendar file, collecting every problem with its place.
    public func read(file: URL) -> (calendar: WorkingDayCalendar?, diagnostics: [StandardDiagnostic]) {
        let log = DiagnosticLog()
        let display = file.path
        guard let data = FileManager.default.contents(atPath: file.path) else {
            log.error("io.unreadable", "cannot read the calendar file", at: SourceLocation(file: display))
            return (nil, log.items)
        }
        guard let document = YAMLDocument.parse(String(decoding: data, as: UTF8.self), file: display, log: log),
            let root = document.rootMapping(log: log)
        else { return (nil, log.items) }
        if let standard = root.string("standard", required: true), standard != "prc-calendar" {
            log.error(
                "spec.header", "`standard` must be prc-calendar, found `\(standard)`", at: root.location(of: "standard")
            )
        }
        _ = root.string("version", required: true)
        var arrangements: [HolidayYear] = []
        if let years = root.mapping("years", required: true) {
            for (keyNode, _) in years.mapping {
                let key = keyNode.string ?? ""
                guard let year = Int(key), (1949...9999).contains(year) else {
                    log.error(
                        "spec.value", "`years` keys must be years, found `\(key)`", at: document.location(keyNode))
                    continue
                }
                guard let entry = years.mapping(key) else { continue }
                arrangements.append(readYear(year, entry, log: log))
                entry.finish()
            }
            years.finish()
        }
        root.finish()
        if log.hasErrors { return (nil, log.items) }
        do {
            return (try WorkingDayCalendar(years: arrangements), log.items)
        } catch {
            log.error("calendar.data", error.message, at: SourceLocation(file: display))
            return (nil, log.items)
        }
    }

    /// Loads the calendar file.
    ///
    /// - Throws: ``DataStandardError`` naming the first problem's place.
    public func load(file: URL) throws(DataStandardError) -> WorkingDayCalendar {
        let (calendar, diagnostics) = read(file: file)
        if let calendar, !diagnostics.contains(where: { $0.severity == .error }) { return calendar }
        let first = diagnostics.first { $0.severity == .error }
        throw DataStandardError(
            first?.check == "io.unreadable" ? .fileUnreadable : .malformedSpec,
            first?.message ?? "the calendar could not be loaded", at: first?.location)
    }

    private func readYear(_ year: Int, _ entry: MappingReader, log: DiagnosticLog) -> HolidayYear {
        func date(_ reader: MappingReader, _ key: String) -> CivilDate? {
            guard let text = reader.string(key, required: true) else { return nil }
            do {
                let value = try CivilDate(text)
                if value.year != year {
                    log.error(
                        "calendar.year", "\(text) is listed under \(year)", at: reader.location(of: key))
                }
                return value
            } catch {
                log.error("spec.type", "`\(reader.childPath(key))`: \(error.message)", at: reader.location(of: key))
                return nil
            }
        }
        let source = entry.string("source")
        var holidays: [Holiday] = []
        for item in entry.mappings("holidays", required: true) {
            defer { item.finish() }
            let name = item.string("name", required: true) ?? ""
            if let from = date(item, "from"), let to = date(item, "to") {
                holidays.append(Holiday(name: name, from: from, to: to))
            }
        }
        var working: [CivilDate] = []
        for item in entry.mappings("working_days") {
            defer { item.finish() }
            _ = item.string("for")
            if let day = date(item, "date") { working.append(day) }
        }
        return HolidayYear(year: year, holidays: holidays, makeUpWorkingDays: working, source: source)
    }
}
