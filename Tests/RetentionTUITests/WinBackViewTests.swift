import Testing
@testable import RetentionCore
@testable import RetentionTUI

/// The at-risk pane's win-back view: `b` switches it to former customers and back; actions apply to the
/// former customer selected there.
@Suite struct WinBackViewTests {
    let now = Timestamp.parse("2026-11-25T12:00:00Z")!

    func former(_ id: String, _ name: String) -> WinBackEntry {
        WinBackEntry(id: id, name: name, email: "\(id)@example.com", phone: nil, agentId: "a", leftAt: now - 30 * 86_400,
                     tenureMonths: 40, lostAnnualPremiumCents: 120_000, paidToDateCents: 560_000, lastEndReason: "non_payment", assignedTo: nil)
    }

    @Test func bSwitchesToFormerCustomersAndBack() {
        var state = DashboardState(themeName: "default", user: "me")
        state.apply(DashboardSnapshot(header: nil, atRisk: [], renewals: [], campaigns: [], detail: nil, hasCustomers: true,
                                      request: state.request, loadedAt: now))
        #expect(state.handle(.character("b")) == [.reloadPanes])
        #expect(state.request.winBack)
        // Until the former customers arrive no action applies to the rows on screen.
        #expect(!state.rowsAreCurrent(.atRisk))
        var request = state.request
        request.detailCustomerID = nil
        _ = state.update(.result(.snapshot(DashboardSnapshot(header: nil, atRisk: [], winBack: [former("f1", "Fay Former"), former("f2", "Gus Gone")],
                                                             renewals: [], campaigns: [], detail: nil, hasCustomers: true, request: request, loadedAt: now),
                                           dataVersion: 1)), now: updateNow)
        var canvas = Canvas(columns: 200, rows: 40)
        DashboardView.draw(state, into: &canvas, now: now)
        let text = canvas.lines().joined(separator: "\n")
        #expect(text.contains("1 Win-back (2)"))
        #expect(text.contains("Fay Former") && text.contains("3 years") && text.contains("$1.2k") && text.contains("non payment"))
        _ = state.handle(.character("j"))
        #expect(state.actionCustomerID == "f2" && state.actionCustomerName == "Gus Gone")
        #expect(state.handle(.enter) == [.readDetail(customerID: state.detailCustomerID ?? "")] && state.detailCustomerID == "f2")
        // `/` over the win-back list opens no prompt (the filter is the at-risk queue's) and says how to get there.
        state.focused = .atRisk
        let filterBefore = state.request.atRisk
        #expect(state.handle(.character("/")).isEmpty && state.overlay == nil && state.request.atRisk == filterBefore)
        #expect(state.status?.text == "/ filters the at-risk list; press b to go back to it first.")
        // b from the customer's detail switches back to the at-risk queue and shows it.
        state.focused = .detail
        #expect(state.handle(.character("b")) == [.reloadPanes])
        #expect(!state.request.winBack && state.focused == .atRisk)
    }
}
