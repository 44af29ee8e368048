package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/breachline/breachline/internal/errs"
)

// TestPasswordPolicy: short, common and patterned passwords are refused;
// long random ones and passphrases pass.
func TestPasswordPolicy(t *testing.T) {
	refused := []string{
		"short", "aaaaaaaaaaaa", "password1234", "Password1234", "P@ssw0rd2024!", "123456789012", "qwertyuiop12",
		"abcdefghijkl", "abcabcabcabc", "1q2w3e4r5t6y", "qwerty123456", "iloveyou2025", "zyxwvutsrqpo",
		"111111111111", "abababababab", "dragon123456", "Passwordpassword", "monkeymonkey12",
		"ann.lee@example.com", "annlee2024annlee", strings.Repeat("x", MaxPasswordLength+1),
	}
	for _, p := range refused {
		err := CheckPassword(p, "ann.lee@example.com", "Ann Lee")
		var inv *errs.Invalid
		if !errors.As(err, &inv) || inv.Fields["password"] == "" {
			t.Errorf("%q accepted (%v)", p, err)
		}
	}
	accepted := []string{
		"correct horse battery", "attacker chosen pw", "my own passphrase", "a brand new passphrase",
		"operator reset phrase", "k7#Qm2!vX9pL", "tuesday lantern orbit", "Vx8u2kq0Lr5z",
	}
	for _, p := range accepted {
		if err := CheckPassword(p, "someone@example.org", "Some One"); err != nil {
			t.Errorf("%q refused: %v (%.1f)", p, err, estimateGuessesLog10(p, nil))
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	p := strings.Repeat("k7#Qm2!vX9pL", 10)
	for b.Loop() {
		CheckPassword(p)
	}
}
