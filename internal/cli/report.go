package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/document"
	"github.com/breachline/breachline/internal/report"
)

// reportFlags are the options of breachline report.
type reportFlags struct {
	list               bool
	breachRef, orgRef  string
	kind, stage, state string
	from, to           string
	year               int
	out                string
	obligation         string
	preparedBy         string
}

func (e *env) reportCmd() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Generate and store a filing, summary, breach register or annual statistics as PDF",
		Long: `Generate a document, store it as a new version (with its sha256) and write the PDF.

  breachline report --list
  breachline report --breach BR-2025-0007 --kind on-ipc-phipa --stage preliminary --out filing.pdf
  breachline report --breach BR-2025-0007 --kind generic --obligation US-TX/ag --prepared-by "Dana Okafor, Privacy Officer"
  breachline report --kind register --organization acme --from 2025-01-01 --to 2026-01-01 --out register.pdf
  breachline report --kind phipa-annual-stats --organization acme --year 2025 --out stats.pdf

"Prepared by" names the person given with --prepared-by ("Name, Role", or the
e-mail address of a member of the organization, whose name and role are used),
else the one operator of the installation who is a member; with neither, no
preparer is printed. Content still missing is listed on standard error (items
asked for only if known are marked optional); the document id and sha256 go to
standard output. Registers and statistics also write a CSV beside the PDF.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.list {
				return e.listKinds()
			}
			return e.runReport(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.list, "list", false, "list the document kinds with their titles and regulators")
	fl.StringVar(&f.breachRef, "breach", "", "breach reference, e.g. BR-2025-0007")
	fl.StringVar(&f.orgRef, "organization", "", "organization slug or id (required for registers and statistics)")
	fl.StringVar(&f.kind, "kind", "", "document kind (see --list)")
	fl.StringVar(&f.stage, "stage", "", "filing stage: preliminary, update or final")
	fl.StringVar(&f.state, "state", "", "two-letter US state for us-state-ag")
	fl.StringVar(&f.from, "from", "", "register period start (date or RFC 3339), inclusive")
	fl.StringVar(&f.to, "to", "", "register period end (date or RFC 3339), exclusive")
	fl.IntVar(&f.year, "year", 0, "calendar year for annual statistics")
	fl.StringVar(&f.out, "out", "", "PDF file to write (default: the document id .pdf)")
	fl.StringVar(&f.obligation, "obligation", "", "the obligation the filing answers: its rule key (US-TX/ag) or id; required for generic")
	fl.StringVar(&f.preparedBy, "prepared-by", "", `who prepared the document: "Name, Role" or a member's e-mail address`)
	return cmd
}

func (e *env) listKinds() error {
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tFOR\tTITLE\tREGULATOR")
	for _, k := range document.Kinds() {
		scope := "breach"
		if document.OrganizationKind(k.ID) {
			scope = "organization"
		}
		reg := k.Regulator
		if reg == "" {
			reg = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, scope, k.Title, reg)
	}
	return tw.Flush()
}

// checkKind refuses an unknown kind before touching the database.
func checkKind(kind string) error {
	ids := make([]string, 0, 24)
	for _, k := range document.Kinds() {
		if k.ID == kind {
			return nil
		}
		ids = append(ids, k.ID)
	}
	if kind == "" {
		return fmt.Errorf("--kind is required; one of: %s", strings.Join(ids, ", "))
	}
	return fmt.Errorf("unknown document kind %q; valid kinds: %s", kind, strings.Join(ids, ", "))
}

func (e *env) runReport(ctx context.Context, f reportFlags) error {
	if err := checkKind(f.kind); err != nil {
		return err
	}
	org := document.OrganizationKind(f.kind)
	if !org && f.breachRef == "" {
		return fmt.Errorf("--breach is required for %s", f.kind)
	}
	if org && f.orgRef == "" {
		return fmt.Errorf("--organization is required for %s", f.kind)
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := e.generateReport(ctx, a, f)
	if err != nil {
		return err
	}
	return e.writeReport(d, f.out)
}

// operator is the command line's principal: the operator acts with an
// administrator's authority in the organization concerned.
func operator(orgID int64) document.Call {
	return document.Call{P: &auth.Principal{User: auth.User{Email: "cli"}, Memberships: map[int64]auth.Role{orgID: auth.RoleAdmin}, Via: "cli"}}
}

func (e *env) generateReport(ctx context.Context, a *app.App, f reportFlags) (document.Document, error) {
	var orgID int64
	var loc *time.Location
	if f.orgRef != "" {
		o, err := a.Auth.OrganizationByRef(ctx, f.orgRef)
		if err != nil {
			return document.Document{}, err
		}
		orgID, loc = o.ID, o.Location()
	}
	if document.OrganizationKind(f.kind) {
		var err error
		if ctx, err = e.withPreparer(ctx, a, orgID, f); err != nil {
			return document.Document{}, err
		}
	}
	switch f.kind {
	case "register":
		from, okFrom := document.ParseBound(f.from, loc)
		to, okTo := document.ParseBound(f.to, loc)
		if !okFrom || !okTo {
			return document.Document{}, errors.New("--from and --to take a date (2025-01-01) or an RFC 3339 time")
		}
		return a.Documents.Register(ctx, operator(orgID), orgID, from, to)
	case "phipa-annual-stats", "fippa-annual-stats":
		return a.Documents.AnnualStatistics(ctx, operator(orgID), orgID, f.kind, f.year)
	}
	var slug string
	if f.orgRef != "" {
		slug = f.orgRef
	}
	b, err := findBreach(ctx, a, f.breachRef, slug)
	if err != nil {
		return document.Document{}, err
	}
	if ctx, err = e.withPreparer(ctx, a, b.OrganizationID, f); err != nil {
		return document.Document{}, err
	}
	req := document.Request{Kind: f.kind, Stage: f.stage, State: f.state}
	if f.obligation != "" {
		id, err := findObligation(ctx, a, b.ID, f.obligation)
		if err != nil {
			return document.Document{}, err
		}
		req.ObligationID = &id
	}
	return a.Documents.Generate(ctx, operator(b.OrganizationID), b.ID, req)
}

// findObligation resolves --obligation: an obligation id, or the rule key
// of one of the breach's obligations (US-TX/ag, US-HIPAA-MEDIA@US-CA).
func findObligation(ctx context.Context, a *app.App, breachID int64, ref string) (int64, error) {
	list, err := a.Obligations.ForBreach(ctx, a.DB.Gorm, breachID)
	if err != nil {
		return 0, err
	}
	keys := make([]string, 0, len(list))
	for _, o := range list {
		if o.RuleKey == ref || strconv.FormatInt(o.ID, 10) == ref {
			return o.ID, nil
		}
		keys = append(keys, o.RuleKey)
	}
	return 0, fmt.Errorf("--obligation %q: the breach has no such obligation; its obligations are %s", ref, strings.Join(keys, ", "))
}

// withPreparer names who prepared the document: --prepared-by ("Name,
// Role", or a member's e-mail address), else the installation's one
// operator who is a member of the organization. With neither, nothing is
// printed (never the command line's own account), and standard error says
// how to name someone.
func (e *env) withPreparer(ctx context.Context, a *app.App, orgID int64, f reportFlags) (context.Context, error) {
	lang := kindLanguage(f.kind)
	ref := strings.TrimSpace(f.preparedBy)
	if ref != "" && (strings.Contains(ref, ",") || !strings.Contains(ref, "@")) {
		name, role, _ := strings.Cut(ref, ",")
		return document.WithPreparer(ctx, report.Person{Name: strings.TrimSpace(name), Role: strings.TrimSpace(role)}), nil
	}
	if ref != "" {
		p, err := memberPreparer(ctx, a, orgID, ref, lang)
		if err != nil {
			return ctx, fmt.Errorf("--prepared-by %s: %w", ref, err)
		}
		return document.WithPreparer(ctx, p), nil
	}
	var found []report.Person
	for _, op := range a.Cfg.Operators {
		if p, err := memberPreparer(ctx, a, orgID, op, lang); err == nil {
			found = append(found, p)
		}
	}
	if len(found) == 1 {
		return document.WithPreparer(ctx, found[0]), nil
	}
	fmt.Fprintln(e.stderr, `No "Prepared by" is printed: name the person with --prepared-by "Name, Role" or a member's e-mail address.`)
	return ctx, nil
}

// memberPreparer is a member of the organization as a document names
// them: their name and role there.
func memberPreparer(ctx context.Context, a *app.App, orgID int64, email, lang string) (report.Person, error) {
	u, err := a.Auth.UserByEmail(ctx, email)
	if err != nil {
		return report.Person{}, errors.New("no user has this e-mail address")
	}
	p, err := a.Auth.Principal(ctx, u, "cli", 0)
	if err != nil {
		return report.Person{}, err
	}
	role, ok := p.RoleIn(orgID)
	if !ok {
		return report.Person{}, errors.New("not a member of the organization")
	}
	name := strings.TrimSpace(u.Name)
	if name == "" || strings.EqualFold(name, u.Email) {
		return report.Person{}, errors.New(`the account has no name; give "Name, Role" instead`)
	}
	return report.Person{Name: name, Role: document.RoleTitle(role, lang)}, nil
}

// kindLanguage is the language a document kind is written in.
func kindLanguage(kind string) string {
	for _, k := range document.Kinds() {
		if k.ID == kind && k.Language != "" {
			return k.Language
		}
	}
	return "en"
}

// writeReport writes the PDF (and CSV beside it), the missing list to
// stderr and the document id and sha256 to stdout.
func (e *env) writeReport(d document.Document, out string) error {
	if out == "" {
		out = d.DocumentID + ".pdf"
	}
	if err := os.WriteFile(out, d.PDF, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if len(d.Missing) > 0 {
		fmt.Fprintf(e.stderr, "Missing content (%d item(s), printed as not yet known):\n", len(d.Missing))
		for _, m := range d.Missing {
			optional := ""
			if m.Optional {
				optional = ", optional: only if known"
			}
			fmt.Fprintf(e.stderr, "  - %s (%s%s) [%s]\n", m.Label, m.Why, optional, m.Field)
		}
	}
	fmt.Fprintf(e.stdout, "%s\tversion %d\t%s\tsha256 %s\t%s\n", d.DocumentID, d.Version, d.Stage, d.SHA256, out)
	if d.HasCSV() {
		csvPath := strings.TrimSuffix(out, ".pdf") + ".csv"
		if err := os.WriteFile(csvPath, d.CSV, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", csvPath, err)
		}
		fmt.Fprintf(e.stdout, "%s\tcsv\tsha256 %s\t%s\n", d.DocumentID, d.CSVSHA256, csvPath)
	}
	return nil
}
