/// The fixed key structure of a kind of stored document, so that a row can hold only the document's
/// values: a health-score or LTV history row holds `[76.1,"good",66.8,…]` instead of the whole object with
/// its keys, and the object is rebuilt on read.
///
/// A history of a million customers gains two documents per customer at every rescore; stored whole they
/// are ~1.2 KB a customer (1.2 GB a rescore), as values about a third of that. The customer's id and the
/// calculation time are not stored at all: the row has them.
///
/// Compaction is exact or does not happen: `compact` gives nil when the document does not have this shape
/// (its keys, their order or nesting differ) or when its id or time are not the row's, and the caller
/// stores the whole document. Reading tells the two apart by the first character (`[` or `{`), so rows
/// written before compaction existed read as they always did.
indirect enum DocumentShape: Sendable {
    /// Any JSON value, stored as it is (arrays and objects whose keys vary included).
    case value
    /// The customer's id (a string), known from the row's customer.
    case customerID
    /// The calculation time (an ISO-8601 instant), known from the row's `calculated_at`.
    case calculatedAt
    /// An object with exactly these keys, in this order.
    case object([(String, DocumentShape)])

    /// The document's values in shape order, serialized as a JSON array; nil when the document does not
    /// have this shape, or its id or time differ from `customerID` and `calculatedAt`.
    func compact(_ document: JSONValue, customerID: String, calculatedAt: Int) -> String? {
        var values: [JSONValue] = []
        values.reserveCapacity(32)
        let instant = Timestamp.formatInstant(calculatedAt)
        func collect(_ shape: DocumentShape, _ value: JSONValue) -> Bool {
            switch shape {
            case .value:
                values.append(value)
                return true
            case .customerID:
                return value == .string(customerID)
            case .calculatedAt:
                return value == .string(instant)
            case .object(let fields):
                guard case .object(let pairs) = value, pairs.count == fields.count else { return false }
                for ((key, field), (name, item)) in zip(fields, pairs) {
                    guard key == name, collect(field, item) else { return false }
                }
                return true
            }
        }
        guard collect(self, document) else { return nil }
        return JSONValue.array(values).serialized()
    }

    /// The text to store for a document: its values when it has this shape, else the whole document.
    func stored(_ document: JSONValue, customerID: String, calculatedAt: Int) -> String {
        compact(document, customerID: customerID, calculatedAt: calculatedAt) ?? document.serialized()
    }

    /// The document a stored text holds: a compact one rebuilt with this shape, a whole one parsed.
    func expand(_ stored: String, customerID: String, calculatedAt: Int) throws -> JSONValue {
        try Self.expand(stored, oneOf: [self], customerID: customerID, calculatedAt: calculatedAt)
    }

    /// How many values a compact document of this shape holds.
    var valueCount: Int {
        switch self {
        case .value: 1
        case .customerID, .calculatedAt: 0
        case .object(let fields): fields.reduce(0) { $0 + $1.1.valueCount }
        }
    }

    /// The document a stored text holds, when the kind of document has changed shape over time: a compact one
    /// is rebuilt with the shape of `shapes` (newest first) that holds as many values, a whole one parsed.
    static func expand(_ stored: String, oneOf shapes: [DocumentShape], customerID: String, calculatedAt: Int) throws -> JSONValue {
        guard stored.utf8.first == UInt8(ascii: "[") else { return try JSONValue.parse(stored) }
        guard case .array(let values) = try JSONValue.parse(stored) else {
            throw RetentionError.storage("a stored document's values are not an array")
        }
        guard let shape = shapes.first(where: { $0.valueCount == values.count }) else {
            throw RetentionError.storage("a stored document has \(values.count) values, which no shape of its kind holds")
        }
        return try shape.build(values, customerID: customerID, calculatedAt: calculatedAt)
    }

    /// The document this shape makes of compact `values` (also how a health-score history row's numbers are
    /// made its entry: `HealthHistoryRow.document`).
    func build(_ values: [JSONValue], customerID: String, calculatedAt: Int) throws -> JSONValue {
        var next = values.makeIterator()
        func build(_ shape: DocumentShape) throws -> JSONValue {
            switch shape {
            case .value:
                guard let v = next.next() else { throw RetentionError.storage("a stored document has fewer values than its shape") }
                return v
            case .customerID: return .string(customerID)
            case .calculatedAt: return .string(Timestamp.formatInstant(calculatedAt))
            case .object(let fields): return .object(try fields.map { ($0.0, try build($0.1)) })
            }
        }
        let document = try build(self)
        guard next.next() == nil else { throw RetentionError.storage("a stored document has more values than its shape") }
        return document
    }
}
