package report

import (
	"slices"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// The PDF library draws the characters of a string one after another, left
// to right, each with the font's glyph for that code point. Arabic and
// Hebrew need two more steps before that, which letters take because a name
// or an address may be written in those scripts:
//
//   - shapeArabic replaces each Arabic letter by the presentation form the
//     font has for its position in the word (isolated, final, initial,
//     medial), so that the letters join as they do in handwriting and type;
//   - visualOrder puts a line in the order it is seen: runs of right-to-left
//     text reversed inside a left-to-right line (the letters are in English
//     or French), following the Unicode bidirectional algorithm (UAX #9) for
//     a paragraph without explicit embeddings, which clean has already made
//     visible as code points.
//
// Both are linear in the text and leave a text without such characters as
// it is.

// Arabic joining types (Unicode ArabicShaping.txt) of the letters shaped here.
const (
	joinNone  = iota // U: joins neither side (hamza, anything not Arabic)
	joinRight        // R: joins the letter before it only (alef, dal, reh, waw…)
	joinDual         // D: joins both sides (beh, seen, lam, yeh…)
	joinCause        // C: tatweel, joins both sides and has no forms
)

// arabicForms maps an Arabic letter to its presentation forms in the order
// isolated, final, initial, medial (zero where the letter has none).
var arabicForms = buildArabicForms()

// buildArabicForms reads Arabic Presentation Forms-B (U+FE80–U+FEF4), which
// lists the letters U+0621–U+064A in order, each with one form (hamza), two
// (right-joining letters) or four (dual-joining letters), and adds the
// Persian and Urdu letters of Presentation Forms-A.
func buildArabicForms() map[rune][4]rune {
	out := map[rune][4]rune{}
	next := rune(0xFE80)
	for r := rune(0x0621); r <= 0x064A; r++ {
		if r >= 0x063B && r <= 0x0640 {
			continue // not in the block; U+0640 is tatweel
		}
		n := 4
		switch {
		case r == 0x0621:
			n = 1
		case rightJoining(r):
			n = 2
		}
		var f [4]rune
		for i := range n {
			f[i] = next + rune(i)
		}
		out[r] = f
		next += rune(n)
	}
	out[0x067E] = [4]rune{0xFB56, 0xFB57, 0xFB58, 0xFB59} // peh
	out[0x0686] = [4]rune{0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D} // tcheh
	out[0x0698] = [4]rune{0xFB8A, 0xFB8B}                 // jeh
	out[0x06A9] = [4]rune{0xFB8E, 0xFB8F, 0xFB90, 0xFB91} // keheh
	out[0x06AF] = [4]rune{0xFB92, 0xFB93, 0xFB94, 0xFB95} // gaf
	out[0x06CC] = [4]rune{0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF} // farsi yeh
	return out
}

// rightJoining lists the right-joining letters among those shaped here.
func rightJoining(r rune) bool {
	switch r {
	case 0x0622, 0x0623, 0x0624, 0x0625, 0x0627, 0x0629, 0x062F, 0x0630, 0x0631, 0x0632,
		0x0648, 0x0649, 0x0698:
		return true
	}
	return false
}

// lamAlef maps the alef that follows a lam to the ligature's isolated form;
// the final form is the next code point.
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

func joiningType(r rune) int {
	switch {
	case r == 0x0640:
		return joinCause
	case rightJoining(r):
		return joinRight
	}
	if f, ok := arabicForms[r]; ok && f[2] != 0 {
		return joinDual
	}
	return joinNone
}

// transparent marks (harakat and other non-spacing marks) sit on a letter
// without breaking its joins.
func transparent(r rune) bool { return unicode.Is(unicode.Mn, r) }

// hasArabic reports whether s holds a letter shapeArabic would change.
func hasArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0621 && r <= 0x06CC {
			return true
		}
	}
	return false
}

// shapeArabic returns s with each Arabic letter replaced by its presentation
// form, where the fonts of fs have that form; a letter whose form they lack
// stays as it is.
func shapeArabic(fs *fontSet, s string) string {
	if !hasArabic(s) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		jt := joiningType(r)
		if jt != joinRight && jt != joinDual {
			out = append(out, r)
			continue
		}
		before := joinsForward(rs, i)
		if lig, ok := lamAlef[runeAt(rs, i+1)]; ok && r == 0x0644 {
			if before {
				lig++
			}
			if fs.printable(lig) {
				out = append(out, lig)
				i++
				continue
			}
		}
		after := jt == joinDual && joinsBack(rs, i)
		out = append(out, arabicForm(fs, r, before, after))
	}
	return string(out)
}

// joinsForward reports whether the letter before position i (skipping
// marks) reaches forward to join the one at i.
func joinsForward(rs []rune, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if !transparent(rs[j]) {
			t := joiningType(rs[j])
			return t == joinDual || t == joinCause
		}
	}
	return false
}

// joinsBack reports whether the letter after position i (skipping marks)
// joins back to the one at i.
func joinsBack(rs []rune, i int) bool {
	for j := i + 1; j < len(rs); j++ {
		if !transparent(rs[j]) {
			return joiningType(rs[j]) != joinNone
		}
	}
	return false
}

// arabicForm picks the form for a letter joined before and/or after.
func arabicForm(fs *fontSet, r rune, before, after bool) rune {
	f := arabicForms[r]
	var form rune
	switch {
	case before && after:
		form = f[3]
	case before:
		form = f[1]
	case after:
		form = f[2]
	default:
		form = f[0]
	}
	if form == 0 || !fs.printable(form) {
		return r
	}
	return form
}

func runeAt(rs []rune, i int) rune {
	if i < 0 || i >= len(rs) {
		return 0
	}
	return rs[i]
}

// Resolved bidirectional types of the visual ordering below.
const (
	dirL   = iota // left to right
	dirR          // right to left (R, and AL once resolved)
	dirEN         // European number
	dirAN         // Arabic number
	dirES         // European separator (+ -)
	dirET         // European terminator (# $ % …)
	dirCS         // common separator (, . / :)
	dirNSM        // non-spacing mark
	dirN          // neutral: spaces, punctuation, symbols
	dirAL         // Arabic letter, before resolution
)

// visualOrder returns a line of logical-order text in the order it is seen,
// for a left-to-right paragraph. A line without right-to-left letters is
// returned as it is.
func visualOrder(line string) string {
	if !hasRTL(line) {
		return line
	}
	rs := []rune(line)
	types := bidiTypes(rs)
	resolveWeak(types)
	resolveBrackets(rs, types)
	resolveNeutral(types)
	levels := make([]int, len(rs))
	for i, t := range types {
		switch t {
		case dirR:
			levels[i] = 1
		case dirEN, dirAN:
			levels[i] = 2
		}
	}
	for i := len(rs) - 1; i >= 0 && unicode.IsSpace(rs[i]); i-- {
		levels[i] = 0 // rule L1: trailing white space takes the paragraph's level
	}
	return string(reorder(rs, levels))
}

// hasRTL reports whether s holds a right-to-left letter.
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && (r <= 0x08FF || (r >= 0xFB1D && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)) {
			if c := bidiClass(r); c == dirR || c == dirAL {
				return true
			}
		}
	}
	return false
}

func bidiClass(r rune) int {
	p, _ := bidi.LookupRune(r)
	switch p.Class() {
	case bidi.L:
		return dirL
	case bidi.R:
		return dirR
	case bidi.AL:
		return dirAL
	case bidi.EN:
		return dirEN
	case bidi.AN:
		return dirAN
	case bidi.ES:
		return dirES
	case bidi.ET:
		return dirET
	case bidi.CS:
		return dirCS
	case bidi.NSM:
		return dirNSM
	}
	return dirN
}

// bidiTypes classifies each character; a mark takes the type of the
// character it sits on (rule W1).
func bidiTypes(rs []rune) []int {
	types := make([]int, len(rs))
	prev := dirN
	for i, r := range rs {
		t := bidiClass(r)
		if t == dirNSM {
			t = prev
		}
		types[i], prev = t, t
	}
	return types
}

// resolveWeak applies rules W2–W7 to a paragraph at level 0.
func resolveWeak(types []int) {
	strong := dirL // the start of the paragraph counts as L
	for i, t := range types {
		switch t {
		case dirL, dirR, dirAL:
			strong = t
		case dirEN:
			if strong == dirAL {
				types[i] = dirAN // W2
			}
		}
		if t == dirAL {
			types[i] = dirR // W3
		}
	}
	for i := 1; i+1 < len(types); i++ { // W4
		a, b := types[i-1], types[i+1]
		if a == b && (a == dirEN && (types[i] == dirES || types[i] == dirCS) || a == dirAN && types[i] == dirCS) {
			types[i] = a
		}
	}
	resolveTerminators(types)
	strong = dirL
	for i, t := range types {
		switch t {
		case dirES, dirET, dirCS:
			types[i] = dirN // W6
		case dirL, dirR:
			strong = t
		case dirEN:
			if strong == dirL {
				types[i] = dirL // W7
			}
		}
	}
}

// resolveTerminators applies rule W5: a sequence of European terminators
// next to a European number becomes part of it.
func resolveTerminators(types []int) {
	for i := 0; i < len(types); {
		if types[i] != dirET {
			i++
			continue
		}
		j := i
		for j < len(types) && types[j] == dirET {
			j++
		}
		if (i > 0 && types[i-1] == dirEN) || (j < len(types) && types[j] == dirEN) {
			for k := i; k < j; k++ {
				types[k] = dirEN
			}
		}
		i = j
	}
}

// bracketPairs lists the paired brackets of a line by the position of the
// opening one (UAX #9 BD16): a closing bracket matches the nearest open
// bracket of its kind, closing any opened after it; past 63 open brackets
// the search stops.
func bracketPairs(rs []rune) [][2]int {
	type open struct {
		closing rune
		at      int
	}
	var stack []open
	var pairs [][2]int
	for i, r := range rs {
		if c, ok := openingBrackets[r]; ok {
			if len(stack) == 63 {
				break
			}
			stack = append(stack, open{c, i})
			continue
		}
		for j := len(stack) - 1; j >= 0; j-- {
			if stack[j].closing == r {
				pairs = append(pairs, [2]int{stack[j].at, i})
				stack = stack[:j]
				break
			}
		}
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return a[0] - b[0] })
	return pairs
}

var openingBrackets = map[rune]rune{'(': ')', '[': ']', '{': '}'}

// resolveBrackets applies rule N0: a pair of brackets takes the direction
// of the text inside it, so that "(…)" around right-to-left words stays
// one pair instead of two closing brackets.
func resolveBrackets(rs []rune, types []int) {
	for _, p := range bracketPairs(rs) {
		if dir, ok := pairDirection(types, p[0], p[1]); ok {
			types[p[0]], types[p[1]] = dir, dir
		}
	}
}

// pairDirection decides a bracket pair at level 0: left to right when a
// left-to-right letter is inside; right to left when only right-to-left
// text (or numbers) is inside and the last strong text before the pair is
// right to left too; left to right otherwise; no decision when nothing
// strong is inside.
func pairDirection(types []int, open, closing int) (int, bool) {
	rtlInside := false
	for _, t := range types[open+1 : closing] {
		switch t {
		case dirL:
			return dirL, true
		case dirR, dirEN, dirAN:
			rtlInside = true
		}
	}
	if !rtlInside {
		return 0, false
	}
	for k := open - 1; k >= 0; k-- {
		switch types[k] {
		case dirL:
			return dirL, true
		case dirR, dirEN, dirAN:
			return dirR, true
		}
	}
	return dirL, true
}

// resolveNeutral applies rules N1 and N2: a run of neutrals between two
// right-to-left sides (numbers count as right to left here) is right to
// left; any other run takes the paragraph's direction, left to right.
func resolveNeutral(types []int) {
	side := func(t int) int {
		if t == dirL {
			return dirL
		}
		return dirR
	}
	for i := 0; i < len(types); {
		if types[i] != dirN {
			i++
			continue
		}
		j := i
		for j < len(types) && types[j] == dirN {
			j++
		}
		dir := dirL
		if i > 0 && j < len(types) && side(types[i-1]) == dirR && side(types[j]) == dirR {
			dir = dirR
		}
		for k := i; k < j; k++ {
			types[k] = dir
		}
		i = j
	}
}

// reorder applies rules L2 and L4: from the highest level down to 1, every
// run at that level or above is reversed, and brackets in right-to-left
// text are mirrored. A mark stays after the letter it sits on, where the
// font draws it.
func reorder(rs []rune, levels []int) []rune {
	clusters := clusterStarts(rs)
	n := len(clusters)
	order := make([]int, n) // clusters, by index into clusters
	lv := make([]int, n)
	for i, start := range clusters {
		order[i], lv[i] = i, levels[start]
	}
	for level := 2; level >= 1; level-- {
		for i := 0; i < n; {
			if lv[order[i]] < level {
				i++
				continue
			}
			j := i
			for j < n && lv[order[j]] >= level {
				j++
			}
			slices.Reverse(order[i:j])
			i = j
		}
	}
	out := make([]rune, 0, len(rs))
	for _, c := range order {
		end := len(rs)
		if c+1 < n {
			end = clusters[c+1]
		}
		for k := clusters[c]; k < end; k++ {
			r := rs[k]
			if levels[k]%2 == 1 {
				r = mirror(r)
			}
			out = append(out, r)
		}
	}
	return out
}

// clusterStarts returns the index of each character that is not a mark.
func clusterStarts(rs []rune) []int {
	starts := make([]int, 0, len(rs))
	for i, r := range rs {
		if i == 0 || !transparent(r) {
			starts = append(starts, i)
		}
	}
	return starts
}

// mirror returns the mirrored form of a paired character shown right to left.
func mirror(r rune) rune {
	if m, ok := mirrored[r]; ok {
		return m
	}
	return r
}

var mirrored = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}
