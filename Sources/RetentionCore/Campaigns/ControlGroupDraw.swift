/// Which enrolled customers a campaign holds out as its control group (never contacted): customer row `i` in
/// campaign row `k` is in it when `(i × 2654435761 + k × 97) mod 10000 < 10000 × controlFraction`. The draw is
/// a hash, not a random number, so a replayed enrolment, a preview of an activation and the demo's simulated
/// history all put the same customer in the same group (Formulas.md, "Campaign performance").
enum ControlGroupDraw {
    /// `10000 × controlFraction`, rounded: a customer whose hash is below it is in the control group.
    static func threshold(_ controlFraction: Double) -> Int64 { Int64((controlFraction * 10_000).rounded()) }

    /// The draw as an SQL condition over the given expressions (column names or `?` placeholders, never values).
    static func sql(customerRow: String, campaignRow: String, threshold: String) -> String {
        "((\(customerRow) * 2654435761 + \(campaignRow) * 97) % 10000) < \(threshold)"
    }

    /// The draw in Swift, for rows not in the database yet (the demo book's simulated history).
    static func isControl(customerRow: Int64, campaignRow: Int64, controlFraction: Double) -> Bool {
        (customerRow &* 2_654_435_761 &+ campaignRow &* 97) % 10_000 < threshold(controlFraction)
    }
}
