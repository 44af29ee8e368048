package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/breachline/breachline/internal/notice"
)

// createFlags are the options of campaign create.
type createFlags struct {
	campaignFlags
	name, templateSet, language, obligation, content string
	regions, languages, channels, personFields       []string
	imports                                          []int64
	follows                                          int64
}

func (e *env) campaignCreateCmd() *cobra.Command {
	var f createFlags
	cmd := &cobra.Command{
		Use:   "create BREACH --name NAME [--content FILE]",
		Short: "Create a draft campaign from a template set, with audience filters and the texts of a YAML or JSON file",
		Long: `Create a draft campaign. The content file gives the campaign's texts per language:

  en:
    what_happened: A misconfigured server exposed our customer mailing list.
    what_you_can_do: Be careful with e-mails that ask for personal information.
  fr:
    what_happened: Un serveur mal configuré a exposé notre liste d'envoi.

Content fields: ` + strings.Join(notice.ContentFields, ", ") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runCreate(cmd.Context(), args[0], f)
		},
	}
	f.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "the campaign's name (required)")
	fl.StringVar(&f.templateSet, "template-set", "general", "template set (a shipped one or the organization's copy)")
	fl.StringVar(&f.language, "language", "en", "the notice's language where a person's own is not available")
	fl.StringVar(&f.obligation, "obligation", "", "the obligation to individuals it answers: its id or its rule (e.g. CA-PIPEDA-IND)")
	fl.StringVar(&f.content, "content", "", "YAML or JSON file of texts per language (see above)")
	fl.StringSliceVar(&f.regions, "region", nil, "reach only people of these regions (e.g. CA-ON; repeatable)")
	fl.StringSliceVar(&f.languages, "audience-language", nil, "reach only people of these languages (repeatable)")
	fl.StringSliceVar(&f.channels, "channel", nil, "reach only people reached by email or postal (repeatable)")
	fl.Int64SliceVar(&f.imports, "import", nil, "reach only people of these roster imports (ids; repeatable)")
	fl.Int64Var(&f.follows, "follows", 0, "an earlier campaign this one corrects or supplements (reaches the same people unless filtered)")
	fl.StringArrayVar(&f.personFields, "person-field", nil, `a merge field read from a roster column, field=Column (e.g. activation_code="Activation Code")`)
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (e *env) runCreate(ctx context.Context, ref string, f createFlags) error {
	in, err := f.input()
	if err != nil {
		return err
	}
	c, err := e.openCampaign(ctx, ref, f.campaignFlags)
	if err != nil {
		return err
	}
	defer c.a.Close()
	if f.obligation != "" {
		id, err := c.obligationID(ctx, f.obligation)
		if err != nil {
			return err
		}
		in.ObligationID = &id
	}
	cp, err := c.a.Notices.CreateCampaign(ctx, c.call, c.b.ID, in)
	if err != nil {
		return err
	}
	if f.json {
		return e.printJSON(cp)
	}
	fmt.Fprintf(e.stdout, "campaign %d %q created for %s (draft, %s, %s)\n", cp.ID, cp.Name, c.b.Reference, cp.TemplateSet, cp.DefaultLanguage)
	fmt.Fprintf(e.stdout, "review it: breachline campaign preview %s %d\n", c.b.cliRef(), cp.ID)
	return nil
}

// cliRef is how later commands name the breach.
func (b breachRef) cliRef() string {
	return "--organization " + b.Slug + " " + b.Reference
}

// input builds the campaign from the flags and the content file.
func (f createFlags) input() (notice.CampaignInput, error) {
	in := notice.CampaignInput{Name: &f.name, TemplateSet: &f.templateSet, DefaultLanguage: &f.language}
	aud := notice.Audience{Regions: f.regions, Languages: f.languages, Channels: f.channels, Imports: f.imports}
	if f.follows != 0 {
		in.FollowsID = &f.follows
		if len(aud.Regions)+len(aud.Languages)+len(aud.Channels)+len(aud.Imports) > 0 {
			aud.SameAs = f.follows
		}
	}
	if f.follows == 0 || aud.SameAs != 0 {
		in.Audience = &aud
	}
	if f.content != "" {
		content, err := readContent(f.content)
		if err != nil {
			return in, err
		}
		in.Content = &content
	}
	if len(f.personFields) > 0 {
		pf := map[string]string{}
		for _, kv := range f.personFields {
			name, col, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(col) == "" {
				return in, fmt.Errorf("--person-field %q: want field=Column", kv)
			}
			pf[strings.TrimSpace(name)] = strings.TrimSpace(col)
		}
		in.PersonFields = &pf
	}
	return in, nil
}

// readContent reads texts per language from a YAML or JSON file (JSON is
// YAML).
func readContent(path string) (notice.Content, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the operator names the content file on the command line
	if err != nil {
		return nil, fmt.Errorf("--content: %w", err)
	}
	var c notice.Content
	if err := yaml.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("--content %s: want texts per language (en: {what_happened: …}): %w", path, err)
	}
	if c == nil {
		c = notice.Content{}
	}
	return c, nil
}

// obligationID finds one of the breach's obligations by id or rule.
func (c *campaignCtx) obligationID(ctx context.Context, ref string) (int64, error) {
	duties, err := c.a.Obligations.ForBreach(ctx, c.a.DB.Gorm, c.b.ID)
	if err != nil {
		return 0, err
	}
	id, _ := strconv.ParseInt(ref, 10, 64)
	var found []int64
	var rules []string
	for _, d := range duties {
		if d.ID == id || strings.EqualFold(d.RuleID, ref) {
			found = append(found, d.ID)
		}
		rules = append(rules, fmt.Sprintf("%d %s", d.ID, d.RuleID))
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return 0, fmt.Errorf("--obligation %s matches %d obligations of %s: give its id (%s)", ref, len(found), c.b.Reference, strings.Join(rules, ", "))
	case len(rules) == 0:
		return 0, fmt.Errorf("--obligation: %s has no obligations", c.b.Reference)
	}
	return 0, fmt.Errorf("--obligation %s: not an obligation of %s (%s)", ref, c.b.Reference, strings.Join(rules, ", "))
}
