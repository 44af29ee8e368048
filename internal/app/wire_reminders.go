package app

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachline/breachline/internal/calfeed"
	"github.com/breachline/breachline/internal/mail"
	"github.com/breachline/breachline/internal/reminder"
)

// wireReminders builds the mail sender (SMTP when BREACHLINE_SMTP_URL is set,
// otherwise the .eml outbox in the data directory), the reminder job that
// runs every minute, and the calendar feed with its token routes. The feed
// itself is public: its secret URL is the credential.
func (a *App) wireReminders(context.Context) error {
	runner := reminder.NewRunner(a.DB.Gorm, a.Obligations, a.Auth, a.Mail,
		reminder.Options{BaseURL: a.Cfg.BaseURL, Leads: a.Cfg.ReminderLeads, Log: a.Log})
	a.workerFn = append(a.workerFn, func(w *river.Workers) {
		river.AddWorker(w, &reminder.Worker{Runner: runner, Now: time.Now})
	})
	a.periodic = append(a.periodic, reminder.Periodic())
	a.Feed = calfeed.NewService(a.DB.Gorm, a.Auth, a.Obligations, a.Cfg.BaseURL, a.Cfg.ReminderLeads)
	a.Feed.MaxEvents = a.Cfg.CalendarMaxEvents
	return nil
}

// newSender builds the pooled SMTP sender when BREACHLINE_SMTP_URL is set,
// otherwise the .eml outbox; both sign with DKIM when it is configured.
func newSender(a *App) (mail.Sender, error) {
	var dkim *mail.DKIM
	if a.Cfg.DKIMKeyFile != "" {
		d, err := mail.LoadDKIM(a.Cfg.DKIMDomain, a.Cfg.DKIMSelector, a.Cfg.DKIMKeyFile)
		if err != nil {
			return nil, fmt.Errorf("BREACHLINE_DKIM_*: %w", err)
		}
		dkim = d
	}
	if a.Cfg.SMTPURL != "" {
		s, err := mail.NewPool(mail.PoolOptions{Size: a.Cfg.SMTPPoolSize,
			SMTPOptions: mail.SMTPOptions{URL: a.Cfg.SMTPURL, From: a.Cfg.MailFrom, DKIM: dkim, Timeout: a.Cfg.SMTPTimeout}})
		if err != nil {
			return nil, fmt.Errorf("BREACHLINE_SMTP_URL: %w", err)
		}
		return s, nil
	}
	o, err := mail.NewOutbox(a.Cfg.OutboxDir(), a.Cfg.MailFrom, nil, mail.OutboxDKIM(dkim))
	if err != nil {
		return nil, fmt.Errorf("BREACHLINE_MAIL_FROM / outbox: %w", err)
	}
	return o, nil
}
