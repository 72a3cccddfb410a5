import RetentionCore

/// A side effect `update` asks the runner (`EffectRunner`) to carry out; what it comes back with
/// arrives as a `Message.result`.
public enum Effect: Sendable, Equatable {
    /// Read everything again; `force` also recomputes the book-wide figures (the user asked, or data changed).
    case refresh(force: Bool)
    /// The request changed (a filter, the detail shown): read the panes again; the figures are book-wide
    /// and follow their own schedule.
    case reloadPanes
    /// Read one customer's detail alone (Enter, or the detail following the cursor): it comes back as
    /// `EffectResult.detail` and is shown at once.
    case readDetail(customerID: String)
    case campaign(id: String, to: CampaignStatus)
    case previewCampaign(id: String, name: String)
    /// Reads what activating the campaign would do, to ask before doing it.
    case planActivation(id: String)
    case assignToMe(customerID: String)
    /// Snooze for `days` days after today on the customer's calendar (`EngineAdapter.snooze`).
    case snooze(customerID: String, days: Int)
    /// Snooze until a date (its 00:00 UTC instant, as `Timestamp.parseDate` gives it), the day on the customer's calendar.
    case snoozeToDate(customerID: String, date: Int)
    /// Reads what the contact form needs (preferred channel, time zone, compliance cues), then opens it.
    case startContact(customerID: String, policyID: String?)
    case logContact(customerID: String, ContactLog)
    case unsnooze(customerID: String)
    case unassign(customerID: String)
    /// Reads the customer's policies in force, then asks for the missed payment's policy, amount and due date.
    case paymentForm(customerID: String, policyID: String?)
    case recordPayment(customerID: String, policy: String?, amount: Double?, dueDate: Int?)
    /// Reads the compliance cues for the campaign's first channel: asks when one applies, else enrols.
    case checkEnrol(customerID: String, campaignID: String)
    case setOverride(customerID: String, RiskOverride)
    case clearOverride(customerID: String)
    case note(customerID: String, text: String)
    case tag(customerID: String, tag: String)
    case recompute(customerID: String)
    case enrol(customerID: String, campaignID: String)
    case completeTask(id: String)
    case campaignDetail(id: String, name: String)
    /// The campaign form's live count of its segment and its first step's message for the first matching customer.
    case formReads(segment: TargetSegment, template: String?, channel: ContactChannel, name: String)
    /// Save the campaign form: a new campaign, or the draft it edits.
    case saveCampaign(CampaignForm)
    /// Read the book's pictures for the manager view (`Engine.bookPictures`).
    case bookPictures
    /// Show the churn model in use and its calibration table (`ChurnModelInfo.summaryLines`).
    case churnModel
    case copy(String)
    case nextTheme
    /// Remember the theme, sort, risk filter and renewal window for the next run.
    case savePreferences(DashboardPreferences)
    /// End the dashboard.
    case quit
}

