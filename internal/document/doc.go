// Package document stores the documents Breachline generates: regulator
// filings for a breach (staged preliminary, update, final, each a new
// version), the breach summary, and the organization-level breach register
// and annual statistics with a CSV beside the PDF.
//
// It builds report.Input from the stored breach, organization, roster counts,
// delivery counts and obligations, renders with internal/report, and keeps
// every version with its sha256, who generated it and when. Filing a document
// records when and the regulator's reference; a filed document never changes
// (the service refuses and a database trigger rejects the update). Every
// generation, filing and download is written to the audit log.
package document
