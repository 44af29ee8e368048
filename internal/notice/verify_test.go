package notice

import (
	"crypto/rand"
	"crypto/subtle"
	"strings"
	"testing"
)

// TestHashComparisonExaminesEveryByte: the comparison folds every
// position, whatever it finds first: a difference in the first byte costs
// as many steps as one in the last (no early exit on a prefix), and the
// answer is that of crypto/subtle.
func TestHashComparisonExaminesEveryByte(t *testing.T) {
	const n = 64
	for diffAt := 0; diffAt < n; diffAt++ {
		steps := 0
		equal := allEqual(n, func(i int) byte {
			steps++
			if i == diffAt {
				return 1
			}
			return 0
		})
		if equal || steps != n {
			t.Fatalf("difference at %d: equal=%v after %d steps, want false after %d", diffAt, equal, steps, n)
		}
	}
	steps := 0
	if !allEqual(n, func(int) byte { steps++; return 0 }) || steps != n {
		t.Fatalf("equal input: %d steps", steps)
	}
	for i := 0; i < 200; i++ {
		a, b := make([]byte, 32), make([]byte, 32)
		_, _ = rand.Read(a)
		copy(b, a)
		if i%2 == 0 {
			b[i%32] ^= byte(1 + i%255)
		}
		if got, want := hashEqual(a, b), subtle.ConstantTimeCompare(a, b) == 1; got != want {
			t.Fatalf("hashEqual(%x, %x) = %v, want %v", a, b, got, want)
		}
	}
	if hashEqual([]byte("abc"), []byte("abcd")) {
		t.Fatal("hashes of different lengths compared equal")
	}
}

// TestNormalizeCodeTolerance: case, spaces, dashes and the look-alikes O,
// I and L are forgiven; U and anything outside the alphabet are not, nor a
// wrong length. A malformed input stands in as a code no delivery has.
func TestNormalizeCodeTolerance(t *testing.T) {
	for in, want := range map[string]string{
		"ABCD-EFGH-JKMNP":   "ABCDEFGHJKMNP",
		" abcd efgh jkmnp ": "ABCDEFGHJKMNP",
		"oO1L-iIlL-00000":   "0011111100000",
		"abcd.efgh_jkmnp":   "ABCDEFGHJKMNP",
	} {
		if got, ok := NormalizeCode(in); !ok || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"ABCD-EFGH-JKMNU", "ABCD-EFGH-JKMN", "ABCD-EFGH-JKMNPQ", "ABCD-EFGH-JKMN!", "ÀBCD-EFGH-JKMNP", ""} {
		if got, ok := NormalizeCode(in); ok {
			t.Errorf("NormalizeCode(%q) = %q, accepted", in, got)
		}
	}
	if _, ok := NormalizeCode(notACode); ok || len(notACode) != codeLength {
		t.Fatal("the stand-in for malformed input must have a code's length and never be a code")
	}
	if codeDigest("ABCDEFGHJKMNP") != CodeHash("abcd-efgh-jkmnp") {
		t.Fatal("the lookup hash differs from the stored one")
	}
}

// TestInitials: the page names the person by initials only.
func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"Ann Lee": "A. L.", "chloé roy": "C. R.", "Jean-Luc Picard": "J. L. P.", "": "",
		"<script>alert(1)</script>": "S."} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
	if strings.Contains(Initials("Ann Lee"), "nn") {
		t.Fatal("initials leak the name")
	}
}
