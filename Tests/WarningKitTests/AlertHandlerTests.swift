import Foundation
import Testing
import WarningKit

/// Alert handling in virtual time: every expected notification below was worked out by hand from the timings of
/// the configuration (group_wait 30 s, group_interval 5 min, repeat_interval 4 h).
struct AlertHandlerTests {
    static let t0: Int64 = 1_795_000_000

    static let yaml = """
        standard: test-alerting
        version: "1.0"
        route:
          receiver: desk
          group_by: [point]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - matchers: ['level="1"', 'type="01"']
              receiver: urgent
              group_wait: 0s
              continue: true
        inhibit_rules:
          - name: more-severe
            equal: [point, pollutant]
            source_more_severe: true
        """

    static func handler(_ yaml: String = yaml) throws -> AlertHandler {
        AlertHandler(configuration: try AlertingConfiguration(yaml: yaml), now: t0)
    }

    static func warning(
        rule: String = "sichuan.near-limit", type: String = "09", point: String = "P1", pollutant: String? = "a21026",
        level: WarningLevel = .yellow, at offset: Int64 = 0
    ) -> Warning {
        Warning(
            ruleID: rule, ruleVersion: "1.0", type: type, level: level, point: point, pollutant: pollutant,
            triggeredAt: t0 + offset, windowStart: t0 + offset - 3600, windowEnd: t0 + offset,
            description: "测试", descriptionEN: "test", labels: ["entity": "SC5101070001"])
    }

    @Test func groupsByPointAndWaitsTheGroupWait() throws {
        var handler = try Self.handler()
        let t0 = Self.t0
        #expect(handler.handle(Self.warning(pollutant: "a21026", at: 0), now: t0).isEmpty)
        #expect(handler.handle(Self.warning(pollutant: "a21002", at: 10), now: t0 + 10).isEmpty)
        #expect(handler.handle(Self.warning(point: "P2", at: 20), now: t0 + 20).isEmpty)
        #expect(handler.tick(now: t0 + 29).isEmpty)

        let first = handler.tick(now: t0 + 30)
        #expect(first.count == 1)
        #expect(first.first?.at == t0 + 30)
        #expect(first.first?.reason == .initial)
        #expect(first.first?.receiver == "desk")
        #expect(first.first?.groupLabels == ["point": "P1"])
        #expect(first.first?.firing.map { $0.warning.pollutant } == ["a21026", "a21002"])

        let second = handler.tick(now: t0 + 50)
        #expect(second.map(\.at) == [t0 + 50])
        #expect(second.first?.groupLabels == ["point": "P2"])
        #expect(second.first?.firing.count == 1)
    }

    @Test func oneLongTickGivesTheSameNotificationsAsManyShortOnes() throws {
        func started() throws -> AlertHandler {
            var handler = try Self.handler()
            for (offset, point) in [(Int64(0), "P1"), (20, "P2"), (400, "P3")] {
                _ = handler.handle(Self.warning(point: point, at: offset), now: Self.t0 + offset)
            }
            return handler
        }
        var fine = try started()
        var coarse = try started()
        var stepped: [AlertNotification] = []
        for second in stride(from: Self.t0 + 400, through: Self.t0 + 20_000, by: 7) {
            stepped += fine.tick(now: second)
        }
        stepped += fine.tick(now: Self.t0 + 20_000)
        let jumped = coarse.tick(now: Self.t0 + 20_000)
        #expect(stepped == jumped)
        #expect(fine.history == coarse.history)
        // P1 and P2 were told at +30 and +50 (during the third handle); P3 (created at +400) is told at +430;
        // the repeats come 4 h after each: P1 at +30 + 48·300 = +14430, P2 at +14450, P3 at +14830.
        #expect(jumped.map(\.at) == [Self.t0 + 430, Self.t0 + 14_430, Self.t0 + 14_450, Self.t0 + 14_830])
        #expect(jumped.map(\.reason) == [.initial, .repeated, .repeated, .repeated])
    }

    @Test func repeatsAfterTheRepeatIntervalOnly() throws {
        var handler = try Self.handler()
        _ = handler.handle(Self.warning(), now: Self.t0)
        #expect(handler.tick(now: Self.t0 + 30).count == 1)
        // Group ticks at +330, +630, … change nothing; the first tick at or after +30 + 4 h is +14430.
        #expect(handler.tick(now: Self.t0 + 14_429).isEmpty)
        let repeated = handler.tick(now: Self.t0 + 14_430)
        #expect(repeated.map(\.reason) == [.repeated])
        #expect(repeated.first?.firing.count == 1)
        #expect(handler.tick(now: Self.t0 + 28_829).isEmpty)
        #expect(handler.tick(now: Self.t0 + 28_830).map(\.reason) == [.repeated])
    }

    @Test func aNewAlertInAGroupIsToldAtTheNextInterval() throws {
        var handler = try Self.handler()
        _ = handler.handle(Self.warning(pollutant: "a21026"), now: Self.t0)
        _ = handler.tick(now: Self.t0 + 30)
        // An update of the same alert is no news.
        #expect(handler.handle(Self.warning(pollutant: "a21026", at: 60), now: Self.t0 + 60).isEmpty)
        #expect(handler.handle(Self.warning(pollutant: "a34013", at: 100), now: Self.t0 + 100).isEmpty)
        #expect(handler.tick(now: Self.t0 + 329).isEmpty)
        let update = handler.tick(now: Self.t0 + 330)
        #expect(update.map(\.reason) == [.newAlerts])
        #expect(update.first?.firing.map { $0.warning.pollutant } == ["a21026", "a34013"])
        #expect(update.first?.firing.first?.warning.triggeredAt == Self.t0 + 60)
    }

    @Test func resolutionIsToldOnceAndTheEmptyGroupGoes() throws {
        var handler = try Self.handler()
        let so2 = Self.warning(pollutant: "a21026")
        let nox = Self.warning(pollutant: "a21002")
        _ = handler.handle(so2, now: Self.t0)
        _ = handler.handle(nox, now: Self.t0)
        _ = handler.tick(now: Self.t0 + 30)
        #expect(handler.resolve(so2, now: Self.t0 + 400).isEmpty)
        let partly = handler.tick(now: Self.t0 + 630)
        #expect(partly.map(\.reason) == [.resolved])
        #expect(partly.first?.firing.map { $0.warning.pollutant } == ["a21002"])
        #expect(partly.first?.resolved.map { $0.warning.pollutant } == ["a21026"])
        #expect(partly.first?.resolved.first?.endsAt == Self.t0 + 400)
        #expect(partly.first?.status == "firing")
        #expect(handler.tick(now: Self.t0 + 930).isEmpty)

        _ = handler.resolve(nox, now: Self.t0 + 1000)
        let all = handler.tick(now: Self.t0 + 1230)
        #expect(all.map(\.reason) == [.resolved])
        #expect(all.first?.firing.isEmpty == true)
        #expect(all.first?.status == "resolved")
        #expect(handler.groupKeys.isEmpty)
        #expect(handler.alerts.isEmpty)
        #expect(handler.history.contains { $0.kind == .groupRemoved && $0.at == Self.t0 + 1230 })
    }

    @Test func anAlertResolvedBeforeItWasToldIsNeverTold() throws {
        var handler = try Self.handler()
        let warning = Self.warning()
        _ = handler.handle(warning, now: Self.t0)
        _ = handler.resolve(warning, now: Self.t0 + 10)
        #expect(handler.tick(now: Self.t0 + 10_000).isEmpty)
        #expect(handler.groupKeys.isEmpty)
    }

    @Test func aMoreSevereOpenWarningInhibitsTheLesserOfTheSameFactor() throws {
        var handler = try Self.handler()
        let yellow = Self.warning(rule: "sichuan.near-limit", type: "09", pollutant: "a21026", level: .yellow)
        let red = Self.warning(rule: "sichuan.exceedance", type: "08", pollutant: "a21026", level: .red, at: 5)
        let otherFactor = Self.warning(rule: "sichuan.near-limit", type: "09", pollutant: "a21002", level: .yellow)
        _ = handler.handle(yellow, now: Self.t0)
        _ = handler.handle(red, now: Self.t0 + 5)
        _ = handler.handle(otherFactor, now: Self.t0 + 6)
        let first = handler.tick(now: Self.t0 + 30)
        #expect(first.count == 1)
        #expect(first.first?.firing.map(\.warning.ruleID) == ["sichuan.near-limit", "sichuan.exceedance"])
        #expect(first.first?.firing.map(\.warning.pollutant) == ["a21002", "a21026"])
        #expect(
            handler.history.contains {
                $0.kind == .muted && $0.reference == "inhibit:more-severe" && $0.at == Self.t0 + 30
            })

        // The red one resolves: the yellow one is no longer muted and is new to the receiver.
        _ = handler.resolve(red, now: Self.t0 + 100)
        let after = handler.tick(now: Self.t0 + 330)
        #expect(after.map(\.reason) == [.newAlerts])
        #expect(after.first?.firing.map(\.warning.level) == [.yellow, .yellow])
        #expect(after.first?.resolved.map(\.warning.level) == [.red])
        #expect(handler.history.contains { $0.kind == .unmuted && $0.at == Self.t0 + 330 })
    }

    @Test func aMaintenanceWindowInhibitsItsPointUntilItEnds() throws {
        var handler = try Self.handler()
        let window = try MaintenanceWindow(
            id: "YW-001", point: "P1", startsAt: Self.t0, endsAt: Self.t0 + 3600, filedBy: "运维公司", reason: "校准")
        #expect(try handler.fileMaintenance(window, now: Self.t0).isEmpty)
        _ = handler.handle(Self.warning(point: "P1", at: 10), now: Self.t0 + 10)
        let other = handler.handle(Self.warning(point: "P2", at: 10), now: Self.t0 + 10)
        #expect(other.isEmpty)
        // P1 flushes at +40, +340, … muted; P2 at +40 is told.
        let during = handler.tick(now: Self.t0 + 3639)
        #expect(during.map(\.groupLabels) == [["point": "P2"]])
        #expect(handler.history.contains { $0.kind == .maintenanceEnded && $0.at == Self.t0 + 3600 })
        // The first P1 flush after the window: +40 + 12·300 = +3640.
        let after = handler.tick(now: Self.t0 + 3640)
        #expect(after.map(\.reason) == [.initial])
        #expect(after.first?.groupLabels == ["point": "P1"])
    }

    @Test func aSilenceMutesUntilItExpires() throws {
        var handler = try Self.handler()
        let created = try handler.addSilence(
            Silence(
                matchers: [try LabelMatcher(parsing: #"pollutant="a21026""#)], startsAt: Self.t0,
                endsAt: Self.t0 + 1000, createdBy: "王伟", comment: "CEMS 比对期间"),
            now: Self.t0)
        #expect(created.silence.id == "silence-0001")
        _ = handler.handle(Self.warning(pollutant: "a21026", at: 10), now: Self.t0 + 10)
        #expect(handler.tick(now: Self.t0 + 1239).isEmpty)
        #expect(handler.history.contains { $0.kind == .silenceExpired && $0.at == Self.t0 + 1000 })
        // Flushes at +40 + k·300: the first after +1000 is +1240.
        #expect(handler.tick(now: Self.t0 + 1240).map(\.reason) == [.initial])
    }

    @Test func expiringASilenceEarlyEndsItThen() throws {
        var handler = try Self.handler()
        let created = try handler.addSilence(
            Silence(
                matchers: [try LabelMatcher("point", .equal, "P1")], startsAt: Self.t0, endsAt: Self.t0 + 86_400,
                createdBy: "王伟", comment: "停产检修"),
            now: Self.t0)
        _ = handler.handle(Self.warning(at: 10), now: Self.t0 + 10)
        #expect(handler.tick(now: Self.t0 + 100).isEmpty)
        #expect(try handler.expireSilence(id: created.silence.id, now: Self.t0 + 100).isEmpty)
        #expect(handler.silences.first?.endsAt == Self.t0 + 100)
        #expect(handler.tick(now: Self.t0 + 340).map(\.reason) == [.initial])
        #expect(throws: AlertingError.self) { try handler.expireSilence(id: "silence-9999", now: Self.t0 + 400) }
    }

    @Test func silencesNeedMatchersACreatorACommentAndAFutureEnd() throws {
        var handler = try Self.handler()
        let matcher = try LabelMatcher("point", .equal, "P1")
        #expect(throws: AlertingError.self) {
            _ = try handler.addSilence(
                Silence(matchers: [], startsAt: Self.t0, endsAt: Self.t0 + 10, createdBy: "a", comment: "b"),
                now: Self.t0)
        }
        #expect(throws: AlertingError.self) {
            _ = try handler.addSilence(
                Silence(matchers: [matcher], startsAt: Self.t0, endsAt: Self.t0 + 10, createdBy: "a", comment: " "),
                now: Self.t0)
        }
        #expect(throws: AlertingError.self) {
            _ = try handler.addSilence(
                Silence(matchers: [matcher], startsAt: Self.t0, endsAt: Self.t0 - 1, createdBy: "a", comment: "b"),
                now: Self.t0)
        }
        #expect(handler.silences.isEmpty)
    }

    @Test func aRedExceedanceGoesToTheUrgentReceiverAtOnce() throws {
        var handler = try Self.handler()
        let red = Self.warning(rule: "sichuan.exceedance.hourly", type: "01", level: .red)
        let sent = handler.handle(red, now: Self.t0)
        #expect(sent.map(\.receiver) == ["urgent"])
        #expect(sent.first?.at == Self.t0)
        // A matching child takes the alert: the root's receiver does not get it too.
        #expect(handler.tick(now: Self.t0 + 30).isEmpty)
        #expect(handler.groupKeys.count == 1)
        _ = handler.handle(Self.warning(point: "P2"), now: Self.t0 + 40)
        #expect(handler.tick(now: Self.t0 + 70).map(\.receiver) == ["desk"])
    }

    @Test func theResolveTimeoutResolvesASilentAlert() throws {
        let yaml = Self.yaml + "\nresolve_timeout: 1h\n"
        var handler = try Self.handler(yaml)
        _ = handler.handle(Self.warning(), now: Self.t0)
        _ = handler.tick(now: Self.t0 + 30)
        // Resolved at +3600; the group's next flush is +30 + 12·300 = +3630.
        let sent = handler.tick(now: Self.t0 + 4000)
        #expect(sent.map(\.at) == [Self.t0 + 3630])
        #expect(sent.first?.resolved.first?.endsAt == Self.t0 + 3600)
        #expect(handler.history.contains { $0.kind == .resolved && $0.at == Self.t0 + 3600 })
    }

    @Test func everyChangeOfStateIsInTheHistoryAndReplaysIdentically() throws {
        func run() throws -> ([AlertNotification], [AlertEvent]) {
            var handler = try Self.handler()
            var sent: [AlertNotification] = []
            sent += handler.handle(Self.warning(), now: Self.t0)
            sent += handler.handle(Self.warning(at: 50), now: Self.t0 + 50)
            sent += handler.resolve(Self.warning(), now: Self.t0 + 400)
            sent += handler.tick(now: Self.t0 + 10 - 5)  // before the clock: held
            sent += handler.tick(now: Self.t0 + 1000)
            return (sent, handler.takeHistory())
        }
        let (sent, history) = try run()
        #expect(
            history.map(\.kind) == [
                .received, .groupCreated, .notified, .updated, .resolved, .clockHeld, .notified, .groupRemoved,
            ])
        #expect(history.map(\.at) == [0, 0, 30, 50, 400, 400, 630, 630].map { Self.t0 + Int64($0) })
        #expect(sent.map(\.reason) == [.initial, .resolved])
        let (again, againHistory) = try run()
        #expect(again == sent)
        #expect(againHistory == history)
    }
}

struct AlertMatcherTests {
    @Test func parsesTheFourOperators() throws {
        let equal = try LabelMatcher(parsing: #"point="P1""#)
        #expect(equal.op == .equal && equal.name == "point" && equal.value == "P1")
        #expect(try LabelMatcher(parsing: #"level!="4""#).op == .notEqual)
        let regex = try LabelMatcher(parsing: #"level=~"1|2""#)
        #expect(regex.op == .matchesRegex)
        #expect(regex.matches(["level": "1"]) && !regex.matches(["level": "12"]) && !regex.matches([:]))
        let negated = try LabelMatcher(parsing: "pollutant!~a34.*")
        #expect(negated.matches(["pollutant": "a21026"]) && !negated.matches(["pollutant": "a34013"]))
        #expect(try LabelMatcher(parsing: #"rule=~"x=y""#).value == "x=y")
        #expect(try LabelMatcher(parsing: #"pollutant="""#).matches(["point": "P1"]))
        #expect(equal.description == #"point="P1""#)
    }

    @Test func aMaintenanceFilingOfTheRulesBecomesAWindow() throws {
        let filing = MaintenanceFiling(point: "P1", pollutant: "a21026", start: 10, end: 20, reference: "MK-1")
        let window = try MaintenanceWindow(filing: filing, filedBy: "运维公司", reason: "校准")
        #expect(window.id == "MK-1")
        #expect(window.matchers.map(\.description) == [#"point="P1""#, #"pollutant="a21026""#])
        #expect(window.startsAt == 10 && window.endsAt == 20)
        #expect(try MaintenanceWindow(filing: MaintenanceFiling(point: "P2", start: 5, end: 6)).id == "P2@5")
    }

    @Test func rejectsWhatIsNotAMatcher() {
        #expect(throws: AlertingError.self) { try LabelMatcher(parsing: "point") }
        #expect(throws: AlertingError.self) { try LabelMatcher(parsing: #"=~"x""#) }
        #expect(throws: AlertingError.self) { try LabelMatcher(parsing: #"level=~"(""#) }
    }

    @Test func warningLabelsCarryRuleTypeLevelPointAndPollutant() {
        let warning = AlertHandlerTests.warning(level: .orange)
        #expect(
            warning.alertLabels == [
                "rule": "sichuan.near-limit", "type": "09", "level": "2", "point": "P1", "pollutant": "a21026",
                "entity": "SC5101070001",
            ])
        #expect(Alert.fingerprint(of: warning.alertLabels) == Alert.fingerprint(of: warning.alertLabels))
        #expect(Alert.fingerprint(of: ["a": "b"]).count == 16)
        #expect(Alert.fingerprint(of: ["a": "b"]) != Alert.fingerprint(of: ["a": "c"]))
    }
}
