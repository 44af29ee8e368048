package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/breach"
	"github.com/breachline/breachline/internal/notice"
)

// campaignFlags are the options every campaign command shares.
type campaignFlags struct {
	org, as string
	json    bool
}

func (f *campaignFlags) register(cmd *cobra.Command, withJSON bool) {
	cmd.Flags().StringVar(&f.org, "organization", "", "organization slug, when the breach reference exists in several")
	cmd.Flags().StringVar(&f.as, "as", "", "act as this member (e-mail); default: the operator, as an administrator of the breach's organization")
	if withJSON {
		cmd.Flags().BoolVar(&f.json, "json", false, "print the result as JSON")
	}
}

func (e *env) campaignCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "campaign",
		Short: "Notices to a breach's affected people: create, review, approve, send and follow a campaign",
		Long: `Campaigns are addressed by breach reference (with --organization when the reference
exists in several organizations) and campaign id; the id may be left out when the breach
has a single campaign.

  breachline campaign create --organization acme BR-2026-0001 --name "First notice" --content content.yaml
  breachline campaign preview --organization acme BR-2026-0001 3
  breachline campaign approve --organization acme BR-2026-0001 3 --hash HASH --as legal@acme.example
  breachline campaign send --organization acme BR-2026-0001 3
  breachline campaign status --organization acme BR-2026-0001 3

Every change is recorded in the audit log, under --as or as the operator ("cli").`,
	}
	cmd.AddCommand(e.campaignCreateCmd(), e.campaignListCmd(), e.campaignPreviewCmd(), e.campaignApproveCmd(),
		e.campaignActionCmd("send", "Start sending an approved campaign", (*notice.Service).Send),
		e.campaignPauseCmd(),
		e.campaignActionCmd("resume", "Send a paused campaign again", (*notice.Service).Resume),
		e.campaignActionCmd("cancel", "Stop a campaign for good (notices not yet sent are cancelled)", (*notice.Service).Cancel),
		e.campaignRetryCmd(), e.campaignStatusCmd(), e.campaignLettersCmd())
	return cmd
}

// campaignCtx is what a campaign command works with: the opened
// application, the breach, and the caller.
type campaignCtx struct {
	a    *app.App
	b    breachRef
	call breach.Call
}

// openCampaign opens the application, finds the breach and the caller.
func (e *env) openCampaign(ctx context.Context, ref string, f campaignFlags) (*campaignCtx, error) {
	a, err := e.open(ctx)
	if err != nil {
		return nil, err
	}
	b, err := findBreach(ctx, a, ref, f.org)
	if err == nil {
		var p *auth.Principal
		if p, err = actor(ctx, a, b, f.as); err == nil {
			return &campaignCtx{a: a, b: b, call: breach.Call{P: p, RequestID: "cli"}}, nil
		}
	}
	_ = a.Close()
	return nil, err
}

// actor is who a command acts as: the member named by --as, with their own
// role, or else the operator with an administrator's authority in the
// breach's organization (as report and roster export do).
func actor(ctx context.Context, a *app.App, b breachRef, as string) (*auth.Principal, error) {
	if as == "" {
		return &auth.Principal{User: auth.User{Email: "cli"}, Memberships: map[int64]auth.Role{b.OrganizationID: auth.RoleAdmin}, Via: "cli"}, nil
	}
	u, err := a.Auth.UserByEmail(ctx, as)
	if err != nil {
		return nil, fmt.Errorf("--as: no user with e-mail %s", as)
	}
	if u.DisabledAt != nil {
		return nil, fmt.Errorf("--as: %s is disabled", u.Email)
	}
	p, err := a.Auth.Principal(ctx, u, "cli", 0)
	if err != nil {
		return nil, err
	}
	if _, ok := p.RoleIn(b.OrganizationID); !ok {
		return nil, fmt.Errorf("--as: %s is not a member of %s", u.Email, b.Slug)
	}
	return p, nil
}

// campaign finds the breach's campaign named by its id, or its only one.
func (c *campaignCtx) campaign(ctx context.Context, arg string) (notice.Campaign, error) {
	list, err := c.a.Notices.Campaigns(ctx, c.call.P, c.b.ID)
	if err != nil {
		return notice.Campaign{}, err
	}
	if arg != "" {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return notice.Campaign{}, fmt.Errorf("campaign %q: want the campaign's id (breachline campaign list)", arg)
		}
		for _, cp := range list {
			if cp.ID == id {
				return cp, nil
			}
		}
		return notice.Campaign{}, fmt.Errorf("%s has no campaign %d (%s)", c.b.Reference, id, campaignNames(list))
	}
	switch len(list) {
	case 0:
		return notice.Campaign{}, fmt.Errorf("%s has no campaign yet: create one with breachline campaign create", c.b.Reference)
	case 1:
		return list[0], nil
	}
	return notice.Campaign{}, fmt.Errorf("%s has %d campaigns (%s): name one by its id", c.b.Reference, len(list), campaignNames(list))
}

func campaignNames(list []notice.Campaign) string {
	if len(list) == 0 {
		return "it has none"
	}
	names := make([]string, len(list))
	for i, cp := range list {
		names[i] = fmt.Sprintf("%d %q %s", cp.ID, cp.Name, cp.Status)
	}
	return strings.Join(names, ", ")
}

// breachArgs checks BREACH [CAMPAIGN].
func breachArgs(cmd *cobra.Command, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return fmt.Errorf("%s takes a breach reference and optionally a campaign id", cmd.CommandPath())
	}
	return nil
}

func campaignArg(args []string) string {
	if len(args) > 1 {
		return args[1]
	}
	return ""
}

// withCampaign runs fn on the campaign the arguments name.
func (e *env) withCampaign(ctx context.Context, args []string, f campaignFlags, fn func(*campaignCtx, notice.Campaign) error) error {
	c, err := e.openCampaign(ctx, args[0], f)
	if err != nil {
		return err
	}
	defer c.a.Close()
	cp, err := c.campaign(ctx, campaignArg(args))
	if err != nil {
		return err
	}
	return fn(c, cp)
}

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (e *env) campaignListCmd() *cobra.Command {
	var f campaignFlags
	cmd := &cobra.Command{
		Use:   "list BREACH",
		Short: "List a breach's campaigns",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := e.openCampaign(ctx, args[0], f)
			if err != nil {
				return err
			}
			defer c.a.Close()
			list, err := c.a.Notices.Campaigns(ctx, c.call.P, c.b.ID)
			if err != nil || f.json {
				if err == nil {
					err = e.printJSON(map[string]any{"campaigns": list})
				}
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tRECIPIENTS\tTEMPLATE\tNAME")
			for _, cp := range list {
				fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\n", cp.ID, cp.Status, cp.Total, cp.TemplateSet, cp.Name)
			}
			return tw.Flush()
		},
	}
	f.register(cmd, true)
	return cmd
}

func (e *env) campaignApproveCmd() *cobra.Command {
	var f campaignFlags
	var hash string
	cmd := &cobra.Command{
		Use:   "approve BREACH [CAMPAIGN] --hash HASH --as LEGAL",
		Short: "Approve the exact version of a campaign shown by preview (legal or admin members)",
		Long: `Approve the version of the campaign whose content hash preview printed. An approval is a
person's: --as names the legal or admin member giving it, and the audit log records them.
Any later edit of the campaign or its template voids the approval.`,
		Args: breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.as == "" {
				return errors.New("approval is given by a person: name the legal or admin member with --as")
			}
			return e.withCampaign(cmd.Context(), args, f, func(c *campaignCtx, cp notice.Campaign) error {
				if role, _ := c.call.P.RoleIn(c.b.OrganizationID); !role.Can(auth.Approve) {
					return fmt.Errorf("%s is %s of %s; approving a notice needs legal or admin", c.call.P.User.Email, role, c.b.Slug)
				}
				out, err := c.a.Notices.Approve(cmd.Context(), c.call, cp.ID, hash)
				if err != nil || f.json {
					return e.jsonOr(out, err)
				}
				fmt.Fprintf(e.stdout, "campaign %d %q approved by %s (content hash %s)\n", out.ID, out.Name, c.call.P.User.Email, out.ApprovedHash)
				return nil
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&hash, "hash", "", "the content hash preview printed (required)")
	_ = cmd.MarkFlagRequired("hash")
	return cmd
}

// jsonOr prints v as JSON unless err.
func (e *env) jsonOr(v any, err error) error {
	if err != nil {
		return err
	}
	return e.printJSON(v)
}

// campaignActionCmd is a command that changes a campaign's state.
func (e *env) campaignActionCmd(use, short string, fn func(*notice.Service, context.Context, breach.Call, int64) (notice.Campaign, error)) *cobra.Command {
	var f campaignFlags
	cmd := &cobra.Command{
		Use:   use + " BREACH [CAMPAIGN]",
		Short: short,
		Args:  breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withCampaign(cmd.Context(), args, f, func(c *campaignCtx, cp notice.Campaign) error {
				out, err := fn(c.a.Notices, cmd.Context(), c.call, cp.ID)
				if err != nil || f.json {
					return e.jsonOr(out, err)
				}
				return e.printState(out)
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func (e *env) printState(cp notice.Campaign) error {
	fmt.Fprintf(e.stdout, "campaign %d %q is %s\n", cp.ID, cp.Name, cp.Status)
	if cp.Status == notice.CampaignPreparing || cp.Status == notice.CampaignSending {
		fmt.Fprintln(e.stdout, "workers send it (breachline worker, or serve); follow it with breachline campaign status")
	}
	return nil
}

func (e *env) campaignPauseCmd() *cobra.Command {
	var f campaignFlags
	var reason string
	cmd := &cobra.Command{
		Use:   "pause BREACH [CAMPAIGN]",
		Short: "Pause a sending campaign (notices being sent finish; no new ones start)",
		Args:  breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withCampaign(cmd.Context(), args, f, func(c *campaignCtx, cp notice.Campaign) error {
				out, err := c.a.Notices.Pause(cmd.Context(), c.call, cp.ID, reason)
				if err != nil || f.json {
					return e.jsonOr(out, err)
				}
				return e.printState(out)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&reason, "reason", "", "why, as the campaign shows it (default: paused by the caller)")
	return cmd
}

func (e *env) campaignRetryCmd() *cobra.Command {
	var f campaignFlags
	cmd := &cobra.Command{
		Use:   "retry-failed BREACH [CAMPAIGN]",
		Short: "Queue again the e-mails that failed or bounced, and only those",
		Args:  breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withCampaign(cmd.Context(), args, f, func(c *campaignCtx, cp notice.Campaign) error {
				n, err := c.a.Notices.RetryFailed(cmd.Context(), c.call, cp.ID)
				if err != nil || f.json {
					return e.jsonOr(map[string]any{"campaign_id": cp.ID, "requeued": n}, err)
				}
				fmt.Fprintf(e.stdout, "campaign %d: %d failed or bounced %s queued again\n", cp.ID, n, plural(n, "e-mail", "e-mails"))
				return nil
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// campaignLettersCmd shows a campaign's postal letters and their print
// files, asks for print files of the letters due (--make), writes the files
// to a directory (--out: each PDF with its mail house manifest; audited),
// and records a file printed or mailed (--printed N / --mailed N).
func (e *env) campaignLettersCmd() *cobra.Command {
	var f campaignFlags
	var makeFiles bool
	var out string
	var printed, mailed int
	cmd := &cobra.Command{
		Use:   "letters BREACH [CAMPAIGN]",
		Short: "Postal letters: what is due, print files (--make), download (--out DIR), printed or mailed (--printed N, --mailed N)",
		Args:  breachArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withCampaign(cmd.Context(), args, f, func(c *campaignCtx, cp notice.Campaign) error {
				ctx := cmd.Context()
				if makeFiles {
					if _, err := c.a.Notices.RequestLetters(ctx, c.call, cp.ID); err != nil {
						return err
					}
					// Made here, at once; the job the request queued then finds
					// nothing left to do.
					if _, err := c.a.Notices.MakeLetters(ctx, cp.ID); err != nil {
						return err
					}
				}
				// Printed before mailed: a file recorded mailed is printed too.
				for _, s := range []struct {
					step string
					seq  int
				}{{notice.StepPrinted, printed}, {notice.StepMailed, mailed}} {
					if s.seq == 0 {
						continue
					}
					if err := e.markLetterFile(ctx, c, cp.ID, s.seq, s.step); err != nil {
						return err
					}
				}
				l, err := c.a.Notices.LettersOf(ctx, c.call.P, cp.ID)
				if err != nil {
					return err
				}
				if out != "" {
					if err := e.writeLetterFiles(ctx, c, cp.ID, l.Batches, out); err != nil {
						return err
					}
				}
				if f.json {
					return e.printJSON(l)
				}
				return e.printLetters(cp.ID, l)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&makeFiles, "make", false, "make print files of every letter due")
	cmd.Flags().StringVar(&out, "out", "", "write every print file and its manifest to this directory")
	cmd.Flags().IntVar(&printed, "printed", 0, "record print file N as printed")
	cmd.Flags().IntVar(&mailed, "mailed", 0, "record print file N as mailed")
	return cmd
}

// markLetterFile records the print file with sequence number seq printed
// or mailed, now.
func (e *env) markLetterFile(ctx context.Context, c *campaignCtx, campaignID int64, seq int, step string) error {
	l, err := c.a.Notices.LettersOf(ctx, c.call.P, campaignID)
	if err != nil {
		return err
	}
	for _, b := range l.Batches {
		if b.Seq == seq {
			_, err := c.a.Notices.MarkLetterFile(ctx, c.call, campaignID, b.ID, step, time.Time{})
			return err
		}
	}
	return fmt.Errorf("campaign %d has no print file %d", campaignID, seq)
}

// writeLetterFiles writes each print file's PDF and manifest into dir.
func (e *env) writeLetterFiles(ctx context.Context, c *campaignCtx, campaignID int64, files []notice.LetterBatch, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, b := range files {
		for _, manifest := range []bool{false, true} {
			got, err := c.a.Notices.LetterFile(ctx, c.call, campaignID, b.ID, manifest)
			if err != nil {
				return err
			}
			name, data := fmt.Sprintf("campaign-%d-letters-%d.pdf", campaignID, b.Seq), got.PDF
			if manifest {
				name, data = fmt.Sprintf("campaign-%d-letters-%d.csv", campaignID, b.Seq), got.Manifest
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "wrote", filepath.Join(dir, name))
		}
	}
	return nil
}

func (e *env) printLetters(campaignID int64, l notice.Letters) error {
	fmt.Fprintf(e.stdout, "campaign %d: %d %s due", campaignID, l.Due, plural(l.Due, "letter", "letters"))
	if l.Requested {
		fmt.Fprint(e.stdout, " (print files are being made)")
	}
	fmt.Fprintf(e.stdout, "; printed %d, mailed %d, returned %d\n", l.ByStatus[notice.Printed], l.ByStatus[notice.Mailed], l.ByStatus[notice.Returned])
	for _, b := range l.Batches {
		state := "not printed"
		switch {
		case b.MailedAt != nil:
			state = "mailed " + b.MailedAt.UTC().Format(time.DateOnly)
		case b.PrintedAt != nil:
			state = "printed " + b.PrintedAt.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(e.stdout, "  file %d: %d letters, %d pages, %s, sha256 %s\n", b.Seq, b.Letters, b.Pages, state, b.SHA256)
	}
	return nil
}
