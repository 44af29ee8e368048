package audit

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"strconv"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// MinKeyLength is the shortest audit secret accepted, in bytes.
const MinKeyLength = 32

// Key is the audit secret and what derives from it: the HMAC key of the
// chain and the Ed25519 key that signs checkpoints. Each is derived with a
// label of its own, so neither reveals the other, and the public half of
// the signing key can be published for anyone to check a checkpoint.
type Key struct {
	chain []byte
	sign  ed25519.PrivateKey
}

// NewKey derives the audit keys from a secret of at least MinKeyLength bytes.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeyLength {
		return nil, errors.New("the audit key must be at least 32 bytes (e.g. openssl rand -hex 32)")
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return &Key{
		chain: derive("breachline audit chain v1"),
		sign:  ed25519.NewKeyFromSeed(derive("breachline audit checkpoint v1")),
	}, nil
}

// PublicKey is the checkpoint signing key's public half, as printed in
// every checkpoint ("ed25519:" and base64).
func (k *Key) PublicKey() string {
	return "ed25519:" + base64.StdEncoding.EncodeToString(k.sign.Public().(ed25519.PublicKey))
}

// sum is the keyed hash of an entry: HMAC-SHA-256 of a fixed label and
// every field that the entry asserts, each preceded by its length so that
// no two different entries encode alike. The row id is left out (the
// database assigns it after the hash is made); seq stands for it.
func (k *Key) sum(e *Entry) string {
	m := hmac.New(sha256.New, k.chain)
	writeFields(m, "breachline audit entry v2", e)
	return hex.EncodeToString(m.Sum(nil))
}

// unkeyedSum is the hash entries had before the chain was keyed: SHA-256
// of the fields separated by NUL bytes.
func unkeyedSum(e *Entry) string {
	h := sha256.New()
	for _, part := range []string{e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), userField(e), e.Actor,
		strconv.FormatInt(e.OrganizationID, 10), e.Action, e.ObjectType, e.ObjectID, e.Details, e.RequestID} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeFields(h hash.Hash, label string, e *Entry) {
	var n [8]byte
	for _, part := range []string{label, strconv.FormatInt(e.OrganizationID, 10), strconv.FormatInt(e.Seq, 10),
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), userField(e), e.Actor, e.Action, e.ObjectType,
		e.ObjectID, e.Details, e.RequestID} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
}

func userField(e *Entry) string {
	if e.ActorUserID == nil {
		return ""
	}
	return strconv.FormatInt(*e.ActorUserID, 10)
}

// pluginName names the key on a gorm handle.
const pluginName = "breachline:audit-key"

// keyPlugin carries the audit key on a gorm handle and every session and
// transaction made from it, so that the many places that record an entry
// inside their own transaction need not be handed the key.
type keyPlugin struct{ key atomic.Pointer[Key] }

func (*keyPlugin) Name() string              { return pluginName }
func (*keyPlugin) Initialize(*gorm.DB) error { return nil }

// UseKey makes every entry recorded through g, its sessions and its
// transactions keyed by k. Called again it replaces the key (every process
// of an installation must use the same one).
func UseKey(g *gorm.DB, k *Key) error {
	if k == nil {
		return errors.New("audit: no key")
	}
	if p, ok := g.Config.Plugins[pluginName].(*keyPlugin); ok {
		p.key.Store(k)
		return nil
	}
	p := &keyPlugin{}
	p.key.Store(k)
	return g.Use(p)
}

// ErrNoKey reports a database handle without an audit key.
var ErrNoKey = errors.New("audit: no audit key installed on the database handle")

// keyOf returns the key installed on g.
func keyOf(g *gorm.DB) (*Key, error) {
	if p, ok := g.Config.Plugins[pluginName].(*keyPlugin); ok {
		if k := p.key.Load(); k != nil {
			return k, nil
		}
	}
	return nil, ErrNoKey
}
