package auth

import (
	"bufio"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/breachline/breachline/internal/errs"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// MaxPasswordLength bounds a password, in characters: hashing is costly by
// design, and nobody types more.
const MaxPasswordLength = 128

// minGuessesLog10 is the strength a password must have: an attacker who
// tries common passwords, words, repeats, sequences and years first, in
// order of likelihood, needs at least 10^10 guesses to reach it.
const minGuessesLog10 = 10

//go:embed data/common-passwords.txt
var commonPasswordsFile string

// commonPasswords ranks the bundled list (1 is the most common).
var commonPasswords = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, 10000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		if _, dup := m[w]; !dup {
			m[w] = len(m) + 1
		}
	}
	return m
})

// CheckPassword applies the password policy: MinPasswordLength to
// MaxPasswordLength characters, not on the list of common passwords, and
// not made only of guessable parts (common passwords and words, repeated
// or sequential characters, keyboard rows, years, and the person's own
// name or address, given as personal). The error names the problem.
func CheckPassword(password string, personal ...string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return passwordProblem(fmt.Sprintf("at least %d characters", MinPasswordLength))
	case n > MaxPasswordLength:
		return passwordProblem(fmt.Sprintf("at most %d characters", MaxPasswordLength))
	}
	if _, common := commonPasswords()[strings.ToLower(password)]; common {
		return passwordProblem("this is one of the most common passwords; choose another")
	}
	if estimateGuessesLog10(password, personalWords(personal)) < minGuessesLog10 {
		return passwordProblem("too easy to guess: avoid repeated or sequential characters, common words with digits added, and your name or address")
	}
	return nil
}

func passwordProblem(msg string) error {
	return &errs.Invalid{Message: "the password does not meet the policy", Fields: map[string]string{"password": msg}}
}

// personalWords are the parts of a person's name and address an attacker
// would try first, each counted as a most common word.
func personalWords(personal []string) map[string]bool {
	out := map[string]bool{"breachline": true}
	for _, p := range personal {
		for _, w := range strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if utf8.RuneCountInString(w) >= 3 {
				out[w] = true
			}
		}
	}
	return out
}

// leet undoes the common substitutions of letters by digits and symbols.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i'}

// keyboardRows are sequences people type as if they were the alphabet.
var keyboardRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "qwertzuiop", "azertyuiop", "qsdfghjklm", "wxcvbn"}

// estimateGuessesLog10 estimates, in powers of ten, how many guesses an
// attacker trying the likeliest patterns first needs (after zxcvbn): the
// password is cut into the parts that need the fewest guesses, whose
// guesses multiply, times the orders the parts could come in.
func estimateGuessesLog10(password string, personal map[string]bool) float64 {
	rs := []rune(password)
	n := len(rs)
	lower := []rune(strings.ToLower(password))
	if len(lower) != n {
		lower = rs
	}
	plain := make([]rune, n)
	for i, r := range lower {
		if l, ok := leet[r]; ok {
			plain[i] = l
		} else {
			plain[i] = r
		}
	}
	// part[i][j] is the fewest guesses (log10) for rs[i:j] as one part.
	part := make([][]float64, n)
	for i := range n {
		part[i] = make([]float64, n+1)
		for j := i + 1; j <= n; j++ {
			part[i][j] = partGuesses(rs[i:j], lower[i:j], plain[i:j], personal)
		}
	}
	// best[k][j]: fewest guesses for rs[:j] cut into k parts.
	inf := math.Inf(1)
	best := make([][]float64, n+1)
	for k := range best {
		best[k] = make([]float64, n+1)
		for j := range best[k] {
			best[k][j] = inf
		}
	}
	best[0][0] = 0
	for k := 1; k <= n; k++ {
		for j := 1; j <= n; j++ {
			for i := k - 1; i < j; i++ {
				if v := best[k-1][i] + part[i][j]; v < best[k][j] {
					best[k][j] = v
				}
			}
		}
	}
	out, logFact := inf, 0.0
	for k := 1; k <= n; k++ {
		logFact += math.Log10(float64(k))
		out = min(out, best[k][n]+logFact)
	}
	return out
}

// partGuesses is the fewest guesses (log10) for one part: a common
// password or personal word (possibly capitalised or in l33t), a repeat, a
// sequence, a year, or else each character guessed from its class.
func partGuesses(orig, lower, plain []rune, personal map[string]bool) float64 {
	g := bruteForce(orig)
	if len(lower) >= 3 {
		g = min(g, dictionary(orig, lower, plain, personal))
	}
	g = min(g, repeatGuesses(orig))
	if len(lower) >= 3 {
		g = min(g, sequenceGuesses(lower))
	}
	if len(orig) == 4 && isYear(string(orig)) {
		g = min(g, math.Log10(200))
	}
	return g
}

func bruteForce(rs []rune) float64 {
	g := 0.0
	for _, r := range rs {
		g += math.Log10(float64(cardinality(r)))
	}
	return g
}

func cardinality(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return 10
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		return 26
	case r < 128:
		return 33
	}
	return 100
}

func dictionary(orig, lower, plain []rune, personal map[string]bool) float64 {
	rank := func(w string) int {
		if personal[w] {
			return 1
		}
		return commonPasswords()[w]
	}
	g := math.Inf(1)
	if r := rank(string(lower)); r > 0 {
		g = math.Log10(float64(r)) + upperVariations(orig)
	}
	if subs := countDiff(lower, plain); subs > 0 {
		if r := rank(string(plain)); r > 0 {
			g = min(g, math.Log10(float64(r))+upperVariations(orig)+float64(subs)*math.Log10(2))
		}
	}
	return g
}

// upperVariations (log10) counts the ways of capitalising a word: one
// for none, two for the first letter or all, more for others.
func upperVariations(rs []rune) float64 {
	var up, low int
	for _, r := range rs {
		switch {
		case unicode.IsUpper(r):
			up++
		case unicode.IsLower(r):
			low++
		}
	}
	switch {
	case up == 0:
		return 0
	case low == 0, up == 1 && unicode.IsUpper(rs[0]):
		return math.Log10(2)
	}
	var sum float64
	for i := 1; i <= min(up, low); i++ {
		sum += binomial(up+low, i)
	}
	return math.Log10(sum)
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func countDiff(a, b []rune) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// repeatGuesses: the part repeats a shorter unit ("aaaa", "abab",
// "abcabc"); the guesses are those of the unit times the count.
func repeatGuesses(rs []rune) float64 {
	n := len(rs)
	for unit := 1; unit <= n/2; unit++ {
		if n%unit != 0 {
			continue
		}
		same := true
		for i := unit; i < n && same; i++ {
			same = rs[i] == rs[i-unit]
		}
		if same {
			return bruteForce(rs[:unit]) + math.Log10(float64(n/unit))
		}
	}
	return math.Inf(1)
}

// sequenceGuesses: the part runs up or down the alphabet or digits
// ("abcdef", "9876") or along a keyboard row ("qwerty").
func sequenceGuesses(lower []rune) float64 {
	n := len(lower)
	start := 26.0
	switch lower[0] {
	case 'a', 'z', '0', '1', '9', 'q':
		start = 4
	}
	byStep := func(step rune) bool {
		for i := 1; i < n; i++ {
			if lower[i]-lower[i-1] != step || cardinality(lower[i]) != cardinality(lower[0]) {
				return false
			}
		}
		return true
	}
	switch {
	case byStep(1):
		return math.Log10(start * float64(n))
	case byStep(-1):
		return math.Log10(2 * start * float64(n))
	}
	s := string(lower)
	for _, row := range keyboardRows {
		if strings.Contains(row, s) {
			return math.Log10(start * float64(n))
		}
		if strings.Contains(reverse(row), s) {
			return math.Log10(2 * start * float64(n))
		}
	}
	return math.Inf(1)
}

func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

func isYear(s string) bool {
	return (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")) && strings.Trim(s, "0123456789") == ""
}
