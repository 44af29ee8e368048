package report

import "time"

// Organization is the reporting organization as the documents present it.
type Organization struct {
	Name             string   // display name, printed in every page header
	LegalName        string   // legal name when it differs from Name
	EnterpriseNumber string   // registry number, e.g. the Québec NEQ
	Address          string   // mailing address, one string, may hold newlines
	ContactName      string   // person who can answer the regulator's questions
	ContactTitle     string   // that person's title
	ContactEmail     string   // that person's e-mail
	ContactPhone     string   // that person's telephone
	TimeZone         string   // IANA zone name, used when Input.Zone is nil
	Sectors          []string // e.g. "health", "public", "private"
}

// Event is one dated fact of a breach's timeline: a clock start or a milestone.
type Event struct {
	Kind string    // one of the Event* constants, or any other label for the timeline
	At   time.Time // the instant
	Zone string    // IANA zone the instant was recorded in; shown on the timeline
	Note string    // free text
}

// Event kinds the documents read. Other kinds are shown on timelines only.
const (
	EventOccurred            = "occurred"             // the breach began (or happened)
	EventEnded               = "ended"                // the breach stopped
	EventDiscovered          = "discovered"           // the organization discovered it
	EventAware               = "aware"                // the organization became aware (GDPR, Québec)
	EventDetermined          = "determined"           // the head determined it occurred (FIPPA, PIPEDA records)
	EventContained           = "contained"            // containment completed
	EventReported            = "reported"             // reported to a regulator
	EventIndividualsNotified = "individuals_notified" // notices to individuals started
)

// Breach kinds (Breach.Kinds) the annual statistics count. A breach may carry several.
const (
	KindTheft                  = "theft"
	KindLoss                   = "loss"
	KindUnauthorizedUse        = "unauthorized_use"
	KindUnauthorizedDisclosure = "unauthorized_disclosure"
	KindUnauthorizedCollection = "unauthorized_collection"
)

// Breach characteristics (also in Breach.Kinds) that feed the statistics sub-counts.
const (
	TagInternalParty     = "internal_party"     // by an employee, agent or service provider
	TagStranger          = "stranger"           // by someone outside the organization
	TagRansomware        = "ransomware"         // ransomware attack
	TagCyberattack       = "cyberattack"        // another type of cyberattack
	TagUnencryptedDevice = "unencrypted_device" // unencrypted portable electronic equipment
	TagPaperRecords      = "paper_records"      // paper records
	TagMisdirected       = "misdirected"        // misdirected fax, e-mail or mail
)

// Answer keys (Breach.Answers) some filings read. Other answers are reachable
// from generic filings by their own keys.
const (
	AnswerOrganizationType   = "organization_type"       // IPC "Type of organization"
	AnswerPHIPACircumstance  = "phipa_s6_3"              // O. Reg. 329/04 s.6.3 circumstance(s)
	AnswerCyberIncident      = "cyber_incident"          // ICO "caused by a cyber incident?"
	AnswerHIPAAEntityType    = "hipaa_entity_type"       // health plan, clearinghouse, provider
	AnswerBusinessAssociate  = "hipaa_business_assoc"    // business associate involved and who
	AnswerSubstituteNotice   = "substitute_notice"       // substitute notice given and how
	AnswerMediaNotice        = "media_notice"            // media notice given and where
	AnswerRiskOfHarm         = "risk_of_harm"            // conclusion of the harm assessment
	AnswerHeadDetermination  = "head_determination"      // FIPPA: how the head determined it
	AnswerRemediationService = "remediation_services"    // credit monitoring etc. offered
	AnswerOutsideBodies      = "outside_bodies_notified" // bodies outside the jurisdiction notified
)

// Breach holds what is known about one breach. Empty strings and nil values
// are "not yet known"; the documents say so instead of leaving a blank.
type Breach struct {
	Reference          string
	Title              string
	Description        string   // what happened
	Cause              string   // cause, if known
	Nature             string   // confidentiality, integrity, availability
	Kinds              []string // Kind* and Tag* values
	DataCategories     []string // personal information involved
	SubjectCategories  []string // categories of people affected (customers, patients, ...)
	Events             []Event
	Answers            map[string]string // assessment answers by question key
	HowDiscovered      string
	Location           string
	OtherOrganizations string // other organizations involved
	AgentsResponsible  string // agents of the organization responsible
	Containment        string // steps taken to contain, with dates and outcome
	Mitigation         string // steps taken to reduce the risk of harm
	Prevention         string // steps to prevent recurrence
	HarmAssessment     string // risk of harm: sensitivity, likelihood of misuse, consequences
	NotificationSteps  string // steps taken or intended to notify individuals
	IndividualSteps    string // steps individuals can take
	Safeguards         string // safeguards in place before the breach
	LawEnforcement     string // law enforcement involvement
	DelayReason        string // reasons for a late notification
	MonetaryImpact     string // estimated monetary impact
	Records            int    // number of records concerned, 0 if unknown
	AffectedEstimate   int    // number affected when no roster has been imported, 0 if unknown
}

// Obligation is one duty evaluated for a breach, as snapshotted by the rules.
type Obligation struct {
	RuleID       string
	Version      string
	Recipient    string
	Jurisdiction string
	Citation     string
	Status       string // pending, filed, not_required, waived, undetermined
	Standard     string // statutory standard when there is no fixed due time
	Due          *time.Time
	Target       *time.Time // internal target
	// Kind says what the date means, as the rules name it: "duty" (or
	// empty) has a due date; "retention" is a record to keep until Until;
	// "permitted" is a step the law allows, never required; "target" is a
	// regulator's practice date, not a statutory one.
	Kind            string
	Until           *time.Time
	Required        *bool
	Explanation     string
	FiledAt         *time.Time
	FilingReference string // the regulator's reference for an earlier filing
	// StatusNote says what about the rule is unverified; Notes are the
	// rule's own notes. The internal summary prints them; filings sent to
	// a regulator do not.
	StatusNote string
	Notes      string
}

// RosterStats are the counts of the affected people imported for a breach.
type RosterStats struct {
	Total      int
	ByRegion   map[string]int // "CA-ON", "US-TX", ...
	ByLanguage map[string]int
	ByChannel  map[string]int // email, postal, ...
	Minors     int
}

// DeliveryStats are the counts of notice deliveries for a breach.
type DeliveryStats struct {
	Total     int
	ByStatus  map[string]int // pending, sending, sent, retry, failed, bounced, returned
	ByChannel map[string]int
	FirstSent *time.Time
	LastSent  *time.Time
}

// Requirement is one content item a rule asks for, used by the generic filing.
// Field is a key of the field catalogue (see FieldKeys) or an answer key.
type Requirement struct {
	Field    string
	Label    string
	Citation string
	Optional bool
}

// RegisterEntry is one breach in a breach register or an annual statistics
// report, notifiable or not.
type RegisterEntry struct {
	Breach         Breach
	Affected       int        // number of people affected, 0 if unknown
	Notifiable     *bool      // nil while undetermined
	RiskAssessment string     // why there is, or is not, a real risk of significant harm
	ReportedAt     *time.Time // when the regulator was told
	NotifiedAt     *time.Time // when individuals were told
	PublicNotice   string     // whether a public notice was issued, and why
}

// Input is everything a document may print. Each kind reads the parts it needs.
type Input struct {
	Org         Organization
	Breach      Breach
	Obligation  *Obligation  // the obligation a filing answers
	Obligations []Obligation // all obligations of the breach (summary)
	Roster      RosterStats
	Deliveries  DeliveryStats
	Stage       string         // preliminary, update or final (filings)
	GeneratedAt time.Time      // required: printed, and the PDF creation date
	Zone        *time.Location // zone for printed times; Org.TimeZone, then UTC, when nil
	DocumentID  string
	// PreparedBy is the person who prepared the document, printed as
	// "Prepared by: name, role".
	PreparedBy Person
	// Preparer is no longer printed: it held an account label (an e-mail
	// address, "cli"), not a person. Use PreparedBy.
	Preparer     string
	State        string        // two-letter US state for us-state-ag
	Requirements []Requirement // content items for the generic filing
	Title        string        // document title for the generic filing
	Register     []RegisterEntry
	PeriodStart  time.Time // register period, inclusive
	PeriodEnd    time.Time // register period, exclusive
	Year         int       // calendar year for annual statistics
	// AuditCheckpoint is the signed head of the organization's audit
	// chain, printed at the end of a register so that a copy kept outside
	// shows later whether newest audit entries were removed.
	AuditCheckpoint string

	budget budget // set by Render
}

// Person is someone named in a document: a name and a role or title
// ("Dana Okafor", "Privacy Officer").
type Person struct {
	Name string
	Role string
}

// line prints "name, role", or "" when no name is known.
func (p Person) line() string {
	if p.Name == "" {
		return ""
	}
	return joinComma(p.Name, p.Role)
}
