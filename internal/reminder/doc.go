// Package reminder e-mails deadline reminders for pending obligations: at
// each configured lead time before the due instant (72h, 24h, 4h by default)
// and once a day while overdue, to the breach organization's privacy
// officers and legal reviewers (administrators stand in when the
// organization has no privacy officer). Viewers get nothing.
//
// # Once per reminder
//
// A reminder is identified by (obligation, due instant, lead label, user);
// the label is the lead ("24h") or, when overdue, the day in the
// organization's zone ("overdue:2025-03-05"). Because the due instant is
// part of the key, a moved deadline arms a fresh set of reminders.
//
// Before sending, a worker claims the reminder by inserting its row into
// reminder_sends; the table's UNIQUE key lets exactly one insert succeed, so
// any number of workers running the job at once send each reminder once.
// After the server accepts the message the row is marked sent with its
// Message-ID; a 5xx reply marks it failed (never retried); a 4xx reply or a
// connection problem schedules a retry with back-off.
//
// If a worker dies after the server accepted a message but before the row
// was marked sent, the row stays "claimed". After the lease (10 minutes) the
// next run takes it again and sends it again: the guarantee is AT LEAST
// ONCE, chosen because a missed statutory deadline costs more than a second
// copy of a reminder. The repeat carries the same Message-ID (it is fixed at
// claim time), so mail systems and readers can recognise it as the same
// message. A claimed row whose reminder is no longer wanted (obligation
// filed or waived, deadline moved, a later lead window reached) is dropped
// instead of being sent.
package reminder
