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

/// Which template of an A/B step (`SequenceStep.variants`) a treated customer gets: customer row `i` in
/// campaign row `k` at step `s` gets variant A when `(i × 2246822519 + k × 131 + s × 7919) mod 10000 < 5000`,
/// variant B otherwise. A hash like the control-group draw (so a replay, the single enrolment and the demo's
/// history agree), with another multiplier so it is not tied to it: among the treated, half and half
/// (Formulas.md, "A/B variants").
enum VariantDraw {
    /// The draw as an SQL condition that is true for variant A (expressions are column names or `?` placeholders).
    static func sqlIsA(customerRow: String, campaignRow: String, step: String) -> String {
        "((\(customerRow) * 2246822519 + \(campaignRow) * 131 + \(step) * 7919) % 10000) < 5000"
    }

    /// The variant index (0 = A, 1 = B) in Swift.
    static func variant(customerRow: Int64, campaignRow: Int64, step: Int) -> Int {
        (customerRow &* 2_246_822_519 &+ campaignRow &* 131 &+ Int64(step) &* 7919) % 10_000 < 5000 ? 0 : 1
    }

    /// The template a customer gets at a step: the step's own, or the drawn variant's.
    static func template(_ step: SequenceStep, customerRow: Int64, campaignRow: Int64, index: Int) -> String {
        step.variants.count == 2 ? step.variants[variant(customerRow: customerRow, campaignRow: campaignRow, step: index)] : step.template
    }
}
