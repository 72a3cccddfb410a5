/// The database schema, as forward-only migrations keyed by `PRAGMA user_version`.
///
/// Each released version is one frozen file, `VersionNN.swift`, holding its literal SQL (`VersionNN.sql`).
/// Released migrations never change: a database that already ran version 7 will never run it again, so an
/// edit would make new databases differ from upgraded ones. Nothing in the product generates schema text;
/// the domain code that keeps derived tables (`CustomerTotals`, `RenewalDays`, `PolicyMetricsCode`) reads
/// and writes them, but the tables and triggers are whatever the frozen files created.
///
/// To add version 12:
/// 1. Create `Schema/Version12.swift` with `extension Migrations { enum Version12 { static let sql = """ … """ } }`,
///    literal SQL only (no interpolation of Swift constants: they may change later, the migration may not),
///    with a doc comment saying what it is for.
/// 2. Append `Version12.sql` to `all` below.
/// 3. If upgrading a large book takes long, add its seconds at a million customers to `Store.upgradeSeconds`.
/// 4. Run `SchemaFreezeTests`: it fails, showing the new schema; check the difference is only what version
///    11 means to change, then append version 11's fingerprint and replace the expected final schema
///    (`Tests/RetentionCoreTests/ExpectedSchema.swift`). The fingerprints of versions 1–10 must never change.
/// Never edit an older `VersionNN.swift`, even a comment inside its SQL: fix a mistake with a new version.
///
/// Conventions: times are Unix seconds (UTC) in INTEGER columns ending in `_at` or `_date`; money is
/// integer cents in columns ending in `_cents`; internal joins use INTEGER keys, and the public ids the
/// API shows are UUID text in `uuid` columns. JSON documents are TEXT columns.
public enum Migrations {
    /// A stamp in `application_id` that marks a file as a Retention database.
    public static let applicationID: Int32 = 0x5245_544E // "RETN"

    /// Every released version's SQL, in order: `all[n - 1]` brings a database from version n - 1 to n.
    public static let all: [String] = [
        Version01.sql, Version02.sql, Version03.sql, Version04.sql, Version05.sql,
        Version06.sql, Version07.sql, Version08.sql, Version09.sql, Version10.sql,
        Version11.sql, Version12.sql, Version13.sql, Version14.sql, Version15.sql,
        Version16.sql, Version17.sql, Version18.sql, Version19.sql,
    ]
}
