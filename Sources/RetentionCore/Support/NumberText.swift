/// Whole numbers as people read them, the same in every command, message and pane.
public enum NumberText {
    /// 1234567 → "1,234,567"; -1234 → "-1,234".
    public static func grouped(_ v: Int) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }
}
