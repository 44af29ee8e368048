package config

import (
	"time"
)

// Limits are bounds on requests and on the work they start that are not
// kept beside the feature they bound in Config (the roster file limits,
// the render budget, the body and upload sizes are). The README's "Limits"
// table lists every bound with its setting.
type Limits struct {
	// ReadWriteWait bounds how long a GET or HEAD request waits for the
	// embedded database's one writer, held by a long transaction (an
	// import), to record something on the side: the side write is then
	// skipped, or the request answered 503 when its record must be kept (an
	// audit record of a read of personal data).
	ReadWriteWait time.Duration `yaml:"read_write_wait"`
	// HeaderTimeout bounds the time a client takes to send a request's
	// headers; HeaderLimit their size in bytes.
	HeaderTimeout time.Duration `yaml:"header_timeout"`
	HeaderLimit   int           `yaml:"header_limit"`
	// ReadTimeout bounds the time a client takes to send a whole request,
	// body included (a roster upload on a slow line).
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// IdleTimeout closes a keep-alive connection idle this long.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// QueryMaxBytes bounds one query parameter (a search, a filter), in
	// bytes; QueryMaxParams the parameters of one request.
	QueryMaxBytes  int `yaml:"query_max_bytes"`
	QueryMaxParams int `yaml:"query_max_params"`
	// JSONMaxDepth bounds how deep a JSON body nests; JSONMaxItems how many
	// items one of its arrays holds.
	JSONMaxDepth int `yaml:"json_max_depth"`
	JSONMaxItems int `yaml:"json_max_items"`
	// RosterMaxRows bounds the rows of one roster file (accepted and
	// rejected together).
	RosterMaxRows int64 `yaml:"roster_max_rows"`
	// CalendarMaxEvents bounds the events of one calendar feed: the
	// deadlines due latest are kept.
	CalendarMaxEvents int `yaml:"calendar_max_events"`
}

// DefaultLimits are the built-in bounds.
func DefaultLimits() Limits {
	return Limits{
		ReadWriteWait:     500 * time.Millisecond,
		HeaderTimeout:     10 * time.Second,
		HeaderLimit:       64 << 10,
		ReadTimeout:       10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		QueryMaxBytes:     2048,
		QueryMaxParams:    50,
		JSONMaxDepth:      20,
		JSONMaxItems:      10000,
		RosterMaxRows:     10_000_000,
		CalendarMaxEvents: 5000,
	}
}

// limitSettings are the environment variables of the Limits.
func limitSettings() []setting {
	return []setting{
		{"READ_WRITE_WAIT", false, func(c *Config, v string) error { return parseDuration(v, &c.ReadWriteWait) }},
		{"HEADER_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.HeaderTimeout) }},
		{"HEADER_LIMIT", false, func(c *Config, v string) error { return parseInt(v, &c.HeaderLimit) }},
		{"READ_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.ReadTimeout) }},
		{"IDLE_TIMEOUT", false, func(c *Config, v string) error { return parseDuration(v, &c.IdleTimeout) }},
		{"QUERY_MAX_BYTES", false, func(c *Config, v string) error { return parseInt(v, &c.QueryMaxBytes) }},
		{"QUERY_MAX_PARAMS", false, func(c *Config, v string) error { return parseInt(v, &c.QueryMaxParams) }},
		{"JSON_MAX_DEPTH", false, func(c *Config, v string) error { return parseInt(v, &c.JSONMaxDepth) }},
		{"JSON_MAX_ITEMS", false, func(c *Config, v string) error { return parseInt(v, &c.JSONMaxItems) }},
		{"ROSTER_MAX_ROWS", false, func(c *Config, v string) error { return parseInt64(v, &c.RosterMaxRows) }},
		{"CALENDAR_MAX_EVENTS", false, func(c *Config, v string) error { return parseInt(v, &c.CalendarMaxEvents) }},
	}
}

// bound is one numeric limit and its allowed range, for validation.
type bound struct {
	setting  string
	value    int64
	min, max int64
	problem  string
}

func checkBounds(list []bound) error {
	for _, b := range list {
		if b.value < b.min || b.value > b.max {
			return &Error{Setting: b.setting, Problem: b.problem}
		}
	}
	return nil
}

// validateLimits keeps every limit within a range the service can work in.
func (c Config) validateLimits() error {
	d := func(v time.Duration) int64 { return int64(v) }
	return checkBounds([]bound{
		{"BREACHLINE_READ_WRITE_WAIT", d(c.ReadWriteWait), d(10 * time.Millisecond), d(time.Minute), "want a duration from 10ms to 1m"},
		{"BREACHLINE_HEADER_TIMEOUT", d(c.HeaderTimeout), d(time.Second), d(5 * time.Minute), "want a duration from 1s to 5m"},
		{"BREACHLINE_HEADER_LIMIT", int64(c.HeaderLimit), 4 << 10, 1 << 20, "want 4096 to 1048576 bytes"},
		{"BREACHLINE_READ_TIMEOUT", d(c.ReadTimeout), d(10 * time.Second), d(24 * time.Hour), "want a duration from 10s to 24h"},
		{"BREACHLINE_IDLE_TIMEOUT", d(c.IdleTimeout), d(time.Second), d(time.Hour), "want a duration from 1s to 1h"},
		{"BREACHLINE_QUERY_MAX_BYTES", int64(c.QueryMaxBytes), 256, 1 << 20, "want 256 to 1048576 bytes"},
		{"BREACHLINE_QUERY_MAX_PARAMS", int64(c.QueryMaxParams), 10, 10000, "want 10 to 10000"},
		{"BREACHLINE_JSON_MAX_DEPTH", int64(c.JSONMaxDepth), 5, 1000, "want 5 to 1000 levels"},
		{"BREACHLINE_JSON_MAX_ITEMS", int64(c.JSONMaxItems), 100, 10_000_000, "want 100 to 10000000 items"},
		{"BREACHLINE_ROSTER_MAX_ROWS", c.RosterMaxRows, 1000, 1_000_000_000, "want 1000 to 1000000000 rows"},
		{"BREACHLINE_CALENDAR_MAX_EVENTS", int64(c.CalendarMaxEvents), 10, 1_000_000, "want 10 to 1000000 events"},
	})
}
