package roster

import (
	"time"
)

// Import statuses. A queued import waits for a worker; running is in
// progress; done has committed its people; failed and cancelled committed
// nothing and may be started again.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Import is one file loaded (or to be loaded) into a breach's roster.
type Import struct {
	ID         int64         `gorm:"primaryKey" json:"id"`
	BreachID   int64         `json:"breach_id"`
	FileName   string        `json:"file_name"`
	SHA256     string        `gorm:"column:sha256" json:"sha256"`
	Format     string        `json:"format"`
	Status     string        `json:"status"`
	RowsRead   int64         `json:"rows_read"`
	Accepted   int64         `json:"accepted"`
	Rejected   int64         `json:"rejected"`
	Duplicates int64         `json:"duplicates"`
	BytesTotal int64         `json:"bytes_total"`
	BytesRead  int64         `json:"bytes_read"`
	Error      string        `json:"error,omitempty"`
	Options    ImportOptions `gorm:"serializer:json" json:"options"`
	FilePath   string        `json:"-"`
	// UploadID is the stored upload the import reads (UploadStore); an
	// import of the command line reads its file itself and has none.
	UploadID   *int64     `json:"-"`
	Rejects    string     `json:"-"`
	CreatedBy  *int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	ProgressAt *time.Time `json:"progress_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	// ClaimedBy names the worker running the import, which holds it until
	// LeaseUntil and renews the lease while it reads; Restarts counts the
	// times a worker died with it and it was queued again.
	ClaimedBy  string     `json:"-"`
	LeaseUntil *time.Time `json:"-"`
	Restarts   int        `json:"restarts"`
	// Stalled, when set, explains why an import that should have moved by
	// now has not (see stalledReason); it is not stored.
	Stalled string `gorm:"-" json:"stalled,omitempty"`
}

// TableName is the imports table.
func (Import) TableName() string { return "imports" }

// ImportOptions are the reading options an import was started with, kept so
// that a retried job reads the file exactly as the first attempt did.
type ImportOptions struct {
	Format    Format    `json:"format,omitempty"`
	Sheet     string    `json:"sheet,omitempty"`
	Mapping   Mapping   `json:"mapping,omitempty"`
	DateOrder DateOrder `json:"date_order,omitempty"`
	// DefaultCountry reads phone numbers without a country code; empty means
	// the country of the organization's home jurisdiction.
	DefaultCountry string `json:"default_country,omitempty"`
}

// Result is what an import did.
type Result struct {
	ImportID int64 `json:"import_id"`
	// RowsRead counts data rows (not the header, not blank rows).
	RowsRead int64 `json:"rows_read"`
	Accepted int64 `json:"accepted"`
	// Rejected counts rejected rows; RejectProblems counts their problems.
	Rejected       int64 `json:"rejected"`
	RejectProblems int64 `json:"reject_problems"`
	// Duplicates counts accepted rows that repeat a person already in the
	// breach; they are stored, flagged for review and left out of the counts.
	Duplicates int64         `json:"duplicates"`
	Bytes      int64         `json:"bytes"`
	Elapsed    time.Duration `json:"elapsed_ns"`
}

// Progress is reported while a file is read.
type Progress struct {
	ImportID   int64
	Rows       int64 // data rows read so far
	Accepted   int64
	Rejected   int64
	Bytes      int64 // bytes of the file consumed so far
	TotalBytes int64 // size of the file when known, else 0
	Elapsed    time.Duration
}

// RowsPerSecond is the reading rate so far.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

// ETA estimates the time left from the share of bytes consumed; zero when
// the size is unknown.
func (p Progress) ETA() time.Duration {
	if p.TotalBytes <= 0 || p.Bytes <= 0 || p.Bytes >= p.TotalBytes {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * float64(p.TotalBytes-p.Bytes) / float64(p.Bytes))
}

// StoredPerson is one row of the roster as stored, originals beside the
// normalised values.
type StoredPerson struct {
	ID                  int64    `gorm:"primaryKey" json:"id"`
	BreachID            int64    `json:"breach_id"`
	ImportID            *int64   `json:"import_id"`
	RowNumber           int64    `json:"row_number"`
	ExternalID          string   `json:"external_id"`
	Name                string   `json:"name"`
	GivenName           string   `json:"given_name"`
	FamilyName          string   `json:"family_name"`
	Email               string   `json:"email"`
	EmailOriginal       string   `json:"email_original"`
	Phone               string   `json:"phone"`
	PhoneOriginal       string   `json:"phone_original"`
	Address1            string   `gorm:"column:address1" json:"address1"`
	Address2            string   `gorm:"column:address2" json:"address2"`
	City                string   `json:"city"`
	Region              string   `json:"region"`
	RegionOriginal      string   `json:"region_original"`
	RegionSource        string   `json:"region_source"`
	Country             string   `json:"country"`
	CountryOriginal     string   `json:"country_original"`
	PostalCode          string   `json:"postal_code"`
	PostalOriginal      string   `json:"postal_original"`
	Language            string   `json:"language"`
	LanguageOriginal    string   `json:"language_original"`
	LanguageSource      string   `json:"language_source"`
	DateOfBirth         string   `json:"date_of_birth"`
	DateOfBirthOriginal string   `json:"date_of_birth_original"`
	Minor               bool     `json:"minor"`
	GuardianName        string   `json:"guardian_name"`
	GuardianEmail       string   `json:"guardian_email"`
	GuardianPhone       string   `json:"guardian_phone"`
	Channel             string   `json:"channel"`
	DataCategories      []string `gorm:"serializer:json" json:"data_categories"`
	// Attributes holds the file's unmapped columns, keyed by header.
	Attributes map[string]string `gorm:"serializer:json" json:"attributes"`
	// Review is the state of a row flagged as repeating DuplicateOf
	// (ReviewDuplicate, ReviewConfirmed, ReviewDistinct); empty otherwise.
	Review      string    `json:"review"`
	DuplicateOf *int64    `json:"duplicate_of"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName is the roster table.
func (StoredPerson) TableName() string { return "affected_people" }

// Review states of a row flagged as repeating an earlier person
// (DuplicateOf). A flagged row waits for review and is left out of the
// counts; a reviewer confirms it (still left out) or declares it a distinct
// person (counted from then on). DuplicateOf is kept in every state.
const (
	ReviewDuplicate = "duplicate"
	ReviewConfirmed = "confirmed"
	ReviewDistinct  = "distinct"
)

// stallAfter is how long an import may wait for a worker, or run without
// reporting progress, before it is reported as stalled.
const stallAfter = 2 * time.Minute

// importLease is how long a worker holds a running import without renewing
// the hold; a worker renews it every quarter of that while it reads. An
// import whose lease lapsed is queued again by the rescue, which runs every
// rescueEvery: a dead worker's import is started again at most half a
// minute after its death, and done within a minute (kill -9 trials of
// 200,000-row imports on PostgreSQL: 40–53 s with a 30 s lease and a 15 s
// rescue, on a loaded two-core machine, too close to the minute).
const (
	importLease = 20 * time.Second
	rescueEvery = 10 * time.Second
	// maxRestarts stops a file that kills its worker every time (memory)
	// from being started forever.
	maxRestarts = 5
)

// stalledReason says why an import that should have moved by now has not:
// no worker has taken it, or its worker has stopped reporting (a worker
// that dies mid-file commits nothing, and the import is queued again within
// a minute).
func stalledReason(imp Import, now time.Time) string {
	switch imp.Status {
	case StatusQueued:
		if now.Sub(imp.CreatedAt) > stallAfter {
			return "No worker has started this import yet. Check that a worker process is running (serve without --no-workers, or breachline worker) and sees the data directory."
		}
	case StatusRunning:
		last := imp.CreatedAt
		for _, t := range []*time.Time{imp.StartedAt, imp.ProgressAt} {
			if t != nil && t.After(last) {
				last = *t
			}
		}
		if now.Sub(last) > stallAfter {
			return "No progress reported since " + last.UTC().Format("15:04 UTC") + ". The worker running it may have stopped; nothing is stored until the whole file is read, and the import is started again automatically within a minute of its worker stopping."
		}
	}
	return ""
}
