// Package report lays out Breachline's documents as PDF: regulator filings
// pre-filled from a breach, the breach register, annual breach statistics and
// the breach summary, with CSVs beside the register and the statistics, and
// the postal letters of notices to affected people, in batches for a mail
// house (Letters).
//
// The package is pure: it takes plain input values and writes to an io.Writer.
// The same input gives the same bytes, so a stored document's sha256 can be
// checked by generating it again. Check lists what a filing still needs;
// Render prints "not yet known" for it instead of leaving a blank.
package report
