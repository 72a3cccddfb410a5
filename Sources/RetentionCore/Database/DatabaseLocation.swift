import Foundation

/// Where the database lives: `--db PATH`, else `RETENTION_DB`, else
/// `$XDG_DATA_HOME/retention/retention.db`, falling back to `~/.local/share/retention/retention.db`.
/// The demo book has its own file beside it, `demo.db`, so a demo never touches real data.
public enum DatabaseLocation {
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/retention"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/retention"
    }

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["RETENTION_DB"], !env.isEmpty { return env }
        return dataDirectory(environment: environment) + "/retention.db"
    }

    public static func demo(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        return dataDirectory(environment: environment) + "/demo.db"
    }

    /// `$XDG_CONFIG_HOME/retention`, falling back to `~/.config/retention`.
    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/retention" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/retention"
    }
}
