import Foundation
import Testing
@testable import retention
@testable import RetentionCore

/// The line `retention rescore` ends with: what a cron log and a person read after the nightly run.
@Suite struct RescoreSummaryLineTests {
    @Test func riskLevelsCountTheCustomersInForceAndFirstScoresAreSaidApart() {
        var s = Engine.RescoreSummary()
        s.customers = 1_250
        s.byRisk = [.low: 900, .medium: 200, .high: 30, .critical: 20]
        s.outOfForce = 100
        s.firstScores = 100
        s.riskIncreases = 7
        s.historyRows = 64
        #expect(RescoreCommand.summaryLine(s, changed: false, seconds: 1.234) ==
            "Rescored 1250 customers in 1.2 s: 1150 with a policy in force (900 low, 200 medium, 30 high, 20 critical); "
            + "100 without one (former customers and prospects: not in the at-risk queue); 7 rose to high or critical "
            + "(100 scored for the first time, which raises no alert); 64 history rows added.")
    }

    @Test func aRescoreOfChangedCustomersWithNothingApartSaysOnlyWhatHappened() {
        var s = Engine.RescoreSummary()
        s.customers = 1
        s.byRisk = [.high: 1]
        s.riskIncreases = 1
        s.historyRows = 1
        #expect(RescoreCommand.summaryLine(s, changed: true, seconds: 0.04) ==
            "Rescored 1 changed customer in 0.0 s: 1 with a policy in force (0 low, 0 medium, 1 high, 0 critical); "
            + "1 rose to high or critical; 1 history row added.")
    }
}
