extension Warning {
    /// The labels alert handling sees: `rule`, `type`, `level` (`1`…`4`), `point` and `pollutant` (when the warning
    /// has one), overlaid by the warning's own ``labels`` (`entity`, `division`, …).
    ///
    /// Two warnings with the same alert labels are the same alert: the later one updates the earlier.
    public var alertLabels: [String: String] {
        var result = ["rule": ruleID, "type": type, "level": level.code, "point": point]
        if let pollutant { result["pollutant"] = pollutant }
        result.merge(labels) { _, own in own }
        return result
    }
}

/// One alert: the latest warning of a label set, from its first warning until it resolves.
public struct Alert: Sendable, Hashable, Codable {
    /// The identity (``fingerprint(of:)`` of ``labels``).
    public var fingerprint: String
    /// The alert labels (``Warning/alertLabels``).
    public var labels: [String: String]
    /// The latest warning of the alert.
    public var warning: Warning
    /// When the alert started: the trigger time of its first warning, seconds since 1970 UTC.
    public var startsAt: Int64
    /// When the handler first received it.
    public var receivedAt: Int64
    /// When the handler last received a warning of it.
    public var lastReceivedAt: Int64
    /// When it resolved, or `nil` while it fires.
    public var endsAt: Int64?

    /// Creates an alert.
    public init(
        fingerprint: String, labels: [String: String], warning: Warning, startsAt: Int64, receivedAt: Int64,
        lastReceivedAt: Int64, endsAt: Int64? = nil
    ) {
        self.fingerprint = fingerprint
        self.labels = labels
        self.warning = warning
        self.startsAt = startsAt
        self.receivedAt = receivedAt
        self.lastReceivedAt = lastReceivedAt
        self.endsAt = endsAt
    }

    /// The identity of an alert: a stable 16-hex-digit FNV-1a hash of its sorted labels (the same on every machine
    /// and every run, unlike `Hasher`).
    public static func fingerprint(of labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
            for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hash = (hash ^ 0xfe) &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Whether the alert has resolved by `time`.
    public func isResolved(at time: Int64) -> Bool {
        if let endsAt { return endsAt <= time }
        return false
    }
}

/// A notification: what one group of alerts tells its receiver at one moment.
public struct AlertNotification: Sendable, Hashable, Codable {
    /// Why the group notified.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The group's first notification.
        case initial
        /// A firing alert that the last notification did not include.
        case newAlerts = "new_alerts"
        /// Alerts resolved since the last notification (some may still fire).
        case resolved
        /// Nothing changed, but the repeat interval passed while alerts still fire.
        case repeated
    }

    /// The receiver of the route that grouped the alerts.
    public var receiver: String
    /// The group's key: the route and the values of its grouping labels.
    public var groupKey: String
    /// The values of the grouping labels.
    public var groupLabels: [String: String]
    /// When the notification is sent, seconds since 1970 UTC.
    public var at: Int64
    /// Why it is sent.
    public var reason: Reason
    /// The alerts that fire (neither muted nor resolved), oldest first.
    public var firing: [Alert]
    /// The alerts resolved since the last notification, oldest first.
    public var resolved: [Alert]

    /// Creates a notification.
    public init(
        receiver: String, groupKey: String, groupLabels: [String: String], at: Int64, reason: Reason,
        firing: [Alert], resolved: [Alert]
    ) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.at = at
        self.reason = reason
        self.firing = firing
        self.resolved = resolved
    }

    /// `firing` while any alert of the group fires, else `resolved`.
    public var status: String { firing.isEmpty ? "resolved" : "firing" }
}

/// A silence: while active, alerts matching all its matchers are not notified.
///
/// Silences are created by a person (``createdBy``) with a reason (``comment``) and expire at ``endsAt``; expiring
/// one early moves ``endsAt`` to that moment. Both are events in the handler's history.
public struct Silence: Sendable, Hashable, Codable {
    /// The id the handler gave it (`silence-0001`, …).
    public var id: String
    /// The conditions an alert must meet to be silenced (at least one).
    public var matchers: [LabelMatcher]
    /// When it starts, seconds since 1970 UTC.
    public var startsAt: Int64
    /// When it ends.
    public var endsAt: Int64
    /// Who created it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a silence; ``AlertHandler/addSilence(_:now:)`` checks it and gives it its id.
    public init(
        id: String = "", matchers: [LabelMatcher], startsAt: Int64, endsAt: Int64, createdBy: String, comment: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether the silence is in force at `time` (`startsAt ≤ time < endsAt`).
    public func isActive(at time: Int64) -> Bool { startsAt <= time && time < endsAt }
}

/// A maintenance window filed for a point (运维/维护报备): while it lasts, the point's alerts are inhibited.
///
/// ``AlertingConfiguration/maintenanceTargets`` may narrow which of the point's alerts it suppresses.
public struct MaintenanceWindow: Sendable, Hashable, Codable {
    /// The filing's id (unique among the handler's windows).
    public var id: String
    /// Which alerts it covers, usually `point="…"` (at least one matcher).
    public var matchers: [LabelMatcher]
    /// When it starts, seconds since 1970 UTC.
    public var startsAt: Int64
    /// When it ends.
    public var endsAt: Int64
    /// Who filed it (an operator, the plant).
    public var filedBy: String
    /// What is done (calibration, repair, …).
    public var reason: String

    /// Creates a window over arbitrary matchers.
    public init(
        id: String, matchers: [LabelMatcher], startsAt: Int64, endsAt: Int64, filedBy: String, reason: String
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.filedBy = filedBy
        self.reason = reason
    }

    /// Creates a window for one monitoring point.
    public init(id: String, point: String, startsAt: Int64, endsAt: Int64, filedBy: String, reason: String)
        throws(AlertingError)
    {
        self.init(
            id: id, matchers: [try LabelMatcher("point", .equal, point)], startsAt: startsAt, endsAt: endsAt,
            filedBy: filedBy, reason: reason)
    }

    /// Whether the window is in force at `time` (`startsAt ≤ time < endsAt`).
    public func isActive(at time: Int64) -> Bool { startsAt <= time && time < endsAt }
}

extension MaintenanceWindow {
    /// A window from a filed maintenance period of the monitoring rules: its point, and its factor when it names
    /// one; the id is the filing's reference, else `POINT@START`.
    public init(filing: MaintenanceFiling, filedBy: String = "", reason: String = "") throws(AlertingError) {
        var matchers = [try LabelMatcher("point", .equal, filing.point)]
        if let pollutant = filing.pollutant { matchers.append(try LabelMatcher("pollutant", .equal, pollutant)) }
        self.init(
            id: filing.reference ?? "\(filing.point)@\(filing.start)", matchers: matchers, startsAt: filing.start,
            endsAt: filing.end, filedBy: filedBy, reason: reason)
    }
}

/// One entry of the handler's append-only history: every change of state, when, and why.
public struct AlertEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A warning opened a new alert.
        case received
        /// A warning updated a firing alert.
        case updated
        /// A warning reopened a resolved alert.
        case refired
        /// An alert resolved (by a call, or by the resolve timeout).
        case resolved
        /// A group was created (its first notification is due after the group wait).
        case groupCreated = "group_created"
        /// A group notified its receiver.
        case notified
        /// A group had nothing left and was removed.
        case groupRemoved = "group_removed"
        /// A firing alert was held back at a flush (by a silence, a maintenance window or an inhibition).
        case muted
        /// A previously muted alert is no longer muted.
        case unmuted
        /// A silence was created.
        case silenceCreated = "silence_created"
        /// A silence ended (at its end time, or expired early).
        case silenceExpired = "silence_expired"
        /// A maintenance window was filed.
        case maintenanceFiled = "maintenance_filed"
        /// A maintenance window ended (at its end time, or cancelled).
        case maintenanceEnded = "maintenance_ended"
        /// The handler was asked about a time before its clock; it used its clock instead.
        case clockHeld = "clock_held"
    }

    /// When, seconds since 1970 UTC.
    public var at: Int64
    /// What happened.
    public var kind: Kind
    /// The alert concerned, if any.
    public var fingerprint: String?
    /// The group concerned, if any.
    public var groupKey: String?
    /// The silence, maintenance window or inhibition rule concerned, if any.
    public var reference: String?
    /// Details for people (English).
    public var detail: String

    /// Creates an event.
    public init(
        at: Int64, kind: Kind, fingerprint: String? = nil, groupKey: String? = nil, reference: String? = nil,
        detail: String = ""
    ) {
        self.at = at
        self.kind = kind
        self.fingerprint = fingerprint
        self.groupKey = groupKey
        self.reference = reference
        self.detail = detail
    }
}
