package extract

import (
	"path"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// docLinkMinWords is the fewest words of a document's link read as the
// document's title; a shorter one is a button ("Open guide", "Download").
const docLinkMinWords = 3

// noteDocumentLink marks the line in the emitter's buffer as an item of
// the page's downloads when c is a link to a document (documentLink)
// titled in docLinkMinWords words or more, on a page whose downloads are
// kept (emitter.downloads); flush then keeps the line, however much of
// it is link text.
func (e *emitter) noteDocumentLink(c *html.Node) {
	if e.downloads && !e.inDoc && documentLink(c) && wordsUpTo(c, docLinkMinWords) >= docLinkMinWords {
		e.inDoc = true
	}
}

// documentLink reports whether n is a link (<a>) whose address, without
// its query and fragment, names a document file (documentExtension), and
// whose text does not name that file (namesFile).
//
// A line that is mostly link text is a menu or a list of teasers and is
// not emitted, but a line whose link leads to a document, titled in
// docLinkMinWords words or more, is an item of the page's list of
// downloads ("Allotment tenancy rules", "Course handbook (pdf)"): what
// the page offers, not a way to another of the site's pages, as menus
// and teaser lists are. The emitter keeps such a line, but on a product
// page, whose manuals and data sheets are the shop's (emitter.downloads).
func documentLink(n *html.Node) bool {
	if n.DataAtom != atom.A {
		return false
	}
	href := strings.TrimSpace(getAttr(n, "href"))
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	ext := path.Ext(href)
	return documentExtension(ext) && !namesFile(n, ext)
}

// documentExtension reports whether ext, a file name's ending with its
// dot, is that of a document (a report, a form, a sheet or a slide deck)
// rather than of a web page.
func documentExtension(ext string) bool {
	for _, d := range [...]string{".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt"} {
		if strings.EqualFold(ext, d) {
			return true
		}
	}
	return false
}

// namesFile reports whether the text of link n names the file it leads
// to, ending in ext ("minutes_2024-03.pdf (312 KB)"): a content system's
// list of attachments, which prints each file's name, where a writer
// gives a document its title.
func namesFile(n *html.Node, ext string) bool {
	return strings.Contains(strings.ToLower(textOf(n)), strings.ToLower(ext))
}
