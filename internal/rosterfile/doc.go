// Package rosterfile reads the list of people affected by a breach out of a CSV or XLSX file,
// one row at a time, and normalises each row into a Person: email syntax, phone numbers in
// E.164, regions as ISO 3166-2 codes, postal codes checked against their country, language,
// minors and their guardians, and the data categories exposed for that person.
//
// The package is pure: it reads from an io.Reader, never from the network, the database or the
// clock (the reference date for ages is an option). Rows that cannot be accepted are returned
// with every problem found, each naming its row, column and reason with the value masked.
// Nothing is corrected silently: every normalised value keeps its original beside it.
package rosterfile
