/// One terminal cell of a ``Canvas``.
///
/// A character two columns wide is stored in its first cell; the cell to its right is a
/// *continuation* (``isContinuation``), which the backend skips because the terminal fills it when it
/// draws the wide character.
public struct Cell: Equatable, Sendable {
    /// The grapheme cluster drawn here (a space for a blank or a continuation cell).
    public var grapheme: Character
    /// What the cell means; the theme turns it into colours and attributes.
    public var role: StyleRole
    /// True for the second (or later) column of a wide grapheme.
    public var isContinuation: Bool

    public init(grapheme: Character = " ", role: StyleRole = .text, isContinuation: Bool = false) {
        self.grapheme = grapheme
        self.role = role
        self.isContinuation = isContinuation
    }

    /// A blank cell in `role`.
    public static func blank(_ role: StyleRole = .text) -> Cell { Cell(grapheme: " ", role: role) }
}
