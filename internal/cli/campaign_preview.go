package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/notice"
)

// previewFlags are the options of campaign preview.
type previewFlags struct {
	campaignFlags
	eml    string
	person int64
}

func (e *env) campaignPreviewCmd() *cobra.Command {
	var f previewFlags
	cmd := &cobra.Command{
		Use:   "preview BREACH [CAMPAIGN]",
		Short: "Review a campaign as it would be sent: counts, the checklist of every law in play, gaps, the content hash to approve",
		Long: `Render the campaign for its whole audience without sending anything and print what legal
approves: recipients by channel, language and region, each law's checklist, fields empty for
some people, and the content hash that approve needs. --eml writes one person's notice exactly
as it would be sent (--person: a person id from the samples; default the first e-mail sample).
The review shows people's notices, so it is recorded in the audit log.`,
		Args: breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withCampaign(cmd.Context(), args, f.campaignFlags, func(c *campaignCtx, cp notice.Campaign) error {
				return e.runPreview(cmd.Context(), c, cp, f)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&f.eml, "eml", "", "write a sample person's notice to this .eml file")
	cmd.Flags().Int64Var(&f.person, "person", 0, "the person whose notice --eml writes (an id from the samples)")
	return cmd
}

func (e *env) runPreview(ctx context.Context, c *campaignCtx, cp notice.Campaign, f previewFlags) error {
	if f.person != 0 && f.eml == "" {
		return fmt.Errorf("--person chooses whose notice --eml writes: add --eml FILE")
	}
	rv, err := c.a.Notices.Review(ctx, c.call, cp.ID)
	if err != nil {
		return err
	}
	if f.eml != "" {
		if err := e.writeEML(ctx, c, cp, rv, f); err != nil {
			return err
		}
	}
	if f.json {
		return e.printJSON(rv)
	}
	writeReview(e.stdout, c, cp, rv)
	return nil
}

// writeEML writes one person's notice as the .eml file that would be sent.
func (e *env) writeEML(ctx context.Context, c *campaignCtx, cp notice.Campaign, rv notice.Review, f previewFlags) error {
	person := f.person
	for _, s := range rv.Samples {
		if person == 0 && s.Channel == notice.ChannelEmail {
			person = s.PersonID
		}
	}
	if person == 0 {
		return fmt.Errorf("--eml: nobody in the audience is reached by e-mail; name a person with --person")
	}
	raw, err := c.a.Notices.PreviewEML(ctx, c.call, cp.ID, person)
	if err != nil {
		return fmt.Errorf("--eml for person %d: %w", person, err)
	}
	if err := os.WriteFile(f.eml, raw, 0o600); err != nil {
		return fmt.Errorf("--eml: %w", err)
	}
	fmt.Fprintf(e.stderr, "wrote person %d's notice to %s\n", person, f.eml)
	return nil
}

// writeReview prints a review for a person at a terminal.
func writeReview(w io.Writer, c *campaignCtx, cp notice.Campaign, rv notice.Review) {
	fmt.Fprintf(w, "Campaign %d %q (%s) of %s, template %s, default language %s\n\n",
		cp.ID, cp.Name, cp.Status, c.b.Reference, cp.TemplateSet, cp.DefaultLanguage)
	fmt.Fprintf(w, "Recipients  %d\n", rv.Total)
	fmt.Fprintf(w, "  channels  %s\n", counts(rv.Channels))
	fmt.Fprintf(w, "  languages %s\n", counts(rv.Languages))
	fmt.Fprintf(w, "  regions   %s\n\n", counts(rv.Regions))
	fmt.Fprintln(w, "Checklist")
	if len(rv.Checklist) == 0 {
		fmt.Fprintln(w, "  no law in play sets required content")
	}
	rule := ""
	for _, ci := range rv.Checklist {
		if ci.Rule+ci.Citation != rule {
			rule = ci.Rule + ci.Citation
			fmt.Fprintf(w, "  %s (%s)\n", ci.Rule, ci.Citation)
		}
		mark := "ok  "
		if !ci.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "    %s  %s", mark, ci.Label)
		if !ci.OK && ci.Why != "" {
			fmt.Fprintf(w, " — %s", ci.Why)
		}
		fmt.Fprintln(w)
	}
	if len(rv.Gaps) > 0 {
		fmt.Fprintln(w, "\nFields empty for some people")
		for _, g := range rv.Gaps {
			fmt.Fprintf(w, "  {{%s}} in the %s notice: %d %s\n", g.Field, g.Language, g.People, plural(g.People, "person", "people"))
		}
	}
	fmt.Fprintln(w, "\nSamples (person id, language, region, channel, initials, subject)")
	for _, s := range rv.Samples {
		fmt.Fprintf(w, "  %-8d %-3s %-8s %-7s %-6s %s\n", s.PersonID, s.Language, s.Region, s.Channel, s.Recipient, s.Subject)
	}
	fmt.Fprintf(w, "\nContent hash %s\n", rv.ContentHash)
	if !rv.Ready {
		fmt.Fprintln(w, "\nNot ready for approval:")
		for _, p := range rv.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
		return
	}
	if cp.Status == notice.CampaignDraft {
		fmt.Fprintf(w, "Ready for approval: breachline campaign approve %s %d --hash %s --as LEGAL-EMAIL\n", c.b.cliRef(), cp.ID, rv.ContentHash)
	}
}

// counts writes "email 8, postal 1" largest first.
func counts(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}
