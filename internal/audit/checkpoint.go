package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A checkpoint is the head of each chain at one moment, signed with the
// checkpoint key, as text that survives e-mail and paper:
//
//	-----BEGIN BREACHLINE AUDIT CHECKPOINT-----
//	installation: https://breachline.example.org
//	made: 2026-03-01T06:00:00Z
//	key: ed25519:…
//	chain 0 seq 41 hash 9f…
//	chain 3 seq 1234 hash 0c…
//	signature: …
//	-----END BREACHLINE AUDIT CHECKPOINT-----
//
// The signature covers every line from "installation:" to the last chain
// line, each ended by a newline. Kept outside the database (e-mailed to the
// operators, written to the checkpoint folder, printed in the register), it
// shows later whether the newest entries of a chain were removed.
const (
	beginLine = "-----BEGIN BREACHLINE AUDIT CHECKPOINT-----"
	endLine   = "-----END BREACHLINE AUDIT CHECKPOINT-----"
)

// Checkpoint is the signed head of each chain at one moment.
type Checkpoint struct {
	Installation string    `json:"installation"`
	Made         time.Time `json:"made"`
	// PublicKey is the public half of the key that signed it.
	PublicKey string `json:"public_key"`
	Heads     []Head `json:"heads"`
	Signature string `json:"signature"`
}

// Head returns the checkpoint's head of an organization's chain.
func (c *Checkpoint) Head(orgID int64) (Head, bool) {
	for _, h := range c.Heads {
		if h.OrganizationID == orgID {
			return h, true
		}
	}
	return Head{}, false
}

// signed is the text the signature covers.
func (c *Checkpoint) signed() string {
	var b strings.Builder
	fmt.Fprintf(&b, "installation: %s\nmade: %s\nkey: %s\n", c.Installation, c.Made.UTC().Format(time.RFC3339), c.PublicKey)
	for _, h := range c.Heads {
		fmt.Fprintf(&b, "chain %d seq %d hash %s\n", h.OrganizationID, h.Seq, h.Hash)
	}
	return b.String()
}

// String is the checkpoint as text, ready to e-mail or keep in a file.
func (c *Checkpoint) String() string {
	return beginLine + "\n" + c.signed() + "signature: " + c.Signature + "\n" + endLine + "\n"
}

// Line is a one-line form for print (the register): where each chain
// stood, when, and the signature.
func (c *Checkpoint) Line() string {
	parts := make([]string, 0, len(c.Heads))
	for _, h := range c.Heads {
		parts = append(parts, fmt.Sprintf("chain %d seq %d hash %s", h.OrganizationID, h.Seq, h.Hash))
	}
	return fmt.Sprintf("%s; %s; %s; signature %s", c.Made.UTC().Format(time.RFC3339), strings.Join(parts, "; "), c.PublicKey, c.Signature)
}

// MakeCheckpoint signs the current head of the chains of the organizations
// given (every chain when orgIDs is nil). A chain without entries is
// named with seq 0.
func MakeCheckpoint(ctx context.Context, g *gorm.DB, installation string, now time.Time, orgIDs []int64) (*Checkpoint, error) {
	key, err := keyOf(g)
	if err != nil {
		return nil, err
	}
	heads, err := Heads(ctx, g)
	if err != nil {
		return nil, err
	}
	if orgIDs != nil {
		byOrg := map[int64]Head{}
		for _, h := range heads {
			byOrg[h.OrganizationID] = h
		}
		heads = heads[:0:0]
		for _, id := range orgIDs {
			h, ok := byOrg[id]
			if !ok {
				h = Head{OrganizationID: id}
			}
			heads = append(heads, h)
		}
		sort.Slice(heads, func(i, j int) bool { return heads[i].OrganizationID < heads[j].OrganizationID })
	}
	c := &Checkpoint{Installation: installation, Made: now.UTC().Truncate(time.Second), PublicKey: key.PublicKey(), Heads: heads}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key.sign, []byte(c.signed())))
	return c, nil
}

// ErrCheckpoint reports a checkpoint that cannot be read or whose
// signature does not hold.
var ErrCheckpoint = errors.New("audit checkpoint")

// CheckSignature checks the checkpoint's signature against the public key
// it names and that key against want (the installation's own, from
// Key.PublicKey); an empty want accepts the named key.
func (c *Checkpoint) CheckSignature(want string) error {
	if want != "" && c.PublicKey != want {
		return fmt.Errorf("%w: signed with %s, not with this installation's key %s", ErrCheckpoint, c.PublicKey, want)
	}
	raw, ok := strings.CutPrefix(c.PublicKey, "ed25519:")
	pub, err := base64.StdEncoding.DecodeString(raw)
	if !ok || err != nil || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: unreadable key %q", ErrCheckpoint, c.PublicKey)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, []byte(c.signed()), sig) {
		return fmt.Errorf("%w: the signature does not hold: the checkpoint was altered or not made by this key", ErrCheckpoint)
	}
	return nil
}

// ParseCheckpoint reads the last checkpoint in r: a file written by the
// checkpoint job, or an e-mail or text that holds one (lines may be quoted
// with "> " or indented). It does not check the signature.
func ParseCheckpoint(r io.Reader) (*Checkpoint, error) {
	var (
		cur, last *Checkpoint
		in        bool
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(sc.Text()), "> "))
		switch {
		case line == beginLine:
			cur, in = &Checkpoint{}, true
		case line == endLine && in:
			last, in = cur, false
		case in:
			if err := cur.parseLine(line); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	if last == nil {
		return nil, fmt.Errorf("%w: no %s … %s block found", ErrCheckpoint, beginLine, endLine)
	}
	return last, nil
}

func (c *Checkpoint) parseLine(line string) error {
	bad := func() error { return fmt.Errorf("%w: unreadable line %q", ErrCheckpoint, line) }
	if line == "" {
		return nil
	}
	if v, ok := strings.CutPrefix(line, "installation: "); ok {
		c.Installation = v
		return nil
	}
	if v, ok := strings.CutPrefix(line, "made: "); ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return bad()
		}
		c.Made = t
		return nil
	}
	if v, ok := strings.CutPrefix(line, "key: "); ok {
		c.PublicKey = v
		return nil
	}
	if v, ok := strings.CutPrefix(line, "signature: "); ok {
		c.Signature = v
		return nil
	}
	f := strings.Fields(line)
	if len(f) != 6 || f[0] != "chain" || f[2] != "seq" || f[4] != "hash" {
		return bad()
	}
	org, err1 := strconv.ParseInt(f[1], 10, 64)
	seq, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return bad()
	}
	c.Heads = append(c.Heads, Head{OrganizationID: org, Seq: seq, Hash: f[5]})
	return nil
}

// checkpointPrefix names the checkpoint files of a folder; the time in the
// name sorts them.
const checkpointPrefix = "checkpoint-"

// SaveCheckpoint writes c to a file of its own in dir, readable by the
// service's user only, and returns its path.
func SaveCheckpoint(dir string, c *Checkpoint) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("checkpoint folder: %w", err)
	}
	path := filepath.Join(dir, checkpointPrefix+c.Made.UTC().Format("20060102T150405Z")+".txt")
	if err := os.WriteFile(path, []byte(c.String()), 0o600); err != nil {
		return "", fmt.Errorf("write checkpoint: %w", err)
	}
	return path, nil
}

// LatestCheckpoint reads the newest checkpoint file of dir; nil when there
// is none.
func LatestCheckpoint(dir string) (*Checkpoint, error) {
	names, err := filepath.Glob(filepath.Join(dir, checkpointPrefix+"*.txt"))
	if err != nil || len(names) == 0 {
		return nil, err
	}
	sort.Strings(names)
	return ReadCheckpoint(names[len(names)-1])
}

// ReadCheckpoint reads the checkpoint in a file: a checkpoint file, or an
// e-mail that holds one as sent (quoted-printable) or as shown.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the path is an operator's --checkpoint argument or a file of the checkpoint folder
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	// Mail encodes long lines quoted-printable (soft line breaks, =3D):
	// a saved message is read decoded.
	if bytes.Contains(bytes.ToLower(raw), []byte("quoted-printable")) {
		if decoded, qerr := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); qerr == nil {
			raw = decoded
		}
	}
	c, err := ParseCheckpoint(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
