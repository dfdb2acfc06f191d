import EnforcementModel
import Testing

struct LocalDateTimeTests {
    @Test func momentsBecomeBeijingTime() throws {
        #expect(LocalDateTime(secondsSinceEpoch: 0).description == "1970-01-01 08:00:00")
        // 16:00 UTC is midnight in Beijing: the next day.
        #expect(LocalDateTime(secondsSinceEpoch: 1_793_462_400).description == "2026-11-01 00:00:00")
        #expect(LocalDateTime(secondsSinceEpoch: 1_793_462_399).description == "2026-10-31 23:59:59")
        // Before 1970.
        #expect(LocalDateTime(secondsSinceEpoch: -28_801).description == "1969-12-31 23:59:59")
        #expect(LocalDateTime(secondsSinceEpoch: 0, utcOffsetSeconds: 0).description == "1970-01-01T00:00:00Z")
    }

    @Test(arguments: [Int64(-86_400 * 400 - 7), -1, 0, 59, 1_796_000_000, 4_102_444_799])
    func secondsSurviveTheRoundTrip(_ seconds: Int64) throws {
        let time = LocalDateTime(secondsSinceEpoch: seconds)
        #expect(Int64(time.secondsSinceEpoch) == seconds)
        #expect(try LocalDateTime(time.description) == time)
    }
}
