package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Argon2Params are the cost of argon2id password hashes. Every new or
// re-hashed password uses the service's parameters; a stored hash keeps the
// parameters it was made with and is re-hashed at the next sign-in when
// they differ.
type Argon2Params struct {
	// Memory in KiB.
	Memory uint32
	// Iterations over the memory.
	Iterations uint32
	// Parallelism is the number of lanes (threads).
	Parallelism uint8
}

// DefaultArgon2 is the first of OWASP's equivalent argon2id settings
// (46 MiB, one pass, one lane): about 40 ms per hash on one core of the
// project's machines, so a sign-in stays under 250 ms with several at once.
var DefaultArgon2 = Argon2Params{Memory: 46 * 1024, Iterations: 1, Parallelism: 1}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

// hashArgon2 returns the PHC string of password under p:
// $argon2id$v=19$m=47104,t=1,p=1$<salt>$<key>.
func hashArgon2(password string, p Argon2Params) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errHashFormat = errors.New("password hash: unknown format")

// parseArgon2 reads a PHC string made by hashArgon2.
func parseArgon2(encoded string) (Argon2Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Argon2Params{}, nil, nil, errHashFormat
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Argon2Params{}, nil, nil, errHashFormat
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil {
		return Argon2Params{}, nil, nil, errHashFormat
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return Argon2Params{}, nil, nil, errHashFormat
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 || p.Memory == 0 || p.Iterations == 0 || p.Parallelism == 0 {
		return Argon2Params{}, nil, nil, errHashFormat
	}
	return p, salt, key, nil
}

// passwordHasher hashes and verifies passwords. At most as many hashes run
// at once as there are processors: each takes Memory KiB, and a burst of
// sign-ins must not take the machine's memory.
type passwordHasher struct {
	params Argon2Params
	slots  chan struct{}
	// dummy is a hash of a fixed text under params, verified when there is
	// no account or no password, so that the answer takes as long. It is
	// made on first use: every command of the binary builds the service.
	dummy func() string
	// checks counts the verifications run (each the same work).
	checks atomic.Int64
}

func newPasswordHasher(p Argon2Params) *passwordHasher {
	if p.Memory == 0 || p.Iterations == 0 || p.Parallelism == 0 {
		p = DefaultArgon2
	}
	return &passwordHasher{params: p, slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
		dummy: sync.OnceValue(func() string {
			dummy, err := hashArgon2("breachline-timing-equaliser", p)
			if err != nil {
				panic("auth: " + err.Error())
			}
			return dummy
		})}
}

func (h *passwordHasher) acquire() func() {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}

// hash returns the argon2id hash of password.
func (h *passwordHasher) hash(password string) (string, error) {
	defer h.acquire()()
	return hashArgon2(password, h.params)
}

// verify reports whether password matches encoded (argon2id, or bcrypt from
// before argon2id), and whether the hash should be replaced by one made
// with the current parameters. An empty or unreadable hash is checked
// against the dummy hash and never matches, taking as long as a real check.
func (h *passwordHasher) verify(encoded, password string) (ok, rehash bool) {
	h.checks.Add(1)
	dummy := h.dummy()
	defer h.acquire()()
	if strings.HasPrefix(encoded, "$2") {
		return bcrypt.CompareHashAndPassword([]byte(encoded), []byte(password)) == nil, true
	}
	p, salt, key, err := parseArgon2(encoded)
	if err != nil {
		p, salt, key, _ = parseArgon2(dummy)
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(key))) // #nosec G115 -- a stored key is at most 64 bytes
	match := subtle.ConstantTimeCompare(got, key) == 1 && err == nil
	return match, match && p != h.params
}

// burn verifies password against the dummy hash: the work of a sign-in for
// an address that has no account, or an account that has no password.
func (h *passwordHasher) burn(password string) {
	h.verify(h.dummy(), password)
}

// PasswordChecks counts the password verifications the service has run:
// every sign-in runs exactly one, whether or not the account exists or has
// a password, so that no answer is quicker than another.
func (s *Service) PasswordChecks() int64 { return s.hasher.checks.Load() }
