package rules

import (
	"fmt"
	"io/fs"
	"time"
)

// profilesFile holds the jurisdiction profiles rather than rules.
const profilesFile = "profiles.yaml"

// Kinds of Exemption.
const (
	// ExemptOutright: the statute does not apply to the organization
	// (N.M. Stat. §57-12C-8: persons subject to HIPAA or GLBA).
	ExemptOutright = "exemption"
	// ExemptDeemedCompliant: complying with another regime (a federal
	// notice) is compliance with this duty; the duty is satisfied by it.
	ExemptDeemedCompliant = "deemed_compliant"
	// ExemptSafeHarbour: the data falls outside the breach definition
	// (encrypted, the key not compromised).
	ExemptSafeHarbour = "safe_harbour"
	// ExemptUnknown records that whether such a clause exists has not
	// been checked: it is listed for counsel and never applied.
	ExemptUnknown = "unknown"
)

// Effects of a law-enforcement delay on a duty's clock.
const (
	// LEHold: notice waits while the delay lasts and is then due as the
	// statute's standard says; there is no date to move.
	LEHold = "hold"
	// LEToll: the period stops running while the delay lasts.
	LEToll = "toll"
	// LERestart: a new period runs from the end of the delay (Maine: 7
	// business days after law enforcement clears notice).
	LERestart = "restart"
)

// Profiles is the content of profiles.yaml: what each jurisdiction's
// breach statute says beyond a single duty.
type Profiles struct {
	// Candidates are the data categories that some jurisdiction's
	// definition covers. A category a definition neither covers nor
	// excludes on a checked source is uncertain for it.
	Candidates []string `yaml:"candidates"`
	// Conditions hold shared conditions, referenced by YAML anchors.
	Conditions map[string]*Cond `yaml:"conditions"`
	Profiles   []*Profile       `yaml:"profiles"`
}

// Profile is one jurisdiction's statute: the personal information it
// covers, its exemptions and safe harbours, and its law-enforcement delay.
// Rules name it with `profile:`.
type Profile struct {
	Region         string      `yaml:"region"`
	Statute        string      `yaml:"statute"`
	Definition     Definition  `yaml:"definition"`
	Exemptions     []Exemption `yaml:"exemptions"`
	LawEnforcement *LEDelay    `yaml:"law_enforcement"`
}

// Definition is a jurisdiction's definition of covered personal
// information, in versions by effective date.
type Definition struct {
	Citation string              `yaml:"citation"`
	Versions []DefinitionVersion `yaml:"versions"`
}

// DefinitionVersion is the definition in force from From to To
// (inclusive civil dates; empty = open).
type DefinitionVersion struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Data are the categories the definition covers.
	Data []string `yaml:"data"`
	// Excludes are categories a checked source says it does not cover.
	Excludes []string `yaml:"excludes"`
	Status   string   `yaml:"status"`
	Note     string   `yaml:"note"`

	from, to time.Time
}

// Exemption is a clause that takes a duty away, or makes another duty
// satisfy it. An exemption whose status is unverified is never applied:
// it is shown as an alternative reading after the conservative one.
type Exemption struct {
	Kind  string `yaml:"kind"`
	Label string `yaml:"label"`
	When  *Cond  `yaml:"when"`
	// Unless is the exception to the exemption (the encryption key was
	// compromised too).
	Unless *Cond `yaml:"unless"`
	// Parts limits the exemption to some parts of the state's duties
	// (a deemed-compliant clause covers the notice to individuals; the
	// attorney general must still be told). Empty = every part.
	Parts       []string `yaml:"parts"`
	SatisfiedBy string   `yaml:"satisfied_by"`
	Citation    string   `yaml:"citation"`
	Status      string   `yaml:"status"`
	Note        string   `yaml:"note"`
}

// LEDelay is how a law-enforcement request to delay notice works.
type LEDelay struct {
	Effect string `yaml:"effect"`
	// Parts the delay applies to (default: individuals).
	Parts        []string `yaml:"parts"`
	BusinessDays *int     `yaml:"business_days"`
	Calendar     string   `yaml:"calendar"`
	Citation     string   `yaml:"citation"`
	Status       string   `yaml:"status"`
	Note         string   `yaml:"note"`
}

// loadProfiles reads profiles.yaml when the catalogue has one.
func (c *Catalogue) loadProfiles(fsys fs.FS) error {
	if _, err := fs.Stat(fsys, profilesFile); err != nil {
		return nil
	}
	if err := c.decodeFile(fsys, profilesFile, &c.Profiles); err != nil {
		return err
	}
	c.profiles = map[string]*Profile{}
	for _, p := range c.Profiles.Profiles {
		c.profiles[p.Region] = p
	}
	return nil
}

// Profile returns the profile of a jurisdiction.
func (c *Catalogue) Profile(region string) (*Profile, bool) {
	p, ok := c.profiles[region]
	return p, ok
}

// version returns the definition in force on civil date d.
func (d *Definition) version(day time.Time) (*DefinitionVersion, error) {
	for i := range d.Versions {
		v := &d.Versions[i]
		if (v.from.IsZero() || !day.Before(v.from)) && (v.to.IsZero() || !day.After(v.to)) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("no definition in force on %s", day.Format(time.DateOnly))
}

// appliesToPart reports whether a list of parts (empty = all) holds part.
func appliesToPart(parts []string, part string) bool {
	return len(parts) == 0 || contains(parts, part)
}
