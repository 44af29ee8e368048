package rosterfile

// sniffDelimiter picks comma, semicolon or tab: the one that occurs most often, outside
// quotes, in the first non-blank line (the header). French Excel writes semicolons, Excel's
// "Unicode text" writes tabs. With none of them the file has a single column.
func sniffDelimiter(sample []byte) byte {
	line := firstLine(sample)
	var counts [3]int
	cands := [3]byte{',', ';', '\t'}
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for i, d := range cands {
			if c == d {
				counts[i]++
			}
		}
	}
	best := 0
	for i := 1; i < len(cands); i++ {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return cands[best]
}

// firstLine returns the first line with content, ignoring line breaks inside quotes.
func firstLine(b []byte) []byte {
	start := 0
	for start < len(b) && (b[start] == '\n' || b[start] == '\r') {
		start++
	}
	inQuote := false
	for i := start; i < len(b); i++ {
		switch b[i] {
		case '"':
			inQuote = !inQuote
		case '\n', '\r':
			if !inQuote {
				return b[start:i]
			}
		}
	}
	return b[start:]
}
