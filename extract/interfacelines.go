package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Interface lines: the site's controls written out among the text. Two
// kinds are told by where their link leads, not by their words:
//
//   - a sign-in link standing alone on its line: a link whose whole line
//     is its text, signInMaxWords words or fewer, leading to the site's
//     sign-in page (a path segment or a query value "login", "log-in",
//     "signin", "sign-in", "logon"). A course, a forum or a magazine
//     repeats its account button inside the content ("Log in or join",
//     "Member sign-in"); the page it opens asks for a password, not for
//     reading. A sign-in link inside a sentence ("sign in to comment")
//     is the writer's and stays, and so does a sign-up link, the pitch
//     of a service page ("Start a free month"). So do lone sign-in links
//     of more than signInMaxLabels labels: each the action of one item
//     of a listing that asks a visitor to sign in first, labelled with
//     the item's count ("Save 41", "Save 97"), where the site's sign-in
//     button repeats one label.
//   - a call line: a line holding a telephone link (tel:) and no other
//     link, with callLineMaxWords words or fewer besides the number and
//     at least one, not ending a sentence ("Or ring us directly",
//     "Phone:"): the button of a quote box, not the story. A number
//     standing alone is a service page's contact and stays, and so does
//     a sentence that gives one.
//
// The lines are skipped by the emitter, for the story's block and for a
// page's content region alike. In the story's block a lone link goes
// anyway as a line of link text; the sign-in link matters where links
// are kept, in the region of a listing or a course outline.

// signInMaxWords is the most words of a lone sign-in link: a button's
// label.
const signInMaxWords = 6

// signInMaxLabels is the most labels of the lone sign-in links under
// one root that are the site's button (see interfaceLines).
const signInMaxLabels = 2

// callLineMaxWords is the most words of a call line besides its number:
// a button's label.
const callLineMaxWords = 6

// interfaceLines returns the sign-in links and call lines under root
// for the emitter to skip; nil when there is none.
func interfaceLines(root *html.Node) map[*html.Node]bool {
	var out map[*html.Node]bool
	add := func(n *html.Node) {
		if out == nil {
			out = make(map[*html.Node]bool)
		}
		out[n] = true
	}
	var signIns []*html.Node
	labels := make(map[string]bool)
	for _, a := range findAll(root, false, isHrefLink) {
		href := strings.TrimSpace(getAttr(a, "href"))
		switch {
		case len(href) > 4 && strings.EqualFold(href[:4], "tel:"):
			if line := lineOf(a, root); line != root && callLine(line, a) {
				add(line)
			}
		case signInAddress(href):
			if label, ok := loneLink(a, root); ok {
				signIns = append(signIns, a)
				labels[label] = true
			}
		}
	}
	if len(labels) <= signInMaxLabels {
		for _, a := range signIns {
			add(a)
		}
	}
	return out
}

// isHrefLink reports whether n is a link with an address.
func isHrefLink(n *html.Node) bool {
	return n.DataAtom == atom.A && getAttr(n, "href") != ""
}

// signInAddress reports whether href leads to a sign-in page: one of its
// path segments, or one of its query values, is "login", "log-in",
// "log_in", "signin", "sign-in", "sign_in" or "logon". The address is
// parsed only when it holds "log" or "sign".
func signInAddress(href string) bool {
	if !containsFold(href, "log") && !containsFold(href, "sign") {
		return false
	}
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if signInWord(seg) {
			return true
		}
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if signInWord(v) {
				return true
			}
		}
	}
	return false
}

// signInWord reports whether w names signing in.
func signInWord(w string) bool {
	switch strings.ToLower(w) {
	case "login", "log-in", "log_in", "signin", "sign-in", "sign_in", "logon":
		return true
	}
	return false
}

// loneLink returns the text of link a and reports whether it is its
// line's whole text, of one to signInMaxWords words.
func loneLink(a, root *html.Node) (string, bool) {
	if wordsUpTo(a, signInMaxWords+1) > signInMaxWords {
		return "", false
	}
	own := strings.TrimSpace(collapseSpace(textOf(a)))
	return own, own != "" && strings.TrimSpace(collapseSpace(textOf(lineOf(a, root)))) == own
}

// callLine reports whether line, holding the telephone link tel, is a
// call line: no other link but telephone ones, one to callLineMaxWords
// words besides the link's, and no sentence end.
func callLine(line, tel *html.Node) bool {
	if findFirstWhere(line, func(x *html.Node) bool {
		return x.DataAtom == atom.A && x != tel && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(getAttr(x, "href"))), "tel:")
	}) != nil {
		return false
	}
	rest := wordsUpTo(line, callLineMaxWords+wordsIn(tel)+1) - wordsIn(tel)
	if rest < 1 || rest > callLineMaxWords {
		return false
	}
	return !endsSentence(strings.TrimSpace(textOf(line)))
}
