import Foundation

/// The `id` field of a body that creates a record: Retention assigns ids, so only an import's row
/// (`allowIdentity`, `retention import`) may keep the one it had, which must be a UUID.
extension FieldSource {
    /// The id an import's row keeps, lower-cased; nil when none is given or when the body is not an import's.
    mutating func importedID(allowIdentity: Bool) throws -> String? {
        guard allowIdentity, let given = try optionalString("id") else { return nil }
        guard Validation.isUUID(given) else { throw RetentionError.invalid("id", "must be a UUID, got \"\(given)\"") }
        return given.lowercasedASCIIFast
    }

    /// Refuses an `id` in a body that is not an import's.
    mutating func refuseID(unlessImporting allowIdentity: Bool) throws {
        if !allowIdentity, has("id") {
            throw RetentionError.invalid("id", "is assigned by Retention; only `retention import` may keep an existing id")
        }
    }
}
