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
}

// DefaultLimits are the built-in bounds.
func DefaultLimits() Limits {
	return Limits{
		ReadWriteWait: 500 * time.Millisecond,
	}
}

// limitSettings are the environment variables of the Limits.
func limitSettings() []setting {
	return []setting{
		{"READ_WRITE_WAIT", false, func(c *Config, v string) error { return parseDuration(v, &c.ReadWriteWait) }},
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
	return checkBounds([]bound{
		{"BREACHLINE_READ_WRITE_WAIT", int64(c.ReadWriteWait), int64(10 * time.Millisecond), int64(time.Minute), "want a duration from 10ms to 1m"},
	})
}
