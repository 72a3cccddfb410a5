// swift-tools-version: 6.0
// Retention: a terminal dashboard for insurance customer retention, over one local SQLite file.
// No package dependencies: the Swift toolchain plus two system libraries (sqlite3, ncursesw).
import PackageDescription

let package = Package(
    name: "Retention",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "retention", targets: ["retention"]),
        .library(name: "RetentionCore", targets: ["RetentionCore"]),
        .library(name: "RetentionTUI", targets: ["RetentionTUI"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        .target(
            name: "RetentionCore",
            dependencies: ["CSQLite"]
        ),
        .target(
            name: "RetentionTUI",
            dependencies: ["RetentionCore", "CNcursesw"]
        ),
        .executableTarget(
            name: "retention",
            dependencies: ["RetentionCore", "RetentionTUI"]
        ),
        .testTarget(
            name: "RetentionCoreTests",
            dependencies: ["RetentionCore"]
        ),
        .testTarget(
            name: "RetentionTUITests",
            dependencies: ["RetentionTUI", "RetentionCore"]
        ),
        .testTarget(
            name: "retentionTests",
            dependencies: ["retention", "RetentionCore"]
        ),
    ]
)
