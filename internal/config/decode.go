package config

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// decoder sets the fields of a Config from the decoded TOML document,
// one key at a time, so that a key of the wrong type or an unknown key
// is one problem among the others and not the end of the reading.
type decoder struct {
	probs *problems
	lines map[string]int
	// homes maps each key name to the tables that have it ("max_age" to
	// "[nats]"), to tell where a key written in the wrong table belongs.
	homes map[string][]string
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	sizeType     = reflect.TypeFor[ByteSize]()
)

func newDecoder(probs *problems, lines map[string]int) *decoder {
	d := &decoder{probs: probs, lines: lines, homes: map[string][]string{}}
	d.collectHomes(reflect.TypeFor[Config](), "")
	return d
}

func (d *decoder) collectHomes(t reflect.Type, table string) {
	for _, f := range fieldsOf(t) {
		where := "at the top of the file, before any [table]"
		if table != "" {
			where = "in " + table
		}
		d.homes[f.name] = append(d.homes[f.name], where)
		ft := t.Field(f.index).Type
		switch {
		case ft.Kind() == reflect.Struct && ft != durationType:
			d.collectHomes(ft, "["+f.name+"]")
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			d.collectHomes(ft.Elem(), "[["+f.name+"]]")
		}
	}
}

type field struct {
	name  string
	index int
}

// fieldsOf returns the TOML keys of a struct type, in declaration order.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if name != "" && name != "-" {
			out = append(out, field{name, i})
		}
	}
	return out
}

// table decodes the keys of m into the struct rv, in file order.
func (d *decoder) table(prefix string, m map[string]any, rv reflect.Value) {
	fields := fieldsOf(rv.Type())
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(d.lines[join(prefix, a)], d.lines[join(prefix, b)]), cmp.Compare(a, b))
	})
	for _, k := range keys {
		path := join(prefix, k)
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == k })
		if i < 0 {
			d.unknown(path, k, fields)
			continue
		}
		d.value(path, m[k], rv.Field(fields[i].index))
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return keyPart(key)
	}
	return prefix + "." + keyPart(key)
}

// unknown reports an unknown key with the nearest known key of its table
// or, failing that, the table where a key of that name belongs.
func (d *decoder) unknown(path, key string, fields []field) {
	best, bestDist := "", math.MaxInt
	for _, f := range fields {
		if dist := editDistance(strings.ToLower(key), f.name); dist < bestDist {
			best, bestDist = f.name, dist
		}
	}
	if best != "" && bestDist <= closeEnough(key) {
		d.probs.add(path, "unknown key; did you mean %s?", best)
		return
	}
	// Written in the wrong table? Look for the name, or a near miss of
	// it, among the keys of the other tables.
	other, otherDist := "", math.MaxInt
	for name := range d.homes {
		if dist := editDistance(strings.ToLower(key), name); dist < otherDist || dist == otherDist && name < other {
			other, otherDist = name, dist
		}
	}
	switch {
	case otherDist == 0:
		d.probs.add(path, "unknown key here; %s belongs %s", key, strings.Join(d.homes[key], " or "))
	case otherDist <= closeEnough(key):
		d.probs.add(path, "unknown key; did you mean %s %s?", other, strings.Join(d.homes[other], " or "))
	default:
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		d.probs.add(path, "unknown key (the keys here are %s)", strings.Join(names, ", "))
	}
}

// value sets fv from v, or reports why it cannot.
func (d *decoder) value(path string, v any, fv reflect.Value) {
	t := fv.Type()
	switch {
	case t == durationType:
		dur, msg := duration(v)
		if msg != "" {
			d.probs.add(path, "%s", msg)
			return
		}
		fv.SetInt(int64(dur))
	case t == sizeType:
		size, msg := byteSize(v)
		if msg != "" {
			d.probs.add(path, "%s", msg)
			return
		}
		fv.SetInt(int64(size))
	case t.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			d.mismatch(path, v, "a string in quotes")
			return
		}
		fv.SetString(s)
	case t.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			d.mismatch(path, v, "true or false")
			return
		}
		fv.SetBool(b)
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		n, ok := v.(int64)
		if !ok {
			d.mismatch(path, v, "an integer")
			return
		}
		fv.SetInt(n)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		arr, ok := v.([]any)
		if !ok {
			d.mismatch(path, v, `an array of strings such as ["a", "b"]`)
			return
		}
		out := reflect.MakeSlice(t, 0, len(arr))
		for i, e := range arr {
			s, ok := e.(string)
			if !ok {
				d.mismatch(fmt.Sprintf("%s[%d]", path, i), e, "a string in quotes")
				continue
			}
			out = reflect.Append(out, reflect.ValueOf(s))
		}
		fv.Set(out)
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			d.mismatch(path, v, "a table (["+path+"])")
			return
		}
		d.table(path, m, fv)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		var entries []map[string]any
		switch arr := v.(type) {
		case []map[string]any:
			entries = arr
		case []any:
			for _, e := range arr {
				m, ok := e.(map[string]any)
				if !ok {
					d.mismatch(path, v, "tables ([["+path+"]] entries)")
					return
				}
				entries = append(entries, m)
			}
		default:
			d.mismatch(path, v, "tables ([["+path+"]] entries)")
			return
		}
		out := reflect.MakeSlice(t, len(entries), len(entries))
		for i, m := range entries {
			d.table(fmt.Sprintf("%s[%d]", path, i), m, out.Index(i))
		}
		fv.Set(out)
	default:
		panic(fmt.Sprintf("config: no decoding for %s (%s)", path, t))
	}
}

func (d *decoder) mismatch(path string, v any, want string) {
	d.probs.add(path, "%s, want %s", describe(v), want)
}

// describe names a decoded TOML value and its type: `"8" is a string`.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q is a string", v)
	case int64:
		return fmt.Sprintf("%d is an integer", v)
	case float64:
		return fmt.Sprintf("%v is a float", v)
	case bool:
		return fmt.Sprintf("%v is a boolean", v)
	case map[string]any:
		return "a table is given"
	case []map[string]any, []any:
		return "an array is given"
	case time.Time:
		return fmt.Sprintf("%s is a date", v.Format(time.RFC3339))
	default:
		return fmt.Sprintf("%v is a %T", v, v)
	}
}

// duration reads a Go duration in a string; an integer 0 is accepted as
// zero. The message says what to write instead.
func duration(v any) (time.Duration, string) {
	switch v := v.(type) {
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err == nil {
			return d, ""
		}
		if hint := durationHint(v); hint != "" {
			return 0, fmt.Sprintf("%q is not a duration (use %s)", v, hint)
		}
		return 0, fmt.Sprintf(`%q is not a duration (use a Go duration such as "90s", "15m" or "72h")`, v)
	case int64:
		if v == 0 {
			return 0, ""
		}
		return 0, fmt.Sprintf(`%d is a bare number; write a duration in quotes, such as "%ds" or "%dm"`, v, v, v)
	default:
		return 0, describe(v) + `, want a duration in quotes such as "90s", "15m" or "72h"`
	}
}

var spelledDuration = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$`)

// durationHint turns a duration written in words ("3 days", "2 hours")
// into the Go duration meaning the same ("72h", "2h"); "" when it cannot.
func durationHint(s string) string {
	m := spelledDuration.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return ""
	}
	var unit time.Duration
	switch strings.ToLower(m[2]) {
	case "ms", "msec", "msecs", "millisecond", "milliseconds":
		unit = time.Millisecond
	case "s", "sec", "secs", "second", "seconds":
		unit = time.Second
	case "m", "min", "mins", "minute", "minutes":
		unit = time.Minute
	case "h", "hr", "hrs", "hour", "hours":
		unit = time.Hour
	case "d", "day", "days":
		unit = 24 * time.Hour
	case "w", "wk", "wks", "week", "weeks":
		unit = 7 * 24 * time.Hour
	default:
		return ""
	}
	return shortDuration(time.Duration(n * float64(unit)))
}

// shortDuration writes d without zero parts: "72h", "1h30m", "90s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// byteSize reads a size: a string with a unit, or an integer of bytes.
func byteSize(v any) (ByteSize, string) {
	const want = `use a size such as "8GiB" or "512MiB", or -1 for no limit`
	switch v := v.(type) {
	case string:
		b, err := ParseByteSize(v)
		if err != nil {
			return 0, fmt.Sprintf("%q is not a size (%s)", v, want)
		}
		return b, ""
	case int64:
		return ByteSize(v), ""
	default:
		return 0, describe(v) + "; " + want
	}
}

// editDistance is the optimal string alignment distance between a and
// b: insertions, deletions, substitutions and swaps of two neighbours
// ("levle" is one from "level").
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// closeEnough is how far a misspelling may be from the key it means.
func closeEnough(key string) int {
	switch {
	case len(key) <= 4:
		return 1
	case len(key) <= 8:
		return 2
	default:
		return 3
	}
}
