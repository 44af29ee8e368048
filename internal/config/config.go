// Package config loads Breachline's typed settings: built-in defaults, then an
// optional YAML file, then BREACHLINE_* environment variables. Every secret can
// also be given as BREACHLINE_<NAME>_FILE, naming a file that holds it.
package config

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/mail"
)

// Config holds every setting of the service. It is built once by Load and
// passed explicitly; nothing reads the environment after start-up.
type Config struct {
	// Listen is the HTTP listen address.
	Listen string `yaml:"listen"`
	// DataDir holds the SQLite database, the mail outbox and generated files.
	DataDir string `yaml:"data_dir"`
	// DatabaseURL selects PostgreSQL (postgres://…); empty means SQLite in DataDir.
	DatabaseURL string `yaml:"database_url"`
	// BaseURL is the public address used in links, e-mails and calendar feeds.
	BaseURL string `yaml:"base_url"`
	// SMTPURL is smtp://user:pass@host:port or smtps://…; empty writes .eml files to DataDir/outbox.
	SMTPURL string `yaml:"smtp_url"`
	// MailFrom is the sender address of every message.
	MailFrom string `yaml:"mail_from"`
	// SMTPPoolSize is how many connections to the SMTP server one process
	// keeps open and reuses.
	SMTPPoolSize int `yaml:"smtp_pool_size"`
	// SMTPTimeout bounds the connection and each step of a message; a
	// server that stalls longer is given up on and the message retried.
	SMTPTimeout time.Duration `yaml:"smtp_timeout"`
	// DKIMKeyFile names a PEM private key (RSA or Ed25519) that signs every
	// message, for DKIMDomain under DKIMSelector. All three or none; empty:
	// no signing. The file's content is a secret and is never shown.
	DKIMKeyFile  string `yaml:"dkim_key_file"`
	DKIMSelector string `yaml:"dkim_selector"`
	DKIMDomain   string `yaml:"dkim_domain"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// LogFormat is auto (JSON unless a terminal), json or text.
	LogFormat string `yaml:"log_format"`
	// BodyLimit caps JSON request bodies in bytes.
	BodyLimit int64 `yaml:"body_limit"`
	// UploadLimit caps multipart uploads (roster files) in bytes.
	UploadLimit int64 `yaml:"upload_limit"`
	// ShutdownTimeout bounds the graceful drain of HTTP and workers on SIGTERM.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Workers is the number of background job workers a process runs.
	Workers int `yaml:"workers"`
	// SessionTTL is how long a web sign-in lasts at most (the absolute
	// timeout).
	SessionTTL time.Duration `yaml:"session_ttl"`
	// SessionIdle ends a web sign-in after this long without a request.
	SessionIdle time.Duration `yaml:"session_idle"`
	// TokenMaxTTL is the longest an API token created in a browser session
	// (or with another token) may last.
	TokenMaxTTL time.Duration `yaml:"token_max_ttl"`
	// PasswordMemoryKiB, PasswordIterations and PasswordParallelism are
	// the argon2id cost of password hashes (see the README).
	PasswordMemoryKiB   int `yaml:"password_memory_kib"`
	PasswordIterations  int `yaml:"password_iterations"`
	PasswordParallelism int `yaml:"password_parallelism"`
	// SigninLockAfter failed sign-ins lock an account for SigninLockFor,
	// or until its owner uses the link e-mailed to them.
	SigninLockAfter int           `yaml:"signin_lock_after"`
	SigninLockFor   time.Duration `yaml:"signin_lock_for"`
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For header names the client; none by default.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// ReminderLeads are how long before a due time deadline reminders are
	// e-mailed (overdue obligations are reminded daily regardless).
	ReminderLeads []time.Duration `yaml:"reminder_leads"`
	// Closures are one-off non-working days added to a holiday calendar
	// without a release (an executive-order closure, a storm day). The API
	// adds them too; these are applied at every start.
	Closures []Closure `yaml:"closures"`
	// Operators are the e-mail addresses of the installation's operators:
	// the only users who may add calendar closures through the API, because
	// a closure moves the deadlines of every organization on the server.
	Operators []string `yaml:"operators"`
	// SecretKey is the installation's secret (at least 32 bytes): notice
	// reference codes, Message-IDs and bounce addresses derive from it, so
	// every process must have the same. Empty with SQLite: a key is made in
	// the data directory on first start. Required with PostgreSQL.
	SecretKey string `yaml:"secret_key"`
	// NoticePerSecond and NoticePerHour cap the notices sent through the
	// relay by every worker together (zero: no cap).
	NoticePerSecond int `yaml:"notice_per_second"`
	NoticePerHour   int `yaml:"notice_per_hour"`
	// NoticeMaxAttempts bounds the tries of a temporarily refused notice.
	NoticeMaxAttempts int `yaml:"notice_max_attempts"`
	// VerifyWindow, VerifyPerClient and VerifyGlobal limit the checks of
	// notice codes on /verify: per client network and in total, per window,
	// shared by every process (the counts are in the database, written by
	// each process every 100 ms: with several processes a limit can be
	// exceeded by what the others admitted since, at most the limit once
	// per other process; see internal/ratelimit).
	VerifyWindow    time.Duration `yaml:"verify_window"`
	VerifyPerClient int           `yaml:"verify_per_client"`
	VerifyGlobal    int           `yaml:"verify_global"`
	// NoticeRetryBase is the first wait before retrying a temporarily
	// refused notice; each further try waits twice as long (at most an hour).
	NoticeRetryBase time.Duration `yaml:"notice_retry_base"`
	// NoticePauseAfter pauses a campaign after this many notices in a row
	// were refused for good (zero: never).
	NoticePauseAfter int `yaml:"notice_pause_after"`
	// NoticeLease is how long a worker's claim on a notice it is sending
	// lasts without renewal; a worker renews it every third of this while
	// it sends, so a claim lapses only when its worker died, and another
	// worker then sends the notice again (under the same Message-ID).
	NoticeLease time.Duration `yaml:"notice_lease"`
	// BounceAddress, when set, is the base of each notice's own envelope
	// sender (bounces+n12.345.tag@example.org), so bounces name their notice.
	BounceAddress string `yaml:"bounce_address"`
	// LettersPerFile splits a campaign's postal letters into print files.
	LettersPerFile int `yaml:"letters_per_file"`
	// RenderTimeout bounds the time one document (filing, register,
	// summary) may take to produce.
	RenderTimeout time.Duration `yaml:"render_timeout"`
	// RenderMaxPages bounds the pages of one document.
	RenderMaxPages int `yaml:"render_max_pages"`
	// RosterMaxCellBytes bounds one cell of a roster file, in bytes.
	RosterMaxCellBytes int `yaml:"roster_max_cell_bytes"`
	// RosterMaxColumns bounds the columns of a roster row that hold anything.
	RosterMaxColumns int `yaml:"roster_max_columns"`
	// RosterMaxRowBytes bounds one row of a roster file (a CSV line), in bytes.
	RosterMaxRowBytes int `yaml:"roster_max_row_bytes"`
	// RosterMaxXLSXExpandedBytes bounds what a roster workbook (XLSX)
	// expands to, all of its parts together, in bytes.
	RosterMaxXLSXExpandedBytes int64 `yaml:"roster_max_xlsx_expanded_bytes"`
	// RosterMaxXLSXRatio bounds how many times its compressed size a part
	// of a roster workbook may expand to (zip bombs).
	RosterMaxXLSXRatio int `yaml:"roster_max_xlsx_ratio"`

	// AuditKey is the secret (at least 32 characters) that keys the audit
	// chain and signs its checkpoints. It is not SecretKey: whoever holds it
	// can rewrite the audit trail undetected, so it is given to no one else
	// (an auditor may be given it without the notice secret), and it never
	// reaches the database. Empty with SQLite: a key is made in
	// data_dir/audit.key on first start. Required with PostgreSQL.
	AuditKey string `yaml:"audit_key"`
	// AuditCheckpointDir is where signed checkpoints of the audit chains
	// are written (empty: data_dir/audit-checkpoints). Put it on storage
	// the database's administrators cannot write to.
	AuditCheckpointDir string `yaml:"audit_checkpoint_dir"`
	// AuditCheckpointEvery is how often a checkpoint is made and e-mailed
	// to the operators; AuditVerifyEvery how often every chain is verified
	// against the latest checkpoint (the operators are e-mailed when one
	// does not hold).
	AuditCheckpointEvery time.Duration `yaml:"audit_checkpoint_every"`
	AuditVerifyEvery     time.Duration `yaml:"audit_verify_every"`
	// Limits are the other bounds on requests and their work (limits.go).
	Limits `yaml:",inline"`
}

// Closure is a one-off closure of a holiday calendar.
type Closure struct {
	Calendar string `yaml:"calendar"`
	Date     string `yaml:"date"`
	Name     string `yaml:"name"`
}

// Error is an invalid setting: it names the setting and what is wrong.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("configuration: %s: %s", e.Setting, e.Problem)
}

// Defaults returns the built-in settings: SQLite in ./breachline-data, mail to
// the outbox, listening on loopback.
func Defaults() Config {
	return Config{
		Listen:          "127.0.0.1:8080",
		DataDir:         "./breachline-data",
		BaseURL:         "http://127.0.0.1:8080",
		MailFrom:        "Breachline <breachline@localhost>",
		SMTPPoolSize:    4,
		SMTPTimeout:     30 * time.Second,
		LogLevel:        "info",
		LogFormat:       "auto",
		BodyLimit:       1 << 20,
		UploadLimit:     2 << 30,
		ShutdownTimeout: 30 * time.Second,
		Workers:         10,
		SessionTTL:      12 * time.Hour,
		SessionIdle:     30 * time.Minute,
		TokenMaxTTL:     90 * 24 * time.Hour,
		// argon2id: 46 MiB, one pass, one lane (README, "Passwords").
		PasswordMemoryKiB:   46 * 1024,
		PasswordIterations:  1,
		PasswordParallelism: 1,
		SigninLockAfter:     10,
		SigninLockFor:       time.Hour,
		ReminderLeads:       []time.Duration{72 * time.Hour, 24 * time.Hour, 4 * time.Hour},
		RenderTimeout:       60 * time.Second,
		RenderMaxPages:      3000,
		NoticePerSecond:     0,
		NoticePerHour:       0,
		NoticeMaxAttempts:   8,
		VerifyWindow:        10 * time.Minute,
		VerifyPerClient:     20,
		VerifyGlobal:        600000,
		NoticeRetryBase:     30 * time.Second,
		NoticePauseAfter:    50,
		NoticeLease:         45 * time.Second,
		LettersPerFile:      500,
		// The roster file limits; rosterfile.DefaultLimits has the same.
		RosterMaxCellBytes:         128 << 10,
		RosterMaxColumns:           1000,
		RosterMaxRowBytes:          1 << 20,
		RosterMaxXLSXExpandedBytes: 512 << 20,
		RosterMaxXLSXRatio:         100,

		// The audit chain's checkpoints and verification.
		AuditCheckpointEvery: 24 * time.Hour,
		AuditVerifyEvery:     time.Hour,
		Limits:               DefaultLimits(),
	}
}

// Load builds the configuration from defaults, the optional YAML file at path
// (empty: none) and the environment given as KEY=VALUE pairs.
func Load(path string, environ []string) (Config, error) {
	cfg := Defaults()
	if path != "" {
		if err := loadFile(path, &cfg); err != nil {
			return Config{}, err
		}
	}
	env := envMap(environ)
	if err := applyEnv(&cfg, env); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func loadFile(path string, cfg *Config) error {
	b, err := os.ReadFile(path) // #nosec G304 -- the operator's --config file
	if err != nil {
		return &Error{Setting: "--config", Problem: fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return &Error{Setting: "--config", Problem: fmt.Sprintf("%s: %v", path, err)}
	}
	return nil
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "BREACHLINE_") {
			m[k] = v
		}
	}
	return m
}

type setting struct {
	name   string
	secret bool
	set    func(*Config, string) error
}

func settings() []setting {
	str := func(f func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *f(c) = v; return nil }
	}
	return append([]setting{
		{"LISTEN", false, str(func(c *Config) *string { return &c.Listen })},
		{"DATA_DIR", false, str(func(c *Config) *string { return &c.DataDir })},
		{"DATABASE_URL", true, str(func(c *Config) *string { return &c.DatabaseURL })},
		{"BASE_URL", false, str(func(c *Config) *string { return &c.BaseURL })},
		{"SMTP_URL", true, str(func(c *Config) *string { return &c.SMTPURL })},
		{"MAIL_FROM", false, str(func(c *Config) *string { return &c.MailFrom })},
		{"SMTP_POOL_SIZE", false, func(c *Config, v string) error { return parseInt(v, &c.SMTPPoolSize) }},
		{"SMTP_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.SMTPTimeout) }},
		{"DKIM_KEY_FILE", false, str(func(c *Config) *string { return &c.DKIMKeyFile })},
		{"DKIM_SELECTOR", false, str(func(c *Config) *string { return &c.DKIMSelector })},
		{"DKIM_DOMAIN", false, str(func(c *Config) *string { return &c.DKIMDomain })},
		{"LOG_LEVEL", false, str(func(c *Config) *string { return &c.LogLevel })},
		{"LOG_FORMAT", false, str(func(c *Config) *string { return &c.LogFormat })},
		{"BODY_LIMIT", false, func(c *Config, v string) error { return parseInt64(v, &c.BodyLimit) }},
		{"UPLOAD_LIMIT", false, func(c *Config, v string) error { return parseInt64(v, &c.UploadLimit) }},
		{"SHUTDOWN_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.ShutdownTimeout) }},
		{"SESSION_TTL", false, func(c *Config, v string) error { return parseDuration(v, &c.SessionTTL) }},
		{"SESSION_IDLE", false, func(c *Config, v string) error { return parseDuration(v, &c.SessionIdle) }},
		{"TOKEN_MAX_TTL", false, func(c *Config, v string) error { return parseDuration(v, &c.TokenMaxTTL) }},
		{"PASSWORD_MEMORY_KIB", false, func(c *Config, v string) error { return parseInt(v, &c.PasswordMemoryKiB) }},
		{"PASSWORD_ITERATIONS", false, func(c *Config, v string) error { return parseInt(v, &c.PasswordIterations) }},
		{"PASSWORD_PARALLELISM", false, func(c *Config, v string) error { return parseInt(v, &c.PasswordParallelism) }},
		{"SIGNIN_LOCK_AFTER", false, func(c *Config, v string) error { return parseInt(v, &c.SigninLockAfter) }},
		{"SIGNIN_LOCK_FOR", false, func(c *Config, v string) error { return parseDuration(v, &c.SigninLockFor) }},
		{"TRUSTED_PROXIES", false, func(c *Config, v string) error {
			c.TrustedProxies = nil
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					c.TrustedProxies = append(c.TrustedProxies, p)
				}
			}
			return nil
		}},
		{"CLOSURES", false, parseClosures},
		{"OPERATORS", false, func(c *Config, v string) error {
			c.Operators = nil
			for _, e := range strings.Split(v, ",") {
				if e = strings.TrimSpace(e); e != "" {
					c.Operators = append(c.Operators, strings.ToLower(e))
				}
			}
			return nil
		}},
		{"REMINDER_LEADS", false, func(c *Config, v string) error { return parseDurations(v, &c.ReminderLeads) }},
		{"SECRET_KEY", true, str(func(c *Config) *string { return &c.SecretKey })},
		{"NOTICE_PER_SECOND", false, func(c *Config, v string) error { return parseInt(v, &c.NoticePerSecond) }},
		{"NOTICE_PER_HOUR", false, func(c *Config, v string) error { return parseInt(v, &c.NoticePerHour) }},
		{"NOTICE_MAX_ATTEMPTS", false, func(c *Config, v string) error { return parseInt(v, &c.NoticeMaxAttempts) }},
		{"VERIFY_WINDOW", false, func(c *Config, v string) error { return parseDuration(v, &c.VerifyWindow) }},
		{"VERIFY_PER_CLIENT", false, func(c *Config, v string) error { return parseInt(v, &c.VerifyPerClient) }},
		{"VERIFY_GLOBAL", false, func(c *Config, v string) error { return parseInt(v, &c.VerifyGlobal) }},
		{"NOTICE_RETRY_BASE", false, func(c *Config, v string) error { return parseDuration(v, &c.NoticeRetryBase) }},
		{"NOTICE_PAUSE_AFTER", false, func(c *Config, v string) error { return parseInt(v, &c.NoticePauseAfter) }},
		{"NOTICE_LEASE", false, func(c *Config, v string) error { return parseDuration(v, &c.NoticeLease) }},
		{"BOUNCE_ADDRESS", false, str(func(c *Config) *string { return &c.BounceAddress })},
		{"LETTERS_PER_FILE", false, func(c *Config, v string) error { return parseInt(v, &c.LettersPerFile) }},
		{"RENDER_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.RenderTimeout) }},
		{"RENDER_MAX_PAGES", false, func(c *Config, v string) error { return parseInt(v, &c.RenderMaxPages) }},
		{"ROSTER_MAX_CELL_BYTES", false, func(c *Config, v string) error { return parseInt(v, &c.RosterMaxCellBytes) }},
		{"ROSTER_MAX_COLUMNS", false, func(c *Config, v string) error { return parseInt(v, &c.RosterMaxColumns) }},
		{"ROSTER_MAX_ROW_BYTES", false, func(c *Config, v string) error { return parseInt(v, &c.RosterMaxRowBytes) }},
		{"ROSTER_MAX_XLSX_EXPANDED_BYTES", false, func(c *Config, v string) error { return parseInt64(v, &c.RosterMaxXLSXExpandedBytes) }},
		{"ROSTER_MAX_XLSX_RATIO", false, func(c *Config, v string) error { return parseInt(v, &c.RosterMaxXLSXRatio) }},
		{"AUDIT_KEY", true, str(func(c *Config) *string { return &c.AuditKey })},
		{"AUDIT_CHECKPOINT_DIR", false, str(func(c *Config) *string { return &c.AuditCheckpointDir })},
		{"AUDIT_CHECKPOINT_EVERY", false, func(c *Config, v string) error { return parseDuration(v, &c.AuditCheckpointEvery) }},
		{"AUDIT_VERIFY_EVERY", false, func(c *Config, v string) error { return parseDuration(v, &c.AuditVerifyEvery) }},
		{"WORKERS", false, func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			c.Workers = n
			return err
		}},
	}, limitSettings()...)
}

func parseInt64(v string, dst *int64) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return errors.New("not a whole number")
	}
	*dst = n
	return nil
}

func parseInt(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return errors.New("not a whole number")
	}
	*dst = n
	return nil
}

func parseDuration(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return errors.New("not a duration such as 30s or 12h")
	}
	*dst = d
	return nil
}

func parseDurations(v string, dst *[]time.Duration) error {
	var out []time.Duration
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		var d time.Duration
		if err := parseDuration(part, &d); err != nil {
			return errors.New("want durations separated by commas, such as 72h,24h,4h")
		}
		out = append(out, d)
	}
	*dst = out
	return nil
}

func applyEnv(cfg *Config, env map[string]string) error {
	for _, s := range settings() {
		key := "BREACHLINE_" + s.name
		v, ok := env[key]
		if file, fok := env[key+"_FILE"]; s.secret && fok {
			if ok {
				return &Error{Setting: key, Problem: "set both " + key + " and " + key + "_FILE; use one"}
			}
			b, err := os.ReadFile(file) // #nosec G304 -- the operator names the file holding a secret (BREACHLINE_*_FILE)
			if err != nil {
				return &Error{Setting: key + "_FILE", Problem: "cannot read the file it names"}
			}
			v, ok = strings.TrimRight(string(b), "\r\n"), true
		}
		if !ok {
			continue
		}
		if err := s.set(cfg, v); err != nil {
			return &Error{Setting: key, Problem: err.Error()}
		}
	}
	return nil
}

// Validate checks every setting and returns the first problem, naming it.
func (c Config) Validate() error {
	if _, _, err := splitHostPort(c.Listen); err != nil {
		return &Error{Setting: "BREACHLINE_LISTEN", Problem: "want host:port, e.g. 127.0.0.1:8080"}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return &Error{Setting: "BREACHLINE_DATA_DIR", Problem: "must not be empty"}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return &Error{Setting: "BREACHLINE_DATABASE_URL", Problem: "want postgres://… (or empty for the embedded SQLite database)"}
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{Setting: "BREACHLINE_BASE_URL", Problem: "want an absolute http(s) URL"}
	}
	if err := validateSMTP(c.SMTPURL); err != nil {
		return err
	}
	if c.SMTPPoolSize < 1 || c.SMTPPoolSize > 50 {
		return &Error{Setting: "BREACHLINE_SMTP_POOL_SIZE", Problem: "want 1 to 50"}
	}
	if c.SMTPTimeout < 100*time.Millisecond || c.SMTPTimeout > 10*time.Minute {
		return &Error{Setting: "BREACHLINE_SMTP_TIMEOUT", Problem: "want a duration from 100ms to 10m"}
	}
	if err := c.validateDKIM(); err != nil {
		return err
	}
	if err := c.validateLimits(); err != nil {
		return err
	}
	return c.validateRest()
}

func (c Config) validateRest() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &Error{Setting: "BREACHLINE_LOG_LEVEL", Problem: "want debug, info, warn or error"}
	}
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		return &Error{Setting: "BREACHLINE_LOG_FORMAT", Problem: "want auto, json or text"}
	}
	if c.BodyLimit < 1024 {
		return &Error{Setting: "BREACHLINE_BODY_LIMIT", Problem: "must be at least 1024 bytes"}
	}
	if c.UploadLimit < 1024 {
		return &Error{Setting: "BREACHLINE_UPLOAD_LIMIT", Problem: "must be at least 1024 bytes"}
	}
	if c.ShutdownTimeout <= 0 {
		return &Error{Setting: "BREACHLINE_SHUTDOWN_TIMEOUT", Problem: "must be positive"}
	}
	if c.SessionTTL < time.Minute {
		return &Error{Setting: "BREACHLINE_SESSION_TTL", Problem: "must be at least 1m"}
	}
	if err := c.validateAccounts(); err != nil {
		return err
	}
	if c.Workers < 1 || c.Workers > 1000 {
		return &Error{Setting: "BREACHLINE_WORKERS", Problem: "want 1 to 1000"}
	}
	if err := c.validateNotices(); err != nil {
		return err
	}
	if c.RenderTimeout < time.Second {
		return &Error{Setting: "BREACHLINE_RENDER_TIMEOUT", Problem: "must be at least 1s"}
	}
	if c.RenderMaxPages < 10 || c.RenderMaxPages > 100000 {
		return &Error{Setting: "BREACHLINE_RENDER_MAX_PAGES", Problem: "want 10 to 100000"}
	}
	if err := c.validateRosterLimits(); err != nil {
		return err
	}
	if err := validateClosures(c.Closures); err != nil {
		return err
	}
	if err := c.validateAudit(); err != nil {
		return err
	}
	return validateLeads(c.ReminderLeads)
}

func (c Config) validateAccounts() error {
	if c.SessionIdle < time.Minute || c.SessionIdle > c.SessionTTL {
		return &Error{Setting: "BREACHLINE_SESSION_IDLE", Problem: "must be at least 1m and at most BREACHLINE_SESSION_TTL"}
	}
	if c.TokenMaxTTL < time.Hour {
		return &Error{Setting: "BREACHLINE_TOKEN_MAX_TTL", Problem: "must be at least 1h"}
	}
	if c.PasswordMemoryKiB < 1024 || c.PasswordMemoryKiB > 4<<20 {
		return &Error{Setting: "BREACHLINE_PASSWORD_MEMORY_KIB", Problem: "want 1024 to 4194304 (KiB)"}
	}
	if c.PasswordIterations < 1 || c.PasswordIterations > 100 {
		return &Error{Setting: "BREACHLINE_PASSWORD_ITERATIONS", Problem: "want 1 to 100"}
	}
	if c.PasswordParallelism < 1 || c.PasswordParallelism > 64 {
		return &Error{Setting: "BREACHLINE_PASSWORD_PARALLELISM", Problem: "want 1 to 64"}
	}
	if c.SigninLockAfter < 3 || c.SigninLockAfter > 1000 {
		return &Error{Setting: "BREACHLINE_SIGNIN_LOCK_AFTER", Problem: "want 3 to 1000"}
	}
	if c.SigninLockFor < time.Minute {
		return &Error{Setting: "BREACHLINE_SIGNIN_LOCK_FOR", Problem: "must be at least 1m"}
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return &Error{Setting: "BREACHLINE_TRUSTED_PROXIES", Problem: fmt.Sprintf("%q is not an address or CIDR range", p)}
			}
		}
	}
	return nil
}

func (c Config) validateNotices() error {
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		return &Error{Setting: "BREACHLINE_SECRET_KEY", Problem: "must be at least 32 characters (e.g. openssl rand -hex 32)"}
	}
	if c.SecretKey == "" && c.UsesPostgres() {
		return &Error{Setting: "BREACHLINE_SECRET_KEY", Problem: "is required with PostgreSQL: every serve and worker process must derive the same notice codes (set it, or BREACHLINE_SECRET_KEY_FILE, e.g. from openssl rand -hex 32)"}
	}
	if c.NoticePerSecond < 0 || c.NoticePerHour < 0 || c.NoticePauseAfter < 0 {
		return &Error{Setting: "BREACHLINE_NOTICE_PER_SECOND", Problem: "caps and the pause threshold cannot be negative"}
	}
	if c.VerifyWindow < time.Second || c.VerifyWindow > 24*time.Hour || c.VerifyPerClient < 1 || c.VerifyGlobal < 1 {
		return &Error{Setting: "BREACHLINE_VERIFY_WINDOW", Problem: "want a window from 1s to 24h and limits of at least 1 (BREACHLINE_VERIFY_PER_CLIENT, BREACHLINE_VERIFY_GLOBAL)"}
	}
	if c.NoticeMaxAttempts < 1 || c.NoticeMaxAttempts > 50 {
		return &Error{Setting: "BREACHLINE_NOTICE_MAX_ATTEMPTS", Problem: "want 1 to 50"}
	}
	if c.NoticeRetryBase < 10*time.Millisecond || c.NoticeRetryBase > time.Hour {
		return &Error{Setting: "BREACHLINE_NOTICE_RETRY_BASE", Problem: "want a duration from 10ms to 1h"}
	}
	if c.NoticeLease < time.Second || c.NoticeLease > time.Minute {
		return &Error{Setting: "BREACHLINE_NOTICE_LEASE", Problem: "want a duration from 1s to 1m (a dead worker's notices wait this long before another sends them)"}
	}
	if c.LettersPerFile < 1 || c.LettersPerFile > 5000 {
		return &Error{Setting: "BREACHLINE_LETTERS_PER_FILE", Problem: "want 1 to 5000"}
	}
	if c.BounceAddress != "" && !strings.Contains(c.BounceAddress, "@") {
		return &Error{Setting: "BREACHLINE_BOUNCE_ADDRESS", Problem: "want an address such as bounces@example.org"}
	}
	return nil
}

// validateAudit wants an audit key with PostgreSQL (every process must key
// the chain alike), distinct from the installation's secret.
func (c Config) validateAudit() error {
	const key = "BREACHLINE_AUDIT_KEY"
	switch {
	case c.AuditKey != "" && len(c.AuditKey) < 32:
		return &Error{Setting: key, Problem: "must be at least 32 characters (e.g. openssl rand -hex 32)"}
	case c.AuditKey == "" && c.UsesPostgres():
		return &Error{Setting: key, Problem: "is required with PostgreSQL: every serve and worker process must key the audit chain alike (set it, or BREACHLINE_AUDIT_KEY_FILE, e.g. from openssl rand -hex 32)"}
	case c.AuditKey != "" && c.AuditKey == c.SecretKey:
		return &Error{Setting: key, Problem: "must not be the same as BREACHLINE_SECRET_KEY"}
	case c.AuditCheckpointEvery < time.Hour:
		return &Error{Setting: "BREACHLINE_AUDIT_CHECKPOINT_EVERY", Problem: "must be at least 1h"}
	case c.AuditVerifyEvery < time.Minute || c.AuditVerifyEvery > c.AuditCheckpointEvery:
		return &Error{Setting: "BREACHLINE_AUDIT_VERIFY_EVERY", Problem: "must be at least 1m and at most BREACHLINE_AUDIT_CHECKPOINT_EVERY"}
	}
	return nil
}

// CheckpointDir is where audit checkpoints are written.
func (c Config) CheckpointDir() string {
	if c.AuditCheckpointDir != "" {
		return c.AuditCheckpointDir
	}
	return filepath.Join(c.DataDir, "audit-checkpoints")
}

// validateRosterLimits keeps the roster file limits within what a roster
// can need and what a server can afford: a cell up to Excel's 32,767
// characters of any script, rows of Excel's 16,384 columns, workbooks of a
// million rows.
func (c Config) validateRosterLimits() error {
	checks := []struct {
		setting  string
		value    int64
		min, max int64
		want     string
	}{
		{"BREACHLINE_ROSTER_MAX_CELL_BYTES", int64(c.RosterMaxCellBytes), 1 << 10, 64 << 20, "want 1024 to 67108864 bytes"},
		{"BREACHLINE_ROSTER_MAX_COLUMNS", int64(c.RosterMaxColumns), 10, 16384, "want 10 to 16384 columns"},
		{"BREACHLINE_ROSTER_MAX_ROW_BYTES", int64(c.RosterMaxRowBytes), 4 << 10, 256 << 20, "want 4096 to 268435456 bytes"},
		{"BREACHLINE_ROSTER_MAX_XLSX_EXPANDED_BYTES", c.RosterMaxXLSXExpandedBytes, 1 << 20, 4 << 30, "want 1048576 to 4294967296 bytes"},
		{"BREACHLINE_ROSTER_MAX_XLSX_RATIO", int64(c.RosterMaxXLSXRatio), 10, 10000, "want 10 to 10000"},
	}
	for _, ch := range checks {
		if ch.value < ch.min || ch.value > ch.max {
			return &Error{Setting: ch.setting, Problem: ch.want}
		}
	}
	if c.RosterMaxCellBytes > c.RosterMaxRowBytes {
		return &Error{Setting: "BREACHLINE_ROSTER_MAX_CELL_BYTES", Problem: "must not exceed BREACHLINE_ROSTER_MAX_ROW_BYTES"}
	}
	return nil
}

// validateLeads accepts up to ten distinct lead times between one minute
// and thirty days; none at all turns lead reminders off.
func validateLeads(leads []time.Duration) error {
	if len(leads) > 10 {
		return &Error{Setting: "BREACHLINE_REMINDER_LEADS", Problem: "at most 10 lead times"}
	}
	seen := map[time.Duration]bool{}
	for _, d := range leads {
		if d < time.Minute || d > 30*24*time.Hour {
			return &Error{Setting: "BREACHLINE_REMINDER_LEADS", Problem: "each lead time must be between 1m and 720h"}
		}
		if seen[d] {
			return &Error{Setting: "BREACHLINE_REMINDER_LEADS", Problem: "lead time " + d.String() + " is listed twice"}
		}
		seen[d] = true
	}
	return nil
}

func validateSMTP(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		// The URL may hold a password: never echo it.
		return &Error{Setting: "BREACHLINE_SMTP_URL", Problem: "want smtp://[user:pass@]host:port or smtps://…"}
	}
	return nil
}

// validateDKIM wants all three DKIM settings or none, and loads the key
// to check it; problems name the setting and never quote the key.
func (c Config) validateDKIM() error {
	settings := []struct{ name, value string }{
		{"BREACHLINE_DKIM_KEY_FILE", c.DKIMKeyFile},
		{"BREACHLINE_DKIM_SELECTOR", c.DKIMSelector},
		{"BREACHLINE_DKIM_DOMAIN", c.DKIMDomain},
	}
	if c.DKIMKeyFile == "" && c.DKIMSelector == "" && c.DKIMDomain == "" {
		return nil
	}
	for _, s := range settings {
		if strings.TrimSpace(s.value) == "" {
			return &Error{Setting: s.name, Problem: "DKIM signing needs BREACHLINE_DKIM_KEY_FILE, BREACHLINE_DKIM_SELECTOR and BREACHLINE_DKIM_DOMAIN together; this one is empty"}
		}
	}
	_, err := mail.LoadDKIM(c.DKIMDomain, c.DKIMSelector, c.DKIMKeyFile)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mail.ErrDKIMDomain):
		return &Error{Setting: settings[2].name, Problem: err.Error()}
	case errors.Is(err, mail.ErrDKIMSelector):
		return &Error{Setting: settings[1].name, Problem: err.Error()}
	}
	return &Error{Setting: settings[0].name, Problem: err.Error()}
}

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", 0, errors.New("no port")
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, errors.New("bad port")
	}
	return addr[:i], port, nil
}

// SQLitePath is the database file used when DatabaseURL is empty.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "breachline.db") }

// OutboxDir is where messages go when SMTPURL is empty.
func (c Config) OutboxDir() string { return filepath.Join(c.DataDir, "outbox") }

// UsesPostgres reports whether the configuration selects PostgreSQL.
func (c Config) UsesPostgres() bool { return c.DatabaseURL != "" }

// parseClosures reads CALENDAR:YYYY-MM-DD:name entries separated by ";",
// e.g. "US-SEC-EDGAR:2026-12-24:Executive order closure".
func parseClosures(c *Config, v string) error {
	c.Closures = nil
	for _, item := range strings.Split(v, ";") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		parts := strings.SplitN(strings.TrimSpace(item), ":", 3)
		if len(parts) != 3 {
			return fmt.Errorf("%q: want CALENDAR:YYYY-MM-DD:name", item)
		}
		c.Closures = append(c.Closures, Closure{Calendar: parts[0], Date: parts[1], Name: parts[2]})
	}
	return nil
}

func validateClosures(list []Closure) error {
	for i, cl := range list {
		where := fmt.Sprintf("closures[%d]", i)
		if strings.TrimSpace(cl.Calendar) == "" || strings.TrimSpace(cl.Name) == "" {
			return &Error{Setting: where, Problem: "calendar and name are required"}
		}
		if _, err := time.Parse("2006-01-02", cl.Date); err != nil {
			return &Error{Setting: where + ".date", Problem: fmt.Sprintf("%q is not a date like 2026-12-24", cl.Date)}
		}
	}
	return nil
}
