// Package roster keeps the people affected by a breach: it imports roster
// files (read and normalised by rosterfile) into the database, every
// accepted row or none, stores their rejects, flags the people an import
// repeats for review, keeps the breach's counts by region, language and
// channel, and exports the roster.
package roster
