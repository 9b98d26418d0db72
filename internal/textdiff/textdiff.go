package textdiff

import "strings"

// MaxCells bounds the word-pair table of one run of differing paragraphs.
const MaxCells = 1 << 21

// Op says what a Segment is.
type Op int

// Segment operations.
const (
	Equal  Op = iota // in both texts
	Delete           // only in the left (old) text
	Insert           // only in the right (new) text
)

// String returns "equal", "delete" or "insert".
func (o Op) String() string {
	switch o {
	case Delete:
		return "delete"
	case Insert:
		return "insert"
	}
	return "equal"
}

// Segment is a run of words with one Op, joined by single spaces.
type Segment struct {
	Op   Op
	Text string
}

// Paragraph is one paragraph of one side.
type Paragraph struct {
	Segments []Segment
}

// Result is the comparison of two texts.
type Result struct {
	Left, Right []Paragraph
	// Equal, Deleted and Inserted count words.
	Equal, Deleted, Inserted int
}

// Same reports whether the texts have the same words in the same order.
func (r Result) Same() bool { return r.Deleted == 0 && r.Inserted == 0 }

// Words compares left (the old text) with right (the new one).
func Words(left, right string) Result {
	lp, rp := paragraphs(left), paragraphs(right)
	var r Result
	lj, rj := joined(lp), joined(rp)
	pairs := lcs(len(lp), len(rp), func(i, j int) bool { return lj[i] == rj[j] })
	i, j := 0, 0
	for _, pr := range append(pairs, [2]int{len(lp), len(rp)}) {
		r.gap(lp[i:pr[0]], rp[j:pr[1]])
		if pr[0] < len(lp) {
			r.Left = append(r.Left, Paragraph{Segments: []Segment{{Op: Equal, Text: lj[pr[0]]}}})
			r.Right = append(r.Right, Paragraph{Segments: []Segment{{Op: Equal, Text: rj[pr[1]]}}})
			r.Equal += len(lp[pr[0]])
		}
		i, j = pr[0]+1, pr[1]+1
	}
	return r
}

// gap compares a run of left paragraphs with a run of right ones word by
// word, keeping each side's paragraph breaks.
func (r *Result) gap(lp, rp [][]string) {
	if len(lp) == 0 && len(rp) == 0 {
		return
	}
	// Flatten with a paragraph-break token, which never equals a word.
	const brk = "\x00"
	flat := func(ps [][]string) []string {
		var out []string
		for k, p := range ps {
			if k > 0 {
				out = append(out, brk)
			}
			out = append(out, p...)
		}
		return out
	}
	a, b := flat(lp), flat(rp)
	type tok struct {
		op   Op
		word string
	}
	var left, right []tok
	if len(a)*len(b) <= MaxCells {
		pairs := lcs(len(a), len(b), func(i, j int) bool { return a[i] == b[j] })
		i, j := 0, 0
		for _, pr := range append(pairs, [2]int{len(a), len(b)}) {
			for ; i < pr[0]; i++ {
				left = append(left, tok{Delete, a[i]})
			}
			for ; j < pr[1]; j++ {
				right = append(right, tok{Insert, b[j]})
			}
			if pr[0] < len(a) {
				left = append(left, tok{Equal, a[pr[0]]})
				right = append(right, tok{Equal, b[pr[1]]})
				if a[pr[0]] != brk {
					r.Equal++
				}
			}
			i, j = pr[0]+1, pr[1]+1
		}
	} else {
		for _, w := range a {
			left = append(left, tok{Delete, w})
		}
		for _, w := range b {
			right = append(right, tok{Insert, w})
		}
	}
	build := func(ts []tok) []Paragraph {
		var out []Paragraph
		cur := Paragraph{}
		var words []string
		op := Equal
		flush := func() {
			if len(words) > 0 {
				cur.Segments = append(cur.Segments, Segment{Op: op, Text: strings.Join(words, " ")})
				words = nil
			}
		}
		for _, t := range ts {
			if t.word == brk {
				flush()
				out = append(out, cur)
				cur = Paragraph{}
				continue
			}
			if t.op != op {
				flush()
				op = t.op
			}
			words = append(words, t.word)
			switch t.op {
			case Delete:
				r.Deleted++
			case Insert:
				r.Inserted++
			}
		}
		flush()
		if len(cur.Segments) > 0 || len(ts) > 0 {
			out = append(out, cur)
		}
		return out
	}
	if len(left) > 0 {
		r.Left = append(r.Left, build(left)...)
	}
	if len(right) > 0 {
		r.Right = append(r.Right, build(right)...)
	}
}

func joined(ps [][]string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Join(p, " ")
	}
	return out
}

// paragraphs splits text at blank lines into paragraphs of words; empty
// paragraphs are dropped.
func paragraphs(text string) [][]string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out [][]string
	for p := range strings.SplitSeq(text, "\n\n") {
		if w := strings.Fields(p); len(w) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// lcs returns the index pairs of a longest common subsequence of two
// sequences of lengths n and m, in order. Common prefix and suffix are
// matched directly; the rest uses a table of (n'+1)*(m'+1) int32.
func lcs(n, m int, eq func(i, j int) bool) [][2]int {
	var pre [][2]int
	lo := 0
	for lo < n && lo < m && eq(lo, lo) {
		pre = append(pre, [2]int{lo, lo})
		lo++
	}
	hn, hm := n, m
	var suf [][2]int
	for hn > lo && hm > lo && eq(hn-1, hm-1) {
		hn--
		hm--
		suf = append(suf, [2]int{hn, hm})
	}
	rn, rm := hn-lo, hm-lo
	if rn > 0 && rm > 0 {
		w := rm + 1
		t := make([]int32, (rn+1)*w)
		for i := rn - 1; i >= 0; i-- {
			for j := rm - 1; j >= 0; j-- {
				if eq(lo+i, lo+j) {
					t[i*w+j] = t[(i+1)*w+j+1] + 1
				} else {
					t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
				}
			}
		}
		for i, j := 0, 0; i < rn && j < rm; {
			switch {
			case eq(lo+i, lo+j):
				pre = append(pre, [2]int{lo + i, lo + j})
				i++
				j++
			case t[(i+1)*w+j] >= t[i*w+j+1]:
				i++
			default:
				j++
			}
		}
	}
	for k := len(suf) - 1; k >= 0; k-- {
		pre = append(pre, suf[k])
	}
	return pre
}
