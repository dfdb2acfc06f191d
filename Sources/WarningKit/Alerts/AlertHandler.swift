import Foundation

/// Alert handling in the manner of Prometheus Alertmanager, over ``Warning`` values: routing, grouping, group wait
/// and interval, re-notification, resolution, inhibition (maintenance windows and more severe open warnings) and
/// silences that expire.
///
/// A functional core: a value whose every operation takes the time (`now`, seconds since 1970 UTC) and returns the
/// notifications that came due up to that time. It never reads a clock, so a recorded day replays in virtual time
/// with the same notifications. Every change of state is appended to ``history``.
///
/// ```swift
/// var handler = AlertHandler(configuration: configuration)
/// var sent = handler.handle(warning, now: t)          // usually [] — the group waits group_wait
/// sent += handler.tick(now: t + 30)                    // the group's first notification
/// sent += handler.resolve(warning, now: t + 600)       // told at the group's next interval
/// ```
///
/// **Timing.** A new group notifies first `group_wait` after it was created, then looks again every
/// `group_interval`: it notifies when a firing alert is new to its receiver, when alerts the receiver was told about
/// have resolved, or — nothing having changed — when `repeat_interval` has passed since its last notification.
/// Flushes happen at their scheduled times whatever the granularity of the calls: ticking every second or once an
/// hour gives the same notifications with the same times.
///
/// **Muting** is judged at each flush, at the flush's time: an alert is muted while a maintenance window covers it,
/// while an inhibition rule's source alert is open, or while a silence matches it. Muted alerts are left out of
/// notifications (a muted alert that resolves is not announced); an alert that is no longer muted counts as new.
public struct AlertHandler: Sendable {
    private struct Group: Sendable {
        /// The first flush time on the group's grid at or after `time` (strictly after it, when `strictly`).
        func tick(from time: Int64, strictly: Bool) -> Int64 {
            if gridStart > time || (!strictly && gridStart == time) { return gridStart }
            let (elapsed, overflow) = time.subtractingReportingOverflow(gridStart)
            guard !overflow else { return .max }
            var steps = elapsed / groupInterval
            if strictly || elapsed % groupInterval != 0 { steps += 1 }
            let (offset, tooFar) = steps.multipliedReportingOverflow(by: groupInterval)
            return tooFar ? .max : AlertHandler.later(gridStart, offset)
        }

        var key: String
        var receiver: String
        var labels: [String: String]
        var groupInterval: Int64
        var repeatInterval: Int64
        var fingerprints: Set<String> = []
        /// The group's first flush; later flushes fall on `gridStart + k · groupInterval`.
        var gridStart: Int64
        var nextFlushAt: Int64
        var lastNotifiedAt: Int64?
        var lastFiring: Set<String> = []
        var muted: [String: String] = [:]
    }

    /// The configuration in force.
    public let configuration: AlertingConfiguration
    /// The open alerts and the resolved ones not yet flushed, by fingerprint.
    public private(set) var alerts: [String: Alert] = [:]
    /// Every silence created, expired ones included.
    public private(set) var silences: [Silence] = []
    /// Every maintenance window filed, ended ones included.
    public private(set) var maintenanceWindows: [MaintenanceWindow] = []
    /// The append-only history of every change of state (see ``takeHistory()``).
    public private(set) var history: [AlertEvent] = []
    /// The handler's clock: the latest time it was given.
    public private(set) var now: Int64
    private var groups: [String: Group] = [:]
    private var silenceSequence = 0
    private var endedSilences: Set<String> = []
    private var endedWindows: Set<String> = []

    /// Creates a handler with no alerts, whose clock starts at `now`.
    public init(configuration: AlertingConfiguration, now: Int64 = 0) {
        self.configuration = configuration
        self.now = now
    }

    /// The keys of the current groups, sorted.
    public var groupKeys: [String] { groups.keys.sorted() }

    // MARK: Inputs

    /// Receives a warning: it opens a new alert, updates a firing one, or reopens a resolved one, and joins the
    /// groups of the routes it matches.
    ///
    /// - Returns: The notifications due up to `now` (flushes scheduled before the warning come first).
    public mutating func handle(_ warning: Warning, now requested: Int64) -> [AlertNotification] {
        let now = hold(requested)
        var sent = advance(to: now)
        let labels = warning.alertLabels
        let fingerprint = Alert.fingerprint(of: labels)
        if var alert = alerts[fingerprint] {
            if alert.endsAt != nil {
                alert.endsAt = nil
                alert.startsAt = warning.triggeredAt
                record(.refired, fingerprint: fingerprint, detail: "rule \(warning.ruleID) fires again")
            } else {
                record(.updated, fingerprint: fingerprint, detail: "rule \(warning.ruleID)")
            }
            alert.warning = warning
            alert.lastReceivedAt = now
            alerts[fingerprint] = alert
        } else {
            alerts[fingerprint] = Alert(
                fingerprint: fingerprint, labels: labels, warning: warning, startsAt: warning.triggeredAt,
                receivedAt: now, lastReceivedAt: now)
            record(
                .received, fingerprint: fingerprint,
                detail: "rule \(warning.ruleID), level \(warning.level.code), point \(warning.point)")
        }
        for (id, route) in matchingRoutes(labels) {
            let groupLabels: [String: String]
            switch route.groupBy {
            case .all: groupLabels = labels
            case .labels(let names): groupLabels = labels.filter { names.contains($0.key) }
            }
            let rendered = groupLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let key = "\(id):\(route.receiver){\(rendered.joined(separator: ","))}"
            if groups[key] == nil {
                groups[key] = Group(
                    key: key, receiver: route.receiver, labels: groupLabels, groupInterval: max(1, route.groupInterval),
                    repeatInterval: route.repeatInterval, gridStart: Self.later(now, route.groupWait),
                    nextFlushAt: Self.later(now, route.groupWait))
                record(.groupCreated, groupKey: key, detail: "first notification due after \(route.groupWait)s")
            }
            groups[key]?.fingerprints.insert(fingerprint)
        }
        wakeGroups(after: now)
        sent += advance(to: now)
        return sent
    }

    /// Resolves the alert of a warning's labels (no-op when it is not firing).
    ///
    /// - Returns: The notifications due up to `now`; the resolution itself is told at the group's next flush.
    public mutating func resolve(_ warning: Warning, now: Int64) -> [AlertNotification] {
        resolve(fingerprint: Alert.fingerprint(of: warning.alertLabels), now: now)
    }

    /// Resolves an alert by fingerprint (no-op when it is unknown or not firing).
    ///
    /// - Returns: The notifications due up to `now`.
    public mutating func resolve(fingerprint: String, now requested: Int64) -> [AlertNotification] {
        let now = hold(requested)
        var sent = advance(to: now)
        if var alert = alerts[fingerprint], alert.endsAt == nil {
            alert.endsAt = now
            alerts[fingerprint] = alert
            record(.resolved, fingerprint: fingerprint, detail: "resolved by the caller")
            wakeGroups(after: now)
        }
        sent += advance(to: now)
        return sent
    }

    /// Advances the clock to `now`, running every flush, resolve timeout and expiry that came due, in time order.
    ///
    /// - Returns: The notifications due up to `now`.
    public mutating func tick(now requested: Int64) -> [AlertNotification] {
        advance(to: hold(requested))
    }

    /// Creates a silence: from ``Silence/startsAt`` to ``Silence/endsAt``, alerts matching all its matchers are
    /// not notified.
    ///
    /// - Returns: The silence with its id (`silence-0001`, …) and the notifications due up to `now`.
    /// - Throws: ``AlertingError`` `.invalidSilence` without matchers, creator or comment, or when it ends before
    ///   it starts or before `now`.
    public mutating func addSilence(_ silence: Silence, now requested: Int64) throws(AlertingError) -> (
        silence: Silence, notifications: [AlertNotification]
    ) {
        guard !silence.matchers.isEmpty else {
            throw AlertingError(.invalidSilence, "a silence needs at least one matcher", "静默规则至少需要一个匹配条件")
        }
        guard !silence.createdBy.trimmingCharacters(in: .whitespaces).isEmpty,
            !silence.comment.trimmingCharacters(in: .whitespaces).isEmpty
        else {
            throw AlertingError(.invalidSilence, "a silence needs its creator and a comment", "静默规则必须注明创建人和原因")
        }
        let now = max(requested, self.now)
        guard silence.startsAt < silence.endsAt, silence.endsAt > now else {
            throw AlertingError(
                .invalidSilence, "a silence must end after it starts and after now", "静默结束时间必须晚于开始时间和当前时间")
        }
        hold(requested)
        let sent = advance(to: now)
        silenceSequence += 1
        var created = silence
        let digits = String(silenceSequence)
        created.id = "silence-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        silences.append(created)
        wakeGroups(after: now)
        record(
            .silenceCreated, reference: created.id,
            detail: "\(created.matchers.map(\.description).joined(separator: ", ")) from \(created.startsAt) to "
                + "\(created.endsAt) by \(created.createdBy): \(created.comment)")
        return (created, sent)
    }

    /// Ends a silence now (its ``Silence/endsAt`` becomes `now` unless it already ended).
    ///
    /// - Returns: The notifications due up to `now`.
    /// - Throws: ``AlertingError`` `.unknownID`.
    public mutating func expireSilence(id: String, now requested: Int64) throws(AlertingError) -> [AlertNotification] {
        guard let index = silences.firstIndex(where: { $0.id == id }) else {
            throw AlertingError(.unknownID, "no silence has the id \(id)", "没有编号为 \(id) 的静默规则")
        }
        let now = hold(requested)
        let sent = advance(to: now)
        if silences[index].endsAt > now {
            silences[index].endsAt = now
            if silences[index].startsAt > now { silences[index].startsAt = now }
            endedSilences.insert(id)
            record(.silenceExpired, reference: id, detail: "expired early")
            wakeGroups(after: now)
        }
        return sent
    }

    /// Files a maintenance window: while it lasts, the alerts it covers are inhibited.
    ///
    /// - Returns: The notifications due up to `now`.
    /// - Throws: ``AlertingError`` `.invalidMaintenance` without id or matchers, with an id already filed, or when
    ///   it ends before it starts.
    public mutating func fileMaintenance(_ window: MaintenanceWindow, now requested: Int64) throws(AlertingError)
        -> [AlertNotification]
    {
        guard !window.id.isEmpty, !window.matchers.isEmpty, window.startsAt < window.endsAt else {
            throw AlertingError(
                .invalidMaintenance, "a maintenance window needs an id, a matcher and an end after its start",
                "维护报备需要编号、匹配条件，且结束时间晚于开始时间")
        }
        guard !maintenanceWindows.contains(where: { $0.id == window.id }) else {
            throw AlertingError(
                .invalidMaintenance, "a maintenance window \(window.id) is already filed", "维护报备 \(window.id) 已存在")
        }
        let now = hold(requested)
        let sent = advance(to: now)
        maintenanceWindows.append(window)
        wakeGroups(after: now)
        record(
            .maintenanceFiled, reference: window.id,
            detail: "\(window.matchers.map(\.description).joined(separator: ", ")) from \(window.startsAt) to "
                + "\(window.endsAt) by \(window.filedBy): \(window.reason)")
        return sent
    }

    /// Ends a maintenance window now (its ``MaintenanceWindow/endsAt`` becomes `now` unless it already ended).
    ///
    /// - Returns: The notifications due up to `now`.
    /// - Throws: ``AlertingError`` `.unknownID`.
    public mutating func endMaintenance(id: String, now requested: Int64) throws(AlertingError)
        -> [AlertNotification]
    {
        guard let index = maintenanceWindows.firstIndex(where: { $0.id == id }) else {
            throw AlertingError(.unknownID, "no maintenance window has the id \(id)", "没有编号为 \(id) 的维护报备")
        }
        let now = hold(requested)
        let sent = advance(to: now)
        if maintenanceWindows[index].endsAt > now {
            maintenanceWindows[index].endsAt = now
            if maintenanceWindows[index].startsAt > now { maintenanceWindows[index].startsAt = now }
            endedWindows.insert(id)
            record(.maintenanceEnded, reference: id, detail: "ended early")
            wakeGroups(after: now)
        }
        return sent
    }

    /// Returns the history recorded so far and empties it (for a caller that stores it elsewhere).
    public mutating func takeHistory() -> [AlertEvent] {
        defer { history.removeAll() }
        return history
    }

    /// What mutes an alert at `time`: `maintenance:ID`, `inhibit:RULE` or `silence:ID`, or `nil`.
    public func mutingReason(of alert: Alert, at time: Int64) -> String? {
        for window in maintenanceWindows
        where window.isActive(at: time) && window.matchers.allMatch(alert.labels)
            && configuration.maintenanceTargets.allMatch(alert.labels)
        {
            return "maintenance:\(window.id)"
        }
        for rule in configuration.inhibitRules where rule.targetMatchers.allMatch(alert.labels) {
            let inhibited = alerts.values.contains { source in
                source.fingerprint != alert.fingerprint && !source.isResolved(at: time)
                    && source.receivedAt <= time && rule.sourceMatchers.allMatch(source.labels)
                    && rule.equal.allSatisfy { source.labels[$0] == alert.labels[$0] }
                    && (!rule.sourceMoreSevere || source.warning.level > alert.warning.level)
            }
            if inhibited { return "inhibit:\(rule.name)" }
        }
        for silence in silences where silence.isActive(at: time) && silence.matchers.allMatch(alert.labels) {
            return "silence:\(silence.id)"
        }
        return nil
    }

    // MARK: Time

    /// The time to use for a request: never before the clock (recorded when it would have been).
    @discardableResult
    private mutating func hold(_ requested: Int64) -> Int64 {
        if requested < now {
            record(.clockHeld, detail: "asked for \(requested), the clock is at \(now)")
            return now
        }
        return requested
    }

    /// Runs everything due up to `target` in time order; at one time: resolve timeouts, then the ends of silences
    /// and maintenance windows, then flushes by group key.
    private mutating func advance(to target: Int64) -> [AlertNotification] {
        var sent: [AlertNotification] = []
        while let time = nextDue(upTo: target) {
            now = max(now, time)
            if configuration.resolveTimeout > 0 {
                for fingerprint in alerts.keys.sorted() {
                    guard var alert = alerts[fingerprint], alert.endsAt == nil,
                        Self.later(alert.lastReceivedAt, configuration.resolveTimeout) <= time
                    else { continue }
                    alert.endsAt = Self.later(alert.lastReceivedAt, configuration.resolveTimeout)
                    alerts[fingerprint] = alert
                    record(.resolved, at: time, fingerprint: fingerprint, detail: "no warning for the resolve timeout")
                }
            }
            for silence in silences where silence.endsAt <= time && !endedSilences.contains(silence.id) {
                endedSilences.insert(silence.id)
                record(.silenceExpired, at: silence.endsAt, reference: silence.id, detail: "reached its end")
            }
            for window in maintenanceWindows where window.endsAt <= time && !endedWindows.contains(window.id) {
                endedWindows.insert(window.id)
                record(.maintenanceEnded, at: window.endsAt, reference: window.id, detail: "reached its end")
            }
            for key in groups.keys.sorted() where groups[key].map({ $0.nextFlushAt <= time }) ?? false {
                if let notification = flush(key, at: time) { sent.append(notification) }
            }
            if time == .max { break }  // the end of time: nothing can come after it
        }
        now = max(now, target)
        return sent
    }

    private func nextDue(upTo target: Int64) -> Int64? {
        var next: Int64?
        func consider(_ time: Int64) {
            if time <= target && time < (next ?? .max) { next = time }
        }
        for group in groups.values { consider(group.nextFlushAt) }
        if configuration.resolveTimeout > 0 {
            for alert in alerts.values where alert.endsAt == nil {
                consider(Self.later(alert.lastReceivedAt, configuration.resolveTimeout))
            }
        }
        for silence in silences where !endedSilences.contains(silence.id) { consider(silence.endsAt) }
        for window in maintenanceWindows where !endedWindows.contains(window.id) { consider(window.endsAt) }
        return next
    }

    private mutating func flush(_ key: String, at time: Int64) -> AlertNotification? {
        guard var group = groups[key] else { return nil }
        var firing: [Alert] = []
        var resolved: [Alert] = []
        var resolvedAll: [String] = []
        var mutedNow: [String: String] = [:]
        for fingerprint in group.fingerprints.sorted() {
            guard let alert = alerts[fingerprint] else { continue }
            let isResolved = alert.isResolved(at: time)
            if isResolved { resolvedAll.append(fingerprint) }
            if let reason = mutingReason(of: alert, at: time) {
                mutedNow[fingerprint] = reason
            } else if isResolved {
                // Only resolutions of alerts the receiver was told about are told.
                if group.lastFiring.contains(fingerprint) { resolved.append(alert) }
            } else {
                firing.append(alert)
            }
        }
        for (fingerprint, reason) in mutedNow.sorted(by: { $0.key < $1.key }) where group.muted[fingerprint] != reason {
            record(.muted, at: time, fingerprint: fingerprint, groupKey: key, reference: reason)
        }
        for fingerprint in group.muted.keys.sorted() where mutedNow[fingerprint] == nil {
            if let alert = alerts[fingerprint], !alert.isResolved(at: time) {
                record(.unmuted, at: time, fingerprint: fingerprint, groupKey: key)
            }
        }
        group.muted = mutedNow

        let firingSet = Set(firing.map(\.fingerprint))
        let reason: AlertNotification.Reason?
        if firing.isEmpty && resolved.isEmpty {
            reason = nil
        } else if group.lastNotifiedAt == nil {
            reason = firing.isEmpty ? nil : .initial
        } else if !firingSet.isSubset(of: group.lastFiring) {
            reason = .newAlerts
        } else if !resolved.isEmpty {
            reason = .resolved
        } else if let last = group.lastNotifiedAt, time >= Self.later(last, group.repeatInterval) {
            reason = .repeated
        } else {
            reason = nil
        }
        var notification: AlertNotification?
        if let reason {
            func order(_ lhs: Alert, _ rhs: Alert) -> Bool {
                (lhs.startsAt, lhs.fingerprint) < (rhs.startsAt, rhs.fingerprint)
            }
            notification = AlertNotification(
                receiver: group.receiver, groupKey: key, groupLabels: group.labels, at: time, reason: reason,
                firing: firing.sorted(by: order), resolved: resolved.sorted(by: order))
            group.lastNotifiedAt = time
            group.lastFiring = firingSet
            record(
                .notified, at: time, groupKey: key,
                detail: "\(reason.rawValue): \(firing.count) firing, \(resolved.count) resolved to \(group.receiver)")
        }
        for fingerprint in resolvedAll {
            group.fingerprints.remove(fingerprint)
            group.lastFiring.remove(fingerprint)
            group.muted[fingerprint] = nil
        }
        if group.fingerprints.isEmpty {
            groups[key] = nil
            record(.groupRemoved, at: time, groupKey: key)
        } else {
            group.nextFlushAt = nextUsefulFlush(of: group, after: time)
            groups[key] = group
        }
        for fingerprint in resolvedAll where !groups.values.contains(where: { $0.fingerprints.contains(fingerprint) }) {
            alerts[fingerprint] = nil
        }
        return notification
    }

    // MARK: Routing

    /// The routes that take an alert, with their ids (`0`, `0.1`, `0.1.0`, …).
    private func matchingRoutes(_ labels: [String: String]) -> [(id: String, route: AlertRoute)] {
        func descend(_ route: AlertRoute, id: String) -> [(id: String, route: AlertRoute)] {
            var result: [(id: String, route: AlertRoute)] = []
            for (index, child) in route.routes.enumerated() where child.matchers.allMatch(labels) {
                result += descend(child, id: "\(id).\(index)")
                if !child.continueMatching { break }
            }
            return result.isEmpty ? [(id, route)] : result
        }
        return descend(configuration.route, id: "0")
    }

    /// The next flush of a group that can tell anything: the outcome of a flush changes only with an input (which
    /// wakes every group, ``wakeGroups(after:)``), at the start or end of a silence or maintenance window, at a
    /// resolve timeout, or when the repeat interval is due — so the flushes between are skipped. They would tell
    /// nothing and record nothing; skipping them keeps long quiet stretches cheap.
    private func nextUsefulFlush(of group: Group, after time: Int64) -> Int64 {
        var wake = Int64.max
        func consider(_ moment: Int64) {
            if moment > time { wake = min(wake, moment) }
        }
        if let last = group.lastNotifiedAt { consider(Self.later(last, group.repeatInterval)) }
        for silence in silences {
            consider(silence.startsAt)
            consider(silence.endsAt)
        }
        for window in maintenanceWindows {
            consider(window.startsAt)
            consider(window.endsAt)
        }
        if configuration.resolveTimeout > 0 {
            for alert in alerts.values where alert.endsAt == nil {
                consider(Self.later(alert.lastReceivedAt, configuration.resolveTimeout))
            }
        }
        return wake == .max ? .max : group.tick(from: wake, strictly: false)
    }

    /// After an input at `now`, every group flushes again at its next grid time after `now`.
    private mutating func wakeGroups(after now: Int64) {
        for key in groups.keys {
            if let group = groups[key] {
                groups[key]?.nextFlushAt = min(group.nextFlushAt, group.tick(from: now, strictly: true))
            }
        }
    }

    /// `time + duration`, saturating at the end of time instead of overflowing.
    fileprivate static func later(_ time: Int64, _ duration: Int64) -> Int64 {
        let (sum, overflow) = time.addingReportingOverflow(duration)
        return overflow ? (duration > 0 ? .max : .min) : sum
    }

    private mutating func record(
        _ kind: AlertEvent.Kind, at time: Int64? = nil, fingerprint: String? = nil, groupKey: String? = nil,
        reference: String? = nil, detail: String = ""
    ) {
        history.append(
            AlertEvent(
                at: time ?? now, kind: kind, fingerprint: fingerprint, groupKey: groupKey, reference: reference,
                detail: detail))
    }
}
