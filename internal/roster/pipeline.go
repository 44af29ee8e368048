package roster

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/breachline/breachline/internal/rosterfile"
)

// batchRows is how many rows travel together from the reader to the
// database writer.
const batchRows = 1000

// batch is a run of accepted rows, their values flat in personColumns order.
type batch struct {
	values []any
	rows   int
}

// countingReader counts the bytes the file reader has consumed.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

// Read reads from the file, counting the bytes.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// producer reads the file on its own goroutine so that parsing and
// normalising overlap with the database writing the previous batch.
type producer struct {
	rd       *rosterfile.Reader
	meta     rowMeta
	counter  *countingReader
	total    int64
	opts     RunOptions
	spool    *rejectSpool
	out      chan *batch
	free     chan *batch
	started  time.Time
	progress Progress
	// rejectProblems counts the problems of the rejected rows.
	rejectProblems int64
	// keys sees every accepted row's dedup keys; repeated is set when a
	// key may occur twice in the file.
	keys     *keyFilter
	repeated bool
	// counts tallies the accepted rows as stored (before any is flagged).
	counts *tally
	// maxRows bounds the file's rows (zero: no bound).
	maxRows int64
	err     error
}

// run reads every row, sending full batches on p.out, and closes it at the
// end. The first error is kept in p.err (read it after out is closed).
func (p *producer) run(ctx context.Context) {
	defer close(p.out)
	cur := p.newBatch()
	lastReport := p.started
	for {
		row, err := p.rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.err = err
			return
		}
		p.progress.Rows++
		if p.maxRows > 0 && p.progress.Rows > p.maxRows {
			p.err = &FatalError{Row: row.Number, Err: fmt.Errorf("the file has more than %d rows, the most one import may hold "+
				"(BREACHLINE_ROSTER_MAX_ROWS); split it into several files", p.maxRows)}
			return
		}
		if row.Person == nil {
			p.progress.Rejected++
			if err := p.spool.add(row.Rejects, p.opts.Rejects); err != nil {
				p.err = err
				return
			}
		} else {
			p.progress.Accepted++
			pp := row.Person
			p.counts.add(pp.Region, pp.Language, pp.Channel, "", pp.Minor, true, 1)
			start := len(cur.values)
			cur.values = personValues(cur.values, p.meta, row.Number, row.Person)
			if !p.repeated && p.keys.noteKeys(cur.values[start:]) {
				p.repeated, p.keys = true, nil
			}
			cur.rows++
			if cur.rows == batchRows {
				if !p.send(ctx, cur) {
					return
				}
				cur = p.newBatch()
			}
		}
		if p.due(&lastReport) {
			if err := ctx.Err(); err != nil {
				p.err = err
				return
			}
		}
	}
	if cur.rows > 0 && !p.send(ctx, cur) {
		return
	}
	p.report()
}

// due reports progress when the option's row interval (or, by default, a
// quarter of a second) has passed, and says whether it did.
func (p *producer) due(last *time.Time) bool {
	if every := p.opts.ProgressEvery; every > 0 {
		if p.progress.Rows%int64(every) != 0 {
			return false
		}
		p.report()
		return true
	}
	if p.progress.Rows%512 != 0 {
		return false
	}
	now := time.Now()
	if now.Sub(*last) < 250*time.Millisecond {
		return false
	}
	*last = now
	p.report()
	return true
}

func (p *producer) report() {
	p.progress.Bytes = p.counter.n.Load()
	p.progress.TotalBytes = p.total
	p.progress.Elapsed = time.Since(p.started)
	if p.opts.Progress != nil {
		p.opts.Progress(p.progress)
	}
}

func (p *producer) newBatch() *batch {
	select {
	case b := <-p.free:
		clear(b.values)
		b.values, b.rows = b.values[:0], 0
		return b
	default:
		return &batch{values: make([]any, 0, batchRows*len(personColumns))}
	}
}

func (p *producer) send(ctx context.Context, b *batch) bool {
	select {
	case p.out <- b:
		return true
	case <-ctx.Done():
		p.err = ctx.Err()
		return false
	}
}

// recycle hands a written batch back to the producer.
func (p *producer) recycle(b *batch) {
	select {
	case p.free <- b:
	default:
	}
}

// rejectSpool keeps the rejects on disk until the people are written, so
// that a file with millions of bad rows still fits in memory.
type rejectSpool struct {
	f *os.File
	w *csv.Writer
	n int64
}

func newRejectSpool(dir string) (*rejectSpool, error) {
	f, err := os.CreateTemp(dir, "breachline-rejects-*.csv")
	if err != nil {
		return nil, fmt.Errorf("rejects spool: %w", err)
	}
	return &rejectSpool{f: f, w: csv.NewWriter(f)}, nil
}

// add spools the rejects of one row and copies them to the caller's writer.
func (s *rejectSpool) add(rejects []Reject, copyTo *RejectsWriter) error {
	for _, r := range rejects {
		if err := s.w.Write([]string{strconv.Itoa(r.Row), r.Column, r.Reason, r.Value}); err != nil {
			return fmt.Errorf("rejects spool: %w", err)
		}
		s.n++
		if copyTo != nil {
			if err := copyTo.Write(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// each replays the spooled rejects in file order.
func (s *rejectSpool) each(fn func(Reject) error) error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return fmt.Errorf("rejects spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rejects spool: %w", err)
	}
	r := csv.NewReader(s.f)
	r.FieldsPerRecord = 4
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rejects spool: %w", err)
		}
		row, _ := strconv.Atoi(rec[0])
		if err := fn(Reject{Row: row, Column: rec[1], Reason: rec[2], Value: rec[3]}); err != nil {
			return err
		}
	}
}

func (s *rejectSpool) close() {
	name := s.f.Name()
	_ = s.f.Close()
	_ = os.Remove(name)
}
