import Foundation

/// A lifetime-value history row as numbers (schema 18): what `GET /customers/:id/ltv`'s history entry is a
/// function of, and the entry rebuilt from them on read, byte for byte the document the row would have held
/// before (Formulas.md, "Score history").
///
/// Money is in integer cents (shown as cents / 100: 1234.56 → 123456); the retention rate, profit margin and
/// discount rate, which the response shows in percent to one decimal, in tenths of a percent (88.4 % → 884);
/// the average lifespan in tenths of a month; the churn probability, shown to 4 decimals, in ten-thousandths
/// (0.1234 → 1234). Each is the very integer the response's rounding made, so k / 10ⁿ is the very double it
/// showed. Total revenue is the current LTV and net profit current LTV − total cost (as `LifetimeValue.compute`
/// makes them); the revenue to date by line is one column a known line, the lines in name order (as
/// `LifetimeValue.Holdings` keeps them).
///
/// A value the numbers cannot rebuild exactly (a line Retention does not know, a non-finite number) is stored
/// as its document instead (`document`, compact, see `DocumentShape`), as rows an older release wrote that
/// the migration could not convert are.
enum LTVHistoryRow {
    /// The lines with a revenue column, in name order (the columns' order).
    static let lines = PolicyType.allCases.map(\.rawValue).sorted()
    private static let lineIndex = Dictionary(uniqueKeysWithValues: lines.enumerated().map { ($1, $0) })

    /// The columns after `category`, in order, `document` last (`Engine.ltvHistoryInsert`).
    static let numberColumns = """
        projected_profit_cents, monthly_revenue_cents, annual_revenue_cents, retention_rate_tenths, churn_probability_e4,
        average_lifespan_tenths, acquisition_cost_cents, operational_cost_cents, profit_margin_tenths, discount_rate_tenths, total_cost_cents,
        \(lines.map { "\($0)_cents" }.joined(separator: ", "))
        """
    static var numberColumnCount: Int { 11 + lines.count }

    /// round(v · scale) as an integer when finite and small enough to be exact, else nil.
    private static func scaled(_ v: Double, _ scale: Double) -> SQLValue? {
        let k = (v * scale).rounded()
        guard k.isFinite, abs(k) < 1e15 else { return nil }
        return .int(Int64(k))
    }

    /// The values of `numberColumns` for a value (`document` NULL), nil when the numbers cannot rebuild its document exactly.
    static func numbers(_ ltv: LifetimeValue) -> [SQLValue]? {
        let s = ltv.settings
        // As CustomerLifetimeValue.json rounds them: .rounded(x * 100, 1) is ((x * 100) * 10).rounded() / 10.
        guard ltv.netProfitCents == ltv.currentCents - ltv.totalCostCents,
              let churn = scaled(ltv.churnProbability, 10_000), let lifespan = scaled(ltv.averageLifespanMonths, 10),
              let margin = scaled(s.profitMargin * 100, 10), let discount = scaled(s.discountRate * 100, 10)
        else { return nil }
        var retention = SQLValue.null
        if let r = ltv.retentionRate { guard let t = scaled(r * 100, 10) else { return nil }; retention = t }
        var revenue = [SQLValue](repeating: .null, count: lines.count)
        var last = ""
        for (line, cents) in ltv.revenueByType {
            guard let i = lineIndex[line], line > last else { return nil }
            revenue[i] = .int(Int64(cents))
            last = line
        }
        return [.int(Int64(ltv.projectedProfitCents)), .int(Int64(ltv.monthlyRevenueCents)), .int(Int64(ltv.annualRevenueCents)), retention,
                churn, lifespan, .int(Int64(s.acquisitionCostCents)), .int(Int64(s.operationalCostCents)), margin, discount,
                .int(Int64(ltv.totalCostCents))] + revenue + [.null]
    }

    /// The columns `document(_:…)` reads, in its order.
    static let readColumns = "calculated_at, current_ltv_cents, projected_ltv_cents, tier, category, \(numberColumns), document"

    /// The history entry of a row read with `readColumns`: its numbers rebuilt into the spec's response with
    /// `LifetimeValue.documentShape`, or the document it holds (either shape).
    static func document(_ r: Row, customerID: String) throws -> JSONValue {
        let at = r.int(0)
        let documentColumn = Int32(5 + numberColumnCount)
        if !r.isNull(documentColumn) {
            return try DocumentShape.expand(r.text(documentColumn), oneOf: [LifetimeValue.documentShape, LifetimeValue.documentShapeBeforeProfit],
                                            customerID: customerID, calculatedAt: at)
        }
        func int(_ i: Int32) throws -> Int64 {
            guard !r.isNull(i) else { throw RetentionError.storage("an LTV history row lacks a number and a document") }
            return r.int64(i)
        }
        func money(_ i: Int32) throws -> JSONValue { .number(Double(try int(i)) / 100) }
        func tenths(_ i: Int32) throws -> JSONValue { .number(Double(try int(i)) / 10) }
        let current = try int(1), totalCost = try int(15)
        var revenue: [(String, JSONValue)] = []
        for (i, line) in lines.enumerated() where !r.isNull(Int32(16 + i)) { revenue.append((line, .number(Double(r.int64(Int32(16 + i))) / 100))) }
        let values: [JSONValue] = [
            .number(Double(current) / 100), try money(2), try money(5), try money(6), try money(7),
            r.isNull(8) ? .null : try tenths(8), .number(Double(try int(9)) / 10_000), try tenths(10),
            try money(11), try money(12), try tenths(13), try tenths(14),
            .number(Double(current) / 100), .number(Double(totalCost) / 100), .number(Double(current - totalCost) / 100),
            .object(revenue), .string(r.text(3)), .string(r.text(4)),
        ]
        return try LifetimeValue.documentShape.build(values, customerID: customerID, calculatedAt: at)
    }
}
