/// Where text sits inside a field wider than the text.
public enum TextAlignment: Sendable, Equatable {
    case left
    case right
    case center
}
