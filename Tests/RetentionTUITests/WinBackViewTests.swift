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
        // b from the customer's detail switches back to the at-risk queue and shows it.
        state.focused = .detail
        #expect(state.handle(.character("b")) == [.reloadPanes])
        #expect(!state.request.winBack && state.focused == .atRisk)
        // `/` over the win-back list goes back to the at-risk queue (the filter is its) and opens the prompt there,
        // so what is typed next is the filter, never keys acting on the list.
        #expect(state.handle(.character("b")) == [.reloadPanes] && state.request.winBack)
        #expect(state.handle(.character("/")) == [.reloadPanes])
        guard case .prompt(_, _, .search) = state.overlay else { Issue.record("the filter prompt opens"); return }
        #expect(!state.request.winBack && state.status?.text == "Back to the at-risk queue to filter it.")
        for c in "zz" { _ = state.handle(.character(c)) }
        guard case .prompt(_, let typed, .search) = state.overlay else { Issue.record("the letters go into the prompt"); return }
        #expect(typed == "zz")
        // s, f and m over the win-back list change nothing and say they are the queue's (before, they changed the
        // queue not on screen while the status line said "Sorted by …").
        _ = state.handle(.escape)
        #expect(state.handle(.character("b")) == [.reloadPanes] && state.request.winBack)
        let queueBefore = (state.request.atRisk, state.request.lists.atRiskOrder, state.sort, state.mineOnly)
        for key in ["s", "f", "m"] {
            #expect(state.handle(.character(Character(key))).isEmpty)
            #expect(state.status?.text == "\(key) sorts or filters the at-risk queue, not the win-back list; press b to go back to it first.")
        }
        #expect(state.request.atRisk == queueBefore.0 && state.request.lists.atRiskOrder == queueBefore.1 && state.sort == queueBefore.2
                && state.mineOnly == queueBefore.3)
        _ = state.handle(.character("b"))
        // The same from the follow-up view; and b there goes to the win-back list, never a list not on screen.
        _ = state.handle(.escape)
        #expect(state.handle(.character("F")) == [.reloadPanes] && state.request.followUps)
        #expect(state.handle(.character("b")) == [.reloadPanes] && state.request.winBack && !state.request.followUps)
        #expect(state.handle(.character("F")) == [.reloadPanes] && state.request.followUps && !state.request.winBack)
        #expect(state.handle(.character("/")) == [.reloadPanes] && !state.request.followUps && !state.request.winBack)
    }
}
