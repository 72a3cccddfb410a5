import RetentionCore

/// Everything `update` reacts to: the user's input, the terminal, the timer, and what the effects it
/// asked for came back with. One type, one `update` (Bubble Tea's `Msg`).
public enum Message: Sendable, Equatable {
    case key(Key)
    /// Text the terminal marked as pasted: text for a prompt, never keys.
    case paste(String)
    case click(row: Int, col: Int)
    /// The mouse wheel at a cell: it scrolls the pane under the pointer.
    case scroll(row: Int, col: Int, down: Bool)
    case resize(columns: Int, rows: Int)
    /// The loop woke with nothing else to do: held snapshots and the refresh timer are due by `now`.
    /// `workerBusy`: the background worker still has pane or action jobs (the timer then waits).
    case tick(workerBusy: Bool)
    /// An effect finished.
    case result(EffectResult)
}

/// What an effect came back with: data read by the background worker, the outcome of an action on the
/// book, or of a change on this side (a theme).
public enum EffectResult: Sendable, Equatable {
    /// The panes, read for a request; `dataVersion` tells an unchanged book on the next timer refresh.
    case snapshot(DashboardSnapshot, dataVersion: Int)
    /// The book-wide figures read after the panes: the header, then again with the campaigns' numbers.
    case figures(HeaderMetrics, [CampaignRow])
    /// The campaign form's live count and preview, for the segment they were read for.
    case formReads(count: Int, preview: [String], segment: TargetSegment)
    /// The campaign form was saved (the sentence for the status line), or refused (the field at fault).
    case formSaved(String)
    case formRefused(CampaignForm.Problem)
    /// The manager view's pictures of the book.
    case pictures(BookPictures)
    /// One customer's detail, read alone (`Effect.readDetail`).
    case detail(CustomerDetail)
    /// The timer found the book unchanged.
    case unchanged
    /// An action on the book succeeded.
    case done(ActionOutcome)
    case failed(String)
    /// The next theme is in use; `count` themes were found; `warning` is its first problem, if any.
    case themeApplied(name: String, count: Int, warning: String?)
}

/// What an action on the book tells the user: a sentence for the status line, or lines for an overlay.
public enum ActionOutcome: Sendable, Equatable {
    case status(String)
    case preview(title: String, lines: [String])
    /// A campaign's detail, for its overlay.
    case campaignDetail(title: String, detail: CampaignDetail)
    /// A question to ask before `action` acts on `subjectID` (its text read from the engine).
    case confirm(title: String, question: String, action: Action, subjectID: String)
    /// The contact form, read and ready (`L`).
    case contactForm(ContactDraft)
    /// The missed-payment prompt, prefilled with "POLICY AMOUNT DUE-DATE" (`$`).
    case paymentForm(customerID: String, title: String, text: String)
    /// The engine refused the missed payment: the prompt reopens with what was typed and why.
    case paymentRefused(customerID: String, text: String, message: String)
    /// Compliance cues apply to an enrolment: ask before enrolling.
    case enrolCues(customerID: String, campaignID: String, question: String)
}
