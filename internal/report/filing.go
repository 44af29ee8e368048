package report

import (
	"fmt"
	"io"
)

// field is one content item of a filing.
type field struct {
	key      string // catalogue key (see FieldKeys) or answer key
	label    string // the form's wording, in the filing's language
	why      string // the provision that asks for it
	optional bool   // the law asks for it only "if known" or the form marks it optional
	long     bool   // printed as a paragraph under its label
	fallback string // printed when the value is empty (a fixed answer of the form)
}

// section is a titled group of fields.
type section struct {
	title  string
	fields []field
}

// req, opt, para and paraOpt build fields tersely in the kind tables.
func req(key, label, why string) field { return field{key: key, label: label, why: why} }
func opt(key, label, why string) field {
	return field{key: key, label: label, why: why, optional: true}
}
func para(key, label, why string) field { return field{key: key, label: label, why: why, long: true} }
func paraOpt(key, label, why string) field {
	return field{key: key, label: label, why: why, long: true, optional: true}
}

// filingSpec is the layout of one regulator filing.
type filingSpec struct {
	title    string
	subtitle string
	lang     string
	paper    string
	notes    []string // printed under the title, e.g. the form's own warnings
	sections []section
	// citation and standard, when set, are printed in the filing's own
	// language instead of the obligation's (stored in English).
	citation string
	standard string
}

// missingFields lists every field of a spec that the filing prints as not
// yet known: the required ones first, then those asked for only if known
// (marked Optional).
func missingFields(spec filingSpec, v *view) []Missing {
	var req, opt []Missing
	for _, s := range spec.sections {
		for _, f := range s.fields {
			if f.fallback != "" || v.value(f.key) != "" {
				continue
			}
			m := Missing{Field: f.key, Label: f.label, Why: f.why, Optional: f.optional}
			if f.optional {
				opt = append(opt, m)
			} else {
				req = append(req, m)
			}
		}
	}
	return append(req, opt...)
}

// renderFiling lays out a filing: the stage block, every section, and the list
// of content still to come.
func renderFiling(spec filingSpec, in Input, w io.Writer) error {
	stage, err := normStage(in.Stage)
	if err != nil {
		return err
	}
	in.Stage = stage
	v := newView(in, spec.lang)
	d := newDoc(metaFor(in, v, spec.title, spec.subtitle, spec.paper))
	for _, n := range spec.notes {
		d.note(n)
	}
	d.stageBlock(v, spec)
	for _, s := range spec.sections {
		d.heading(s.title)
		for _, f := range s.fields {
			d.printField(f, v)
		}
	}
	if miss := missingFields(spec, v); len(miss) > 0 {
		d.heading(v.w.missing)
		d.note(v.w.missingNote)
		for _, m := range miss {
			why := m.Why
			if m.Optional {
				why = joinComma(why, v.w.optional)
			}
			d.paragraph("• " + m.Label + " (" + why + ")")
		}
	}
	return d.finish(w)
}

// printField prints a field's value, the form's fixed answer, or the "not yet known" text.
func (d *doc) printField(f field, v *view) {
	value := v.value(f.key)
	if value == "" {
		value = f.fallback
	}
	if value == "" {
		value = v.w.notKnown
	}
	if f.long {
		d.block(f.label, value)
		return
	}
	d.field(f.label, value)
}

// stageBlock prints the stage, the obligation answered and any earlier
// reference. A duty that is not required has no due line: a voluntary
// filing is not late.
func (d *doc) stageBlock(v *view, spec filingSpec) {
	d.field(v.w.stage, stageLabel(v.in.Stage, v.w))
	ob := v.in.Obligation
	if ob == nil {
		return
	}
	l := obligationLabels(v.w.code)
	if c := firstNonEmpty(spec.citation, ob.Citation); c != "" {
		d.field(l.citation, c)
	}
	required := ob.Required == nil || *ob.Required
	switch {
	case !required:
	case ob.Due != nil:
		d.field(l.due, v.time(*ob.Due))
	case spec.standard != "":
		d.field(l.due, spec.standard)
	case ob.Standard != "" && spec.lang != "fr":
		d.field(l.due, ob.Standard)
	}
	if ob.FilingReference != "" && v.in.Stage != StagePreliminary {
		d.field(l.prior, ob.FilingReference)
	}
}

type obLabels struct{ citation, due, prior string }

func obligationLabels(lang string) obLabels {
	if lang == "fr" {
		return obLabels{citation: "Fondement", due: "Échéance", prior: "Référence du dossier à la Commission"}
	}
	return obLabels{citation: "Provision", due: "Due", prior: "Regulator's reference for the earlier report"}
}

// metaFor builds the page chrome of a document.
func metaFor(in Input, v *view, title, subtitle, paper string) docMeta {
	id := in.DocumentID
	if id == "" {
		id = fmt.Sprintf("%s-%s", in.Breach.Reference, in.GeneratedAt.UTC().Format("20060102T150405Z"))
	}
	org := in.Org.Name
	if org == "" {
		org = in.Org.LegalName
	}
	return docMeta{
		title: title, subtitle: subtitle, org: org, reference: in.Breach.Reference,
		docID: id, generated: in.GeneratedAt, zone: v.zone, preparer: in.PreparedBy.line(),
		paper: paper, w: v.w, budget: in.budget,
	}
}
