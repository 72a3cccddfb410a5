import Foundation

// The JSON of the churn model: `retention model train`'s report (also stored with the model in
// `churn_models.metrics`, read back by `Calibration(json:)` and shown by `retention model show`), the
// calibration table, and `retention model show`'s description of the model in force.

extension Engine.TrainingReport {
    public var json: JSONValue {
        .object([("version", .int(version)), ("horizonMonths", .int(horizonMonths)), ("trainRows", .int(trainRows)), ("holdoutRows", .int(holdoutRows)),
                 ("churnRate", .rounded(churnRate, 4)), ("holdoutAUC", auc.map { .rounded($0, 4) } ?? .null),
                 ("defaultModelHoldoutAUC", defaultAUC.map { .rounded($0, 4) } ?? .null),
                 ("logLoss", .rounded(logLoss, 4)), ("brier", .rounded(brier, 4)),
                 ("calibration", calibration.json),
                 ("defaultModelCalibration", .object([
                    ("slope", defaultCalibration.slope.map { .rounded($0, 4) } ?? .null),
                    ("intercept", defaultCalibration.intercept.map { .rounded($0, 4) } ?? .null),
                    ("meanPredicted", .rounded(defaultCalibration.meanPredicted, 4)),
                    ("observedRate", .rounded(defaultCalibration.observedRate, 4))])),
                 ("iterations", .int(iterations)),
                 ("intercept", .rounded(model.intercept, 4)),
                 ("coefficients", .object(zip(model.featureNames, model.coefficients).map { ($0, .rounded($1, 4)) }))])
    }
}

extension Calibration {
    /// `{"groups": [{"count", "churned", "meanPredicted", "observedRate"}...], "slope", "intercept", "count",
    /// "churned", "meanPredicted", "observedRate"}`, rates to four decimals.
    public var json: JSONValue {
        .object([
            ("groups", .array(groups.map { g in
                .object([("count", .int(g.count)), ("churned", .int(g.churned)), ("meanPredicted", .rounded(g.meanPredicted, 4)),
                         ("observedRate", .rounded(g.observedRate, 4))])
            })),
            ("slope", slope.map { .rounded($0, 4) } ?? .null), ("intercept", intercept.map { .rounded($0, 4) } ?? .null),
            ("count", .int(count)), ("churned", .int(churned)),
            ("meanPredicted", .rounded(meanPredicted, 4)), ("observedRate", .rounded(observedRate, 4)),
        ])
    }
}

extension ChurnModelDescription {
    /// `{"source", "trained", "trainedAt", "intercept", "features": [{"name", "mean", "scale", "coefficient"}...],
    /// "metrics"}`, numbers to four decimals; `metrics` is the training report stored with the model, as stored.
    public var json: JSONValue {
        let model = info.model
        return .object([
            ("source", .string(info.trained ? info.description : "untrained: documented default coefficients (no model trained yet)")),
            ("trained", .bool(info.trained)),
            ("trainedAt", .optional(info.trainedAt.map(Timestamp.formatInstant))),
            ("intercept", .rounded(model.intercept, 4)),
            ("features", .array(zip(model.featureNames, zip(model.means, zip(model.scales, model.coefficients))).map { name, rest in
                .object([("name", .string(name)), ("mean", .rounded(rest.0, 4)), ("scale", .rounded(rest.1.0, 4)), ("coefficient", .rounded(rest.1.1, 4))])
            })),
            ("metrics", storedMetrics ?? .null),
        ])
    }
}
