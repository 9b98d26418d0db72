package config

import (
	"strconv"
	"strings"
)

// keyLines maps each key and table written in a TOML document to the
// line it is first written on. Paths are those of the decoder: keys
// joined with ".", an entry of an array of tables counted from 0
// ("feed[1].url"), a key that is not bare in quotes. Every prefix of a
// written path is recorded too, so that a table defined only through
// dotted keys has a line. It runs on documents the TOML parser accepted,
// and reads only as much of a value as it must to find where it ends.
func keyLines(src string) map[string]int {
	s := &lineScanner{src: src, line: 1, lines: map[string]int{}, arrays: map[string]int{}}
	s.run()
	return s.lines
}

type lineScanner struct {
	src   string
	pos   int
	line  int
	lines map[string]int
	// arrays holds, for each array of tables, the index of its last
	// entry so far.
	arrays map[string]int
	table  []string
}

func (s *lineScanner) eof() bool { return s.pos >= len(s.src) }

func (s *lineScanner) peek(off int) byte {
	if s.pos+off >= len(s.src) {
		return 0
	}
	return s.src[s.pos+off]
}

// next consumes one byte, counting lines.
func (s *lineScanner) next() byte {
	c := s.src[s.pos]
	s.pos++
	if c == '\n' {
		s.line++
	}
	return c
}

func (s *lineScanner) skipSpace() {
	for !s.eof() && (s.peek(0) == ' ' || s.peek(0) == '\t' || s.peek(0) == '\r') {
		s.pos++
	}
}

// skipLine consumes up to and including the next newline.
func (s *lineScanner) skipLine() {
	for !s.eof() {
		if s.next() == '\n' {
			return
		}
	}
}

func (s *lineScanner) record(path []string) {
	for i := 1; i <= len(path); i++ {
		p := strings.Join(path[:i], ".")
		if _, ok := s.lines[p]; !ok {
			s.lines[p] = s.line
		}
	}
}

func (s *lineScanner) run() {
	for !s.eof() {
		s.skipSpace()
		switch c := s.peek(0); c {
		case 0:
			return
		case '\n', '#':
			s.skipLine()
		case '[':
			s.header()
		default:
			parts, ok := s.keyParts('=')
			if !ok {
				s.skipLine()
				continue
			}
			s.record(append(append([]string(nil), s.table...), parts...))
			s.pos++ // '='
			s.skipValue()
		}
	}
}

// header reads [table] or [[array]] and makes it the current table.
func (s *lineScanner) header() {
	s.pos++
	array := s.peek(0) == '['
	if array {
		s.pos++
	}
	parts, ok := s.keyParts(']')
	if !ok || len(parts) == 0 {
		s.skipLine()
		return
	}
	var path []string
	for i, p := range parts {
		path = append(path, p)
		key := strings.Join(path, ".")
		if array && i == len(parts)-1 {
			idx, seen := s.arrays[key]
			if seen {
				idx++
			}
			s.arrays[key] = idx
			path[i] = p + "[" + strconv.Itoa(idx) + "]"
			continue
		}
		if idx, ok := s.arrays[key]; ok {
			path[i] = p + "[" + strconv.Itoa(idx) + "]"
		}
	}
	s.table = path
	s.record(path)
	s.skipLine() // the closing brackets and any comment
}

// keyParts reads a dotted key up to end (not consumed) and returns its
// parts in path form.
func (s *lineScanner) keyParts(end byte) ([]string, bool) {
	var parts []string
	for {
		s.skipSpace()
		var part string
		switch c := s.peek(0); {
		case c == '"':
			start := s.pos
			s.pos++
			for !s.eof() && s.peek(0) != '"' && s.peek(0) != '\n' {
				if s.peek(0) == '\\' {
					s.pos++
				}
				s.pos++
			}
			s.pos++
			raw := s.src[start:min(s.pos, len(s.src))]
			unq, err := strconv.Unquote(raw)
			if err != nil {
				unq = strings.Trim(raw, `"`)
			}
			part = unq
		case c == '\'':
			s.pos++
			start := s.pos
			for !s.eof() && s.peek(0) != '\'' && s.peek(0) != '\n' {
				s.pos++
			}
			part = s.src[start:s.pos]
			s.pos++
		case isBare(c):
			start := s.pos
			for !s.eof() && isBare(s.peek(0)) {
				s.pos++
			}
			part = s.src[start:s.pos]
		default:
			return nil, false
		}
		parts = append(parts, keyPart(part))
		s.skipSpace()
		switch s.peek(0) {
		case '.':
			s.pos++
		case end:
			return parts, true
		default:
			return nil, false
		}
	}
}

// skipValue consumes a value and the rest of its line; a value may span
// lines (multi-line strings, arrays).
func (s *lineScanner) skipValue() {
	depth := 0
	for !s.eof() {
		switch c := s.peek(0); c {
		case '"', '\'':
			s.skipString(c)
		case '[', '{':
			depth++
			s.pos++
		case ']', '}':
			depth--
			s.pos++
		case '#':
			for !s.eof() && s.peek(0) != '\n' {
				s.pos++
			}
		case '\n':
			s.next()
			if depth <= 0 {
				return
			}
		default:
			s.pos++
		}
	}
}

// skipString consumes a string that starts with quote: basic or literal,
// one line or multi-line.
func (s *lineScanner) skipString(quote byte) {
	escapes := quote == '"'
	if s.peek(1) == quote && s.peek(2) == quote {
		s.pos += 3
		for !s.eof() {
			if escapes && s.peek(0) == '\\' {
				s.next()
				if !s.eof() {
					s.next()
				}
				continue
			}
			if s.peek(0) == quote && s.peek(1) == quote && s.peek(2) == quote {
				s.pos += 3
				// Up to two more quotes belong to the content.
				for i := 0; i < 2 && s.peek(0) == quote; i++ {
					s.pos++
				}
				return
			}
			s.next()
		}
		return
	}
	s.pos++
	for !s.eof() && s.peek(0) != '\n' {
		c := s.next()
		if escapes && c == '\\' && !s.eof() {
			s.next()
			continue
		}
		if c == quote {
			return
		}
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// keyPart returns a key as it appears in a path: bare keys as they are,
// others quoted.
func keyPart(k string) string {
	if k == "" {
		return `""`
	}
	for i := range len(k) {
		if !isBare(k[i]) {
			return strconv.Quote(k)
		}
	}
	return k
}

// lineOf returns the line of key in lines or, when the key is not
// written, of the nearest enclosing table that is; 0 for none.
func lineOf(lines map[string]int, key string) int {
	for k := key; k != ""; {
		if l, ok := lines[k]; ok {
			return l
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}
