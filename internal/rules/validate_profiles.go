package rules

import (
	"fmt"
)

var exemptionKinds = map[string]bool{ExemptOutright: true, ExemptDeemedCompliant: true, ExemptSafeHarbour: true, ExemptUnknown: true}
var leEffects = map[string]bool{LEHold: true, LEToll: true, LERestart: true}

// validateProfiles checks profiles.yaml: known regions, data categories,
// statuses and conditions, versions that parse and do not overlap.
func (c *Catalogue) validateProfiles(keys map[string]bool) []error {
	var errs []error
	for i, id := range c.Profiles.Candidates {
		if !hasTerm(c.Vocabulary.DataCategories, id) {
			errs = append(errs, fmt.Errorf("rules: %s: candidates[%d]: unknown data category %q", profilesFile, i, id))
		}
	}
	all := make([]string, len(c.Vocabulary.Questions))
	for i, q := range c.Vocabulary.Questions {
		all[i] = q.ID
	}
	for name, cond := range c.Profiles.Conditions {
		v := &ruleValidator{cat: c, keys: keys, r: &Rule{Family: profilesFile, ID: "conditions." + name, Version: "-", Questions: all}}
		v.cond("condition", cond)
		errs = append(errs, v.errs...)
	}
	for _, p := range c.Profiles.Profiles {
		v := &ruleValidator{cat: c, keys: keys, r: &Rule{Family: profilesFile, ID: "profile " + p.Region, Version: "-", Questions: all}}
		v.profile(p)
		errs = append(errs, v.errs...)
	}
	return errs
}

func (v *ruleValidator) profile(p *Profile) {
	if !v.cat.Vocabulary.validRegion(p.Region) {
		v.fail("region", "unknown region %q", p.Region)
	}
	if p.Statute == "" || p.Definition.Citation == "" {
		v.fail("statute", "the statute and the definition's citation are required")
	}
	v.definition(&p.Definition)
	for i := range p.Exemptions {
		v.exemption(fmt.Sprintf("exemptions[%d]", i), &p.Exemptions[i])
	}
	if le := p.LawEnforcement; le != nil {
		v.lawEnforcement(le)
	}
}

func (v *ruleValidator) definition(d *Definition) {
	if len(d.Versions) == 0 {
		v.fail("definition.versions", "at least one version is required")
	}
	for i := range d.Versions {
		dv := &d.Versions[i]
		field := fmt.Sprintf("definition.versions[%d]", i)
		var err error
		if dv.from, err = parseCivil(dv.From); err != nil {
			v.fail(field+".from", "%v", err)
		}
		if dv.to, err = parseCivil(dv.To); err != nil {
			v.fail(field+".to", "%v", err)
		}
		if !statuses[dv.Status] {
			v.fail(field+".status", "%q is not verified, secondary or unverified", dv.Status)
		}
		v.terms(field+".data", dv.Data, v.cat.Vocabulary.DataCategories, "data category")
		if len(dv.Excludes) > 0 && dv.Status == StatusUnverified {
			v.fail(field+".excludes", "an unverified definition cannot exclude categories: list only what a checked source says it leaves out")
		}
		for j, id := range dv.Excludes {
			if !hasTerm(v.cat.Vocabulary.DataCategories, id) || contains(dv.Data, id) {
				v.fail(fmt.Sprintf("%s.excludes[%d]", field, j), "%q is unknown or also covered", id)
			}
		}
		for j := 0; j < i; j++ {
			a := &d.Versions[j]
			if overlap(&Rule{from: a.from, to: a.to}, &Rule{from: dv.from, to: dv.to}) {
				v.fail(field+".from", "overlaps versions[%d]", j)
			}
		}
	}
}

func (v *ruleValidator) exemption(field string, e *Exemption) {
	if !exemptionKinds[e.Kind] {
		v.fail(field+".kind", "%q is not exemption, deemed_compliant, safe_harbour or unknown", e.Kind)
	}
	if e.Label == "" || e.Citation == "" || !statuses[e.Status] {
		v.fail(field, "needs label, citation and a status (verified, secondary or unverified)")
	}
	if e.When == nil {
		v.fail(field+".when", "an exemption needs the condition it applies under")
	}
	if e.Kind == ExemptDeemedCompliant && !v.keys[e.SatisfiedBy] {
		v.fail(field+".satisfied_by", "unknown duty key %q", e.SatisfiedBy)
	}
	v.cond(field+".when", e.When)
	v.cond(field+".unless", e.Unless)
}

func (v *ruleValidator) lawEnforcement(le *LEDelay) {
	if !leEffects[le.Effect] {
		v.fail("law_enforcement.effect", "%q is not hold, toll or restart", le.Effect)
	}
	if le.Citation == "" || !statuses[le.Status] {
		v.fail("law_enforcement", "needs a citation and a status")
	}
	if le.Effect == LERestart && (le.BusinessDays == nil || le.Calendar == "") {
		v.fail("law_enforcement", "restart needs business_days and a calendar")
	}
}
