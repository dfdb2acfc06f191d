import Foundation
import Testing
import WarningKit

struct AlertConfigurationTests {
    static var specs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs")
    }

    @Test func theShippedConfigurationLoads() throws {
        let configuration = try AlertingConfiguration.load(
            file: Self.specs.appendingPathComponent("alerting/sichuan.yaml"))
        #expect(configuration.version == "1.0")
        #expect(configuration.route.receiver == "duty-desk")
        #expect(configuration.route.groupBy == .labels(["entity", "point"]))
        #expect(configuration.route.groupWait == 30)
        #expect(configuration.route.groupInterval == 300)
        #expect(configuration.route.repeatInterval == 14_400)
        #expect(configuration.route.routes.map(\.receiver) == ["duty-desk-urgent", "assessment-desk"])
        // Children inherit what they do not set.
        #expect(configuration.route.routes[0].groupInterval == 300)
        #expect(configuration.route.routes[0].groupBy == .labels(["entity", "point"]))
        #expect(configuration.route.routes[1].groupBy == .labels(["entity"]))
        #expect(configuration.route.routes[1].matchers.first?.matches(["rule": "crosscheck.power.control-off"]) == true)
        #expect(configuration.route.routes[1].matchers.first?.matches(["rule": "sichuan.exceedance"]) == false)
        #expect(configuration.inhibitRules.map(\.name) == ["more-severe-same-factor", "offline-mutes-data-gaps"])
        #expect(configuration.inhibitRules[0].sourceMoreSevere)
        #expect(configuration.resolveTimeout == 0)
    }

    @Test func anUnknownKeyIsALocatedError() {
        let yaml = """
            standard: test
            version: "1.0"
            route:
              receiver: desk
              group_wiat: 30s
            """
        #expect {
            _ = try AlertingConfiguration(yaml: yaml, file: "a.yaml")
        } throws: { error in
            guard let error = error as? ConfigFileError else { return false }
            return error.code == .unknownKey && error.line == 5 && error.key == "route.group_wiat"
                && error.description.hasPrefix("a.yaml:5:")
        }
    }

    @Test func aMalformedDurationIsALocatedError() {
        let yaml = """
            standard: test
            version: "1.0"
            route:
              receiver: desk
              group_wait: 5 minutes
            """
        #expect {
            _ = try AlertingConfiguration(yaml: yaml, file: "a.yaml")
        } throws: { error in
            guard let error = error as? ConfigFileError else { return false }
            return error.code == .invalidValue && error.line == 5 && error.key == "route.group_wait"
                && error.messageZH.contains("时长")
        }
    }

    @Test func aBadMatcherAndAMissingReceiverAreErrors() {
        #expect(throws: ConfigFileError.self) {
            _ = try AlertingConfiguration(
                yaml:
                    "standard: t\nversion: \"1\"\nroute:\n  receiver: a\n  routes:\n    - matchers: ['level=~\"(\"']\n")
        }
        #expect(throws: ConfigFileError.self) {
            _ = try AlertingConfiguration(yaml: "standard: t\nversion: \"1\"\nroute:\n  group_wait: 1s\n")
        }
        #expect(throws: ConfigFileError.self) {
            _ = try AlertingConfiguration(yaml: "standard: t\nversion: \"1\"\nroute: [\n")
        }
    }

    @Test func durationsReadInEveryForm() throws {
        let yaml = """
            standard: t
            version: "1"
            route:
              receiver: a
              group_wait: 90
              group_interval: 1h30m
              repeat_interval: 2d
            resolve_timeout: 45s
            """
        let configuration = try AlertingConfiguration(yaml: yaml)
        #expect(configuration.route.groupWait == 90)
        #expect(configuration.route.groupInterval == 5400)
        #expect(configuration.route.repeatInterval == 172_800)
        #expect(configuration.resolveTimeout == 45)
    }
}
