import Testing
@testable import RetentionCore

@Suite struct SurvivalTests {
    /// Freireich et al. (1963) 6-MP treatment group (weeks of remission; + marks censoring), the textbook
    /// example: S(6) = 0.857, S(7) = 0.807, S(10) = 0.753, S(13) = 0.690, S(16) = 0.627, S(22) = 0.538,
    /// S(23) = 0.448; Greenwood SE at 6 weeks = 0.076; median 23 weeks.
    @Test func kaplanMeierMatchesTheTextbook() {
        let times: [Double] = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
        let events = [true, true, true, false, true, false, true, false, false, true, true, false, false, false, true, true, false, false, false, false, false]
        let km = KaplanMeier(durations: times, events: events)
        for (t, s) in [(6.0, 0.857), (7, 0.807), (10, 0.753), (13, 0.690), (16, 0.627), (22, 0.538), (23, 0.448)] {
            #expect(abs(km.survival(at: t) - s) < 0.0006, "S(\(t)) = \(km.survival(at: t))")
        }
        #expect(abs(km.rows[0].standardError - 0.076) < 0.0006)
        #expect(km.median == 23)
        #expect(km.survival(at: 5) == 1)
        #expect(km.rows.allSatisfy { $0.lower95 <= $0.survival && $0.survival <= $0.upper95 && $0.lower95 >= 0 && $0.upper95 <= 1 })
    }

    /// By hand: times 1, 2+, 3, 3, 4 → S(1) = 4/5 = 0.8; at 3, 3 at risk, 2 events: S(3) = 0.8·(1/3) = 0.2667; S(4) = 0.
    @Test func smallExampleByHand() {
        let km = KaplanMeier(durations: [1, 2, 3, 3, 4], events: [true, false, true, true, true])
        #expect(km.rows.map(\.time) == [1, 3, 4])
        #expect(km.rows.map(\.atRisk) == [5, 3, 1])
        #expect(abs(km.survival(at: 3) - 0.8 / 3) < 1e-12)
        #expect(km.survival(at: 4) == 0)
        #expect(km.median == 3)
        // Where no one is left the band is [0, 0], not [0, 100 %].
        #expect(km.rows.last?.lower95 == 0 && km.rows.last?.upper95 == 0)
        #expect(km.point(at: 4)! == (0, 0, 0))
        #expect(km.point(at: 60)! == (0, 0, 0), "no one left stays no one left")
    }

    /// Beyond the longest follow-up nothing was observed: no estimate (the audit's one-customer book printed
    /// "100.0 (100-100)" at 24, 36 and 60 months after 13 months of follow-up). Times 2+, 5, 13+: at 5, two at
    /// risk and one event, S(5) = 1/2; at 12 months still 1/2; at 13 the last observation (censored); at 24 none.
    @Test func noFigureBeyondTheLongestFollowUp() {
        let km = KaplanMeier(durations: [2, 5, 13], events: [false, true, false])
        #expect(km.longestFollowUp == 13)
        #expect(km.point(at: 1)! == (1, 1, 1))
        #expect(km.point(at: 12)!.survival == 0.5)
        #expect(km.point(at: 13) != nil)
        #expect(km.point(at: 24) == nil && km.point(at: 13.01) == nil)
        #expect(KaplanMeier(durations: [], events: []).point(at: 3) == nil)
    }

    @Test func cohortTriangleOnAHandBuiltBook() throws {
        let engine = try makeEngine()
        func d(_ s: String) -> Int { Timestamp.parse(s)! }
        // Four customers join in 2022; two leave in 2023 (one in each half), the others stay.
        for (i, end) in [nil, nil, "2023-03-01", "2023-09-01"].enumerated() {
            let c = try engine.createCustomer(try json(#"{"leadId":"l\#(i)","agentId":"a","firstName":"F","lastName":"L","email":"x\#(i)@example.com"}"#), now: d("2022-01-01"))
            let p = try engine.createPolicy(try json("""
                {"customerId":"\(c.id)","policyNumber":"P\(i)","policyType":"home","premium":{"amount":100,"frequency":"annual"},
                 "coverage":{"type":"x","amount":1},"effectiveDate":"2022-0\(i + 1)-01","expirationDate":"2023-0\(i + 1)-01"}
                """), now: d("2022-01-01"))
            if let end { try engine.updatePolicy(id: p.id, try json(#"{"status":"cancelled"}"#), now: d(end)) }
        }
        let table = try engine.cohortRetention(grain: .year, since: d("2022-01-01"), now: d("2024-06-01"))
        let y2022 = try #require(table.cohorts.first { $0.label == "2022" })
        // After 1 year (2023-01-01) all 4 remain; after 2 years (2024-01-01) 2 of 4.
        #expect(y2022.size == 4)
        #expect(y2022.retained == [1.0, 0.5])
        let km = try engine.customerSurvival(now: d("2024-06-01"))
        #expect(km.rows.reduce(0) { $0 + $1.events } == 2)
    }
}
