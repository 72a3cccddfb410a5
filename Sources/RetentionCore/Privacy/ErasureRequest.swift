import Foundation

/// A request to erase a customer's personal data (`POST /customers/:id/erase`): it must be confirmed,
/// since erasure cannot be undone.
public struct ErasureRequest: Sendable, Equatable {
    public var confirm: Bool
    public init(confirm: Bool) { self.confirm = confirm }

    public func validate() throws {
        guard confirm else { throw RetentionError.invalid("confirm", "must be true: erasure cannot be undone") }
    }
}
