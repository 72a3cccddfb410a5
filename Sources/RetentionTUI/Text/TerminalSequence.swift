import Foundation

/// The escape sequences the program writes itself, built so that user text inside them is cleaned
/// by ``DisplayText/clean(_:)`` first.
///
/// A customer name containing BEL or ESC \ would otherwise end the sequence early and the rest of the
/// name would be read by the terminal as commands. Cleaning removes every C0/C1 control, so the
/// payload cannot contain a terminator.
public enum TerminalSequence {
    /// String Terminator `ESC \` (ECMA-48), ending an OSC sequence.
    public static let stringTerminator = "\u{1B}\\"

    /// The longest window title written, in columns; longer titles are cut with "…".
    public static let maximumTitleColumns = 120

    /// OSC 2 "set window title": `ESC ] 2 ; <cleaned title> ESC \`.
    public static func windowTitle(_ title: String) -> String {
        let safe = DisplayWidth.truncate(DisplayText.clean(title), toColumns: maximumTitleColumns)
        return "\u{1B}]2;" + safe + stringTerminator
    }

    /// OSC 52 "copy to clipboard": `ESC ] 52 ; c ; <base64 of the cleaned text's UTF-8> ESC \`.
    ///
    /// The text is cleaned like everything else drawn, so copying a value never carries a hidden
    /// control or bidi override to where it is pasted. Base64 output uses only `A–Z a–z 0–9 + / =`.
    public static func copyToClipboard(_ text: String) -> String {
        let payload = Data(DisplayText.clean(text).utf8).base64EncodedString()
        return "\u{1B}]52;c;" + payload + stringTerminator
    }
}
