// DataStandard: the unified data standard of the Sichuan smart-enforcement platform, and its engine.
//
// - `StandardLoader` loads a standard (`Specs/<standard>/<version>/`) into a `StandardSpec`, with located
//   diagnostics; `StandardLinter` checks it as a whole.
// - The validator checks records (CSV, JSON Lines, JSON) against an entity of the standard, streaming, and
//   measures data quality over the standard dimensions.
// - The code tables of `Specs/` (divisions, industries, pollutants) are turned into the catalogs of
//   `EnforcementModel`, and the holiday calendar into its `WorkingDayCalendar`.
