package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/app"
	"github.com/breachline/breachline/internal/auth"
	"github.com/breachline/breachline/internal/errs"
)

func (e *env) userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users"}
	var email, name, role, org, orgName, passwordFile string
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a user (password from stdin or --password-file) with a role in an organization",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, err := e.readPassword(passwordFile)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			u, o, err := addUser(ctx, a, email, name, auth.Role(role), org, orgName, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s is %s of %s (%s)\n", u.Email, role, o.Name, o.Slug)
			return nil
		},
	}
	add.Flags().StringVar(&email, "email", "", "e-mail address (required)")
	add.Flags().StringVar(&name, "name", "", "display name")
	add.Flags().StringVar(&role, "role", "admin", "admin, privacy_officer, legal or viewer")
	add.Flags().StringVar(&org, "organization", "default", "organization slug (created if it does not exist)")
	add.Flags().StringVar(&orgName, "organization-name", "", "name for a new organization (default: from the slug)")
	add.Flags().StringVar(&passwordFile, "password-file", "", "read the password from this file instead of stdin")
	_ = add.MarkFlagRequired("email")
	cmd.AddCommand(add, e.userDisableCmd(true), e.userDisableCmd(false))
	return cmd
}

// userDisableCmd is "user disable" (every session ends, every token is
// revoked, sign-in refused) or "user enable".
func (e *env) userDisableCmd(disable bool) *cobra.Command {
	use, short, action := "enable", "Let a disabled user sign in again", "user.enable"
	if disable {
		use, short, action = "disable", "Disable a user: end their sessions, revoke their tokens, refuse sign-in", "user.disable"
	}
	var email string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := a.Auth.UserByEmail(ctx, email)
			if err != nil {
				return fmt.Errorf("no user with e-mail %s", email)
			}
			err = a.DB.Tx(ctx, func(tx *gorm.DB) error {
				if err := a.Auth.SetDisabled(ctx, tx, u.ID, disable); err != nil {
					return err
				}
				return auth.Audit(ctx, tx, &auth.Principal{User: auth.User{Email: "cli"}}, "", 0, action, "user", fmt.Sprint(u.ID), map[string]string{"email": u.Email})
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s %sd\n", u.Email, use)
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's e-mail (required)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// readPassword takes the first line of the file or of stdin; it is never
// echoed or logged.
func (e *env) readPassword(file string) (string, error) {
	r := e.stdin
	if f, ok := r.(*os.File); ok && file == "" && term.IsTerminal(int(f.Fd())) {
		// At a terminal, ask twice without echoing.
		fmt.Fprint(e.stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			return "", fmt.Errorf("the two passwords differ")
		}
		return string(first), nil
	}
	if file != "" {
		f, err := os.Open(file) // #nosec G304 -- the operator's --password-file
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("no password given: pipe it on stdin or use --password-file")
		}
	}
	return line, nil
}

// addUser creates a user (or resets an existing user's password, ending
// their sessions and tokens) and gives them a role
// in an organization, creating the organization when it is new.
func addUser(ctx context.Context, a *app.App, email, name string, role auth.Role, orgSlug, orgName, password string) (auth.User, auth.Organization, error) {
	if !role.Valid() {
		return auth.User{}, auth.Organization{}, &errs.Invalid{Message: "--role: want admin, privacy_officer, legal or viewer"}
	}
	var o auth.Organization
	u, lookErr := a.Auth.UserByEmail(ctx, email)
	err := a.DB.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if o, err = ensureOrg(ctx, a, tx, orgSlug, orgName); err != nil {
			return err
		}
		if lookErr == nil {
			if err := a.Auth.ResetPassword(ctx, tx, u.ID, password); err != nil {
				return err
			}
		} else if u, err = a.Auth.CreateUser(ctx, tx, email, name, password); err != nil {
			return err
		}
		if err := a.Auth.SetMembership(ctx, tx, u.ID, o.ID, role); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, &auth.Principal{User: auth.User{Email: "cli"}}, "", o.ID, "member.set", "user", fmt.Sprint(u.ID), map[string]string{"email": u.Email, "role": string(role)})
	})
	return u, o, err
}

func ensureOrg(ctx context.Context, a *app.App, tx *gorm.DB, slug, name string) (auth.Organization, error) {
	var o auth.Organization
	err := tx.WithContext(ctx).Where("slug = ?", slug).Take(&o).Error
	if err == nil {
		return o, nil
	}
	if name == "" {
		name = strings.ReplaceAll(slug, "-", " ")
	}
	tz := "America/Toronto"
	in := auth.OrgInput{Slug: &slug, Name: &name, TimeZone: &tz}
	return a.Auth.CreateOrganizationTx(ctx, tx, nil, "", in)
}

func (e *env) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var email, name, scope string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token for a user; it is printed once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := e.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := a.Auth.UserByEmail(ctx, email)
			if err != nil {
				return fmt.Errorf("no user with e-mail %s", email)
			}
			plain, _, err := a.Auth.IssueToken(ctx, &auth.Principal{User: auth.User{Email: "cli"}, Via: "cli"}, "", u.ID,
				auth.TokenInput{Name: name, Scope: auth.Scope(scope)})
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, plain)
			fmt.Fprintln(e.stderr, "Store this token now: only its hash is kept.")
			return nil
		},
	}
	create.Flags().StringVar(&email, "email", "", "the user's e-mail (required)")
	create.Flags().StringVar(&name, "name", "", "what the token is for (required)")
	create.Flags().StringVar(&scope, "scope", "write", "read (GET routes only), write (everything the user's roles allow) or bounce (bounce reports only)")
	_ = create.MarkFlagRequired("email")
	_ = create.MarkFlagRequired("name")
	cmd.AddCommand(create)
	return cmd
}
